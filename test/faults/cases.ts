/**
 * The fault cases: network, server, page and input faults, the strict-CSP page and both credential modes.
 * Each drives real uploads through <pan-uploader> in Chromium against the emulator's Node server and returns
 * what became of every file; judge.ts checks the emulator's files. Every case seeds a bystander where its
 * files go (plan.ts); about half go into a folder made for the case. What each case must leave on the
 * server is written here, never read back from it.
 */
import type {Fault} from '../../src/emulator/types.ts';
import {DRIVE_MAX_SIZE, IMAGE_MAX_SIZE, MAX_NAME_LENGTH} from '../../src/core/validate.ts';
import {sparseFile} from './disk.ts';
import {sleep, type CaseContext} from './harness.ts';
import type {CaseResult} from './judge.ts';
export type {Case};
import {type Case, COMPLETE, CREATE, GALLERY, IMAGE_ROOT, INBOX, kept, MiB, OSS_COMPLETE, prepare, PRESIGNED, rate, SINGLE, SLICE, spec, upload, V2} from './plan.ts';
import {pageCases} from './page-cases.ts';


function sliceFaultCase(name: string, kind: Fault['kind'], faults: Fault[], options: {fast?: boolean; folder?: boolean} = {}): Case {
  return {
    name,
    expected: 'success, bytes intact',
    fast: options.fast,
    run: (ctx) => upload(ctx, {place: options.folder ? INBOX : undefined, specs: [spec(`${kind}-slices.bin`, V2)], faults}),
  };
}

/** A file name refused before anything is sent: the refusal names the file and the rule; the server sees no create. */
function refusedName(label: string, name: string, reason: RegExp, fast = false): Case {
  return {
    name: `input: name ${label}`,
    expected: 'refused by name, nothing sent',
    fast,
    async run(ctx) {
      const result = await upload(ctx, {specs: [spec(name, 1000)], expect: 'rejected', reason});
      const log = await ctx.requests();
      const rendered = await ctx.rendered();
      result.checks!.push(['no upload request reached the server', !log.some((r) => r.path.startsWith('/upload/'))]);
      result.checks!.push(['the refused row shows the name as text', rendered.rows.some((r) => r.rejected && r.title === name) && rendered.injected === 0 && !rendered.xss]);
      return result;
    },
  };
}

/**
 * Revokes every token three times while the upload runs, each time only once the server has taken a slice
 * since the last revocation (so with a fresh token): progress counts bytes in flight, so it alone could bring
 * two revocations on one token, or one on a token not yet used.
 */
async function revokeThrice(c: CaseContext): Promise<void> {
  let revokedAt = 0;
  const takenSince = async (t: number) => (await c.requests()).some((r) => r.path === SLICE && r.status === 200 && r.code === 0 && r.time > t);
  for (let i = 1; i <= 3; i++) {
    await c.waitUploaded(i * 4 * MiB);
    for (const deadline = Date.now() + 20_000; !(await takenSince(revokedAt)) && Date.now() < deadline; ) await sleep(50);
    revokedAt = Date.now();
    await c.control('expire-tokens', {});
  }
}

/**
 * Code 1 on every call of `path`: a final refusal dressed as 123pan's internal error. Tried three times in all,
 * then the row shows 123pan's message and its trace ID, well before the 5-minute completion deadline.
 */
function codeOneFinal(name: string, path: string, message: string): Case {
  return {
    name,
    expected: 'clear error within 15 s',
    fast: true,
    async run(ctx) {
      // A small file sent the sliced way (v2), so create and upload_complete are met at once.
      const name = `${path === CREATE ? 'final-create' : 'final-complete'}.bin`;
      const result = await upload(ctx, {place: INBOX, attrs: {'drive-flow': 'v2'}, specs: [spec(name, 300_000)], expect: 'error', reason: /123pan answered code 1/, faults: [{path, kind: 'code1', message}], timeoutMs: 60_000});
      const ended = Date.now();
      const {rows} = await ctx.rendered();
      const row = rows.find((r) => !r.rejected && r.error);
      const refusals = (await ctx.requests()).filter((r) => r.path === path && r.code === 1);
      const seconds = (ended - Math.min(...refusals.map((r) => r.time))) / 1000;
      const tries = refusals.length;
      result.checks!.push([`the error came within 15 s of the first code 1 (${seconds.toFixed(1)} s)`, seconds < 15]);
      result.checks!.push([`the row shows 123pan's message and trace ID: ${row?.error.slice(0, 160)}`, !!row && row.error.includes(message) && /_emulator/.test(row.error)]);
      result.checks!.push([`code 1 was met 3 times (${tries})`, tries === 3]);
      return result;
    },
  };
}

/** A file on disk too big to take: refused before a byte is read, nothing sent. */
async function refusedBySize(ctx: CaseContext, path: string, name: string, size: number, reason: RegExp, attributes: Record<string, string> = {}): Promise<CaseResult> {
  await ctx.openPage();
  await ctx.mount('token', attributes);
  await ctx.pick([path]);
  const settled = await ctx.settle(1, 10_000);
  const files = await ctx.outcomes([{name, size, md5: '', expect: 'rejected', reason}]);
  const log = await ctx.requests();
  return {files, checks: [['ended', settled], ['no upload request reached the server', !log.some((r) => r.path.startsWith('/upload/'))]]};
}

