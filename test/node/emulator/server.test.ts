// The emulator's Node host: three origins, CORS as a cross-origin API answers it, the control API,
// and bodies streamed to disk rather than held in memory.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {once} from 'node:events';
import {readdir, readFile} from 'node:fs/promises';
import {type IncomingMessage, request} from 'node:http';
import {request as httpsRequest} from 'node:https';
import {mkdtemp, rm} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {type EmulatorServer, startEmulatorServer} from '../../../src/emulator/node.ts';

let server: EmulatorServer;
let dataDir: string;

before(async () => {
  dataDir = await mkdtemp(join(tmpdir(), 'pan-emulator-test-'));
  server = await startEmulatorServer({dataDir, minPollIntervalMs: 0});
});
after(async () => {
  await server.close();
  await rm(dataDir, {recursive: true, force: true});
});

const page = 'http://127.0.0.1:5173';
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('origins', () => {
  it('listens on three loopback origins and writes plain-http servers by default', async () => {
    const origins = new Set([server.apiOrigin, server.uploadOrigin, server.storageOrigin]);
    assert.equal(origins.size, 3);
    for (const origin of origins) assert.match(origin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(server.emulator.options.apiOrigin, server.apiOrigin);
    assert.equal(server.emulator.options.serverScheme, 'http');
  });
});

describe('upload server over both schemes', () => {
  it('with tls, one port answers http and https; the log tells them apart and notes a token; create names serverHost', async () => {
    const fixtures = new URL('../../fixtures/tls/', import.meta.url);
    const [key, cert] = await Promise.all([readFile(new URL('upload.key', fixtures)), readFile(new URL('upload.crt', fixtures))]);
    const emu = await startEmulatorServer({tls: {key, cert}, serverScheme: 'http', serverHost: 'openapi-upload.123242.com', limits: 'none'});
    try {
      const port = Number(new URL(emu.uploadOrigin).port);
      const {accessToken} = emu.emulator.issueToken();
      const headers = {authorization: `Bearer ${accessToken}`, platform: 'open_platform'};
      const secure = await new Promise<number>((resolve, reject) => {
        const req = httpsRequest({host: '127.0.0.1', port, path: '/upload/v2/file/domain', ca: cert, servername: 'openapi-upload.123242.com', headers}, (res) => {
          res.resume();
          resolve(res.statusCode ?? 0);
        });
        req.once('error', reject).end();
      });
      // Answered by the emulator's route table over TLS (the domain endpoint lives on the API origin).
      assert.equal(secure, 404);
      const plain = await fetch(`${emu.uploadOrigin}/upload/v2/file/domain`);
      await plain.arrayBuffer();
      const log = emu.emulator.requests.map((r) => [new URL(r.url).protocol, r.token]);
      assert.deepEqual(log, [['https:', true], ['http:', false]]);
      const created = await fetch(`${emu.apiOrigin}/upload/v2/file/create`, {method: 'POST', headers: {...headers, 'content-type': 'application/json'}, body: JSON.stringify({parentFileID: 0, filename: 'a.bin', etag: '0123456789abcdef0123456789abcdef', size: 20 * 1024 * 1024})});
      assert.deepEqual((await created.json()).data.servers, ['http://openapi-upload.123242.com']);
    } finally {
      await emu.close();
    }
  });
});

describe('CORS', () => {
  after(() => server.emulator.configure({cors: 'none'}));
  const origins = () =>
    [
      ['api', server.apiOrigin, '/upload/v2/file/create', 'POST'],
      ['upload', server.uploadOrigin, '/upload/v2/file/slice', 'POST'],
      ['storage', server.storageOrigin, '/presigned/x/1', 'PUT'],
    ] as const;
  const preflight = (origin: string, path: string, method: string) =>
    fetch(`${origin}${path}`, {
      method: 'OPTIONS',
      headers: {Origin: page, 'Access-Control-Request-Method': method, 'Access-Control-Request-Headers': 'authorization,platform,content-type'},
    });

  // The three configurations that matter: all open, the API closed but storage open, everything closed.
  for (const cors of [
    {api: 'all', upload: 'all', storage: 'all'},
    {api: 'none', upload: 'none', storage: 'all'},
    {api: 'none', upload: 'none', storage: 'none'},
  ] as const) {
    it(`answers preflights only where open: ${JSON.stringify(cors)}`, async () => {
      server.emulator.configure({cors});
      for (const [name, origin, path, method] of origins()) {
        const res = await preflight(origin, path, method);
        if (cors[name] === 'all') {
          assert.equal(res.status, 204, name);
          assert.equal(res.headers.get('access-control-allow-origin'), page);
          const allowed = res.headers.get('access-control-allow-headers')!.toLowerCase();
          for (const h of ['authorization', 'platform', 'content-type']) assert.ok(allowed.includes(h), `${name} allows ${h}`);
          assert.ok(res.headers.get('access-control-allow-methods')!.includes(method));
        } else {
          assert.equal(res.status, 403, name);
          for (const [header] of res.headers) assert.ok(!header.startsWith('access-control-'), `${name} sent ${header}`);
        }
      }
      // An answer to a page: the CORS header only where open; a server (no Origin) is answered the same either way.
      const res = await fetch(`${server.apiOrigin}/upload/v2/file/domain`, {headers: {Origin: page}});
      assert.equal(res.headers.get('access-control-allow-origin'), cors.api === 'all' ? page : null);
      assert.equal(((await res.json()) as {code: number}).code, 401);
      const fromServer = await fetch(`${server.apiOrigin}/upload/v2/file/domain`);
      assert.equal(((await fromServer.json()) as {code: number}).code, 401);
    });
  }

  it('refuses browsers everywhere by default', async () => {
    const fresh = await startEmulatorServer();
    try {
      assert.deepEqual(fresh.emulator.options.cors, {api: 'none', upload: 'none', storage: 'none'});
      for (const [name, , path, method] of origins()) {
        const origin = {api: fresh.apiOrigin, upload: fresh.uploadOrigin, storage: fresh.storageOrigin}[name];
        assert.equal((await preflight(origin, path, method)).status, 403, name);
      }
    } finally {
      await fresh.close();
    }
  });
});

describe('control API', () => {
  it('configure, token, fault, clear-faults, files, requests, reset', async () => {
    const control = `${server.apiOrigin}/__emulator`;
    const post = (path: string, body?: unknown) =>
      fetch(`${control}${path}`, {method: 'POST', headers: {'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)});

    const configured = (await (await post('/configure', {sliceSize: 4096})).json()) as {options: {sliceSize: number}};
    assert.equal(configured.options.sliceSize, 4096);
    assert.equal(server.emulator.options.sliceSize, 4096);
    assert.equal((await post('/configure', {sliceSize: -1})).status, 400);

    const {accessToken} = (await (await post('/token')).json()) as {accessToken: string};
    const headers = {Authorization: `Bearer ${accessToken}`, Platform: 'open_platform', 'Content-Type': 'application/json'};
    assert.equal(((await (await fetch(`${server.apiOrigin}/upload/v2/file/domain`, {headers})).json()) as {code: number}).code, 0);

    await post('/fault', {path: '/upload/v2/file/domain', kind: 'code1'});
    assert.equal(((await (await fetch(`${server.apiOrigin}/upload/v2/file/domain`, {headers})).json()) as {code: number}).code, 1);
    await post('/clear-faults');
    assert.equal(((await (await fetch(`${server.apiOrigin}/upload/v2/file/domain`, {headers})).json()) as {code: number}).code, 0);
    assert.equal((await post('/fault', {path: '*', kind: 'nope'})).status, 400);

    const data = new TextEncoder().encode('hello');
    const etag = createHash('md5').update(data).digest('hex');
    const form = new FormData();
    form.append('file', new Blob([data]), 'hello.txt');
    for (const [k, v] of Object.entries({parentFileID: '0', filename: 'hello.txt', etag, size: '5'})) form.append(k, v);
    const single = await fetch(`${server.uploadOrigin}/upload/v2/file/single/create`, {method: 'POST', headers: {Authorization: headers.Authorization, Platform: 'open_platform'}, body: form});
    assert.equal(((await single.json()) as {code: number}).code, 0);

    const inspected = (await (await fetch(`${control}/files`)).json()) as {files: {name: string; md5: string}[]; folders: unknown[]};
    assert.deepEqual(inspected.files.map((f) => [f.name, f.md5]), [['hello.txt', etag]]);
    assert.deepEqual(inspected.folders, []);
    const {requests} = (await (await fetch(`${control}/requests`)).json()) as {requests: {path: string}[]};
    assert.ok(requests.some((r) => r.path === '/upload/v2/file/single/create'));
    assert.ok(!requests.some((r) => r.path.startsWith('/__emulator')), 'control calls are not logged as 123pan requests');

    await post('/reset');
    assert.deepEqual(((await (await fetch(`${control}/files`)).json()) as {files: unknown[]}).files, []);
    assert.equal((await fetch(`${control}/nothing`)).status, 404);
  });
});

describe('request log', () => {
  it('logs when each request ended, and marks one whose client went away during a stall as aborted, at once', async () => {
    server.emulator.reset();
    const headers = {Authorization: `Bearer ${server.emulator.issueToken().accessToken}`, Platform: 'open_platform'};
    await fetch(`${server.apiOrigin}/upload/v2/file/domain`, {headers});
    server.emulator.fault({path: '/upload/v2/file/domain', kind: 'slow', delayMs: 3000});
    const gone = new AbortController();
    const pending = fetch(`${server.apiOrigin}/upload/v2/file/domain`, {headers, signal: gone.signal}).catch(() => 'aborted');
    setTimeout(() => gone.abort(), 200);
    assert.equal(await pending, 'aborted');
    await sleep(300);
    const [answered, abandoned] = server.emulator.requests;
    assert.deepEqual([answered!.status, answered!.aborted, answered!.ended >= answered!.time], [200, false, true]);
    assert.deepEqual([abandoned!.status, abandoned!.aborted], [0, true]);
    assert.ok(abandoned!.ended - abandoned!.time < 1000, `logged ${abandoned!.ended - abandoned!.time} ms after it arrived, not when the stall would have ended`);
  });
});

describe('bytes on disk', () => {
  it('streams a 256 MiB single-step body to a file without holding it in memory', async () => {
    server.emulator.reset();
    server.emulator.configure({sliceSize: 16 * 1024 * 1024});
    const {accessToken} = server.emulator.issueToken();
    const size = 256 * 1024 * 1024;
    const chunk = new Uint8Array(1024 * 1024).map((_, i) => (i * 13) % 256);
    const hash = createHash('md5');
    for (let i = 0; i < size / chunk.length; i++) hash.update(chunk);
    const etag = hash.digest('hex');
    const boundary = 'emulatorboundary7d9';
    const head = new TextEncoder().encode(
      [
        ...Object.entries({parentFileID: '0', filename: 'big.bin', etag, size: String(size)}).flatMap(([k, v]) => [`--${boundary}`, `Content-Disposition: form-data; name="${k}"`, '', v]),
        `--${boundary}`,
        'Content-Disposition: form-data; name="file"; filename="big.bin"',
        'Content-Type: application/octet-stream',
        '',
        '',
      ].join('\r\n'),
    );
    const tail = new TextEncoder().encode(`\r\n--${boundary}--\r\n`);
    global.gc?.();
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 20);
    // node:http with backpressure: fetch() buffers a streamed request body on the client side.
    const url = new URL('/upload/v2/file/single/create', server.uploadOrigin);
    const res = await new Promise<IncomingMessage>((resolve, reject) => {
      const req = request(url, {
        method: 'POST',
        headers: {Authorization: `Bearer ${accessToken}`, Platform: 'open_platform', 'Content-Type': `multipart/form-data; boundary=${boundary}`},
      });
      req.on('response', resolve).on('error', reject);
      (async () => {
        req.write(head);
        for (let i = 0; i < size / chunk.length; i++) if (!req.write(chunk.slice())) await once(req, 'drain');
        req.end(tail);
      })().catch(reject);
    });
    const parts: Buffer[] = [];
    for await (const part of res) parts.push(part as Buffer);
    const json = JSON.parse(Buffer.concat(parts).toString()) as {code: number; message: string};
    clearInterval(sampler);
    assert.equal(json.code, 0, json.message);
    const [file] = server.emulator.files();
    assert.deepEqual([file.size, file.md5], [size, etag]);
    const growth = (peak - baseline) / 1024 / 1024;
    assert.ok(growth < 128, `RSS grew ${growth.toFixed(0)} MiB while 256 MiB streamed through`);
    const onDisk = await readdir(dataDir);
    assert.ok(onDisk.length >= 1, 'the bytes are in dataDir');
  });
});
