import assert from 'node:assert/strict';
import {after, before, beforeEach, describe, it} from 'node:test';
import {createHash} from 'node:crypto';
import {createServer, type IncomingMessage, type Server} from 'node:http';
import {once} from 'node:events';
import {createProxy, createTokenBroker, type PanProxy} from '../../src/server/index.ts';

interface Seen {
  host: 'api' | 'upload';
  method: string;
  path: string;
  search: string;
  authorization?: string;
  cookie?: string;
  platform?: string;
  bytes: number;
  md5: string;
  text: string;
}

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as {port: number}).port}`;
}

/** A small 123pan stand-in: API on one port, an upload server on another. */
async function startFakePan() {
  const seen: Seen[] = [];
  const cut: {path: string; tail: string}[] = [];
  const valid = new Set<string>();
  let minted = 0;
  let uploadOrigin = '';
  const envelope = (data: unknown, code = 0, message = 'ok') => JSON.stringify({code, message, data, 'x-traceID': `up-${seen.length}`});

  const handler = (host: 'api' | 'upload') => async (req: IncomingMessage, res: import('node:http').ServerResponse) => {
    const url = new URL(req.url!, 'http://x');
    const hash = createHash('md5');
    const chunks: Buffer[] = [];
    let bytes = 0;
    let tail = Buffer.alloc(0);
    try {
      for await (const chunk of req as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        hash.update(chunk);
        if (bytes <= 1 << 20) chunks.push(chunk);
        tail = Buffer.concat([tail, chunk]).subarray(-256);
      }
    } catch {
      cut.push({path: req.url!, tail: tail.toString('latin1')});
      return; // the proxy cut the body short: nothing to answer
    }
    const text = Buffer.concat(chunks).toString('utf8');
    seen.push({host, method: req.method!, path: url.pathname, search: url.search, authorization: req.headers.authorization, cookie: req.headers.cookie, platform: req.headers.platform as string, bytes, md5: hash.digest('hex'), text});
    res.setHeader('content-type', 'application/json');
    const route = `${req.method} ${url.pathname}`;
    if (route === 'POST /api/v1/access_token') {
      const token = `tok-${++minted}`;
      valid.add(token);
      return res.end(envelope({accessToken: token, expiredAt: new Date(Date.now() + 86400_000).toISOString()}));
    }
    if (!valid.has((req.headers.authorization ?? '').replace(/^Bearer /, ''))) return res.end(envelope(null, 401, 'access_token invalid'));
    if (host === 'upload') {
      if (route === 'POST /upload/v2/file/slice') return res.end(envelope(null));
      if (route === 'POST /upload/v2/file/single/create') return res.end(envelope({fileID: 5151, completed: true}));
      res.statusCode = 404;
      return res.end(envelope(null, 404, 'no such upload endpoint'));
    }
    switch (route) {
      case 'POST /upload/v2/file/create':
        return res.end(envelope({fileID: 0, reuse: false, preuploadID: 'pre-1', sliceSize: 1024, servers: [uploadOrigin, 'upload.bare-host.123pan.com']}));
      case 'POST /upload/v2/file/upload_complete':
        return res.end(envelope({completed: true, fileID: 4242}));
      case 'GET /upload/v2/file/domain':
        return res.end(envelope([uploadOrigin]));
      case 'GET /api/v1/file/download_info':
        return res.end(envelope({downloadUrl: `https://download.example/${url.searchParams.get('fileId')}`}));
      default:
        return res.end(envelope({echo: route}));
    }
  };
  const api = createServer(handler('api'));
  const upload = createServer(handler('upload'));
  const apiOrigin = await listen(api);
  uploadOrigin = await listen(upload);
  return {
    apiOrigin,
    uploadOrigin,
    seen,
    cut,
    get minted() {
      return minted;
    },
    expireTokens: () => valid.clear(),
    close: () => {
      api.close();
      upload.close();
      api.closeAllConnections();
      upload.closeAllConnections();
    },
  };
}

type Envelope<T = any> = {code: number; message: string; data: T; 'x-traceID': string};

