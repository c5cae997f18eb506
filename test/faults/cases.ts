/**
 * The fault cases: network, server, page and input faults, the strict-CSP page and both credential modes.
 * Each drives real uploads through <pan-uploader> in Chromium against the emulator's Node server and returns
 * what became of every file; judge.ts checks the emulator's bytes.
 */
import type {EmulatorOptions, Fault, RequestLogEntry} from '../../src/emulator/types.ts';
import {DRIVE_MAX_SIZE, IMAGE_MAX_SIZE, MAX_NAME_LENGTH} from '../../src/core/validate.ts';
import type {FileSpec} from './bytes.ts';
import {bigFile, sparseFile} from './disk.ts';
import {given, sleep, type CaseContext, type Given, type Mode} from './harness.ts';
import type {CaseResult} from './judge.ts';

export interface Case {
  name: string;
  expected: string;
  /** Part of the quick run `npm test` does. */
  fast?: boolean;
  emulator?: EmulatorOptions;
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<CaseResult>;
}

const MiB = 1024 * 1024;
/** Just above the single-step limit (16 MiB): the v2 sliced flow, 17 slices of the suite's 1 MiB. */
const V2 = 17 * MiB;
const SLICE = '/upload/v2/file/slice';
const CREATE = '/upload/v2/file/create';
const COMPLETE = '/upload/v2/file/upload_complete';
const SINGLE = '/upload/v2/file/single/create';
const PRESIGNED = '/presigned/*';
const OSS_COMPLETE = '/upload/v1/oss/file/upload_complete';

let seed = 1000;
function spec(name: string, size: number, type = ''): FileSpec {
  return {name, size, seed: seed++, type};
}

/** Whether the emulator's log shows the fault really struck. */
function struck(log: RequestLogEntry[], fault: Fault): boolean {
  const matches = (path: string) => fault.path === path || (fault.path.endsWith('*') && path.startsWith(fault.path.slice(0, -1)));
  return log.some((r) => {
    if (!matches(r.path)) return false;
    switch (fault.kind) {
      case 'drop':
      case 'reset':
        return r.status === 0;
      case 'http500':
        return r.status === 500;
      case 'code1':
        return r.code === 1 || (r.path.startsWith('/presigned/') && r.status === 500);
      case '429':
        return r.status === 429 || r.status === 503;
      case '401':
        return r.status === 401 || r.status === 403;
      default:
        return true;
    }
  });
}

interface Plan {
  mode?: Mode;
  attrs?: Record<string, string | boolean>;
  specs: FileSpec[];
  expect?: Given['expect'];
  reason?: RegExp;
  faults?: Fault[];
  timeoutMs?: number;
  /** Runs while the upload is under way (after the files were added). */
  during?: (ctx: CaseContext) => Promise<void>;
  csp?: boolean;
}

/** The common shape: open the page, mount, inject faults, add files, wait, collect outcomes and fault hits. */
async function upload(ctx: CaseContext, plan: Plan): Promise<CaseResult> {
  await ctx.openPage({csp: plan.csp});
  await ctx.mount(plan.mode ?? 'token', plan.attrs);
  for (const f of plan.faults ?? []) await ctx.fault(f);
  await ctx.add(plan.specs);
  if (plan.during) await plan.during(ctx);
  const settled = await ctx.settle(plan.specs.length, plan.timeoutMs ?? 60_000);
  await ctx.clearFaults();
  const files = await ctx.outcomes(plan.specs.map((s) => given(s, plan.expect ?? 'success', plan.reason)));
  const log = await ctx.requests();
  const checks: [string, boolean][] = [['every file ended within the time limit', settled]];
  if (plan.expect === 'error') {
    // What the user sees: the file's row with the reason under it.
    const {rows} = await ctx.rendered();
    for (const s of plan.specs) checks.push([`the row of ${s.name} shows why it failed`, rows.some((r) => !r.rejected && r.title === s.name && r.error.length > 0)]);
  }
  for (const f of plan.faults ?? []) if (f.kind !== 'slow') checks.push([`fault ${f.kind} on ${f.path} struck`, struck(log, f)]);
  return {files, checks};
}

/** A rate of faults, with the first one certain, so the case cannot pass without meeting a fault. */
const rate = (path: string, kind: Fault['kind'], r: number): Fault[] => [
  {path, kind, times: 1},
  {path, kind, rate: r},
];

