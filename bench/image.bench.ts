// npm run bench:image [-- --browser chromium|firefox|webkit] — the image step on a 24 MP JPEG and a 12 MP HEIC,
// scaled to 2560 px (the image host's default), in the browser: time per image (median of IMAGE_BENCH_RUNS,
// default 3), bytes before and after, the longest main-thread task while processing (Chromium reports long
// tasks; others print null), the browser's memory growth, and the load average. In Chromium IMAGE_BENCH_TRACED_RUNS
// more runs per image (default 3) are traced: the longest main-thread task while watched, its wall and CPU time
// and what took most of it (a wall time far above the CPU time is a task that waited for a core). The last line
// is one JSON object.
import {execFileSync} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import {fileURLToPath} from 'node:url';
import {createServer} from 'vite';
import {engineFromArgs, openBenchPage} from './engine.ts';
import type {TraceEvent} from './engine.ts';
import type {ImageResult} from './image/page.ts';

const engine = engineFromArgs();
const runs = Number(process.env.IMAGE_BENCH_RUNS ?? 3);
const tracedRuns = Number(process.env.IMAGE_BENCH_TRACED_RUNS ?? 3);
const root = fileURLToPath(new URL('..', import.meta.url));

/** Anonymous + shared resident memory of a process tree (bytes), from /proc. */
function treeRss(rootPid: number): number {
  const children = new Map<number, number[]>();
  const own = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const parent = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
      own.set(Number(entry), kB('RssAnon') + kB('RssShmem'));
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length) {
    const pid = pending.pop()!;
    total += own.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

/** The longest main-thread task in a traced run, and what took most of it. */
interface Traced {
  wallMs: number;
  cpuMs: number;
  inside: string;
}

/**
 * The longest main-thread task in a Chrome trace while the page watched for long tasks (between its marks):
 * its wall time, its thread (CPU) time, and its longest inner event (a GC, a script function, a message). A
 * wall time far above the CPU time is a task that waited for a core: the machine's load, not the work.
 */
function longestTraced(events: TraceEvent[]): Traced {
  const mark = (name: string) => events.filter((e) => e.name === name && e.ph !== 'M').at(-1);
  const start = mark('image-watch-start');
  const end = mark('image-watch-end');
  if (!start || !end) throw new Error('the trace holds no image-watch marks');
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === start.pid);
  const onMain = events.filter((e) => e.ph === 'X' && e.pid === start.pid && e.tid === (main?.tid ?? start.tid));
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask' && e.ts >= start.ts && e.ts <= end.ts);
  const longest = tasks.reduce<TraceEvent | undefined>((a, b) => ((b.dur ?? 0) > (a?.dur ?? 0) ? b : a), undefined);
  if (!longest) return {wallMs: 0, cpuMs: 0, inside: 'no task'};
  const within = onMain.filter((e) => e !== longest && e.ts >= longest.ts && e.ts + (e.dur ?? 0) <= longest.ts + longest.dur! && !/RunTask|mojo|Scheduler/.test(e.name));
  const top = within.reduce<TraceEvent | undefined>((a, b) => ((b.dur ?? 0) > (a?.dur ?? 0) ? b : a), undefined);
  const detail = (top as {args?: {data?: {functionName?: string}}} | undefined)?.args?.data?.functionName;
  return {wallMs: longest.dur! / 1000, cpuMs: (longest.tdur ?? 0) / 1000, inside: top ? `${top.name}${detail ? ` (${detail})` : ''} ${((top.dur ?? 0) / 1000).toFixed(1)} ms` : 'nothing traced inside'};
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;
const round = (n: number) => Math.round(n);
const MB = (n: number) => `${(n / 1024 / 1024).toFixed(2)} MB`;

const server = await createServer({configFile: false, root, logLevel: 'error', server: {port: 0, host: '127.0.0.1', hmr: false, watch: null}, optimizeDeps: {entries: ['bench/image/index.html']}});
await server.listen();
const address = server.httpServer!.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const page = await openBenchPage(engine, 600_000);
const load = loadavg().map((n) => Math.round(n * 100) / 100);
console.log(`${page.label}; load average ${load.join(' ')}; ${runs} runs per image, median`);

try {
  await page.goto(`${origin}/bench/image/index.html`, 'runImage');
  const results: Record<'jpeg' | 'heic', ImageResult[]> = {jpeg: [], heic: []};
  let growth = 0;
  const traced: Record<'jpeg' | 'heic', Traced[]> = {jpeg: [], heic: []};
  for (const kind of ['jpeg', 'heic'] as const) {
    await page.call('runImage', {kind}); // warm-up (and, for the JPEG, making it), not counted
    for (let i = 0; i < runs; i++) {
      const before = treeRss(page.pid);
      const sampler = setInterval(() => (growth = Math.max(growth, treeRss(page.pid) - before)), 50);
      results[kind].push(await page.call<ImageResult>('runImage', {kind}).finally(() => clearInterval(sampler)));
    }
    // More runs, traced (not timed: tracing slows them): the main thread's longest task while watched.
    for (let i = 0; page.trace && i < tracedRuns; i++) traced[kind].push(longestTraced(await page.trace(() => page.call('runImage', {kind}))));
  }
  const summary = (kind: 'jpeg' | 'heic') => {
    const r = results[kind];
    const ms = median(r.map((x) => x.ms));
    const last = r[r.length - 1]!;
    console.log(`${kind.padEnd(5)} ${round(ms)} ms (runs: ${r.map((x) => round(x.ms)).join(', ')}), ${MB(last.bytesIn)} → ${MB(last.bytesOut)}, ${last.width}×${last.height}; ${last.note}; longest main-thread task ${round(Math.max(...r.map((x) => x.longestTaskMs)))} ms`);
    return {ms, last, longest: Math.max(...r.map((x) => x.longestTaskMs))};
  };
  const jpeg = summary('jpeg');
  const heic = summary('heic');
  const worst = (list: Traced[]) => list.reduce<Traced | undefined>((a, b) => (b.wallMs > (a?.wallMs ?? -1) ? b : a), undefined);
  for (const kind of ['jpeg', 'heic'] as const) {
    const t = worst(traced[kind]);
    if (t) console.log(`${kind.padEnd(5)} ${traced[kind].length} traced runs: longest main-thread task ${t.wallMs.toFixed(1)} ms wall, ${t.cpuMs.toFixed(1)} ms CPU; inside: ${t.inside}`);
  }
  const tracedWorst = worst([...traced.jpeg, ...traced.heic]);
  console.log(`browser memory growth (peak, RssAnon+RssShmem of its process tree): ${MB(growth)}`);
  const longTasksSeen = engine === 'chromium';
  console.log(
    JSON.stringify({
      engine,
      jpeg_ms: round(jpeg.ms),
      heic_ms: round(heic.ms),
      jpeg_bytes_in: jpeg.last.bytesIn,
      jpeg_bytes_out: jpeg.last.bytesOut,
      heic_bytes_in: heic.last.bytesIn,
      heic_bytes_out: heic.last.bytesOut,
      longest_task_ms: longTasksSeen ? round(Math.max(jpeg.longest, heic.longest)) : null,
      traced_longest_task_ms: tracedWorst ? Math.round(tracedWorst.wallMs * 10) / 10 : null,
      traced_longest_task_cpu_ms: tracedWorst ? Math.round(tracedWorst.cpuMs * 10) / 10 : null,
      traced_longest_task_inside: tracedWorst?.inside ?? null,
      memory_growth_bytes: growth,
      load_average: load,
      cpus: Number(execFileSync('nproc', {encoding: 'utf8'}).trim()),
    }),
  );
} finally {
  await page.close();
  await server.close();
}
