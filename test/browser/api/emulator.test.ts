import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {PanApiError, PanClient, type PanClientOptions} from '../../../src/api/index.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import {xorshiftBytes} from '../../support/bytes.ts';

const SLICE = 256 * 1024;
const emulator = createEmulator({sliceSize: SLICE, cors: 'all'});
const worker = setupWorker(...emulator.handlers);

const bytesOf = (size: number, seed: number) => xorshiftBytes(size, seed);
const md5 = (bytes: Uint8Array) => SparkMD5.ArrayBuffer.hash(bytes.slice().buffer);

/** The protocol's steps made by hand, so only the client is under test: create, slices in parallel, complete. */
async function uploadV2(client: PanClient, name: string, bytes: Uint8Array<ArrayBuffer>, onCreated?: () => void): Promise<number> {
  const etag = md5(bytes);
  const created = await client.call<{reuse: boolean; fileID: number; preuploadID: string; sliceSize: number; servers: string[]}>('/upload/v2/file/create', {
    json: {parentFileID: 0, filename: name, etag, size: bytes.length, duplicate: 1},
  });
  expect(created.reuse).to.equal(false);
  onCreated?.();
  const count = Math.ceil(bytes.length / created.sliceSize);
  await Promise.all(
    Array.from({length: count}, (_, i) => {
      const slice = bytes.subarray(i * created.sliceSize, (i + 1) * created.sliceSize);
      return client.postForm(created.servers[0]!, '/upload/v2/file/slice', () => {
        const form = new FormData();
        form.append('preuploadID', created.preuploadID);
        form.append('sliceNo', String(i + 1));
        form.append('sliceMD5', md5(slice));
        form.append('slice', new Blob([slice]), `${name}.part${i + 1}`);
        return form;
      }, {});
    }),
  );
  const done = await client.call<{completed: boolean; fileID: number}>('/upload/v2/file/upload_complete', {json: {preuploadID: created.preuploadID}});
  expect(done.completed).to.equal(true);
  return done.fileID;
}

describe('PanClient against the emulator', () => {
  before(() => worker.start({quiet: true, onUnhandledRequest: 'error'}));
  after(() => worker.stop());
  beforeEach(() => emulator.reset());

  const client = (options: PanClientOptions = {}) => new PanClient({retryDelays: [20, 40, 80], ...options});

  it('uploads a v2 sliced file; tokens expiring after create cost ONE hook call for all slices in flight', async () => {
    const forced: boolean[] = [];
    const tokenProvider = async ({forceRefresh}: {forceRefresh: boolean}) => {
      forced.push(forceRefresh);
      return emulator.issueToken();
    };
    const bytes = bytesOf(5 * SLICE + 1234, 1);
    const fileID = await uploadV2(client({tokenProvider}), 'report.bin', bytes, () => emulator.expireTokens());
    expect(forced).to.deep.equal([false, true]);
    const [file] = emulator.files();
    expect(file).to.include({fileID, name: 'report.bin', size: bytes.length, md5: md5(bytes)});
    const slices = emulator.requests.filter((r) => r.path === '/upload/v2/file/slice');
    expect(slices.filter((r) => r.code === 401).length).to.equal(6);
    expect(slices.filter((r) => r.code === 0).length).to.equal(6);
  });

  it('retries dropped, 500 and code-1 slices and still stores exactly the right bytes', async () => {
    const token = emulator.issueToken();
    emulator.fault({path: '/upload/v2/file/slice', kind: 'drop', times: 2});
    emulator.fault({path: '/upload/v2/file/slice', kind: 'http500', times: 1});
    emulator.fault({path: '/upload/v2/file/slice', kind: 'code1', times: 1});
    const bytes = bytesOf(3 * SLICE, 2);
    await uploadV2(client({tokenProvider: async () => token}), 'flaky.bin', bytes);
    expect(emulator.files().map((f) => f.md5)).to.deep.equal([md5(bytes)]);
  });

  it('keeps under the emulator QPS with matching limits, and survives its 429s without them', async () => {
    const token = emulator.issueToken();
    emulator.configure({qps: {'/upload/v2/file/create': 4}});
    const create = (c: PanClient, n: number) =>
      c.call('/upload/v2/file/create', {json: {parentFileID: 0, filename: `f${n}.bin`, etag: md5(bytesOf(10, n)), size: 10}});

    const polite = client({tokenProvider: async () => token, rateLimits: {'/upload/v2/file/create': 4}});
    await Promise.all([1, 2, 3, 4, 5, 6].map((n) => create(polite, n)));
    expect(emulator.requests.filter((r) => r.code === 429).length).to.equal(0);

    emulator.reset();
    emulator.configure({qps: {'/upload/v2/file/create': 4}});
    const token2 = emulator.issueToken();
    const eager = client({tokenProvider: async () => token2, rateLimits: {'/upload/v2/file/create': Infinity}, retryDelays: [300, 600, 1200, 2400]});
    await Promise.all([1, 2, 3, 4, 5, 6, 7, 8, 9, 10].map((n) => create(eager, n + 10)));
    const answered = emulator.requests.filter((r) => r.path === '/upload/v2/file/create');
    expect(answered.filter((r) => r.code === 429).length).to.be.above(0);
    expect(answered.filter((r) => r.code === 0).length).to.equal(10);
  });

  it('PUTs v1 slices to presigned URLs, which the emulator refuses if they carry auth headers', async () => {
    const token = emulator.issueToken();
    const c = client({tokenProvider: async () => token});
    const bytes = bytesOf(2 * SLICE + 7, 3);
    const created = await c.call<{preuploadID: string; sliceSize: number}>('/upload/v1/file/create', {
      json: {parentFileID: 0, filename: 'v1.bin', etag: md5(bytes), size: bytes.length, duplicate: 1},
    });
    for (let sliceNo = 1; sliceNo <= 3; sliceNo++) {
      const {presignedURL} = await c.call<{presignedURL: string}>('/upload/v1/file/get_upload_url', {json: {preuploadID: created.preuploadID, sliceNo}});
      await c.putPresigned(presignedURL, new Blob([bytes.subarray((sliceNo - 1) * SLICE, sliceNo * SLICE)]), {});
    }
    const done = await c.call<{completed: boolean; fileID: number}>('/upload/v1/file/upload_complete', {json: {preuploadID: created.preuploadID}});
    expect(done.completed).to.equal(true);
    expect(emulator.files()[0]).to.include({fileID: done.fileID, md5: md5(bytes)});
  });

  it('surfaces a final emulator refusal with its code and traceID', async () => {
    const token = emulator.issueToken();
    const error = await client({tokenProvider: async () => token})
      .call('/upload/v2/file/create', {json: {parentFileID: 0, filename: 'bad:name.txt', etag: md5(bytesOf(1, 1)), size: 1}})
      .then(() => undefined, (e: unknown) => e);
    expect(error).to.be.instanceOf(PanApiError);
    const e = error as PanApiError;
    expect(e.retryable).to.equal(false);
    expect(e.code).to.be.a('number').and.not.equal(0);
    expect(e.endpoint).to.equal('/upload/v2/file/create');
    expect(emulator.requests).to.have.length(1);
  });
});
