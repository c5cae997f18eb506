import assert from 'node:assert/strict';
import {createServer, type Server} from 'node:http';
import {after, before, describe, it} from 'node:test';
import {URL_IMPORT_ENDPOINTS} from '../../../src/server/index.ts';
import {closeServer, listen, rawRequest, useAttackBench, type Envelope} from './fixture.ts';
import {multipartBody, multipartType, validParts} from './multipart-form.ts';

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

describe('attacks: the suspected ones', () => {
  const bench = useAttackBench();
  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    rawRequest(`${bench.origin}/pan-api${path}`, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: typeof body === 'string' ? body : JSON.stringify(body)});
  const createBody = (extra: Record<string, unknown> = {}) => ({parentFileID: bench.pinned, filename: `s-${Math.random()}.bin`, etag: EMPTY_MD5, size: 0, duplicate: 1, ...extra});

  it('drops the query of a POST endpoint (?parentFileID=…)', async () => {
    const res = await post(`/upload/v2/file/create?parentFileID=${bench.elsewhere}`, createBody());
    assert.equal(res.json().code, 0, res.text);
    const [sent] = bench.sent('/upload/v2/file/create');
    assert.equal(new URL(sent!.url).search, '');
    assert.equal(new URL(bench.upstream('/upload/v2/file/create')[0]!.url).search, '');
  });

  it('sends application/json whatever a non-page client calls its JSON body', async () => {
    const res = await post('/upload/v2/file/create', createBody(), {'content-type': 'application/x-www-form-urlencoded'});
    assert.equal(res.json().code, 0, res.text);
    assert.equal(bench.sent('/upload/v2/file/create')[0]!.headers.get('content-type'), 'application/json');
  });

  it('forwards only the keys an endpoint takes', async () => {
    const res = await post('/upload/v2/file/create', createBody({note: 'x', nested: {parentFileID: bench.elsewhere}}));
    assert.equal(res.json().code, 0, res.text);
    assert.deepEqual(Object.keys(JSON.parse(bench.sent('/upload/v2/file/create')[0]!.body!)).sort(), ['duplicate', 'etag', 'filename', 'parentFileID', 'size']);
  });

  it('refuses non-ASCII keys a Go decoder folds onto a pinned one (busineſsDirID, callBacKUrl with a Kelvin sign)', async () => {
    bench.remount({allow: URL_IMPORT_ENDPOINTS, pinParentID: {image: 'pinned-image-folder'}});
    const task = {url: 'https://images.example.com/a.png', fileName: 'a.png', businessDirID: 'pinned-image-folder', type: 1};
    for (const sneaky of [{...task, 'busineſsDirID': 'elsewhere'}, {...task, 'callBac\u212AUrl': 'https://evil.example/hook'}, {...task, 'ｂusinessDirID': 'elsewhere'}]) {
      const res = await post('/api/v1/oss/offline/download', sneaky);
      assert.equal(res.status, 403, res.text);
      assert.match(res.json().message, /is not plain ASCII/);
    }
    assert.deepEqual(bench.sent(), []);
    assert.deepEqual(bench.upstream(), []);
  });

  it('binds "uploaded, therefore readable" to the visitor who uploaded', async () => {
    const url = await bench.singleCreateURL();
    const upload = await fetch(url, {method: 'POST', headers: {'content-type': multipartType()}, body: multipartBody(validParts(bench.pinned, 'mine.txt'))});
    const fileID = ((await upload.json()) as Envelope).data.fileID as number;
    const cookie = upload.headers.get('set-cookie')!;
    assert.match(cookie, /HttpOnly; SameSite=Strict/);
    const read = (headers: Record<string, string>) => rawRequest(`${bench.origin}/pan-api/api/v1/file/download_info?fileId=${fileID}`, {headers});
    const before = bench.upstream('/api/v1/file/download_info').length;
    assert.equal((await read({})).status, 403, 'another visitor, without the cookie');
    assert.equal((await read({cookie: 'pan-uploader-visitor=00000000000000000000000000000000'})).status, 403, 'another visitor\'s cookie');
    assert.equal(bench.upstream('/api/v1/file/download_info').length, before, 'refused reads reached the upstream');
    const mine = await read({cookie: cookie.split(';')[0]!});
    assert.equal(mine.json().code, 0, mine.text);
  });

  it('two uploads answered at once to a page holding no cookie yet: both stay readable by that page', async () => {
    const url = await bench.singleCreateURL();
    const send = (name: string) => fetch(url, {method: 'POST', headers: {'content-type': multipartType()}, body: multipartBody(validParts(bench.pinned, name))});
    const answers = await Promise.all([send('first.txt'), send('second.txt')]);
    const fileIDs = await Promise.all(answers.map(async (a) => ((await a.json()) as Envelope).data.fileID as number));
    // What a browser then holds: each Set-Cookie in the order the answers came, a later one replacing an earlier of the same name.
    const jar = new Map<string, string>();
    for (const a of answers) for (const set of a.headers.getSetCookie()) jar.set(set.split('=')[0]!, set.split(';')[0]!);
    const cookie = [...jar.values()].join('; ');
    for (const fileID of fileIDs) {
      const res = await rawRequest(`${bench.origin}/pan-api/api/v1/file/download_info?fileId=${fileID}`, {headers: {cookie}});
      assert.equal(res.json().code, 0, `fileID ${fileID} with "${cookie}": ${res.text}`);
    }
    const other = await rawRequest(`${bench.origin}/pan-api/api/v1/file/download_info?fileId=${fileIDs[0]}`, {headers: {cookie: `pan-uploader-visitor-${'0'.repeat(32)}=1`}});
    assert.equal(other.status, 403, 'another visitor\'s cookie');
  });

  it('binds it to the name authorize gives, when it gives one', async () => {
    let user = 'alice';
    bench.remount({authorize: () => user});
    const created = await post('/upload/v2/file/create', createBody());
    const fileID = created.json().data.fileID as number;
    assert.ok(fileID, created.text);
    const read = () => rawRequest(`${bench.origin}/pan-api/api/v1/file/download_info?fileId=${fileID}`);
    assert.equal((await read()).json().code, 0);
    user = 'mallory';
    assert.equal((await read()).status, 403);
  });

  describe('an upstream that accepts and never answers', () => {
    let silent: Server;
    let silentOrigin: string;
    before(async () => {
      silent = createServer(() => undefined);
      silentOrigin = await listen(silent);
    });
    after(() => closeServer(silent));

    it('is given up on after the idle time: 504, the visitor is not kept waiting', async () => {
      bench.remount({apiBase: silentOrigin, upstreamTimeouts: {idleMs: 300}, fetch: undefined});
      const started = Date.now();
      const res = await post('/upload/v2/file/create', createBody());
      assert.equal(res.status, 504, res.text);
      assert.ok(Date.now() - started < 5_000);
    });
  });

  it('the emulator\'s control API answers pages only from allowed origins', async () => {
    const control = `${bench.pan.apiOrigin}/__emulator`;
    const files = bench.pan.emulator.files().length;
    const reset = await rawRequest(`${control}/reset`, {method: 'POST', headers: {origin: 'https://evil.example', 'content-type': 'text/plain'}, body: '{}'});
    assert.equal(reset.status, 403);
    assert.equal(reset.headers['access-control-allow-origin'], undefined);
    assert.equal(bench.pan.emulator.files().length, files, 'the store was reset');
    const preflight = await rawRequest(`${control}/token`, {method: 'OPTIONS', headers: {origin: 'https://evil.example', 'access-control-request-method': 'POST'}});
    assert.notEqual(preflight.headers['access-control-allow-origin'], '*');
    assert.notEqual(preflight.headers['access-control-allow-origin'], 'https://evil.example');
    const own = await rawRequest(`${control}/options`, {headers: {origin: bench.pan.apiOrigin}});
    assert.equal(own.status, 200);
    assert.equal(own.headers['access-control-allow-origin'], bench.pan.apiOrigin);
    assert.equal((await rawRequest(`${control}/options`)).status, 200, 'tools without an Origin still use it');
  });
});
