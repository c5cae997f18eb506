/**
 * The flows on their own, for answers the emulator does not give by itself: each case scripts
 * 123pan's reply with an msw handler and checks what the flow sends and decides.
 */
import {expect} from 'chai';
import {http, HttpResponse} from 'msw';
import {setupWorker} from 'msw/browser';
import {PanClient} from '../../../src/api/index.ts';
import {createProtocols, UploadError} from '../../../src/protocols/index.ts';
import type {FileInfo, ProtocolDeps} from '../../../src/protocols/index.ts';

const API = 'https://open-api.123pan.com';
const ok = (data: unknown) => HttpResponse.json({code: 0, message: 'ok', data, 'x-traceID': 'trace-ok'});
const worker = setupWorker();
let bodies: {path: string; body: unknown}[] = [];

function protocols(patch: Partial<ProtocolDeps> = {}) {
  const client = new PanClient({tokenProvider: async () => 'secret-token', retryDelays: [10, 20]});
  return createProtocols({client, completeTimeoutMs: 3000, pollIntervalMs: 1000, driveLink: 'download_info', ...patch});
}

const info: FileInfo = {filename: '/a/b/c.txt', containDir: true, parentID: 7, etag: 'd41d8cd98f00b204e9800998ecf8427e', size: 0, duplicate: 1};
const signal = new AbortController().signal;