function sliceFaultCase(name: string, kind: Fault['kind'], faults: Fault[], fast = false): Case {
  return {
    name,
    expected: 'success, bytes intact',
    fast,
    run: (ctx) => upload(ctx, {specs: [spec(`${kind}-slices.bin`, V2)], faults}),
  };
}

/** A file name refused before anything is sent: the refusal names the file and the rule; the server sees no create. */
function refusedName(label: string, name: string, reason: RegExp): Case {
  return {
    name: `input: name ${label}`,
    expected: 'refused by name, nothing sent',
    fast: true,
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

export const cases: Case[] = [
  // ---- network ----
  {
    name: 'network: 10% of slice requests dropped',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('drop-a.bin', V2), spec('drop-b.bin', V2 + 12345)], faults: rate(SLICE, 'drop', 0.1)}),
  },
  {
    name: 'network: 10% of single-step uploads dropped',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: Array.from({length: 12}, (_, i) => spec(`small-${i}.txt`, 3000 + i * 7919)), faults: rate(SINGLE, 'drop', 0.1)}),
  },
  {
    name: 'network: 10% of image-host PUTs dropped',
    expected: 'success, bytes intact',
    run: (ctx) =>
      upload(ctx, {attrs: {target: 'image'}, specs: [spec('drop-1.png', 3 * MiB + 5, 'image/png'), spec('drop-2.jpg', 2 * MiB, 'image/jpeg')], faults: rate(PRESIGNED, 'drop', 0.1)}),
  },
  sliceFaultCase('network: connection reset mid-body (slices)', 'drop', [{path: SLICE, kind: 'drop', times: 4}]),
  sliceFaultCase('network: connection reset after the slice was stored', 'reset', [{path: SLICE, kind: 'reset', times: 4}], true),
  {
    name: 'network: reset after create was processed',
    expected: 'success, one file',
    run: (ctx) => upload(ctx, {specs: [spec('reset-create.bin', V2)], faults: [{path: CREATE, kind: 'reset', times: 1}]}),
  },
  {
    name: 'network: reset after upload_complete was processed',
    expected: 'success, one file',
    run: (ctx) => upload(ctx, {specs: [spec('reset-complete.bin', V2)], faults: [{path: COMPLETE, kind: 'reset', times: 1}]}),
  },
  {
    // The single-step upload is not idempotent: when its answer is lost after the server stored the file,
    // the re-sent body is a second upload, which duplicate="keep" keeps beside the first under a suffix.
    // Nothing is lost or overwritten; the extra copy is named in the outcome column.
    name: 'network: reset after a single-step upload was stored',
    expected: 'success; at most one extra copy',
    async run(ctx) {
      const file = spec('reset-single.txt', 40_000);
      const result = await upload(ctx, {specs: [file], faults: [{path: SINGLE, kind: 'reset', times: 1}]});
      const g = given(file);
      const names = (await ctx.files()).map((f) => f.name).sort();
      const copies = names.filter((n) => n !== file.name);
      result.stored = names.map((name) => ({name, md5: g.md5, size: g.size}));
      result.checks!.push([`the file under its own name, and at most one suffixed copy (${names.join(', ')})`, names.includes(file.name) && copies.length <= 1 && copies.every((n) => n === 'reset-single(1).txt')]);
      if (copies.length) result.note = `extra copy ${copies[0]}`;
      return result;
    },
  },
  {
    name: 'network: server stalls past the request timeout',
    expected: 'success after a timeout',
    timeoutMs: 120_000,
    async run(ctx) {
      const started = Date.now();
      const result = await upload(ctx, {specs: [spec('stall.bin', V2)], faults: [{path: SLICE, kind: 'slow', delayMs: 40_000, times: 1}], timeoutMs: 110_000});
      // Done before the stalled answer could have come: the client gave up on it and sent the slice again.
      result.checks!.push(['the stalled slice request was abandoned by the browser', ctx.failedRequests.some((u) => u.includes(SLICE))]);
      result.checks!.push([`finished before the stall ended (${Math.round((Date.now() - started) / 1000)} s)`, Date.now() - started < 40_000]);
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
  sliceFaultCase('server: HTTP 500 burst on slices', 'http500', [{path: SLICE, kind: 'http500', times: 3}], true),
  {
    name: 'server: HTTP 500 burst on create',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('500-create.bin', V2)], faults: [{path: CREATE, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: HTTP 500 burst on upload_complete',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('500-complete.bin', V2)], faults: [{path: COMPLETE, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: HTTP 500 burst on single-step upload',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('500-single.txt', 70_000), spec('500-single-2.txt', 1234)], faults: [{path: SINGLE, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: storage 500 burst on image-host PUTs',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {attrs: {target: 'image'}, specs: [spec('500.webp', 2 * MiB + 77, 'image/webp')], faults: [{path: PRESIGNED, kind: 'http500', times: 3}]}),
  },
  {
    name: 'server: storage SlowDown (503) burst on image-host PUTs',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {attrs: {target: 'image'}, specs: [spec('slowdown.jpeg', 2 * MiB + 9, 'image/jpeg')], faults: [{path: PRESIGNED, kind: '429', times: 3}]}),
  },
  sliceFaultCase('server: code 1 on slices', 'code1', [{path: SLICE, kind: 'code1', times: 3}]),
  {
    name: 'server: code 1 on create',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('code1-create.bin', V2)], faults: [{path: CREATE, kind: 'code1', times: 3}]}),
  },
  {
    name: 'server: code 1 on upload_complete',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('code1-complete.bin', V2)], faults: [{path: COMPLETE, kind: 'code1', times: 2}]}),
  },
  {
    name: 'server: code 1 on image-host upload_complete',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {attrs: {target: 'image'}, specs: [spec('code1.gif', 1500, 'image/gif')], faults: [{path: OSS_COMPLETE, kind: 'code1', times: 2}]}),
  },
  sliceFaultCase('server: 429 burst on slices', '429', [{path: SLICE, kind: '429', times: 4}]),
  {
    name: 'server: 429 burst on create',
    expected: 'success, bytes intact',
    run: (ctx) => upload(ctx, {specs: [spec('429-create.bin', V2)], faults: [{path: CREATE, kind: '429', times: 3}]}),
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
      const result = await upload(ctx, {specs: [spec('verifying.bin', V2)], timeoutMs: 80_000});
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
      const result = await upload(ctx, {mode: 'proxy', attrs: {'drive-flow': 'v2'}, specs: [spec('expiring-proxy.bin', V2)], faults: [{path: SLICE, kind: 'slow', delayMs: 1200}], timeoutMs: 80_000});
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
        async during(c) {
          for (let i = 1; i <= 3; i++) {
            await c.waitUploaded(i * 4 * MiB);
            await c.control('expire-tokens', {});
          }
        },
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
        specs: [spec('revoked-token-url.bin', V2)],
        faults: [{path: SLICE, kind: 'slow', delayMs: 600}],
        async during(c) {
          for (let i = 1; i <= 3; i++) {
            await c.waitUploaded(i * 4 * MiB);
            await c.control('expire-tokens', {});
          }
        },
      });
      result.checks!.push([`four tokens were used (${ctx.tokens.size})`, ctx.tokens.size >= 4]);
      return result;
    },
  },
  sliceFaultCase('server: HTTP 401 on slices (token refreshed)', '401', [{path: SLICE, kind: '401', times: 2}]),
  {
    name: 'server: preuploadID refused after a reload',
    expected: 'resumed record refused, fresh upload succeeds',
    async run(ctx) {
      const file = spec('refused-after-reload.bin', V2 + 4321);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.fault({path: SLICE, kind: 'slow', delayMs: 400});
      await ctx.add([file]);
      await ctx.waitUploaded(4 * MiB);
      await ctx.page.reload();
      await ctx.page.waitForSelector('html[data-ready]');
      // The server forgets the upload (and its tokens) while the page is away.
      await ctx.control('reset', {});
      await ctx.configure({sliceSize: MiB});
      ctx.remount();
      await ctx.mount('token');
      await ctx.add([file]);
      const settled = await ctx.settle(1);
      const files = await ctx.outcomes([given(file)]);
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
    run: (ctx) => upload(ctx, {specs: [spec('always-500.bin', V2)], faults: [{path: SLICE, kind: 'http500'}], expect: 'error', reason: /500/, timeoutMs: 80_000}),
  },
  {
    name: 'network: create never reachable',
    expected: 'clear network error, nothing stored',
    timeoutMs: 90_000,
    run: (ctx) =>
      upload(ctx, {specs: [spec('unreachable.bin', V2)], faults: [{path: CREATE, kind: 'drop'}], expect: 'error', reason: /reach|network|answer/i, timeoutMs: 80_000}),
  },

  // ---- page ----
  {
    name: 'page: reload in the middle of a 1 GiB upload, then resume',
    expected: 'resumed, bytes intact',
    emulator: {sliceSize: 16 * MiB},
    timeoutMs: 300_000,
    async run(ctx) {
      const big = await bigFile(1024 * MiB);
      const slices = 64;
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.fault({path: SLICE, kind: 'slow', delayMs: 150});
      await ctx.pick([big.path]);
      await ctx.waitUploaded(256 * MiB, 180_000);
      await ctx.page.reload();
      await ctx.page.waitForSelector('html[data-ready]');
      const reloadedAt = Date.now();
      await ctx.clearFaults();
      await ctx.mount('token');
      await ctx.pick([big.path]);
      const settled = await ctx.settle(1, 240_000);
      const g: Given = {name: big.name, size: big.size, md5: big.md5, expect: 'success'};
      const files = await ctx.outcomes([g]);
      const log = await ctx.requests();
      const after = log.filter((r) => r.path === SLICE && r.time >= reloadedAt && r.code === 0).length;
      const creates = log.filter((r) => r.path === CREATE && r.code === 0).length;
      return {
        files,
        note: files[0]?.task?.resumed ? 'resumed' : 'not resumed',
        checks: [
          ['ended within the time limit', settled],
          ['the task says it continued the recorded upload', files[0]?.task?.resumed === true],
          [`only the missing slices were sent after the reload (${after} of ${slices})`, after > 0 && after < slices * 0.8],
          ['one create in all', creates === 1],
        ],
      };
    },
  },
  {
    name: 'page: reload in the middle of an image-host upload, then resume',
    expected: 'resumed, bytes intact',
    async run(ctx) {
      const image = {...spec('resume.png', 6 * MiB + 123, 'image/png'), lastModified: 1_650_000_000_000};
      await ctx.openPage();
      await ctx.mount('token', {target: 'image'});
      await ctx.fault({path: PRESIGNED, kind: 'slow', delayMs: 700});
      await ctx.add([image]);
      // Reload once three parts are stored (the element's progress also counts bytes still in flight).
      const stored = async () => (await ctx.requests()).filter((r) => r.path.startsWith('/presigned/') && r.status === 200).length;
      for (const deadline = Date.now() + 30_000; (await stored()) < 3 && Date.now() < deadline; ) await sleep(50);
      await sleep(300);
      await ctx.page.reload();
      await ctx.page.waitForSelector('html[data-ready]');
      const reloadedAt = Date.now();
      await ctx.clearFaults();
      await ctx.mount('token', {target: 'image'});
      await ctx.add([image]);
      const settled = await ctx.settle(1);
      const files = await ctx.outcomes([given(image)]);
      const log = await ctx.requests();
      const puts = log.filter((r) => r.path.startsWith('/presigned/') && r.method === 'PUT' && r.time >= reloadedAt && r.status === 200).length;
      return {
        files,
        note: files[0]?.task?.resumed ? 'resumed' : 'not resumed',
        checks: [
          ['ended within the time limit', settled],
          ['the task says it continued the recorded upload', files[0]?.task?.resumed === true],
          [`only the missing parts were sent after the reload (${puts} of 7)`, puts > 0 && puts < 7],
        ],
      };
    },
  },
  {
    name: 'page: two tabs upload the same file',
    expected: 'both succeed, every copy intact',
    async run(ctx) {
      const file = spec('two-tabs.bin', V2 + 100);
      const first = await ctx.openPage();
      const second = await ctx.openPage({context: ctx.context});
      await ctx.mount('token', {}, first);
      await ctx.mount('token', {}, second);
      await ctx.fault({path: SLICE, kind: 'slow', delayMs: 100});
      await Promise.all([ctx.add([file], first), ctx.add([file], second)]);
      const settled = (await ctx.settle(1, 60_000, first)) && (await ctx.settle(1, 60_000, second));
      const g = given(file);
      const files = [...(await ctx.outcomes([g], first)), ...(await ctx.outcomes([g], second))];
      // The tabs share IndexedDB: the second may continue the first one's recorded upload (one file, one fileID),
      // or upload on its own, which duplicate="keep" keeps beside the first under a suffix. Either way every
      // copy must hold the file's bytes, and each tab's fileID must be a file the server holds (judge.ts).
      const names = (await ctx.files()).map((f) => f.name).sort();
      const ids = new Set(files.map((f) => String(f.task?.fileID)));
      const stored = names.map((name) => ({name, md5: g.md5, size: g.size}));
      return {
        files,
        stored,
        pages: [first, second],
        note: ids.size === 1 ? 'one upload shared' : 'both kept',
        checks: [
          ['both tabs ended within the time limit', settled],
          [`the file under its name, at most one suffixed copy (${names.join(', ')})`, names.includes('two-tabs.bin') && names.length <= 2 && names.every((n) => n === 'two-tabs.bin' || n === 'two-tabs(1).bin')],
          ['one stored file per distinct fileID', names.length === ids.size],
        ],
      };
    },
  },

  // ---- input ----
  {
    name: 'input: a 0-byte file',
    expected: 'success, empty file stored',
    fast: true,
    run: (ctx) => upload(ctx, {specs: [spec('empty.txt', 0)]}),
  },
  {
    name: `input: a ${MAX_NAME_LENGTH}-character name`,
    expected: 'success under the full name',
    fast: true,
    run: (ctx) => upload(ctx, {specs: [spec(`${'n'.repeat(MAX_NAME_LENGTH - 4)}.txt`, 2048)]}),
  },
  refusedName('of 256 characters', `${'l'.repeat(252)}.txt`, /256 characters.*255/),
  ...['"', '\\', '/', ':', '*', '?', '|', '>', '<'].map((c) => refusedName(`with ${c}`, `bad${c}name.txt`, new RegExp(`contains "\\${c}"`))),
  refusedName('of only spaces', '     ', /only spaces/),
  {
    name: 'input: 10 GiB + 1 byte (sparse file on disk)',
    expected: 'refused by size, nothing sent',
    fast: true,
    async run(ctx) {
      const huge = await sparseFile('huge.bin', DRIVE_MAX_SIZE + 1);
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.pick([huge.path]);
      const settled = await ctx.settle(1, 10_000);
      const files = await ctx.outcomes([{name: huge.name, size: huge.size, md5: '', expect: 'rejected', reason: /10\.0 GB \(10737418241 bytes\)/}]);
      const log = await ctx.requests();
      return {files, checks: [['ended', settled], ['no upload request reached the server', !log.some((r) => r.path.startsWith('/upload/'))]]};
    },
  },
  {
    name: 'input: image host given non-images',
    expected: 'refused by type, nothing sent',
    fast: true,
    run: (ctx) =>
      upload(ctx, {attrs: {target: 'image'}, specs: [spec('notes.txt', 500, 'text/plain'), spec('report.pdf', 900, 'application/pdf')], expect: 'rejected', reason: /image host takes only/}),
  },
  {
    name: 'input: image host given 100 MiB + 1 byte image (disk)',
    expected: 'refused by size, nothing sent',
    fast: true,
    async run(ctx) {
      const image = await sparseFile('too-big.png', IMAGE_MAX_SIZE + 1);
      await ctx.openPage();
      await ctx.mount('token', {target: 'image'});
      await ctx.pick([image.path]);
      const settled = await ctx.settle(1, 10_000);
      const files = await ctx.outcomes([{name: image.name, size: image.size, md5: '', expect: 'rejected', reason: /100 MB \(104857601 bytes\)/}]);
      const log = await ctx.requests();
      return {files, checks: [['ended', settled], ['no upload request reached the server', !log.some((r) => r.path.startsWith('/upload/'))]]};
    },
  },
  refusedName('with HTML and script', '<img src=x onerror="window.__xss=true"><script>window.__xss=true</script>.png', /contains/),
  {
    name: 'input: name with markup-like text (no < >) renders as text',
    expected: 'success, name shown verbatim',
    fast: true,
    async run(ctx) {
      const name = "&lt;b&gt;bold&lt;&#47;b&gt; 'quoted' & ${x} &amp; {{y}}.txt";
      const result = await upload(ctx, {specs: [spec(name, 3000)]});
      const rendered = await ctx.rendered();
      result.checks!.push(['the row shows the name verbatim, no markup made', rendered.rows.some((r) => r.name.includes(name)) && rendered.injected === 0 && !rendered.xss]);
      return result;
    },
  },
  {
    name: 'input: duplicate name, duplicate="keep"',
    expected: 'both kept, original untouched',
    fast: true,
    async run(ctx) {
      const first = spec('report.bin', 5000);
      const second = spec('report.bin', 6000);
      await upload(ctx, {specs: [first]});
      const before = await ctx.files();
      await ctx.add([second]);
      const settled = await ctx.settle(2);
      const files = await ctx.outcomes([given(second)]);
      const g1 = given(first);
      const g2 = given(second);
      return {
        files,
        before,
        stored: [
          {name: 'report.bin', md5: g1.md5, size: g1.size},
          {name: 'report(1).bin', md5: g2.md5, size: g2.size},
        ],
        checks: [['ended', settled]],
      };
    },
  },
  {
    name: 'input: duplicate name, duplicate="overwrite"',
    expected: 'replaced, as asked',
    fast: true,
    async run(ctx) {
      const first = spec('replace-me.bin', 5000);
      const second = spec('replace-me.bin', 7000);
      await upload(ctx, {specs: [first], attrs: {duplicate: 'overwrite'}});
      const before = await ctx.files();
      await ctx.add([second]);
      const settled = await ctx.settle(2);
      const files = await ctx.outcomes([given(second)]);
      const g2 = given(second);
      return {files, before, overwriteAsked: true, stored: [{name: 'replace-me.bin', md5: g2.md5, size: g2.size}], checks: [['ended', settled], ['the first file was there before', before.length === 1]]};
    },
  },
  {
    name: 'input: same name and same bytes again, duplicate="keep"',
    expected: 'success, original untouched',
    fast: true,
    async run(ctx) {
      const first = {...spec('same.bin', 4096), lastModified: 1_600_000_000_000};
      const again = {...first, lastModified: 1_600_000_000_001};
      await upload(ctx, {specs: [first]});
      const before = await ctx.files();
      await ctx.add([again]);
      const settled = await ctx.settle(2);
      const files = await ctx.outcomes([given(again)]);
      const g = given(first);
      const names = (await ctx.files()).map((f) => f.name).sort();
      // 123pan keeps both when asked to (duplicate 1): the copy gets a suffix, the original stays as it was.
      return {files, before, stored: names.map((name) => ({name, md5: g.md5, size: g.size})), checks: [['ended', settled], ['the original is still there', names.includes('same.bin')]]};
    },
  },
  {
    name: 'input: image host, same name with other bytes',
    expected: 'clear error, original untouched',
    fast: true,
    async run(ctx) {
      const first = spec('logo.png', 3000, 'image/png');
      const second = spec('logo.png', 3500, 'image/png');
      await upload(ctx, {specs: [first], attrs: {target: 'image'}});
      const before = await ctx.files();
      await ctx.add([second]);
      const settled = await ctx.settle(2);
      const files = await ctx.outcomes([given(second, 'error', /already exists/)]);
      const g1 = given(first);
      return {files, before, stored: [{name: 'logo.png', md5: g1.md5, size: g1.size}], checks: [['ended', settled]]};
    },
  },
  {
    name: 'input: mixed batch, good and bad files',
    expected: 'good ones uploaded, bad ones refused',
    fast: true,
    async run(ctx) {
      const good = [spec('ok-1.txt', 100), spec('ok-2.txt', 200)];
      const bad = [spec('no|pipe.txt', 300), spec('   ', 400)];
      await ctx.openPage();
      await ctx.mount('token');
      await ctx.add([good[0]!, bad[0]!, good[1]!, bad[1]!]);
      const settled = await ctx.settle(4);
      const files = await ctx.outcomes([...good.map((s) => given(s)), ...bad.map((s) => given(s, 'rejected', /contains|only spaces/))]);
      return {files, checks: [['ended', settled]]};
    },
  },
  {
    name: 'input: larger than max-size',
    expected: 'refused by size, nothing sent',
    fast: true,
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
      const result = await upload(ctx, {csp: true, mode: 'proxy', attrs: {'drive-flow': 'v2'}, specs: [spec('csp-v2.bin', V2), spec('csp-small.txt', 5000)]});
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
      result.files.push(...(await ctx.outcomes([given(image)])));
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
      const result = await upload(ctx, {mode: 'proxy', specs: [spec('proxy-v2.bin', V2), spec('proxy-small.txt', 888)], faults: [{path: '/upload/v1/file/get_upload_url', kind: '401', times: 1}]});
      result.checks!.push(['the server side did mint a token', ctx.tokens.size > 0]);
      result.checks!.push(['every API call went through the proxy', ctx.pageRequests.every((r) => !r.url.startsWith(ctx.emu.apiOrigin) && !r.url.startsWith(ctx.emu.uploadOrigin))]);
      return result;
    },
  },
];
