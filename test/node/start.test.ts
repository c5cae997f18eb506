// `npm start` as a person runs it: scripts/start.mjs in a child process, on free ports, in both setups:
// the built-in emulator, and "real 123pan" credentials from the environment (pointed at an emulator this
// test runs, through PAN123_API_BASE, since there is no network here). The secret must never come back.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import {startEmulatorServer, type EmulatorServer} from '../../src/emulator/node.ts';

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
type Envelope<T = any> = {code: number; message: string; data: T};

interface Demo {
  child: ChildProcess;
  url: string;
  /** Everything the process printed so far, stdout and stderr. */
  output(): string;
  /** Every response body and header this test read from the demo server. */
  seen: string[];
  get(path: string, init?: RequestInit): Promise<Response>;
  stop(): Promise<void>;
}

/** Runs scripts/start.mjs with only the given PAN123_* variables; resolves once it has printed its address and tried a mint. */
function run(env: Record<string, string>): {child: ChildProcess; output(): string; exited: Promise<number | null>} {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PAN123_')));
  const child = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {...clean, PORT: '0', EMULATOR_PORT: '0', NO_COLOR: '1', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = once(child, 'exit').then(([code]) => code as number | null);
  return {child, output: () => text, exited};
}

async function startDemo(env: Record<string, string>): Promise<Demo> {
  const {child, output, exited} = run(env);
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url || !/^credentials:/m.test(output())) {
    if (child.exitCode !== null) throw new Error(`start.mjs exited with ${child.exitCode}:\n${output()}`);
    if (Date.now() > deadline) throw new Error(`start.mjs did not come up in 60 s:\n${output()}`);
    url = /pan-uploader demo:\s+(http:\/\/\S+?)\/?$/m.exec(output())?.[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  const seen: string[] = [];
  const origin = url;
  return {
    child,
    url: origin,
    output,
    seen,
    async get(path, init) {
      const response = await fetch(path.startsWith('http') ? path : `${origin}${path}`, init);
      const body = await response.clone().text();
      seen.push(body, JSON.stringify([...response.headers]));
      return response;
    },
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** A small drive upload through the demo's proxy, with no token in the request: single-step via the proxied upload server. */
async function uploadThroughProxy(demo: Demo, name: string): Promise<{fileID: number; bytes: Uint8Array}> {
  const domain = (await (await demo.get('/pan-api/upload/v2/file/domain')).json()) as Envelope<string[]>;
  assert.equal(domain.code, 0, domain.message);
  assert.ok(domain.data[0]!.startsWith(`${demo.url}/pan-api/__upload/`), `the upload server is reached through the proxy: ${domain.data[0]}`);
  const bytes = randomBytes(200_000);
  const form = new FormData();
  form.append('parentFileID', '0');
  form.append('filename', name);
  form.append('etag', md5(bytes));
  form.append('size', String(bytes.length));
  form.append('duplicate', '1');
  form.append('file', new Blob([bytes]), name);
  const created = (await (await demo.get(`${domain.data[0]}/upload/v2/file/single/create`, {method: 'POST', body: form})).json()) as Envelope;
  assert.equal(created.code, 0, created.message);
  assert.equal(created.data.completed, true);
  return {fileID: created.data.fileID, bytes};
}

describe('npm start against the emulator (default)', () => {
  let demo: Demo;
  let config: any;
  before(async () => {
    demo = await startDemo({});
    config = await (await demo.get('/pan/config.json')).json();
  });
  after(() => demo?.stop());

  it('says it runs the emulator, and serves both credential modes in its config', () => {
    assert.match(demo.output(), /^mode:\s+emulator/m);
    assert.match(demo.output(), /^credentials:\s+accepted/m);
    assert.equal(config.mode, 'emulator');
    assert.equal(config.credentials, 'token');
    assert.equal(config.proxyBase, '/pan-api');
    assert.match(config.apiOrigin, /^http:\/\/127\.0\.0\.1:\d+$/);
    assert.equal(config.control, `${config.apiOrigin}/__emulator`);
  });

  it('/pan/token hands out a token minted through /api/v1/access_token, which the emulator accepts', async () => {
    const response = await demo.get('/pan/token');
    assert.equal(response.status, 200);
    assert.equal(response.headers.get('cache-control'), 'no-store');
    const {accessToken, expiredAt} = (await response.json()) as {accessToken: string; expiredAt: string};
    assert.ok(accessToken && expiredAt);
    const {requests} = (await (await fetch(`${config.control}/requests`)).json()) as {requests: Array<{method: string; path: string; code?: number}>};
    assert.ok(requests.some((r) => r.method === 'POST' && r.path === '/api/v1/access_token' && r.code === 0), 'minted with the client credentials');
    const direct = (await (await fetch(`${config.apiOrigin}/upload/v2/file/domain`, {headers: {authorization: `Bearer ${accessToken}`, platform: 'open_platform'}})).json()) as Envelope;
    assert.equal(direct.code, 0, direct.message);
  });

  it('/pan-api uploads without a token in the browser, and refuses what is not an upload', async () => {
    const {fileID, bytes} = await uploadThroughProxy(demo, 'through-proxy.bin');
    const {files} = (await (await fetch(`${config.control}/files`)).json()) as {files: Array<{fileID: number; md5: string}>};
    assert.equal(files.find((f) => f.fileID === fileID)?.md5, md5(bytes));
    const refused = await demo.get('/pan-api/api/v1/oss/file/delete', {method: 'POST', body: JSON.stringify({fileIDs: ['x']})});
    assert.equal(refused.status, 403);
    assert.match(((await refused.json()) as Envelope).message, /not on this proxy's allow-list/);
  });

  it('keeps the strict page CSP (no https: origins) against the emulator', async () => {
    const html = await (await demo.get('/')).text();
    assert.match(html, /connect-src 'self' http:\/\/127\.0\.0\.1:\*/);
    assert.doesNotMatch(html, /connect-src https:/);
  });

  it('never prints or answers with the client secret', () => {
    assert.doesNotMatch(demo.output(), /test-secret/);
    for (const text of demo.seen) assert.doesNotMatch(text, /test-secret/);
  });
});

describe('npm start with PAN123_CLIENT_ID / PAN123_CLIENT_SECRET (real-123pan mode, API base overridden)', () => {
  const clientID = 'demo-client-id';
  const clientSecret = `s3cret-${randomBytes(12).toString('hex')}`;
  let pan: EmulatorServer;
  let demo: Demo;
  let config: any;
  before(async () => {
    // Stands in for open-api.123pan.com: it accepts only these credentials.
    pan = await startEmulatorServer({clientID, clientSecret});
    demo = await startDemo({PAN123_CLIENT_ID: clientID, PAN123_CLIENT_SECRET: clientSecret, PAN123_API_BASE: pan.apiOrigin});
    config = await (await demo.get('/pan/config.json')).json();
  });
  after(async () => {
    await demo?.stop();
    await pan?.close();
  });

  it('says it runs against 123pan, starts no emulator, and defaults to proxy mode', () => {
    assert.match(demo.output(), new RegExp(`^mode:\\s+real 123pan at ${pan.apiOrigin.replace(/[.]/g, '\\.')}`, 'm'));
    assert.doesNotMatch(demo.output(), /123pan emulator:|emulator control:/);
    assert.match(demo.output(), /^credentials:\s+accepted/m);
    assert.deepEqual(config, {mode: '123pan', apiOrigin: pan.apiOrigin, proxyBase: '/pan-api', credentials: 'proxy'});
  });

  it('mints from the configured API with the given credentials, and /pan/token works', async () => {
    assert.ok(pan.emulator.requests.some((r) => r.path === '/api/v1/access_token' && r.code === 0));
    const {accessToken} = (await (await demo.get('/pan/token')).json()) as {accessToken: string};
    const direct = (await (await fetch(`${pan.apiOrigin}/upload/v2/file/domain`, {headers: {authorization: `Bearer ${accessToken}`, platform: 'open_platform'}})).json()) as Envelope;
    assert.equal(direct.code, 0, direct.message);
  });

  it('a proxied upload lands in that account, and a proxied listing works (URL import needs it)', async () => {
    const {fileID, bytes} = await uploadThroughProxy(demo, 'real-mode.bin');
    assert.equal(pan.emulator.files().find((f) => f.fileID === fileID)?.md5, md5(bytes));
    const list = (await (await demo.get('/pan-api/api/v1/oss/file/list', {method: 'POST', body: JSON.stringify({parentFileId: '', limit: 10, type: 1})})).json()) as Envelope;
    assert.equal(list.code, 0, list.message);
  });

  it('lets the page reach https origins (123pan\'s upload and storage hosts) in its CSP', async () => {
    const html = await (await demo.get('/')).text();
    assert.match(html, /img-src https: 'self'/);
    assert.match(html, /connect-src https: 'self'/);
  });

  it('never prints or answers with the client secret', () => {
    assert.ok(demo.seen.length > 8);
    assert.ok(!demo.output().includes(clientSecret), 'secret in the process output');
    for (const text of demo.seen) assert.ok(!text.includes(clientSecret), 'secret in a response');
  });
});

describe('npm start refuses a half-made or wrong configuration clearly', () => {
  it('exits with an error naming the missing variable', async () => {
    const {output, exited} = run({PAN123_CLIENT_ID: 'only-the-id'});
    assert.equal(await exited, 1);
    assert.match(output(), /PAN123_CLIENT_SECRET is not set/);
  });

  it('exits when PAN123_API_BASE is not an http(s) origin', async () => {
    const {output, exited} = run({PAN123_CLIENT_ID: 'id', PAN123_CLIENT_SECRET: 'never-printed-9f2c', PAN123_API_BASE: 'ftp://example.com/x'});
    assert.equal(await exited, 1);
    assert.match(output(), /PAN123_API_BASE "ftp:\/\/example\.com\/x" must be an http\(s\) origin/);
    assert.doesNotMatch(output(), /never-printed-9f2c/);
  });

  it('wrong credentials: says so at start, /pan/token answers an error, and the secret stays out of both', async () => {
    const pan = await startEmulatorServer({clientID: 'right-id', clientSecret: 'right-secret'});
    const wrongSecret = `wrong-${randomBytes(8).toString('hex')}`;
    const demo = await startDemo({PAN123_CLIENT_ID: 'right-id', PAN123_CLIENT_SECRET: wrongSecret, PAN123_API_BASE: pan.apiOrigin});
    try {
      assert.match(demo.output(), /^credentials:\s+123pan did not give a token: .*clientID or clientSecret is wrong/m);
      const response = await demo.get('/pan/token');
      assert.notEqual(response.status, 200);
      const body = (await response.json()) as Envelope;
      assert.equal(body.data, null);
      const proxied = await demo.get('/pan-api/upload/v2/file/domain');
      assert.notEqual(((await proxied.json()) as Envelope).code, 0);
      assert.ok(!demo.output().includes(wrongSecret));
      for (const text of demo.seen) assert.ok(!text.includes(wrongSecret));
    } finally {
      await demo.stop();
      await pan.close();
    }
  });
});