describe('upload protocols', function () {
  this.timeout(15_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    worker.resetHandlers();
    bodies = [];
  });

  it('v2 create sends duplicate, containDir and a numeric parentFileID; reuse with fileID 0 is not done', async () => {
    worker.use(
      http.post(`${API}/upload/v2/file/create`, async ({request}) => {
        bodies.push({path: 'create', body: await request.json()});
        return ok({reuse: true, fileID: 0, preuploadID: 'pre-1', sliceSize: 1024, servers: ['http://upload.example']});
      }),
    );
    const result = await protocols().v2.create(new Blob([]), info, {signal});
    expect(bodies[0].body).to.deep.equal({parentFileID: 7, filename: '/a/b/c.txt', etag: info.etag, size: 0, duplicate: 1, containDir: true});
    expect(result.kind).to.equal('session');
    if (result.kind === 'session') expect(result.session).to.include({preuploadID: 'pre-1', sliceSize: 1024, flow: 'v2'});
  });

  it('reuse with a real fileID ends at once', async () => {
    worker.use(http.post(`${API}/upload/v2/file/create`, () => ok({reuse: true, fileID: 42, sliceSize: 1024, servers: []})));
    expect(await protocols().v2.create(new Blob([]), {...info, duplicate: 2}, {signal})).to.deep.equal({kind: 'done', fileID: 42, reused: true});
  });

  it('an unusable sliceSize is refused with a clear error', async () => {
    worker.use(http.post(`${API}/upload/v1/file/create`, () => ok({reuse: false, preuploadID: 'p', sliceSize: 0})));
    const error = await protocols().v1.create(new Blob([]), info, {signal}).then(
      () => null,
      (e) => e,
    );
    expect(error).to.be.instanceOf(UploadError);
    expect(error.message).to.match(/sliceSize/);
  });

  it('v1 completion: async answer, then upload_async_result polled ≥ 1 s apart', async () => {
    const times: number[] = [];
    let polls = 0;
    worker.use(
      http.post(`${API}/upload/v1/file/upload_complete`, () => ok({async: true, completed: false, fileID: 0})),
      http.post(`${API}/upload/v1/file/upload_async_result`, () => {
        times.push(performance.now());
        return ++polls < 2 ? ok({completed: false, fileID: 0}) : ok({completed: true, fileID: 99});
      }),
    );
    const fileID = await protocols().v1.complete({flow: 'v1', preuploadID: 'p', sliceSize: 1024}, {signal});
    expect(fileID).to.equal(99);
    expect(times).to.have.length(2);
    expect(times[1] - times[0]).to.be.at.least(1000);
  });

  it('list_upload_parts: partNumber as a string, empty list as null', async () => {
    worker.use(http.post(`${API}/upload/v1/file/list_upload_parts`, () => ok({parts: [{partNumber: '2', size: 10, etag: 'ABC'}]})));
    const parts = await protocols().v1.listParts({flow: 'v1', preuploadID: 'p', sliceSize: 10}, {signal});
    expect([...parts!]).to.deep.equal([[2, 'abc']]);
    worker.use(http.post(`${API}/upload/v1/file/list_upload_parts`, () => ok({parts: null})));
    expect((await protocols().v1.listParts({flow: 'v1', preuploadID: 'p', sliceSize: 10}, {signal}))!.size).to.equal(0);
  });

  it('a download link refused is no failure: downloadURLError says why', async () => {
    worker.use(http.get(`${API}/api/v1/file/download_info`, () => HttpResponse.json({code: 5066, message: 'file does not exist', data: null, 'x-traceID': 't'})));
    const link = await protocols().v2.resolveURL(5, {signal});
    expect(link.downloadURL).to.equal(undefined);
    expect(link.downloadURLError).to.match(/download_info.*file does not exist.*5066/);
  });

  it('direct-link mode asks direct-link/url', async () => {
    worker.use(
      http.get(`${API}/api/v1/direct-link/url`, ({request}) => {
        expect(new URL(request.url).searchParams.get('fileID')).to.equal('5');
        return ok({url: 'https://vip.123pan.cn/1/a.txt'});
      }),
    );
    expect(await protocols({driveLink: 'direct-link'}).single.resolveURL(5, {signal})).to.deep.equal({downloadURL: 'https://vip.123pan.cn/1/a.txt'});
  });

  it('image host create sends parentFileID as a string and type 1; detail gives both links', async () => {
    worker.use(
      http.post(`${API}/upload/v1/oss/file/create`, async ({request}) => {
        bodies.push({path: 'create', body: await request.json()});
        return ok({reuse: true, fileID: 'img-1', sliceSize: 1024});
      }),
      http.get(`${API}/api/v1/oss/file/detail`, () => ok({downloadURL: 'https://img.example/a.png', userSelfURL: 'https://me.example/a.png'})),
    );
    const p = protocols().image;
    expect(await p.create(new Blob([]), {...info, filename: 'a.png', containDir: false, parentID: ''}, {signal})).to.deep.equal({kind: 'done', fileID: 'img-1', reused: true});
    expect(bodies[0].body).to.deep.equal({parentFileID: '', filename: 'a.png', etag: info.etag, size: 0, type: 1});
    expect(await p.resolveURL('img-1', {signal})).to.deep.equal({downloadURL: 'https://img.example/a.png', userSelfURL: 'https://me.example/a.png'});
  });

  it('single-step sends the whole file as multipart with every field', async () => {
    let domainCalls = 0;
    worker.use(
      http.get(`${API}/upload/v2/file/domain`, () => {
        domainCalls++;
        return ok(['https://upload.example']);
      }),
      http.post('https://upload.example/upload/v2/file/single/create', async ({request}) => {
        const form = await request.formData();
        const file = form.get('file') as File;
        bodies.push({path: 'single', body: {...Object.fromEntries([...form].filter(([k]) => k !== 'file')), file: await file.text()}});
        return ok({fileID: 77, completed: true});
      }),
    );
    const p = protocols().single;
    const body = new Blob(['hello']);
    const done = await p.create(body, {...info, size: 5}, {signal});
    await p.create(body, {...info, size: 5}, {signal});
    expect(done).to.deep.equal({kind: 'done', fileID: 77, reused: false});
    expect(bodies[0].body).to.deep.equal({parentFileID: '7', filename: '/a/b/c.txt', etag: info.etag, size: '5', duplicate: '1', containDir: 'true', file: 'hello'});
    expect(domainCalls).to.equal(1);
  });
});
