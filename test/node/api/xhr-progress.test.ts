/**
 * XHR upload progress and the no-progress timeout, over a real loopback socket in headless Chromium:
 * in the browser test runner msw's service worker intercepts every request, and Chromium fires no
 * upload events for intercepted requests, so mid-upload progress can only be seen here.
 */
import assert from 'node:assert/strict';
import {createServer, type IncomingMessage, type Server} from 'node:http';
import type {AddressInfo} from 'node:net';
import {after, before, describe, it} from 'node:test';
import {build} from 'esbuild';
import puppeteer, {type Browser, type Page} from 'puppeteer-core';

// A plain-JS helper shared with the test runner; imported by URL because it ships no types.
const {chromeArgs, findChrome}: {chromeArgs: string[]; findChrome(): string | undefined} = await import(
  new URL('../../../scripts/chrome-path.mjs', import.meta.url).href
);

const SLICE = 16 * 1024 * 1024;

/** Runs in the page as written (a string, so the test's own transpiler leaves it alone). */
const PAGE_SCRIPT = `
import {PanClient} from '/api.js';
const sliceForm = (size) => () => {
  const form = new FormData();
  form.append('preuploadID', 'p');
  form.append('sliceNo', '1');
  form.append('slice', new Blob([new Uint8Array(size).fill(7)]));
  return form;
};
window.uploadWithProgress = async (size) => {
  const client = new PanClient({apiBase: location.origin, tokenProvider: async () => 'tok'});
  const steps = [];
  await client.postForm(location.origin, '/upload/v2/file/slice', sliceForm(size), {onProgress: (loaded) => steps.push(loaded)});
  return steps;
};
window.slowThenStalled = async (size) => {
  // size bytes read in 4 ms steps take seconds, but never stall for 1500 ms (socket buffers hold a few
  // MB that the server drains after the last upload event: that tail must stay under timeoutMs).
  const client = new PanClient({apiBase: location.origin, timeoutMs: 1500, retryDelays: []});
  const t0 = performance.now();
  await client.postForm(location.origin, '/upload/v2/file/slice', sliceForm(size), {});
  const slowMs = performance.now() - t0;
  try {
    await client.postForm(location.origin + '/stall', '/upload/v2/file/slice', sliceForm(size), {});
    return {slowMs, code: 'none'};
  } catch (error) {
    return {slowMs, code: error.code, key: error.key, retryable: error.retryable};
  }
};
window.ready = true;
`;

/** Reads the body slowly, so the browser's send buffer fills and progress comes in many steps. */
function readSlowly(request: IncomingMessage, pauseMs: number, stopAfter = Infinity): Promise<number> {
  return new Promise((resolve) => {
    let bytes = 0;
    request.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      request.pause();
      if (bytes < stopAfter) setTimeout(() => request.resume(), pauseMs);
    });
    request.on('end', () => resolve(bytes));
  });
}

describe('XHR uploads in Chromium over loopback', () => {
  let server: Server;
  let browser: Browser;
  let page: Page;
  const seen: {path: string; authorization?: string; platform?: string; bytes?: number}[] = [];

  before(async () => {
    const bundle = await build({entryPoints: ['src/api/index.ts'], bundle: true, format: 'esm', platform: 'browser', write: false, target: 'es2022'});
    const script = bundle.outputFiles[0]!.text;
    server = createServer(async (request, response) => {
      const path = new URL(request.url!, 'http://x').pathname;
      if (path === '/') {
        response.setHeader('content-type', 'text/html');
        return response.end(`<!doctype html><script type="module">${PAGE_SCRIPT}</script>`);
      }
      if (path === '/api.js') {
        response.setHeader('content-type', 'text/javascript');
        return response.end(script);
      }
      const entry: (typeof seen)[number] = {path, authorization: request.headers.authorization, platform: request.headers.platform as string | undefined};
      seen.push(entry);
      if (path === '/upload/v2/file/slice') entry.bytes = await readSlowly(request, 4);
      else if (path === '/stall/upload/v2/file/slice') {
        await readSlowly(request, 4, 1024 * 1024);
        return; // never answers: the client must give up on its own
      }
      response.setHeader('content-type', 'application/json');
      response.end(JSON.stringify({code: 0, message: 'ok', data: null, 'x-traceID': 't'}));
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    browser = await puppeteer.launch({executablePath: findChrome(), args: chromeArgs, headless: true});
    page = await browser.newPage();
    await page.goto(`http://127.0.0.1:${(server.address() as AddressInfo).port}/`);
    await page.waitForFunction('window.ready === true');
  });

  after(async () => {
    await browser?.close();
    server?.closeAllConnections();
    await new Promise((resolve) => server?.close(resolve));
  });

  it('reports upload progress in many rising steps, ending at the full size, with token and Platform', async () => {
    const progress = (await page.evaluate(`window.uploadWithProgress(${SLICE})`)) as number[];
    const last = seen.at(-1)!;
    assert.equal(last.authorization, 'Bearer tok');
    assert.equal(last.platform, 'open_platform');
    assert.ok(last.bytes! > SLICE, 'the server read the whole multipart body');
    assert.ok(progress.length >= 4, `progress came in ${progress.length} steps`);
    assert.ok(progress[0]! < SLICE / 2, 'the first step comes early');
    for (let i = 1; i < progress.length; i++) assert.ok(progress[i]! > progress[i - 1]!, 'progress only rises');
    assert.ok(progress.at(-1)! >= SLICE);
  });

  it('times out only when no bytes move for timeoutMs: a slow upload succeeds, a stalled one fails', async () => {
    const outcome = (await page.evaluate(`window.slowThenStalled(${4 * SLICE})`)) as {slowMs: number; code: string; key?: string; retryable?: boolean};
    assert.ok(outcome.slowMs > 3000, `the slow upload took ${outcome.slowMs} ms, over twice timeoutMs`);
    assert.deepEqual({code: outcome.code, key: outcome.key, retryable: outcome.retryable}, {code: 'timeout', key: 'timeout', retryable: true});
  });
});