export const cases: Case[] = [
  // ---- network ----
  {
    name: 'network: 10% of slice requests dropped',
    expected: 'success, bytes intact',
    fast: true,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('drop-a.bin', V2), spec('drop-b.bin', V2 + 12345)], faults: rate(SLICE, 'drop', 0.1)}),
  },
  {
    name: 'network: 10% of single-step uploads dropped',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: Array.from({length: 12}, (_, i) => spec(`small-${i}.txt`, 3000 + i * 7919)), faults: rate(SINGLE, 'drop', 0.1)}),
  },
  {
    name: 'network: 10% of image-host PUTs dropped',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {place: GALLERY, specs: [spec('drop-1.png', 3 * MiB + 5, 'image/png'), spec('drop-2.jpg', 2 * MiB, 'image/jpeg')], faults: rate(PRESIGNED, 'drop', 0.1)}),
  },
  sliceFaultCase('network: connection reset mid-body (slices)', 'drop', [{path: SLICE, kind: 'drop', times: 4}]),
  sliceFaultCase('network: connection reset after the slice was stored', 'reset', [{path: SLICE, kind: 'reset', times: 4}], {fast: true, folder: true}),
  {
    name: 'network: reset after create was processed',
    expected: 'success, one file',
    fast: true,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('reset-create.bin', V2)], faults: [{path: CREATE, kind: 'reset', times: 1}]}),
  },
  {
    name: 'network: reset after upload_complete was processed',
    expected: 'success, one file',
    fast: true,
    run: (ctx) => upload(ctx, {specs: [spec('reset-complete.bin', V2)], faults: [{path: COMPLETE, kind: 'reset', times: 1}]}),
  },
  {
    // The single-step upload stores the file before it answers: when that answer is lost, whatever the
    // client does next must leave one file, beside the bystander, and no second copy. The connection is a
    // reused one, so the browser itself may send the request again before page code hears of it.
    name: 'network: reset after a single-step upload was stored',
    expected: 'success, one file',
    fast: true,
    run: (ctx) => resetAfterSingle(ctx, 'token'),
  },
  {
    // Through the proxy the page's connection stays whole: the proxy's upstream request is the one reset.
    name: 'network: reset after a single-step upload was stored (proxy)',
    expected: 'success, one file',
    run: (ctx) => resetAfterSingle(ctx, 'proxy'),
  },
  {
    // A folder upload's files go into folders made with mkdir first, so a retry (or the browser's own re-send)
    // after a lost answer can list the file's folder and find it: no "name(1)" beside it.
    name: 'network: folder upload, reset after the file was stored',
    expected: 'success, one file each in its folder, each folder made once',
    fast: true,
    run: (ctx) => resetAfterFolderFile(ctx, 'token'),
  },
  {
    name: 'network: folder upload, reset after the file was stored (proxy, pinned to the inbox)',
    expected: 'success, one file each in its folder, each folder made once',
    run: (ctx) => resetAfterFolderFile(ctx, 'proxy'),
  },
  {
    name: 'network: server stalls past the request timeout',
    expected: 'success after a timeout',
    timeoutMs: 120_000,
    async run(ctx) {
      const result = await upload(ctx, {place: INBOX, specs: [spec('stall.bin', V2)], faults: [{path: SLICE, kind: 'slow', delayMs: 40_000, times: 1}], timeoutMs: 110_000});
      // Done before the stalled answer could have come: the client gave up on it and sent the slice again.
      // (The server cannot see it go: it stalls before reading the body, so the closed connection goes unnoticed.)
      const log = await ctx.requests();
      const stalledAt = Math.min(...log.filter((r) => r.path === SLICE && r.method === 'POST').map((r) => r.time));
      const confirmed = log.find((r) => r.path === COMPLETE && r.code === 0)?.ended ?? Infinity;
      result.checks!.push(['the stalled slice request was abandoned by the browser', ctx.failedRequests.some((u) => u.includes(SLICE))]);
      result.checks!.push([`confirmed before the stall ended (${Math.round((confirmed - stalledAt) / 1000)} s after the stalled slice went)`, confirmed - stalledAt < 40_000]);
      return result;
    },
  },
  {
    name: 'network: browser offline for 5 s, then online',
    expected: 'success, bytes intact',
    async run(ctx) {
      let failedWhileOffline = 0;
      const result = await upload(ctx, {
        specs: [spec('offline.bin', V2 + 999)],
        faults: [{path: SLICE, kind: 'slow', delayMs: 250}],
        async during(c) {
          await c.waitUploaded(2 * MiB);
          const before = c.failedRequests.length;
          await c.page.setOfflineMode(true);
          await sleep(5000);
          failedWhileOffline = c.failedRequests.length - before;
          await c.page.setOfflineMode(false);
          await c.clearFaults();
        },
      });
      result.checks!.push(['requests failed while offline', failedWhileOffline > 0]);
      return result;
    },
  },

  // ---- server ----
  sliceFaultCase('server: HTTP 500 burst on slices', 'http500', [{path: SLICE, kind: 'http500', times: 3}], {fast: true}),
  {
    name: 'server: HTTP 500 burst on create',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('500-create.bin', V2)], faults: [{path: CREATE, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: HTTP 500 burst on upload_complete',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('500-complete.bin', V2)], faults: [{path: COMPLETE, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: HTTP 500 burst on single-step upload',
    expected: 'success, bytes intact',
    fast: true,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('500-single.txt', 70_000), spec('500-single-2.txt', 1234)], faults: [{path: SINGLE, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: storage 500 burst on image-host PUTs',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {place: IMAGE_ROOT, specs: [spec('500.webp', 2 * MiB + 77, 'image/webp')], faults: [{path: PRESIGNED, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: storage SlowDown (503) burst on image-host PUTs',
    expected: 'success, bytes intact',
    fast: true,
    run: (ctx) => upload(ctx, {place: GALLERY, specs: [spec('slowdown.jpeg', 2 * MiB + 9, 'image/jpeg')], faults: [{path: PRESIGNED, kind: '429', times: 3}]}),
  },
  sliceFaultCase('server: code 1 on slices', 'code1', [{path: SLICE, kind: 'code1', times: 3}], {folder: true}),
  {
    name: 'server: code 1 on create',
    expected: 'success, bytes intact',
    fast: true,
    // Twice: a third code 1 in a row is final (see 'code 1 final on create').
    run: (ctx) => upload(ctx, {specs: [spec('code1-create.bin', V2)], faults: [{path: CREATE, kind: 'code1', times: 2}]}),
  },
  {
    name: 'server: code 1 on upload_complete',
    expected: 'success, bytes intact',
    fast: true,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('code1-complete.bin', V2)], faults: [{path: COMPLETE, kind: 'code1', times: 2}]}),
  },
  {
    name: 'server: code 1 on image-host upload_complete',
    expected: 'success, bytes intact',
    fast: true,
    run: (ctx) => upload(ctx, {place: GALLERY, specs: [spec('code1.gif', 1500, 'image/gif')], faults: [{path: OSS_COMPLETE, kind: 'code1', times: 2}]}),
  },
  codeOneFinal('server: code 1 final on create', CREATE, 'Please include the platform field in the request header'),
  codeOneFinal('server: code 1 final on upload_complete', COMPLETE, '文件上传失败'),
  {
    name: 'network: answer cut off after a single-step upload was stored',
    expected: 'success, one file',
    fast: true,
    async run(ctx) {
      // whenOk: the send refused for the bystander's name is answered; the one that stores the file is cut.
      const result = await upload(ctx, {place: INBOX, specs: [spec('cut-single.txt', 40_000)], faults: [{path: SINGLE, kind: 'cut', times: 1, whenOk: true}]});
      const log = await ctx.requests();
      const sends = log.filter((r) => r.path === SINGLE && r.method === 'POST');
      const cut = sends.findIndex((r) => r.status === 0);
      result.checks!.push(['the retry looked for the stored file before sending again', log.some((r) => r.path === '/api/v2/file/list' && r.code === 0)]);
      result.checks!.push([`nothing was sent after the send whose answer was cut (sends: ${sends.map((r) => r.status).join(', ')})`, cut >= 0 && cut === sends.length - 1]);
      return result;
    },
  },
  {
    name: 'server: a 4th token logs ours out mid-upload (token-url)',
    expected: 'success, no mint storm',
    async run(ctx) {
      const result = await upload(ctx, {
        place: INBOX,
        specs: [spec('fourth-token.bin', V2)],
        faults: [{path: SLICE, kind: 'slow', delayMs: 600}],
        // Three tokens minted elsewhere on the account: 123pan keeps 3 live, so the page's is logged out.
        during: async (c) => {
          await c.waitUploaded(4 * MiB);
          for (let i = 0; i < 3; i++) await c.control('token', {});
        },
      });
      const mints = (await ctx.requests()).filter((r) => r.path === '/api/v1/access_token').length;
      const refused = (await ctx.requests()).filter((r) => r.code === 401).length;
      result.checks!.push([`the page's token was logged out (${refused} answers of 401)`, refused >= 1]);
      result.checks!.push([`at most 3 tokens minted for the page (${mints})`, mints <= 3]);
      return result;
    },
  },
  {
    name: 'server: the single-step domain is retired between two uploads',
    expected: 'success, both files',
    fast: true,
    async run(ctx) {
      const first = spec('before-retired.txt', 3000);
      const second = spec('after-retired.txt', 4000);
      const storedAs = await prepare(ctx, {target: 'drive'}, first);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.add([first]);
      const firstDone = await ctx.settle(1, 30_000);
      const old = new URL(ctx.emu.uploadOrigin);
      await ctx.configure({retiredHosts: [old.host], singleDomain: `http://localhost:${old.port}`});
      await ctx.add([second]);
      const settled = await ctx.settle(2, 30_000);
      const files = await ctx.outcomes([ctx.given(first, 'success', undefined, storedAs), ctx.given(second)]);
      const domains = (await ctx.requests()).filter((r) => r.path === '/upload/v2/file/domain' && r.method === 'GET').length;
      return {files, checks: [['both ended', firstDone && settled], [`the domain was asked again after the failure (${domains} times)`, domains >= 2]]};
    },
  },
  {
    // 123pan's own create example names "http://openapi-upload.123242.com": the proxy must upgrade it.
    name: 'server: upload servers named over plain http, v2 slices (proxy)',
    expected: 'success over https, no token on plain http',
    uploadTls: true,
    emulator: {serverScheme: 'http'},
    run: (ctx) => plainHttpServer(ctx, 'v2', spec('plain-http.bin', V2)),
  },
  {
    name: 'server: single-step domain named over plain http (proxy)',
    expected: 'success over https, no token on plain http',
    uploadTls: true,
    emulator: {serverScheme: 'http'},
    run: (ctx) => plainHttpServer(ctx, 'single', spec('plain-http.txt', 40_000)),
  },
  {
    name: 'server: image folder named by the files\' path already exists',
    expected: 'both land in the existing folder, no second one',
    async run(ctx) {
      const specs = [{...spec('a.png', 3000, 'image/png'), folder: 'album'}, {...spec('b.png', 3100, 'image/png'), folder: 'album'}];
      const result = await upload(ctx, {place: {...GALLERY, subfolders: ['album']}, specs, apart: true});
      result.checks!.push(...(await oneAlbum(ctx)));
      return result;
    },
  },
  {
    // The image host has no containDir: each tab lists the folder, finds no "album" and makes it. The first
    // mkdir is held 3 s, so the other tab looks before it lands and makes it too: 123pan refuses that one.
    name: 'server: image folder made by another tab between list and mkdir',
    expected: 'both land in one folder: the refused mkdir lists and reuses it',
    async run(ctx) {
      const a = {...spec('tab-a.png', 3000, 'image/png'), folder: 'album'};
      const b = {...spec('tab-b.png', 3100, 'image/png'), folder: 'album'};
      await prepare(ctx, GALLERY);
      const first = await ctx.openPage();
      const second = await ctx.openPage({context: ctx.context});
      await ctx.mount('token', {}, first);
      await ctx.mount('token', {}, second);
      await ctx.fault({path: '/upload/v1/oss/file/mkdir', kind: 'slow', delayMs: 3000, times: 1});
      await Promise.all([ctx.add([a], first), ctx.add([b], second)]);
      const settled = (await ctx.settle(1, 60_000, first)) && (await ctx.settle(1, 60_000, second));
      const files = [...(await ctx.outcomes([ctx.given(a)], first)), ...(await ctx.outcomes([ctx.given(b)], second))];
      const mkdirs = (await ctx.requests()).filter((r) => r.path === '/upload/v1/oss/file/mkdir').map((r) => r.code);
      return {
        files,
        pages: [first, second],
        checks: [['both tabs ended', settled], [`one mkdir made the folder and the other was refused as existing (codes ${mkdirs.join(', ')})`, mkdirs.includes(0) && mkdirs.includes(5060)], ...(await oneAlbum(ctx))],
      };
    },
  },
  {
    name: 'server: content review rejects an image (stored, never served)',
    expected: 'a clear content-review error; the file kept by 123pan, neither lost nor copied',
    async run(ctx) {
      const file = spec('flagged.png', 3300, 'image/png');
      await prepare(ctx, GALLERY);
      const g = ctx.given(file, 'error', /content review/);
      // 123pan keeps the file where it was sent; only serving it is refused.
      g.lands = {target: 'image', path: ctx.pathOf(file.name)};
      await ctx.configure({reviewRejects: [g.md5]});
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.add([file]);
      const settled = await ctx.settle(1, 30_000);
      const files = await ctx.outcomes([g]);
      const {rows} = await ctx.rendered();
      return {files, checks: [['ended', settled], ['the row shows why it failed', rows.some((r) => r.title === file.name && /content review/.test(r.error))]]};
    },
  },
  sliceFaultCase('server: 429 burst on slices', '429', [{path: SLICE, kind: '429', times: 4}]),
  {
    name: 'server: 429 burst on create',
    expected: 'success, bytes intact',
    fast: true,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('429-create.bin', V2)], faults: [{path: CREATE, kind: '429', times: 3}]}),
  },
  {
    name: 'server: QPS limit (body code 429) on 12 single-step uploads',
    expected: 'success, bytes intact',
    emulator: {qps: {[SINGLE]: 2, '/upload/v2/file/domain': 2}},
    run: (ctx) => upload(ctx, {specs: Array.from({length: 12}, (_, i) => spec(`qps-${i}.txt`, 2000 + i)), timeoutMs: 90_000}),
  },
  {
    name: 'server: 20103 for 10 polls of upload_complete',
    expected: 'success after 20 polls',
    // Not-yet answers alternate completed:false and 20103: 20 of them hold ten 20103s.
    emulator: {completePolls: 20},
    timeoutMs: 90_000,
    async run(ctx) {
      const result = await upload(ctx, {place: INBOX, specs: [spec('verifying.bin', V2)], timeoutMs: 80_000});
      const codes = (await ctx.requests()).filter((r) => r.path === COMPLETE && r.code === 20103).length;
      result.checks!.push([`ten 20103 answers were met (${codes})`, codes >= 10]);
      return result;
    },
  },
  {
    name: 'server: token expires mid-upload, several times (token-url)',
    expected: 'success with fresh tokens',
    emulator: {tokenLifetimeMs: 2500},
    timeoutMs: 90_000,
    async run(ctx) {
      const result = await upload(ctx, {specs: [spec('expiring.bin', V2)], faults: [{path: SLICE, kind: 'slow', delayMs: 1200}], timeoutMs: 80_000});
      result.checks!.push([`three or more tokens were used (${ctx.tokens.size})`, ctx.tokens.size >= 3]);
      return result;
    },
  },
  {
    name: 'server: token expires mid-upload, several times (proxy)',
    expected: 'success with fresh tokens',
    emulator: {tokenLifetimeMs: 2500},
    timeoutMs: 90_000,
    async run(ctx) {
      // v2 chosen: its slices stream through the proxy (auto would take v1, bytes straight to storage).
      const result = await upload(ctx, {mode: 'proxy', place: INBOX, attrs: {'drive-flow': 'v2'}, specs: [spec('expiring-proxy.bin', V2)], faults: [{path: SLICE, kind: 'slow', delayMs: 1200}], timeoutMs: 80_000});
      result.checks!.push([`three or more tokens were used (${ctx.tokens.size})`, ctx.tokens.size >= 3]);
      return result;
    },
  },
  {
    name: 'server: tokens revoked mid-upload 3 times (proxy)',
    expected: 'success with fresh tokens',
    async run(ctx) {
      const result = await upload(ctx, {
        mode: 'proxy',
        attrs: {'drive-flow': 'v2'},
        specs: [spec('revoked.bin', V2)],
        faults: [{path: SLICE, kind: 'slow', delayMs: 600}],
        during: revokeThrice,
      });
      result.checks!.push([`four tokens were used (${ctx.tokens.size})`, ctx.tokens.size >= 4]);
      return result;
    },
  },
  {
    name: 'server: tokens revoked mid-upload 3 times (token-url)',
    expected: 'success with fresh tokens',
    async run(ctx) {
      const result = await upload(ctx, {
        place: INBOX,
        specs: [spec('revoked-token-url.bin', V2)],
        faults: [{path: SLICE, kind: 'slow', delayMs: 600}],
        during: revokeThrice,
      });
      result.checks!.push([`four tokens were used (${ctx.tokens.size})`, ctx.tokens.size >= 4]);
      return result;
    },
  },
  sliceFaultCase('server: HTTP 401 on slices (token refreshed)', '401', [{path: SLICE, kind: '401', times: 2}], {fast: true, folder: true}),
  {
    name: 'server: preuploadID refused after a reload',
    expected: 'resumed record refused, fresh upload succeeds',
    fast: true,
    async run(ctx) {
      const file = spec('refused-after-reload.bin', V2 + 4321);
      const storedAs = await prepare(ctx, {target: 'drive'}, file);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.fault({path: SLICE, kind: 'slow', delayMs: 400});
      await ctx.add([file]);
      await ctx.waitUploaded(4 * MiB);
      await ctx.page.reload();
      await ctx.page.waitForSelector('html[data-ready]');
      // The server forgets the upload (and its tokens) while the page is away; the root is seeded again.
      await ctx.resetServer([{name: file.name, size: 999, seed: file.seed + 7}]);
      await ctx.configure({sliceSize: MiB});
      await ctx.mount('token');
      await ctx.add([file]);
      const settled = await ctx.settle(1);
      const files = await ctx.outcomes([ctx.given(file, 'success', undefined, storedAs)]);
      const log = await ctx.requests();
      const refused = log.some((r) => r.path === SLICE && r.code !== undefined && r.code !== 0);
      const created = log.filter((r) => r.path === CREATE && r.code === 0).length;
      return {
        files,
        note: refused ? 'record refused, started afresh' : undefined,
        checks: [
          ['ended within the time limit', settled],
          ['the recorded preuploadID was tried and refused', refused],
          ['a fresh create followed', created === 1],
        ],
      };
    },
  },
  {
    name: 'server: HTTP 500 on every slice',
    expected: 'clear error naming the file, nothing stored',
    timeoutMs: 90_000,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('always-500.bin', V2)], faults: [{path: SLICE, kind: 'http500'}], expect: 'error', reason: /500/, timeoutMs: 80_000}),
  },
  {
    name: 'network: create never reachable',
    expected: 'clear network error, nothing stored',
    timeoutMs: 90_000,
    run: (ctx) =>
      upload(ctx, {specs: [spec('unreachable.bin', V2)], faults: [{path: CREATE, kind: 'drop'}], expect: 'error', reason: /reach|network|answer/i, timeoutMs: 80_000}),
  },

  // ---- page ----
  ...pageCases,

  // ---- input ----
  {
    name: 'input: a 0-byte file',
    expected: 'success, empty file stored',
    fast: true,
    run: (ctx) => upload(ctx, {place: INBOX, specs: [spec('empty.txt', 0)]}),
  },
  {
    // The bystander keeps a name of its own: "(1)" would take this name past 255 characters.
    name: `input: a ${MAX_NAME_LENGTH}-character name`,
    expected: 'success under the full name',
    fast: true,
    run: (ctx) => upload(ctx, {apart: true, specs: [spec(`${'n'.repeat(MAX_NAME_LENGTH - 4)}.txt`, 2048)]}),
  },
  refusedName('of 256 characters', `${'l'.repeat(252)}.txt`, /256 characters.*255/),
  ...['"', '\\', '/', ':', '*', '?', '|', '>', '<'].map((c) => refusedName(`with ${c}`, `bad${c}name.txt`, new RegExp(`contains "\\${c}"`), c === '/' || c === '"')),
  refusedName('of only spaces', '     ', /only spaces/),
  {
    name: 'input: 10 GiB + 1 byte (sparse file on disk)',
    expected: 'refused by size, nothing sent',
    fast: true,
    async run(ctx) {
      const huge = await sparseFile('huge.bin', DRIVE_MAX_SIZE + 1);
      await prepare(ctx, INBOX);
      return refusedBySize(ctx, huge.path, huge.name, huge.size, /10\.0 GB \(10737418241 bytes\)/);
    },
  },
  {
    name: 'input: image host given non-images',
    expected: 'refused by type, nothing sent',
    fast: true,
    run: (ctx) =>
      upload(ctx, {place: GALLERY, specs: [spec('notes.txt', 500, 'text/plain'), spec('report.pdf', 900, 'application/pdf')], expect: 'rejected', reason: /image host takes only/}),
  },
  {
    name: 'input: image host given 100 MiB + 1 byte image (disk)',
    expected: 'refused by size, nothing sent',
    async run(ctx) {
      const image = await sparseFile('too-big.png', IMAGE_MAX_SIZE + 1);
      await prepare(ctx, IMAGE_ROOT);
      // The image host's own limit, with image transforms off: with them on, an image over 100 MB is
      // compressed first and checked after (test/browser/image covers that path).
      return refusedBySize(ctx, image.path, image.name, image.size, /100 MB \(104857601 bytes\)/, {'image-transform': 'off'});
    },
  },
  refusedName('with HTML and script', '<img src=x onerror="window.__xss=true"><script>window.__xss=true</script>.png', /contains/, true),
  {
    name: 'input: name with markup-like text (no < >) renders as text',
    expected: 'success, name shown verbatim',
    fast: true,
    async run(ctx) {
      const name = "&lt;b&gt;bold&lt;&#47;b&gt; 'quoted' & ${x} &amp; {{y}}.txt";
      const result = await upload(ctx, {place: INBOX, specs: [spec(name, 3000)]});
      const rendered = await ctx.rendered();
      result.checks!.push(['the row shows the name verbatim, no markup made', rendered.rows.some((r) => r.name.includes(name)) && rendered.injected === 0 && !rendered.xss]);
      return result;
    },
  },
  {
    // The bystander holds the name first: the first upload is kept as "(1)", the second as "(2)".
    name: 'input: duplicate name, duplicate="keep"',
    expected: 'all kept, earlier files untouched',
    fast: true,
    async run(ctx) {
      const first = spec('report.bin', 5000);
      const second = spec('report.bin', 6000);
      const earlier = await upload(ctx, {place: INBOX, specs: [first]});
      const before = await ctx.files();
      await ctx.add([second]);
      const settled = await ctx.settle(2);
      const files = await ctx.outcomes([ctx.given(second, 'success', undefined, kept('report.bin', 2))]);
      const firstKept = before.some((f) => f.path === ctx.pathOf(kept('report.bin')) && f.md5 === earlier.files[0]?.given.md5);
      return {files, before, checks: [...earlier.checks!, ['ended', settled], ['the first upload was there before, as "(1)"', firstKept]]};
    },
  },
  {
    // Overwrite replaces the file of that name, and only it: the other file in the folder stays as it was.
    name: 'input: duplicate name, duplicate="overwrite"',
    expected: 'replaced, as asked; nothing else',
    fast: true,
    async run(ctx) {
      const file = spec('replace-me.bin', 7000);
      await ctx.seed(INBOX, [
        {name: 'replace-me.bin', size: 5000, seed: file.seed + 1},
        {name: 'keep-me.bin', size: 5000, seed: file.seed + 2},
      ]);
      await ctx.openPage();
      await ctx.mount('token', {duplicate: 'overwrite'});
      await ctx.add([file]);
      const settled = await ctx.settle(1);
      const files = await ctx.outcomes([ctx.given(file)]);
      return {files, mayReplace: [ctx.pathOf('replace-me.bin')], checks: [['ended', settled], ['both files were there before', ctx.before.length === 2]]};
    },
  },
  {
    name: 'input: same name and same bytes again, duplicate="keep"',
    expected: 'both kept, earlier files untouched',
    fast: true,
    async run(ctx) {
      const first = {...spec('same.bin', 4096), lastModified: 1_600_000_000_000};
      const again = {...first, lastModified: 1_600_000_000_001};
      const earlier = await upload(ctx, {specs: [first]});
      const before = await ctx.files();
      await ctx.add([again]);
      const settled = await ctx.settle(2);
      // 123pan keeps both when asked to (duplicate 1), even with the same bytes: the copy gets the next suffix.
      const files = await ctx.outcomes([ctx.given(again, 'success', undefined, kept('same.bin', 2))]);
      const firstKept = before.some((f) => f.path === ctx.pathOf(kept('same.bin')) && f.md5 === earlier.files[0]?.given.md5);
      return {files, before, checks: [...earlier.checks!, ['ended', settled], ['the first upload was there before, as "(1)"', firstKept]]};
    },
  },
  {
    name: 'input: image host, same name with other bytes',
    expected: 'clear error, original untouched',
    fast: true,
    async run(ctx) {
      const first = spec('logo.png', 3000, 'image/png');
      const second = spec('logo.png', 3500, 'image/png');
      const earlier = await upload(ctx, {place: GALLERY, specs: [first]});
      const before = await ctx.files();
      await ctx.add([second]);
      const settled = await ctx.settle(2);
      const files = await ctx.outcomes([ctx.given(second, 'error', /already exists/)]);
      const firstThere = before.some((f) => f.path === '/gallery/logo.png' && f.md5 === earlier.files[0]?.given.md5);
      return {files, before, checks: [...earlier.checks!, ['ended', settled], ['the first logo.png was there before', firstThere]]};
    },
  },
  {
    name: 'input: mixed batch, good and bad files',
    expected: 'good ones uploaded, bad ones refused',
    fast: true,
    async run(ctx) {
      const good = [spec('ok-1.txt', 100), spec('ok-2.txt', 200)];
      const bad = [spec('no|pipe.txt', 300), spec('   ', 400)];
      const storedAs = await prepare(ctx, INBOX, good[0]);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.add([good[0]!, bad[0]!, good[1]!, bad[1]!]);
      const settled = await ctx.settle(4);
      const files = await ctx.outcomes([
        ctx.given(good[0]!, 'success', undefined, storedAs),
        ctx.given(good[1]!),
        ...bad.map((s) => ctx.given(s, 'rejected', /contains|only spaces/)),
      ]);
      return {files, checks: [['ended', settled]]};
    },
  },
  {
    name: 'input: larger than max-size',
    expected: 'refused by size, nothing sent',
    run: (ctx) => upload(ctx, {attrs: {'max-size': '1 MB'}, specs: [spec('over-limit.bin', 2 * MiB)], expect: 'rejected', reason: /above the limit/}),
  },

  // ---- credentials and CSP ----
  {
    // The leak search itself must be able to fail: a page that does leak the token is caught everywhere.
    name: 'credentials: a token planted by the page is found',
    expected: 'the leak search finds every planted copy',
    fast: true,
    async run(ctx) {
      const result = await upload(ctx, {specs: [spec('planted.txt', 100)]});
      await ctx.page.evaluate(async (url) => {
        const {accessToken} = (await (await fetch(url)).json()) as {accessToken: string};
        localStorage.setItem('leak', accessToken);
        sessionStorage.setItem('leak', accessToken);
        console.log(`leak ${accessToken}`);
        document.dispatchEvent(new CustomEvent('pan-upload-error', {detail: {id: 'x', name: 'x', message: accessToken}}));
        await fetch(`/leak?t=${accessToken}`).catch(() => undefined);
      }, `/case/${ctx.id}/pan/token`);
      await sleep(200);
      result.planted = ['token in localStorage', 'token in sessionStorage', 'token in event details', 'token in URLs', 'token in console'];
      return result;
    },
  },
  {
    name: 'csp: strict page (no wasm, no inline) uploads with pure-JS MD5',
    expected: 'success, WebAssembly blocked',
    fast: true,
    async run(ctx) {
      // default-src 'self' leaves out presigned storage, which auto's v1 would PUT to: v2 keeps every call same-origin.
      const result = await upload(ctx, {csp: true, mode: 'proxy', place: INBOX, attrs: {'drive-flow': 'v2'}, specs: [spec('csp-v2.bin', V2), spec('csp-small.txt', 5000)]});
      const blocked = await ctx.page.evaluate(() => (window as unknown as {faults: {wasmBlocked(): Promise<boolean>}}).faults.wasmBlocked());
      const violations = await ctx.page.evaluate(() => (window as unknown as {faults: {violations(): string[]}}).faults.violations());
      const other = violations.filter((v) => !v.startsWith('script-src wasm-eval') && !/wasm/.test(v));
      result.checks!.push(['WebAssembly cannot compile on this page', blocked]);
      result.checks!.push([`no other CSP violation (${other.join('; ')})`, other.length === 0]);
      return result;
    },
  },
  {
    name: 'credentials: token-url mode leaves no token behind',
    expected: 'success, token only in memory/headers',
    fast: true,
    async run(ctx) {
      const result = await upload(ctx, {specs: [spec('token-v2.bin', V2), spec('token-small.txt', 777)], faults: [{path: SLICE, kind: '401', times: 1}]});
      const image = spec('token.png', 4000, 'image/png');
      await ctx.mount('token', {target: 'image'});
      await ctx.add([image]);
      await ctx.settle(1);
      result.files.push(...(await ctx.outcomes([{...ctx.given(image), lands: {target: 'image', path: '/token.png'}}])));
      result.checks!.push(['a token was handed to the page', ctx.tokenRequests > 0 && ctx.tokens.size > 0]);
      return result;
    },
  },
  {
    name: 'credentials: proxy mode, no token in the browser',
    expected: 'success, no token anywhere in the page',
    fast: true,
    async run(ctx) {
      // auto in proxy mode: v1, bytes straight to presigned storage, the JSON calls through the proxy.
      const result = await upload(ctx, {mode: 'proxy', place: INBOX, specs: [spec('proxy-v2.bin', V2), spec('proxy-small.txt', 888)], faults: [{path: '/upload/v1/file/get_upload_url', kind: '401', times: 1}]});
      result.checks!.push(['the server side did mint a token', ctx.tokens.size > 0]);
      result.checks!.push(['every API call went through the proxy', ctx.pageRequests.every((r) => !r.url.startsWith(ctx.emu.apiOrigin) && !r.url.startsWith(ctx.emu.uploadOrigin))]);
      return result;
    },
  },
  ...corsCases(),
];

