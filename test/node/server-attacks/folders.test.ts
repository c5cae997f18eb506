// A folder upload through the proxy: drive mkdir and files into the folders it made, inside the pinned
// folder at any depth and nowhere else, whatever the body says and whichever instance made the folder.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {type Envelope, md5, rawRequest, useAttackBench} from './fixture.ts';

describe('attacks: drive folders through the proxy', () => {
  const bench = useAttackBench();

  const post = async (path: string, body: unknown) => {
    const res = await fetch(`${bench.origin}/pan-api${path}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: typeof body === 'string' ? body : JSON.stringify(body)});
    return {status: res.status, body: (await res.json()) as Envelope};
  };
  /** A folder made straight on 123pan (another client of the account), not through the proxy. */
  const mkdirDirect = async (name: string, parentID: number) => {
    const {accessToken} = bench.pan.emulator.issueToken();
    const res = await fetch(`${bench.pan.apiOrigin}/upload/v1/file/mkdir`, {
      method: 'POST',
      headers: {authorization: `Bearer ${accessToken}`, platform: 'open_platform', 'content-type': 'application/json'},
      body: JSON.stringify({name, parentID}),
    });
    const body = (await res.json()) as Envelope<{dirID: number}>;
    assert.equal(body.code, 0, body.message);
    return body.data.dirID;
  };
  const folders = () => bench.pan.emulator.folders();

  it('makes folders in the pinned folder and in folders it made there, without asking 123pan where they are', async () => {
    const a = await post('/upload/v1/file/mkdir', {name: 'album', parentID: bench.pinned});
    assert.equal(a.body.code, 0, a.body.message);
    const b = await post('/upload/v1/file/mkdir', {name: '2024', parentID: a.body.data.dirID});
    assert.equal(b.body.code, 0, b.body.message);
    const made = folders().find((f) => f.id === b.body.data.dirID);
    assert.equal(made?.parentID, a.body.data.dirID);
    // Both were known from the mkdir answers.
    assert.deepEqual(bench.sent('/api/v1/file/detail'), []);
  });

  it('refuses mkdir outside the pinned folder, at any depth, before mkdir is sent', async () => {
    const outsideChild = await mkdirDirect(`outside-${Date.now()}`, bench.elsewhere);
    const before = folders().length;
    const mkdirs = bench.upstream('/upload/v1/file/mkdir').length;
    for (const parentID of [bench.elsewhere, outsideChild, 0, String(bench.elsewhere), -1, 1.5, null]) {
      const res = await post('/upload/v1/file/mkdir', {name: 'x', parentID});
      assert.ok(res.status === 403 || res.status === 400, `parentID ${JSON.stringify(parentID)}: HTTP ${res.status}`);
    }
    assert.equal(folders().length, before);
    assert.deepEqual(bench.forwarded(), []);
    assert.equal(bench.upstream('/upload/v1/file/mkdir').length, mkdirs);
  });

  it('refuses crafted mkdir bodies: a second parentID, another spelling of it, a look-alike key', async () => {
    const before = folders().length;
    const crafted = [
      `{"name":"x","parentID":${bench.pinned},"parentID":${bench.elsewhere}}`,
      `{"name":"x","parentID":${bench.pinned},"parentId":${bench.elsewhere}}`,
      `{"name":"x","parentID":${bench.pinned},"PARENTID":${bench.elsewhere}}`,
      `{"name":"x","parentID":${bench.elsewhere},"parentID":${bench.pinned},"parentİD":${bench.elsewhere}}`,
      `[{"name":"x","parentID":${bench.pinned}}]`,
    ];
    for (const body of crafted) {
      const res = await post('/upload/v1/file/mkdir', body);
      const folder = folders().find((f) => f.name === 'x' && f.parentID === bench.elsewhere);
      assert.equal(folder, undefined, body);
      if (res.status === 200) {
        // Only a body whose every reading names the pinned folder may pass (the duplicate key read last-wins by both).
        assert.equal(folders().filter((f) => f.name === 'x').every((f) => f.parentID === bench.pinned), true, body);
      }
    }
    assert.ok(folders().length - before <= 1);
    assert.equal(bench.upstream('/upload/v1/file/mkdir').length <= 1, true);
  });

  it('another instance (no memory of the mkdir) accepts the folder after asking 123pan, and its files land there', async () => {
    const album = await mkdirDirect(`album-${Date.now()}`, bench.pinned);
    const deep = await mkdirDirect('deep', album);
    bench.remount();
    const body = 'into a folder';
    const create = await post('/upload/v2/file/create', {parentFileID: deep, filename: 'a.txt', etag: md5(body), size: body.length, duplicate: 1});
    assert.equal(create.body.code, 0, create.body.message);
    // deep, then album: its parent is the pin. Learnt once: a second file asks nothing.
    assert.equal(bench.sent('/api/v1/file/detail').length, 2);
    const form = new FormData();
    for (const [k, v] of Object.entries({parentFileID: String(deep), filename: 'b.txt', etag: md5(body), size: String(body.length), duplicate: '1'})) form.append(k, v);
    form.append('file', new Blob([body]), 'b.txt');
    const single = (await (await fetch(await bench.singleCreateURL(), {method: 'POST', body: form})).json()) as Envelope;
    assert.equal(single.code, 0, single.message);
    assert.equal(bench.stored().find((f) => f.fileID === single.data.fileID)?.parentID, deep);
    const list = await fetch(`${bench.origin}/pan-api/api/v2/file/list?parentFileId=${deep}&limit=100&searchData=b`);
    assert.equal(((await list.json()) as Envelope).code, 0);
    assert.deepEqual(bench.sent('/api/v1/file/detail'), []);
  });

  it('refuses a file ID and folders outside the pin for create, single-step and the listing; nothing stored', async () => {
    const outside = await mkdirDirect(`out-${Date.now()}`, bench.elsewhere);
    const body = 'stray';
    // A file inside the pinned folder: its ID is no folder to upload into.
    const form0 = new FormData();
    for (const [k, v] of Object.entries({parentFileID: String(bench.pinned), filename: `f-${Date.now()}.txt`, etag: md5(body), size: String(body.length), duplicate: '1'})) form0.append(k, v);
    form0.append('file', new Blob([body]), 'f.txt');
    const fileID = ((await (await fetch(await bench.singleCreateURL(), {method: 'POST', body: form0})).json()) as Envelope).data.fileID as number;
    bench.remount();
    const mark = bench.stored().length;
    for (const parent of [outside, fileID, bench.elsewhere]) {
      const create = await post('/upload/v2/file/create', {parentFileID: parent, filename: 'a.txt', etag: md5(body), size: body.length, duplicate: 1});
      assert.equal(create.status, 403, `create into ${parent}: ${create.body.message}`);
      assert.match(create.body.message, /only uploads into drive folder .* and the folders inside it/);
      const form = new FormData();
      for (const [k, v] of Object.entries({parentFileID: String(parent), filename: 'a.txt', etag: md5(body), size: String(body.length), duplicate: '1'})) form.append(k, v);
      form.append('file', new Blob([body]), 'a.txt');
      const single = await fetch(await bench.singleCreateURL(), {method: 'POST', body: form});
      assert.equal(single.status, 403, `single-step into ${parent}`);
      const list = await fetch(`${bench.origin}/pan-api/api/v2/file/list?parentFileId=${parent}&limit=100&searchData=a`);
      assert.equal(list.status, 403, `list of ${parent}`);
      assert.deepEqual(bench.forwarded(), [], `into ${parent}: only detail lookups went upstream`);
    }
    assert.equal(bench.stored().length, mark);
  });

  it('a multipart body naming an outside folder is refused before a byte of the file is forwarded', async () => {
    const outside = await mkdirDirect(`mp-${Date.now()}`, bench.elsewhere);
    const url = await bench.singleCreateURL();
    const boundary = 'b0undary';
    const part = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
    const file = 'x'.repeat(5000);
    const raw =
      part('parentFileID', String(outside)) + part('filename', 'mp.txt') + part('etag', md5(file)) + part('size', String(file.length)) +
      `--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="mp.txt"\r\n\r\n${file}\r\n--${boundary}--\r\n`;
    const res = await rawRequest(url, {method: 'POST', headers: {'content-type': `multipart/form-data; boundary=${boundary}`}, body: raw});
    assert.equal(res.status, 403);
    assert.deepEqual(bench.forwarded(), []);
    assert.deepEqual(bench.stored(), []);
  });
});
