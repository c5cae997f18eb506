// The demo page under `npm start`, in headless Chromium: the switch between token and proxy mode changes
// where the uploaders' calls go, and in proxy mode no request from the page carries a token. Against real
// 123pan (pointed at an emulator through PAN123_API_BASE) the page starts in proxy mode without the fault panel.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {createHash, randomBytes} from 'node:crypto';
import {once} from 'node:events';
import {mkdtemp, rm, writeFile} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {after, before, describe, it} from 'node:test';
import puppeteer, {type Browser, type Page} from 'puppeteer-core';
import {startEmulatorServer, type EmulatorServer} from '../../src/emulator/node.ts';

// A plain-JS helper shared with the test runner; imported by URL because it ships no types.
const {chromeArgs, findChrome}: {chromeArgs: string[]; findChrome(): string | undefined} = await import(
  new URL('../../scripts/chrome-path.mjs', import.meta.url).href
);

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');
const SVG = '<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 10 10"><rect width="10" height="10" fill="#39f"/></svg>';

interface Sent {
  method: string;
  url: string;
  authorization: boolean;
}

/** scripts/start.mjs on free ports; resolves with the page's address once it has tried a mint. */
async function startDemo(env: Record<string, string>): Promise<{url: string; stop(): Promise<void>}> {
  const clean = Object.fromEntries(Object.entries(process.env).filter(([key]) => !key.startsWith('PAN123_')));
  const child: ChildProcess = spawn(process.execPath, ['scripts/start.mjs'], {
    cwd: ROOT,
    env: {...clean, PORT: '0', EMULATOR_PORT: '0', ...env},
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  child.stdout!.on('data', (chunk) => (text += chunk));
  child.stderr!.on('data', (chunk) => (text += chunk));
  const exited = once(child, 'exit');
  const deadline = Date.now() + 60_000;
  let url: string | undefined;
  while (!url || !/^credentials:/m.test(text)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`start.mjs did not come up:\n${text}`);
    url = /pan-uploader demo:\s+(http:\/\/\S+?)\/?$/m.exec(text)?.[1];
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {
    url,
    async stop() {
      if (child.exitCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

/** Puts one file on an uploader's picker and waits for its pan-upload-success (or fails with its error). */
async function upload(page: Page, uploaderID: string, path: string): Promise<{fileID: string | number; etag: string; downloadURL?: string}> {
  const outcome = page.evaluate(
    (id) =>
      new Promise<any>((resolve, reject) => {
        const el = document.getElementById(id)!;
        el.addEventListener('pan-upload-success', (event) => resolve((event as CustomEvent).detail), {once: true});
        el.addEventListener('pan-upload-error', (event) => reject(new Error(JSON.stringify((event as CustomEvent).detail))), {once: true});
      }),
    uploaderID,
  );
  const picker = await page.evaluateHandle((id) => document.getElementById(id)!.shadowRoot!.querySelector('input[data-picker="files"]'), uploaderID);
  await (picker as any).uploadFile(path);
  return outcome;
}

async function openDemo(browser: Browser, url: string, sent: Sent[]): Promise<Page> {
  const page = await browser.newPage();
  page.on('request', (request) => {
    const {pathname} = new URL(request.url());
    // The page's own modules and styles, and the emulator's control API (the demo's inspector), are not calls to 123pan.
    if (/^\/(@|src\/|node_modules\/|demo\/|__emulator\/)/.test(pathname) || pathname === '/') return;
    sent.push({method: request.method(), url: request.url(), authorization: 'authorization' in request.headers()});
  });
  await page.goto(url, {waitUntil: 'networkidle0'});
  await page.waitForFunction(() => !(document.getElementById('credentials') as HTMLFieldSetElement).disabled, {timeout: 30_000});
  return page;
}

const hookOf = (page: Page) =>
  page.evaluate(() =>
    ['drive', 'image'].map((id) => {
      const el = document.getElementById(id)!;
      return {apiBase: el.getAttribute('api-base'), tokenUrl: el.getAttribute('token-url')};
    }),
  );

describe('demo page: token mode and proxy mode against the emulator', () => {
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let browser: Browser;
  let page: Page;
  let config: {apiOrigin: string; storageOrigin: string; control: string};
  let dir: string;
  const sent: Sent[] = [];

  before(async () => {
    const chrome = findChrome();
    assert.ok(chrome, 'Chrome or Chromium is needed (set CHROME_PATH)');
    dir = await mkdtemp(join(tmpdir(), 'pan-start-page-'));
    demo = await startDemo({});
    config = await (await fetch(`${demo.url}/pan/config.json`)).json();
    browser = await puppeteer.launch({executablePath: chrome, args: chromeArgs});
    page = await openDemo(browser, demo.url, sent);
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
    if (dir) await rm(dir, {recursive: true, force: true});
  });

  it('starts in token mode: the uploaders get a token from /pan/token and call the emulator with it', async () => {
    assert.equal(await page.$eval('input[name="credentials"][value="token"]', (radio) => (radio as HTMLInputElement).checked), true);
    assert.deepEqual(await hookOf(page), [
      {apiBase: config.apiOrigin, tokenUrl: '/pan/token'},
      {apiBase: config.apiOrigin, tokenUrl: '/pan/token'},
    ]);
    const bytes = randomBytes(150_000);
    await writeFile(join(dir, 'token-mode.bin'), bytes);
    sent.length = 0;
    const done = await upload(page, 'drive', join(dir, 'token-mode.bin'));
    assert.equal(done.etag, md5(bytes));
    const api = sent.filter((s) => s.url.startsWith(config.apiOrigin) && s.method !== 'OPTIONS');
    assert.ok(api.length > 0 && api.every((s) => s.authorization), 'API calls go to the emulator with a token');
    assert.ok(!sent.some((s) => s.url.includes('/pan-api/')));
  });

  it('proxy mode: the page holds no token; calls go through /pan-api and image bytes straight to storage', async () => {
    await page.click('input[name="credentials"][value="proxy"]');
    assert.deepEqual(await hookOf(page), [
      {apiBase: '/pan-api', tokenUrl: null},
      {apiBase: '/pan-api', tokenUrl: null},
    ]);
    assert.match(await page.$eval('#snippet', (code) => code.textContent!), /api-base="\/pan-api"/);
    const bytes = randomBytes(170_000);
    await writeFile(join(dir, 'proxy-mode.bin'), bytes);
    await writeFile(join(dir, 'proxy-mode.svg'), SVG.replace('#39f', `#${randomBytes(3).toString('hex')}`));
    sent.length = 0;
    const [file, picture] = await Promise.all([upload(page, 'drive', join(dir, 'proxy-mode.bin')), upload(page, 'image', join(dir, 'proxy-mode.svg'))]);
    assert.equal(file.etag, md5(bytes));
    assert.ok(file.downloadURL && picture.downloadURL, `links resolved through the proxy: ${JSON.stringify([file, picture])}`);
    assert.deepEqual(sent.filter((s) => s.authorization), [], 'no request from the page carries a token');
    assert.ok(!sent.some((s) => s.url.endsWith('/pan/token')), 'the token endpoint is not asked');
    assert.ok(!sent.some((s) => s.url.startsWith(config.apiOrigin)), 'nothing goes to the API directly');
    assert.ok(sent.some((s) => s.url.startsWith(`${demo.url}/pan-api/upload/`)));
    assert.ok(sent.some((s) => s.method === 'PUT' && s.url.startsWith(`${config.storageOrigin}/presigned/`)), 'presigned PUT straight to storage');
    const {files} = (await (await fetch(`${config.control}/files`)).json()) as {files: Array<{fileID: unknown; md5: string}>};
    assert.equal(files.find((f) => f.fileID === file.fileID)?.md5, md5(bytes));
  });

  it('remembers the chosen mode across a reload', async () => {
    await page.reload({waitUntil: 'networkidle0'});
    await page.waitForFunction(() => !(document.getElementById('credentials') as HTMLFieldSetElement).disabled);
    assert.equal(await page.$eval('input[name="credentials"][value="proxy"]', (radio) => (radio as HTMLInputElement).checked), true);
    assert.deepEqual((await hookOf(page))[0], {apiBase: '/pan-api', tokenUrl: null});
  });
});

describe('demo page against real 123pan (PAN123_* set, API base overridden to an emulator)', () => {
  let pan: EmulatorServer;
  let demo: Awaited<ReturnType<typeof startDemo>>;
  let browser: Browser;
  let dir: string;
  const sent: Sent[] = [];

  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pan-start-page-'));
    pan = await startEmulatorServer({clientID: 'page-id', clientSecret: 'page-secret'});
    demo = await startDemo({PAN123_CLIENT_ID: 'page-id', PAN123_CLIENT_SECRET: 'page-secret', PAN123_API_BASE: pan.apiOrigin});
    browser = await puppeteer.launch({executablePath: findChrome(), args: chromeArgs});
  });
  after(async () => {
    await browser?.close();
    await demo?.stop();
    await pan?.close();
    if (dir) await rm(dir, {recursive: true, force: true});
  });

  it('starts in proxy mode, hides the emulator-only panels, and uploads into that account', async () => {
    const page = await openDemo(browser, demo.url, sent);
    assert.equal(await page.$eval('input[name="credentials"][value="proxy"]', (radio) => (radio as HTMLInputElement).checked), true);
    assert.deepEqual(await page.$$eval('#faults-card, #files-card', (cards) => cards.map((card) => (card as HTMLElement).hidden)), [true, true]);
    assert.match(await page.$eval('#emulator-status', (p) => p.textContent!), new RegExp(`real 123pan at ${pan.apiOrigin.replace(/\./g, '\\.')}`));
    assert.match(await page.$eval('#footer-text', (p) => p.textContent!), /client secret never reaches the browser/);
    const bytes = randomBytes(120_000);
    await writeFile(join(dir, 'real-mode.bin'), bytes);
    const done = await upload(page, 'drive', join(dir, 'real-mode.bin'));
    assert.equal(pan.emulator.files().find((f) => f.fileID === done.fileID)?.md5, md5(bytes));
    assert.deepEqual(sent.filter((s) => s.authorization), []);
    assert.ok(!sent.some((s) => s.url.endsWith('/pan/token')));
  });
});