/**
 * 123pan documents no CORS policy: the cases where its origins refuse browser pages. Storage refusing the
 * page in proxy mode must still upload (the proxy relays the PUTs); an API refusing it in token mode must
 * end in one clear error naming proxy mode, with no retry storm.
 */
function corsCases(): Case[] {
  /** Preflights the page's presigned PUTs met (each a refused direct try), and its PUTs through the relay. */
  const relayChecks = async (ctx: CaseContext, slices: number): Promise<[string, boolean][]> => {
    const log = await ctx.requests();
    const refused = log.filter((r) => r.method === 'OPTIONS' && r.path.startsWith('/presigned/')).length;
    const relayed = ctx.pageRequests.filter((r) => r.method === 'PUT' && r.url.includes('/__storage/')).length;
    const direct = ctx.pageRequests.filter((r) => r.method === 'PUT' && r.url.startsWith(ctx.emu.storageOrigin)).length;
    return [
      [`the page tried storage directly first (${refused} refused preflights)`, refused >= 1],
      // Slices already in flight when the first refusal came may try too; none after it.
      [`the refusal was remembered: ${direct} direct tries for ${slices} slices`, direct >= 1 && direct < Math.min(slices, 6)],
      [`every slice reached storage through the relay (${relayed} of ${slices})`, relayed >= slices],
    ];
  };
  return [
    {
      name: 'CORS: storage refuses browsers, drive v1 through the proxy relay',
      expected: 'success through the relay, bytes intact',
      fast: true,
      emulator: {cors: 'none'},
      async run(ctx) {
        // auto in proxy mode: v1, whose presigned PUTs storage refuses; 17 slices and one small file.
        const result = await upload(ctx, {mode: 'proxy', place: INBOX, specs: [spec('relay-v1.bin', V2), spec('relay-small.txt', 999)]});
        result.checks!.push(...(await relayChecks(ctx, 18)));
        return result;
      },
    },
    {
      name: 'CORS: storage refuses browsers, image host through the proxy relay',
      expected: 'success through the relay, bytes intact',
      emulator: {cors: 'none'},
      async run(ctx) {
        const result = await upload(ctx, {mode: 'proxy', place: GALLERY, specs: [spec('relay.png', 3 * MiB + 5, 'image/png'), spec('relay-2.jpg', 4000, 'image/jpeg')]});
        result.checks!.push(...(await relayChecks(ctx, 5)));
        return result;
      },
    },
    {
      name: 'CORS: API refuses browsers in token mode, storage open',
      expected: 'one clear error per file naming proxy mode, within 15 s, no retry storm',
      fast: true,
      emulator: {cors: {api: 'none', upload: 'none', storage: 'all'}},
      async run(ctx) {
        const started = Date.now();
        const result = await upload(ctx, {specs: [spec('cors-a.bin', V2), spec('cors-b.txt', 321)], expect: 'error', reason: /proxy mode/, timeoutMs: 30_000});
        const took = Date.now() - started;
        const log = await ctx.requests();
        const preflights = log.filter((r) => r.method === 'OPTIONS').length;
        // The token endpoint's own mint (server to 123pan, no CORS) is not the page's.
        const reached = log.filter((r) => r.method !== 'OPTIONS' && r.method !== 'GET' && r.path !== '/api/v1/access_token');
        result.checks!.push([`both files failed within 15 s of the start (${took} ms)`, took < 15_000]);
        result.checks!.push([`at most one refused preflight per file (${preflights})`, preflights >= 1 && preflights <= 2]);
        result.checks!.push([`no call got past the refusal (${reached.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'})`, reached.length === 0]);
        return result;
      },
    },
  ];
}

