/**
 * The page cases: a reload in the middle of an upload (then resume), two tabs with the same file, and a
 * cancel while slices are in flight. The emulator's Node host sees the browser close each connection, so
 * these cases can tell an abandoned request from one still running.
 */
import type {RequestLogEntry} from '../../src/emulator/types.ts';
import {bigFile} from './disk.ts';
import {sleep, type CaseContext, type Given} from './harness.ts';
import type {Expected} from './judge.ts';
import {startRedisServer} from '../node/support/redis-server.ts';
import {type Case, CREATE, GALLERY, INBOX, kept, MiB, prepare, PRESIGNED, resentOnlyMissing, SLICE, spec, V2} from './plan.ts';

async function reload(ctx: CaseContext): Promise<number> {
  await ctx.page.reload();
  await ctx.page.waitForSelector('html[data-ready]');
  return Date.now();
}

export const pageCases: Case[] = [
  {
    name: 'page: reload in the middle of a 1 GiB upload, then resume',
    expected: 'resumed, bytes intact',
    emulator: {sliceSize: 16 * MiB},
    timeoutMs: 300_000,
    async run(ctx) {
      const big = await bigFile(1024 * MiB);
      const slices = 64;
      await ctx.seed(INBOX, [{name: big.name, size: 4321, seed: 77}]);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.fault({path: SLICE, kind: 'slow', delayMs: 150});
      await ctx.pick([big.path]);
      await ctx.waitUploaded(256 * MiB, 180_000);
      const reloadedAt = await reload(ctx);
      await ctx.clearFaults();
      await ctx.mount('token');
      await ctx.pick([big.path]);
      const settled = await ctx.settle(1, 240_000);
      const g: Given = {name: big.name, size: big.size, md5: big.md5, expect: 'success', lands: {target: 'drive', path: ctx.pathOf(kept(big.name))}};
      const files = await ctx.outcomes([g]);
      const log = await ctx.requests();
      const creates = log.filter((r) => r.path === CREATE && r.code === 0).length;
      return {
        files,
        note: files[0]?.task?.resumed ? 'resumed' : 'not resumed',
        checks: [
          ['ended within the time limit', settled],
          ['the task says it continued the recorded upload', files[0]?.task?.resumed === true],
          resentOnlyMissing(log, (r) => r.path === SLICE, reloadedAt, slices),
          ['one create in all', creates === 1],
        ],
      };
    },
  },
  {
    name: 'page: reload in the middle of an image-host upload, then resume',
    expected: 'resumed, bytes intact',
    fast: true,
    async run(ctx) {
      const image = {...spec('resume.png', 6 * MiB + 123, 'image/png'), lastModified: 1_650_000_000_000};
      const storedAs = await prepare(ctx, GALLERY, image);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.fault({path: PRESIGNED, kind: 'slow', delayMs: 700});
      await ctx.add([image]);
      // Reload once three parts are stored (the element's progress also counts bytes still in flight).
      const isPart = (r: {path: string; method: string}) => r.path.startsWith('/presigned/') && r.method === 'PUT';
      const stored = async () => (await ctx.requests()).filter((r) => isPart(r) && r.status === 200).length;
      for (const deadline = Date.now() + 30_000; (await stored()) < 3 && Date.now() < deadline; ) await sleep(50);
      await sleep(300);
      const reloadedAt = await reload(ctx);
      await ctx.clearFaults();
      await ctx.mount('token');
      await ctx.add([image]);
      const settled = await ctx.settle(1);
      const files = await ctx.outcomes([ctx.given(image, 'success', undefined, storedAs)]);
      const log = await ctx.requests();
      return {
        files,
        note: files[0]?.task?.resumed ? 'resumed' : 'not resumed',
        checks: [
          ['ended within the time limit', settled],
          ['the task says it continued the recorded upload', files[0]?.task?.resumed === true],
          resentOnlyMissing(log, isPart, reloadedAt, 7),
        ],
      };
    },
  },
  {
    name: 'page: two tabs upload the same file',
    expected: 'both succeed, one file per upload',
    async run(ctx) {
      const file = spec('two-tabs.bin', V2 + 100);
      await prepare(ctx, {target: 'drive'}, file);
      const first = await ctx.openPage();
      const second = await ctx.openPage({context: ctx.context});
      await ctx.mount('token', {}, first);
      await ctx.mount('token', {}, second);
      await ctx.fault({path: SLICE, kind: 'slow', delayMs: 100});
      await Promise.all([ctx.add([file], first), ctx.add([file], second)]);
      const settled = (await ctx.settle(1, 60_000, first)) && (await ctx.settle(1, 60_000, second));
      const g = ctx.given(file, 'success', undefined, kept(file.name));
      const files = [...(await ctx.outcomes([g], first)), ...(await ctx.outcomes([g], second))];
      // The tabs share IndexedDB: the second may continue the first one's recorded upload (both report one
      // fileID: one file), or upload on its own (two fileIDs: duplicate="keep" keeps both, as "(1)" and "(2)"
      // beside the bystander). What the tabs report decides which; the server must hold exactly that.
      const shared = new Set(files.map((f) => String(f.task?.fileID))).size === 1;
      const copy = (k: number): Expected => ({target: 'drive', path: ctx.pathOf(kept(file.name, k)), md5: g.md5, size: g.size});
      return {
        files,
        stored: shared ? [copy(1)] : [copy(1), copy(2)],
        pages: [first, second],
        note: shared ? 'one upload shared' : 'both kept',
        checks: [['both tabs ended within the time limit', settled]],
      };
    },
  },
  {
    // The browser's upload is throttled so each slice is still streaming when cancel comes: the server is
    // reading it and sees the connection go (a slice whose bytes had all arrived would look finished to it).
    name: 'page: cancel while slices are in flight',
    expected: 'canceled, every request gone, nothing stored',
    // The browser-side half (each slice in flight aborted, nothing sent after) runs in every engine in
    // test/browser/element/upload.test.ts.
    notIn: {firefox: 'puppeteer cannot throttle the upload over WebDriver BiDi, and a server-side stall hides the abort from the server'},
    async run(ctx) {
      const file = spec('cancel.bin', V2);
      await prepare(ctx, INBOX, file);
      await ctx.openPage();
      await ctx.page.emulateNetworkConditions({upload: MiB, download: 10 * MiB, latency: 0});
      await ctx.mount('token', {'drive-flow': 'v2'});
      await ctx.add([file]);
      // Cancel once slices are on their way: none of them can have arrived yet at this speed.
      const sending = async () => (await ctx.control<{requests: RequestLogEntry[]}>('requests')).requests.some((r) => r.path === SLICE);
      for (const deadline = Date.now() + 30_000; !(await sending()) && Date.now() < deadline; ) await sleep(50);
      await sleep(500);
      const canceledAt = Date.now();
      await ctx.page.evaluate(() => (document.querySelector('pan-uploader') as unknown as {cancel(): void}).cancel());
      // The browser reports each request it starts in order with the evaluate's answer, so those reported after it
      // started after cancel. (The server's arrival times cannot tell: under load a slice sent before cancel arrives after.)
      const startedBeforeCancel = ctx.pageRequests.length;
      const settled = await ctx.settle(1, 10_000);
      // Longer than the rest of the slices in flight would take at this speed: one still running would be answered by now.
      await sleep(4000);
      const sent = ctx.pageRequests.filter((r) => r.method === 'POST' && r.url.includes(SLICE)).length;
      const files = await ctx.outcomes([ctx.given(file, 'canceled')]);
      const log = await ctx.requests();
      const slices = log.filter((r) => r.path === SLICE && r.method === 'POST');
      const lingering = slices.filter((r) => !r.aborted || r.ended - canceledAt > 1000);
      const late = ctx.pageRequests.slice(startedBeforeCancel);
      return {
        files,
        checks: [
          ['the task ended canceled', settled],
          [`slices were in flight when cancel was pressed (${slices.length})`, slices.length > 0],
          [`the server has ended every slice request the browser made (${slices.length} of ${sent})`, slices.length === sent],
          [`each was abandoned by the browser within 1 s, none answered (${lingering.map((r) => `${r.status} after ${r.ended - canceledAt} ms`).join(', ')})`, lingering.length === 0],
          [`no request started after cancel (${late.map((r) => `${r.method} ${r.url}`).join(', ')})`, late.length === 0],
        ],
      };
    },
  },
  {
    name: 'page: 3 tabs through 2 proxy instances sharing one Redis keep the account\'s create limit',
    expected: 'all succeed; one token; creates at least 1 s apart',
    // 123pan's free tier: create 1/s per account, whichever client asks.
    emulator: {qps: {'/upload/v1/file/create': 1, '/upload/v2/file/create': 1}},
    timeoutMs: 120_000,
    async run(ctx) {
      const redis = await startRedisServer();
      if (typeof redis === 'string') throw new Error(`this case needs Debian's redis-server: ${redis}`);
      try {
        const shared = await ctx.shareThroughRedis(redis.url, 2);
        const tabs = [spec('tab-1a.txt', 1111), spec('tab-1b.txt', 1112), spec('tab-2a.txt', 2221), spec('tab-2b.txt', 2222), spec('tab-3a.txt', 3331), spec('tab-3b.txt', 3332)];
        await prepare(ctx, INBOX);
        const pages = [await ctx.openPage(), await ctx.openPage({context: ctx.context}), await ctx.openPage({context: ctx.context})];
        // Tabs 1 and 3 on the first instance, tab 2 on the second.
        for (const [i, page] of pages.entries()) await ctx.mount('proxy', {'api-base': shared.bases[i % 2]!}, page);
        await Promise.all(pages.map((page, i) => ctx.add(tabs.slice(2 * i, 2 * i + 2), page)));
        let settled = true;
        for (const page of pages) settled = (await ctx.settle(2, 60_000, page)) && settled;
        const files = [];
        for (const [i, page] of pages.entries()) files.push(...(await ctx.outcomes(tabs.slice(2 * i, 2 * i + 2).map((t) => ctx.given(t)), page)));
        await shared.close();
        const log = await ctx.requests();
        const mints = log.filter((r) => r.path === '/api/v1/access_token').length;
        const creates = log.filter((r) => r.path.endsWith('/file/create'));
        const accepted = creates.filter((r) => r.code === 0).map((r) => r.time).sort((a, b) => a - b);
        const closest = Math.min(...accepted.slice(1).map((t, i) => t - accepted[i]!));
        const refused = creates.filter((r) => r.code === 429).length;
        return {
          files,
          checks: [
            ['every file ended within the time limit', settled],
            [`one token minted for both instances (${mints})`, mints === 1],
            [`six creates accepted, the closest two ${closest} ms apart`, accepted.length === 6 && closest >= 1000],
            [`few creates met the limit (${refused}; without a shared limiter nearly every one would)`, refused <= 2],
          ],
        };
      } finally {
        await redis.stop();
      }
    },
  },
];