describe('proxy', () => {
  let pan: Awaited<ReturnType<typeof startFakePan>>;
  let proxy: PanProxy;
  let site: Server;
  let origin: string;
  const authorized = {value: true};

  const makeProxy = (extra: Partial<Parameters<typeof createProxy>[0]> = {}) =>
    createProxy({
      broker: createTokenBroker({clientID: 'c', clientSecret: 's', apiBase: pan.apiOrigin, minTokenAgeMs: 0}),
      apiBase: pan.apiOrigin,
      prefix: '/pan-api',
      // A name, so the links of what a test uploads are readable without carrying the proxy's cookie.
      authorize: () => (authorized.value ? 'editor' : false),
      ...extra,
    });

  const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
    fetch(`${origin}${path}`, {method: 'POST', headers: {'content-type': 'application/json', ...headers}, body: JSON.stringify(body)});

  const forwarded = (path: string) => pan.seen.filter((s) => s.path === path);
  /** Upload addresses come back as paths on the proxy's own site. */
  const abs = (server: string) => new URL(server, origin).href;

  before(async () => {
    pan = await startFakePan();
    site = createServer((req, res) => proxy.handle(req, res));
    origin = await listen(site);
  });
  after(() => {
    site.close();
    site.closeAllConnections();
    pan.close();
  });
  beforeEach(() => {
    proxy = makeProxy();
    pan.seen.length = 0;
    authorized.value = true;
  });

  it('refuses endpoints off the allow-list with 403 in the envelope, forwarding nothing', async () => {
    for (const [method, path] of [
      ['POST', '/api/v1/oss/file/delete'],
      ['POST', '/api/v1/oss/file/move'],
      ['POST', '/api/v1/oss/file/list'],
      ['POST', '/api/v1/file/trash'],
      ['GET', '/upload/v2/file/create'],
      ['POST', '/upload/v2/file/slice'],
      ['POST', '/api/v1/access_token'],
    ] as const) {
      const res = await fetch(`${origin}/pan-api${path}`, {method, ...(method === 'POST' ? {body: '{}'} : {})});
      assert.equal(res.status, 403, `${method} ${path}`);
      const body = (await res.json()) as Envelope;
      assert.equal(body.code, 403);
      assert.equal(body.data, null);
      assert.match(body.message, /pan-uploader proxy/);
      assert.ok(body['x-traceID']);
    }
    assert.deepEqual(pan.seen, []);
  });

  it('adds the token and Platform, and drops the browser\'s Authorization and cookies', async () => {
    const res = await post('/pan-api/upload/v2/file/upload_complete', {preuploadID: 'pre-1'}, {authorization: 'Bearer from-browser', cookie: 'session=secret'});
    assert.equal(((await res.json()) as Envelope).data.fileID, 4242);
    const [call] = forwarded('/upload/v2/file/upload_complete');
    assert.equal(call!.authorization, `Bearer tok-${pan.minted}`);
    assert.equal(call!.platform, 'open_platform');
    assert.equal(call!.cookie, undefined);
    assert.deepEqual(JSON.parse(call!.text), {preuploadID: 'pre-1'});
  });

  it('runs a v2 upload: servers rewritten to same-origin tickets, slices reach the upload server', async () => {
    const create = (await (await post('/pan-api/upload/v2/file/create', {parentFileID: 0, filename: 'a.bin', etag: 'x', size: 2048, duplicate: 1})).json()) as Envelope;
    assert.equal(create.code, 0);
    assert.equal(create.data.servers.length, 2);
    for (const server of create.data.servers as string[]) assert.ok(server.startsWith('/pan-api/__upload/'), server);
    assert.ok(!JSON.stringify(create).includes(pan.uploadOrigin), 'the real upload server is not revealed');

    const slice = Buffer.alloc(1024, 7);
    const form = new FormData();
    form.append('preuploadID', 'pre-1');
    form.append('sliceNo', '1');
    form.append('sliceMD5', createHash('md5').update(slice).digest('hex'));
    form.append('slice', new Blob([slice]), 'a.bin.part1');
    const res = await fetch(`${abs(create.data.servers[0])}/upload/v2/file/slice`, {method: 'POST', body: form});
    assert.equal(((await res.json()) as Envelope).code, 0);
    const [sent] = forwarded('/upload/v2/file/slice');
    assert.equal(sent!.host, 'upload');
    assert.equal(sent!.authorization, `Bearer tok-${pan.minted}`);
    assert.ok(sent!.text.includes('name="sliceNo"') && sent!.bytes > 1024);

    const complete = (await (await post('/pan-api/upload/v2/file/upload_complete', {preuploadID: 'pre-1'})).json()) as Envelope;
    assert.equal(complete.data.fileID, 4242);
    const link = (await (await fetch(`${origin}/pan-api/api/v1/file/download_info?fileId=4242`)).json()) as Envelope;
    assert.equal(link.data.downloadUrl, 'https://download.example/4242');
  });

  it('reads links only of files uploaded through it (unless readableFileIDs is "any")', async () => {
    const res = await fetch(`${origin}/pan-api/api/v1/file/download_info?fileId=31337`);
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as Envelope).message, /fileId="31337" was not uploaded through this proxy/);
    assert.equal(forwarded('/api/v1/file/download_info').length, 0);
    // Upload one, then try to smuggle another id beside it.
    await post('/pan-api/upload/v2/file/upload_complete', {preuploadID: 'pre-1'});
    for (const query of ['fileId=4242&fileId=31337', 'fileId=4242&FILEID=31337', 'fileid=4242']) {
      const smuggled = await fetch(`${origin}/pan-api/api/v1/file/download_info?${query}`);
      assert.ok(smuggled.status === 400 || smuggled.status === 403, query);
      assert.match(((await smuggled.json()) as Envelope).message, /give fileId exactly once|another spelling/);
    }
    assert.equal((await fetch(`${origin}/pan-api/api/v1/file/download_info?fileId=4242&extra=1`)).status, 200);
    assert.equal(forwarded('/api/v1/file/download_info').at(-1)!.search, '?fileId=4242', 'only the checked id goes upstream');
    proxy = makeProxy({readableFileIDs: 'any'});
    assert.equal((await fetch(`${origin}/pan-api/api/v1/file/download_info?fileId=31337`)).status, 200);
  });

  it('forwards only to upload servers it handed out', async () => {
    const evil = Buffer.from('http://169.254.169.254').toString('base64url');
    const forged = await fetch(`${origin}/pan-api/__upload/${evil}.AAAA/upload/v2/file/slice`, {method: 'POST', body: 'x'});
    assert.equal(forged.status, 403);
    assert.match(((await forged.json()) as Envelope).message, /not handed out by this proxy/);
    // A ticket of another proxy instance (another key) is refused too.
    const other = makeProxy({ticketSecret: 'another-key-of-at-least-32-bytes!'});
    const domain = (await (await other.fetch(new Request('https://site.test/pan-api/upload/v2/file/domain'))).json()) as Envelope;
    const ticketPath = domain.data[0] as string;
    assert.equal((await fetch(`${origin}${ticketPath}/upload/v2/file/slice`, {method: 'POST', body: 'x'})).status, 403);
    // A genuine ticket still only reaches upload-server endpoints.
    const mine = (await (await fetch(`${origin}/pan-api/upload/v2/file/domain`)).json()) as Envelope;
    assert.equal((await fetch(`${abs(mine.data[0])}/upload/v2/file/create`, {method: 'POST', body: '{}'})).status, 403);
    assert.equal(forwarded('/upload/v2/file/slice').length + forwarded('/upload/v2/file/create').length, 0);
  });

  it('rewrites the single-step domain and normalises scheme-less servers', async () => {
    const domain = (await (await fetch(`${origin}/pan-api/upload/v2/file/domain`)).json()) as Envelope;
    assert.equal(domain.data.length, 1);
    assert.ok(domain.data[0].startsWith('/pan-api/__upload/'));
    const create = (await (await post('/pan-api/upload/v2/file/create', {parentFileID: 0})).json()) as Envelope;
    const bare = (create.data.servers[1] as string).split('/')[3]!.split('.')[0]!;
    assert.equal(Buffer.from(bare, 'base64url').toString().split('\n')[0], 'https://upload.bare-host.123pan.com');
  });

  it('pins the destination folder in JSON bodies (drive and image host)', async () => {
    proxy = makeProxy({pinParentID: {drive: 12, image: 'img-folder'}});
    const wrong = await post('/pan-api/upload/v2/file/create', {parentFileID: 0, filename: 'a'});
    assert.equal(wrong.status, 403);
    assert.match(((await wrong.json()) as Envelope).message, /parentFileID 0: this server only uploads into drive folder 12/);
    const missing = await post('/pan-api/upload/v1/file/create', {filename: 'a'});
    assert.match(((await missing.json()) as Envelope).message, /parentFileID is missing/);
    const image = await post('/pan-api/upload/v1/oss/file/create', {parentFileID: '', filename: 'a.png', type: 1});
    assert.equal(image.status, 403);
    assert.equal(forwarded('/upload/v2/file/create').length + forwarded('/upload/v1/file/create').length + forwarded('/upload/v1/oss/file/create').length, 0);
    // Duplicate keys cannot smuggle another folder past the check: upstream gets what was checked.
    const sneaky = await fetch(`${origin}/pan-api/upload/v2/file/create`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"parentFileID": 0, "filename": "a", "parentFileID": 12}'});
    assert.equal(sneaky.status, 200);
    assert.deepEqual(JSON.parse(forwarded('/upload/v2/file/create')[0]!.text), {parentFileID: 12, filename: 'a'});
    assert.equal((await post('/pan-api/upload/v1/oss/file/create', {parentFileID: 'img-folder', filename: 'a.png', type: 1})).status, 200);
    // Nor can another spelling of the key, which a case-insensitive decoder upstream would honour.
    const spelled = await post('/pan-api/upload/v2/file/create', {parentFileID: 12, PARENTFILEID: 0, filename: 'a'});
    assert.equal(spelled.status, 403);
    assert.match(((await spelled.json()) as Envelope).message, /"PARENTFILEID" is another spelling of parentFileID/);
  });

  it('pins the folder of single-step uploads while the multipart body streams', async () => {
    proxy = makeProxy({pinParentID: {drive: 12}});
    const domain = (await (await fetch(`${origin}/pan-api/upload/v2/file/domain`)).json()) as Envelope;
    const target = `${abs(domain.data[0])}/upload/v2/file/single/create`;
    const boundary = '----pan-test-boundary';
    const part = (name: string, value: string | Buffer, filename?: string) =>
      Buffer.concat([
        Buffer.from(`--${boundary}\r\nContent-Disposition: form-data; name="${name}"${filename ? `; filename="${filename}"` : ''}\r\n${filename ? 'Content-Type: application/octet-stream\r\n' : ''}\r\n`),
        Buffer.from(value),
        Buffer.from('\r\n'),
      ]);
    const file = Buffer.alloc(3 << 20, 1); // larger than any chunk, so the check spans many chunks
    const body = (parentFileID?: string, fileFirst = true) => {
      const fields = [part('filename', 'a.bin'), part('etag', createHash('md5').update(file).digest('hex')), part('size', String(file.length))];
      if (parentFileID !== undefined) fields.push(part('parentFileID', parentFileID));
      const filePart = part('file', file, 'a.bin');
      return Buffer.concat([...(fileFirst ? [filePart, ...fields] : [...fields, filePart]), Buffer.from(`--${boundary}--\r\n`)]);
    };
    const send = (buf: Buffer) => fetch(target, {method: 'POST', headers: {'content-type': `multipart/form-data; boundary=${boundary}`}, body: new Uint8Array(buf)});

    const good = body('12', false);
    const ok = await send(good);
    assert.equal(ok.status, 200);
    assert.equal(((await ok.json()) as Envelope).data.fileID, 5151);
    const [arrived] = forwarded('/upload/v2/file/single/create');
    assert.equal(arrived!.md5, createHash('md5').update(good).digest('hex'), 'a body written as browsers write it arrives byte for byte');

    pan.seen.length = 0;
    for (const [bad, why] of [
      [body('0', false), /parentFileID "0": this server only uploads into drive folder 12/],
      [body('3', true), /parentFileID is missing: it must come before the file part/],
      [body(undefined, false), /field parentFileID is missing/],
      [Buffer.concat([part('parentfileid', '0'), body('12', false)]), /field "parentfileid" is another spelling of parentFileID/],
    ] as const) {
      const res = await send(bad);
      assert.equal(res.status, 403);
      assert.match(((await res.json()) as Envelope).message, why);
    }
    await new Promise((resolve) => setTimeout(resolve, 300)); // let the upload server see its cut connections
    // Whatever reached the upload server was cut short: never a complete body it could accept.
    for (const s of forwarded('/upload/v2/file/single/create')) assert.fail(`a refused single-step upload was answered upstream (${s.bytes} bytes)`);
    // Nor did its closing boundary arrive, which a streaming parser upstream could act on.
    for (const c of pan.cut) assert.ok(!c.tail.includes(`--${boundary}--`), 'the closing boundary was held back');
  });

  it('re-mints after a 401 and replays JSON calls once', async () => {
    await post('/pan-api/upload/v2/file/upload_complete', {preuploadID: 'pre-1'});
    const before = pan.minted;
    pan.expireTokens();
    const results = await Promise.all(Array.from({length: 5}, () => post('/pan-api/upload/v2/file/upload_complete', {preuploadID: 'pre-1'}).then((r) => r.json() as Promise<Envelope>)));
    assert.ok(results.every((r) => r.code === 0 && r.data.fileID === 4242));
    assert.equal(pan.minted, before + 1, 'one mint for all five');
  });

  it('after a 401 on a streamed slice: fresh token ready, the browser is told to send again (503, code 1)', async () => {
    const domain = (await (await post('/pan-api/upload/v2/file/create', {parentFileID: 0})).json()) as Envelope;
    pan.expireTokens();
    const form = () => {
      const f = new FormData();
      f.append('preuploadID', 'pre-1');
      f.append('sliceNo', '1');
      f.append('slice', new Blob([Buffer.alloc(4096)]), 'p');
      return f;
    };
    const first = await fetch(`${abs(domain.data.servers[0])}/upload/v2/file/slice`, {method: 'POST', body: form()});
    assert.equal(first.status, 503);
    const body = (await first.json()) as Envelope;
    assert.equal(body.code, 1);
    assert.match(body.message, /send again/);
    const again = await fetch(`${abs(domain.data.servers[0])}/upload/v2/file/slice`, {method: 'POST', body: form()});
    assert.equal(((await again.json()) as Envelope).code, 0);
  });

  it('forwards management endpoints only when allowed; drive mkdir (folder uploads) by default, pinned', async () => {
    assert.equal((await fetch(`${origin}/pan-api/api/v1/user/info`)).status, 403);
    proxy = makeProxy({allow: ['GET /api/v1/user/info'], pinParentID: {drive: 12}});
    assert.equal((await post('/pan-api/upload/v1/file/mkdir', {name: 'x', parentID: 12})).status, 200);
    const outside = await post('/pan-api/upload/v1/file/mkdir', {name: 'x', parentID: 3});
    assert.equal(outside.status, 403);
    assert.equal((await fetch(`${origin}/pan-api/api/v1/user/info`)).status, 200);
    assert.equal(forwarded('/upload/v1/file/mkdir').length, 1);
    assert.throws(() => makeProxy({allow: ['delete everything']}), /allow entry "delete everything" must look like/);
  });

  it('authorize refusing: 403, nothing forwarded, no token minted', async () => {
    authorized.value = false;
    const minted = pan.minted;
    const res = await post('/pan-api/upload/v2/file/create', {parentFileID: 0});
    assert.equal(res.status, 403);
    assert.match(((await res.json()) as Envelope).message, /not authorized/);
    assert.deepEqual(pan.seen, []);
    assert.equal(pan.minted, minted);
  });

  it('works mounted under Express/Connect (stripped req.url) and calls next outside the prefix', async () => {
    const mounted = createServer((req, res) => {
      (req as IncomingMessage & {originalUrl?: string}).originalUrl = req.url;
      const next = () => {
        res.statusCode = 418;
        res.end('next');
      };
      if (req.url!.startsWith('/pan-api')) req.url = req.url!.slice('/pan-api'.length) || '/';
      proxy.handle(req, res, next);
    });
    const base = await listen(mounted);
    try {
      const res = await fetch(`${base}/pan-api/upload/v2/file/upload_complete`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"preuploadID":"p"}'});
      assert.equal(((await res.json()) as Envelope).data.fileID, 4242);
      assert.equal((await fetch(`${base}/index.html`)).status, 418);
    } finally {
      mounted.close();
    }
    // Mounted after a JSON body parser, which has read the stream already.
    const parsedFirst = createServer(async (req, res) => {
      let text = '';
      for await (const chunk of req as AsyncIterable<Buffer>) text += chunk.toString('utf8');
      (req as IncomingMessage & {body?: unknown}).body = JSON.parse(text);
      proxy.handle(req, res);
    });
    const parsedBase = await listen(parsedFirst);
    try {
      const res = await fetch(`${parsedBase}/pan-api/upload/v2/file/upload_complete`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"preuploadID":"parsed"}'});
      assert.equal(((await res.json()) as Envelope).data.fileID, 4242);
      assert.deepEqual(JSON.parse(forwarded('/upload/v2/file/upload_complete').at(-1)!.text), {preuploadID: 'parsed'});
    } finally {
      parsedFirst.close();
    }
  });

  it('Fetch form: same rules; with publicOrigin, upload addresses in answers are absolute', async () => {
    const json = {'content-type': 'application/json'};
    const refused = await proxy.fetch(new Request('https://site.test/pan-api/api/v1/oss/file/delete', {method: 'POST', body: '{}'}));
    assert.equal(refused.status, 403);
    proxy = makeProxy({publicOrigin: 'https://site.test'});
    const create = (await (await proxy.fetch(new Request('https://site.test/pan-api/upload/v2/file/create', {method: 'POST', headers: json, body: JSON.stringify({parentFileID: 0})}))).json()) as Envelope;
    assert.ok(create.data.servers[0].startsWith('https://site.test/pan-api/__upload/'));
    const slice = new Uint8Array(256 * 1024).fill(3);
    const stream = new ReadableStream<Uint8Array>({
      start(c) {
        c.enqueue(slice.subarray(0, 100_000));
        c.enqueue(slice.subarray(100_000));
        c.close();
      },
    });
    const multipart = {'content-type': 'multipart/form-data; boundary=slice'};
    const res = await proxy.fetch(new Request(`${create.data.servers[0]}/upload/v2/file/slice`, {method: 'POST', headers: multipart, body: stream, duplex: 'half'} as RequestInit));
    assert.equal(((await res.json()) as Envelope).code, 0);
    const [sent] = forwarded('/upload/v2/file/slice');
    assert.equal(sent!.md5, createHash('md5').update(slice).digest('hex'));

    // On an edge runtime the upstream is the platform's own fetch.
    proxy = makeProxy({fetch: globalThis.fetch});
    const edgeCreate = (await (await proxy.fetch(new Request('https://edge.test/pan-api/upload/v2/file/create', {method: 'POST', headers: json, body: JSON.stringify({parentFileID: 0})}))).json()) as Envelope;
    const edgeSlice = await proxy.fetch(new Request(`${new URL(edgeCreate.data.servers[0], 'https://edge.test').href}/upload/v2/file/slice`, {method: 'POST', headers: multipart, body: new Blob([slice]).stream(), duplex: 'half'} as RequestInit));
    assert.equal(((await edgeSlice.json()) as Envelope).code, 0);
    assert.equal(forwarded('/upload/v2/file/slice').at(-1)!.md5, createHash('md5').update(slice).digest('hex'));
  });
});