/** A single-step upload beside the bystander whose storing send is reset: one file, no copy. */
async function resetAfterSingle(ctx: CaseContext, mode: 'token' | 'proxy') {
  // Proxy mode would take v1 by itself (bytes straight to storage): single-step asked for.
  const result = await upload(ctx, {mode, place: INBOX, attrs: {'drive-flow': 'single'}, specs: [spec(`reset-single-${mode}.txt`, 40_000)], faults: [{path: SINGLE, kind: 'reset', times: 1, whenOk: true}]});
  const sends = (await ctx.requests()).filter((r) => r.path === SINGLE && r.method === 'POST');
  result.checks!.push([`the send that stored the file went unanswered (${sends.length} sends: ${sends.map((r) => r.status).join(', ')})`, sends.some((r) => r.status === 0)]);
  return result;
}

/** A folder upload (album/2026/…, album/…) whose storing single-step send is reset: one file each, folders made once. */
async function resetAfterFolderFile(ctx: CaseContext, mode: 'token' | 'proxy') {
  const specs = [{...spec(`reset-folder-${mode}.txt`, 40_000), folder: 'album/2026'}, {...spec(`beside-${mode}.txt`, 3000), folder: 'album'}];
  // Through the proxy as deployed: pinned to the inbox, which must let the folders made inside it in.
  const place = mode === 'proxy' ? {...INBOX, pinned: true} : INBOX;
  const result = await upload(ctx, {mode, place, apart: true, attrs: {'drive-flow': 'single'}, specs, faults: [{path: SINGLE, kind: 'reset', times: 1, whenOk: true}]});
  const sends = (await ctx.requests()).filter((r) => r.path === SINGLE && r.method === 'POST');
  result.checks!.push([`a send that stored a file went unanswered (${sends.length} sends: ${sends.map((r) => r.status).join(', ')})`, sends.some((r) => r.status === 0)]);
  const folders = await ctx.folders();
  const albums = folders.filter((f) => f.name === 'album' && String(f.parentID) === String(ctx.place.parentID));
  const years = folders.filter((f) => f.name === '2026' && albums.some((a) => a.id === f.parentID));
  result.checks!.push([`one "album" in the inbox and one "2026" in it (${albums.length}, ${years.length})`, albums.length === 1 && years.length === 1]);
  return result;
}

