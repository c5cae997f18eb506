import assert from 'node:assert/strict';
import {after, before, describe, it} from 'node:test';
import {createHash, randomBytes} from 'node:crypto';
import {createServer, type Server} from 'node:http';
import {once} from 'node:events';
import {startEmulatorServer, type EmulatorServer} from '../../src/emulator/node.ts';
import {createProxy, createTokenBroker} from '../../src/server/index.ts';

const MiB = 1 << 20;
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
type Envelope<T = any> = {code: number; message: string; data: T; 'x-traceID': string};

describe('proxy against the emulator', () => {
  let pan: EmulatorServer;
  let site: Server;
  let origin: string;
  let folderID: number;

  // Kept like a browser keeps it: the proxy names the visitor whose uploads' links it may read.
  let cookie = '';
  const call = async (path: string, init: {method?: string; json?: unknown} = {}): Promise<Envelope> => {
    const res = await fetch(`${origin}/pan-api${path}`, {
      method: init.method ?? (init.json === undefined ? 'GET' : 'POST'),
      headers: {'content-type': 'application/json', platform: 'open_platform', cookie},
      body: init.json === undefined ? undefined : JSON.stringify(init.json),
    });
    cookie = res.headers.get('set-cookie')?.split(';')[0] ?? cookie;
    return (await res.json()) as Envelope;
  };

  before(async () => {
    pan = await startEmulatorServer({sliceSize: MiB, ossSliceSize: MiB});
    // A folder to pin uploads to, made directly with a token the test holds.
    const {accessToken} = pan.emulator.issueToken();
    const mkdir = await fetch(`${pan.apiOrigin}/upload/v1/file/mkdir`, {
      method: 'POST',
      headers: {authorization: `Bearer ${accessToken}`, platform: 'open_platform', 'content-type': 'application/json'},
      body: JSON.stringify({name: 'uploads', parentID: 0}),
    });
    folderID = ((await mkdir.json()) as Envelope).data.dirID;
    // Tokens are expired below moments after they were minted: no minimum age, or the broker keeps them.
    const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: pan.apiOrigin, minTokenAgeMs: 0});
    const proxy = createProxy({broker, apiBase: pan.apiOrigin, prefix: '/pan-api', pinParentID: {drive: folderID, image: ''}});
    site = createServer(proxy.handle);
    site.listen(0, '127.0.0.1');
    await once(site, 'listening');
    origin = `http://127.0.0.1:${(site.address() as {port: number}).port}`;
  });
  after(async () => {
    site.close();
    site.closeAllConnections();
    await pan.close();
  });

  it('drive v2 sliced upload through the proxy lands in the pinned folder', async () => {
    const file = randomBytes(2 * MiB + 12345);
    const create = await call('/upload/v2/file/create', {json: {parentFileID: folderID, filename: 'v2.bin', etag: md5(file), size: file.length, duplicate: 1}});
    assert.equal(create.code, 0, create.message);
    assert.ok(create.data.servers[0].startsWith('/pan-api/__upload/'));
    const server = new URL(create.data.servers[0], origin).href;
    const {preuploadID, sliceSize} = create.data as {preuploadID: string; sliceSize: number};
    // Expire every token mid-upload: the proxy renews on its own; a streamed slice is asked for again once.
    pan.emulator.expireTokens();
    for (let sliceNo = 1, offset = 0; offset < file.length; sliceNo++, offset += sliceSize) {
      const slice = file.subarray(offset, offset + sliceSize);
      const send = async () => {
        const form = new FormData();
        form.append('preuploadID', preuploadID);
        form.append('sliceNo', String(sliceNo));
        form.append('sliceMD5', md5(slice));
        form.append('slice', new Blob([slice]), `v2.bin.part${sliceNo}`);
        const res = await fetch(`${server}/upload/v2/file/slice`, {method: 'POST', body: form});
        return {status: res.status, body: (await res.json()) as Envelope};
      };
      let answer = await send();
      if (sliceNo === 1) {
        assert.equal(answer.status, 503, 'the first slice after expiry is asked for again');
        assert.equal(answer.body.code, 1);
        answer = await send();
      }
      assert.equal(answer.body.code, 0, answer.body.message);
    }
    const complete = await call('/upload/v2/file/upload_complete', {json: {preuploadID}});
    assert.equal(complete.code, 0, complete.message);
    assert.equal(complete.data.completed, true);
    const stored = pan.emulator.files().find((f) => f.fileID === complete.data.fileID)!;
    assert.equal(stored.md5, md5(file));
    assert.equal(stored.parentID, folderID);
    const link = await call(`/api/v1/file/download_info?fileId=${complete.data.fileID}`);
    assert.equal(link.code, 0, link.message);
    const download = await fetch(link.data.downloadUrl);
    assert.equal(md5(new Uint8Array(await download.arrayBuffer())), md5(file));
  });

  it('drive v1: API calls through the proxy, bytes straight to presigned storage', async () => {
    const file = randomBytes(MiB + 999);
    const create = await call('/upload/v1/file/create', {json: {parentFileID: folderID, filename: 'v1.bin', etag: md5(file), size: file.length, duplicate: 1}});
    assert.equal(create.code, 0, create.message);
    const {preuploadID, sliceSize} = create.data as {preuploadID: string; sliceSize: number};
    for (let sliceNo = 1, offset = 0; offset < file.length; sliceNo++, offset += sliceSize) {
      const url = await call('/upload/v1/file/get_upload_url', {json: {preuploadID, sliceNo}});
      assert.equal(url.code, 0, url.message);
      assert.ok(url.data.presignedURL.startsWith(pan.storageOrigin), 'presigned URLs are not proxied');
      const put = await fetch(url.data.presignedURL, {method: 'PUT', body: file.subarray(offset, offset + sliceSize)});
      assert.equal(put.status, 200);
    }
    assert.equal((await call('/upload/v1/file/list_upload_parts', {json: {preuploadID}})).code, 0);
    let result = await call('/upload/v1/file/upload_complete', {json: {preuploadID}});
    assert.equal(result.code, 0, result.message);
    while (!result.data.completed) {
      await new Promise((resolve) => setTimeout(resolve, 1050));
      result = await call('/upload/v1/file/upload_async_result', {json: {preuploadID}});
      assert.equal(result.code, 0, result.message);
    }
    assert.equal(pan.emulator.files().find((f) => f.fileID === result.data.fileID)?.md5, md5(file));
  });

  it('image host through the proxy, then its detail', async () => {
    const png = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(5000)]);
    const create = await call('/upload/v1/oss/file/create', {json: {parentFileID: '', filename: 'pic.png', etag: md5(png), size: png.length, type: 1}});
    assert.equal(create.code, 0, create.message);
    const {preuploadID} = create.data;
    const url = await call('/upload/v1/oss/file/get_upload_url', {json: {preuploadID, sliceNo: 1}});
    assert.equal((await fetch(url.data.presignedURL, {method: 'PUT', body: png})).status, 200);
    let result = await call('/upload/v1/oss/file/upload_complete', {json: {preuploadID}});
    while (!result.data.completed) {
      await new Promise((resolve) => setTimeout(resolve, 1050));
      result = await call('/upload/v1/oss/file/upload_async_result', {json: {preuploadID}});
      assert.equal(result.code, 0, result.message);
    }
    const detail = await call(`/api/v1/oss/file/detail?fileID=${encodeURIComponent(result.data.fileID)}`);
    assert.equal(detail.code, 0, detail.message);
    assert.ok(detail.data.downloadURL);
  });

  it('single-step upload: pinned folder accepted, another folder refused before the emulator stores anything', async () => {
    const domain = await call('/upload/v2/file/domain');
    assert.equal(domain.code, 0, domain.message);
    const file = randomBytes(300_000);
    const send = (parentFileID: number) => {
      const form = new FormData();
      form.append('parentFileID', String(parentFileID));
      form.append('filename', `single-${parentFileID}.bin`);
      form.append('etag', md5(file));
      form.append('size', String(file.length));
      form.append('duplicate', '1');
      form.append('file', new Blob([file]), 'single.bin');
      return fetch(`${new URL(domain.data[0], origin).href}/upload/v2/file/single/create`, {method: 'POST', body: form});
    };
    const before = pan.emulator.files().length;
    const refused = await send(0);
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as Envelope).message, /only uploads into drive folder/);
    assert.equal(pan.emulator.files().length, before);
    const ok = (await (await send(folderID)).json()) as Envelope;
    assert.equal(ok.code, 0, ok.message);
    assert.equal(pan.emulator.files().find((f) => f.fileID === ok.data.fileID)?.parentID, folderID);
  });

  it('management calls are refused, and the emulator never sees them', async () => {
    const seen = pan.emulator.requests.length;
    const list = await fetch(`${origin}/pan-api/api/v1/oss/file/list`, {method: 'POST', body: JSON.stringify({limit: 100, type: 1})});
    assert.equal(list.status, 403);
    const mkdir = await fetch(`${origin}/pan-api/upload/v1/file/mkdir`, {method: 'POST', body: JSON.stringify({name: 'x', parentID: 0})});
    assert.equal(mkdir.status, 403);
    assert.equal(pan.emulator.requests.length, seen);
  });
});
