// The emulator inside the page through msw's service worker: the same handlers the Node host runs,
// answering cross-origin fetches to 123pan's default origins, bytes held in memory.
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {createEmulator, EmulatorCode} from '../../../src/emulator/index.ts';
import {xorshiftBytes} from '../../support/bytes.ts';

// The mechanics under test here, not 123pan's QPS limits (which test/node/emulator covers).
const emulator = createEmulator({sliceSize: 64 * 1024, ossSliceSize: 128 * 1024, minPollIntervalMs: 0, limits: 'none', cors: 'all'});
const worker = setupWorker(...emulator.handlers);
const API = emulator.options.apiOrigin;

const md5 = (data: Uint8Array) => SparkMD5.ArrayBuffer.hash(data.slice().buffer as ArrayBuffer);
const bytes = (length: number, seed: number) => xorshiftBytes(length, seed);

let token = '';
const headers = (json = true): Record<string, string> => ({
  Authorization: `Bearer ${token}`,
  Platform: 'open_platform',
  ...(json ? {'Content-Type': 'application/json'} : {}),
});

async function post(path: string, body: unknown) {
  const res = await fetch(`${API}${path}`, {method: 'POST', headers: headers(), body: JSON.stringify(body)});
  return res.json();
}

describe('emulator in the browser (msw)', () => {
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    emulator.reset();
    token = emulator.issueToken().accessToken;
  });

  it('runs a v2 sliced upload and holds exactly the bytes', async () => {
    const data = bytes(150 * 1024, 3);
    const etag = md5(data);
    const created = await post('/upload/v2/file/create', {parentFileID: 0, filename: 'page.bin', etag, size: data.length});
    expect(created.code).to.equal(0);
    expect(created.data.reuse).to.equal(false);
    const {preuploadID, sliceSize, servers} = created.data;
    expect(servers).to.deep.equal(['https://openapi-upload.123pan.com']);
    for (let sliceNo = 1, at = 0; at < data.length; sliceNo++, at += sliceSize) {
      const slice = data.subarray(at, at + sliceSize);
      const form = new FormData();
      form.append('preuploadID', preuploadID);
      form.append('sliceNo', String(sliceNo));
      form.append('sliceMD5', md5(slice));
      form.append('slice', new Blob([slice.slice()]), 'page.bin');
      const answer = await (await fetch(`${servers[0]}/upload/v2/file/slice`, {method: 'POST', headers: headers(false), body: form})).json();
      expect(answer.code, answer.message).to.equal(0);
    }
    const done = await post('/upload/v2/file/upload_complete', {preuploadID});
    expect(done.data.completed).to.equal(true);
    const files = emulator.files();
    expect(files.map((f) => [f.fileID, f.name, f.size, f.md5])).to.deep.equal([[done.data.fileID, 'page.bin', data.length, etag]]);
    const again = await post('/upload/v2/file/create', {parentFileID: 0, filename: 'page.bin', etag, size: data.length});
    expect([again.data.reuse, again.data.fileID]).to.deep.equal([true, done.data.fileID]);
  });

  it('refuses a wrong sliceMD5 and a wrong-sized slice', async () => {
    const data = bytes(100 * 1024, 5);
    const created = await post('/upload/v2/file/create', {parentFileID: 0, filename: 'x.bin', etag: md5(data), size: data.length});
    const send = async (slice: Uint8Array, sliceMD5: string) => {
      const form = new FormData();
      form.append('preuploadID', created.data.preuploadID);
      form.append('sliceNo', '1');
      form.append('sliceMD5', sliceMD5);
      form.append('slice', new Blob([slice.slice()]));
      return (await fetch(`${created.data.servers[0]}/upload/v2/file/slice`, {method: 'POST', headers: headers(false), body: form})).json();
    };
    const first = data.subarray(0, 64 * 1024);
    expect((await send(first, md5(data))).code).to.equal(EmulatorCode.MD5_MISMATCH);
    expect((await send(first.subarray(1), md5(first.subarray(1)))).code).to.equal(EmulatorCode.BAD_PARAM);
    expect((await send(first, md5(first))).code).to.equal(0);
  });

  it('runs an image-host upload through a presigned PUT, refusing one that carries Authorization', async () => {
    const data = bytes(10 * 1024, 9);
    const created = await post('/upload/v1/oss/file/create', {parentFileID: '', filename: 'pic.png', etag: md5(data), size: data.length, type: 1});
    const {data: url} = await post('/upload/v1/oss/file/get_upload_url', {preuploadID: created.data.preuploadID, sliceNo: 1});
    const refused = await fetch(url.presignedURL, {method: 'PUT', body: data.slice(), headers: {Authorization: `Bearer ${token}`}});
    expect(refused.status).to.equal(403);
    const put = await fetch(url.presignedURL, {method: 'PUT', body: data.slice()});
    expect(put.status).to.equal(200);
    const done = await post('/upload/v1/oss/file/upload_complete', {preuploadID: created.data.preuploadID});
    expect(done.data).to.deep.equal({async: false, completed: true, fileID: emulator.files()[0].fileID});
    const detail = await (await fetch(`${API}/api/v1/oss/file/detail?fileID=${done.data.fileID}`, {headers: headers()})).json();
    const served = new Uint8Array(await (await fetch(detail.data.downloadURL)).arrayBuffer());
    expect(md5(served)).to.equal(md5(data));
  });

  it('injected faults reach the page: a dropped connection rejects fetch, 429 comes back as HTTP 429', async () => {
    emulator.fault({path: '/upload/v2/file/domain', kind: 'drop', times: 1});
    let error: unknown;
    try {
      await fetch(`${API}/upload/v2/file/domain`, {headers: headers()});
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(TypeError);
    emulator.fault({path: '/upload/v2/file/domain', kind: '429', times: 1});
    const limited = await fetch(`${API}/upload/v2/file/domain`, {headers: headers()});
    expect([limited.status, (await limited.json()).code]).to.deep.equal([429, 429]);
    const fine = await (await fetch(`${API}/upload/v2/file/domain`, {headers: headers()})).json();
    expect(fine.data).to.deep.equal(['https://openapi-upload.123pan.com']);
    expect(emulator.requests.map((r) => r.status)).to.deep.equal([0, 429, 200]);
  });

  it('refuses a request without a token with code 401', async () => {
    const answer = await (await fetch(`${API}/upload/v2/file/domain`, {headers: {Platform: 'open_platform'}})).json();
    expect(answer.code).to.equal(401);
    expect(answer.data).to.equal(null);
  });
});