/**
 * Proxy mode against upload servers 123pan names over plain http: checked on the wire, at the emulator's
 * upload port, which answers both schemes. No request with a token may come over plain http, and the
 * file's bytes must have gone over https.
 */
async function plainHttpServer(ctx: CaseContext, flow: 'v2' | 'single', file: ReturnType<typeof spec>) {
  const result = await upload(ctx, {mode: 'proxy', place: INBOX, attrs: {'drive-flow': flow}, specs: [file]});
  const uploadHost = new URL(ctx.emu.uploadOrigin).host;
  const onUpload = (await ctx.requests()).filter((r) => new URL(r.url).host === uploadHost);
  const plain = onUpload.filter((r) => r.url.startsWith('http:') && r.token);
  const bytes = flow === 'v2' ? SLICE : SINGLE;
  const secure = onUpload.filter((r) => r.url.startsWith('https:') && r.token && r.path === bytes && r.code === 0);
  result.checks!.push([`no request with a token over plain http (${plain.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'})`, plain.length === 0]);
  result.checks!.push([`the bytes went over https (${secure.length} ${bytes} requests)`, secure.length > 0]);
  return result;
}

/** Exactly one "album" in the case's gallery folder. */
async function oneAlbum(ctx: CaseContext): Promise<[string, boolean][]> {
  const albums = (await ctx.folders()).filter((f) => f.name === 'album' && String(f.parentID) === String(ctx.place.parentID));
  return [[`one "album" folder in the gallery (${albums.length})`, albums.length === 1]];
}
