// npm run bench:list [-- --browser chromium|firefox|webkit] — a synthetic dropped folder of LIST_BENCH_FILES
// (default 10,000) small files added to a <pan-uploader> that is not uploading, in each layout (list, grid,
// compact): drop → every file listed and the rows in view painted (first_render_ms), the longest main-thread
// task through the add and the scroll (Chromium reports long tasks; others print null), frames per second while
// the list is scrolled top to bottom over LIST_BENCH_SCROLL_MS (default 3000) with one step a frame (the page's
// animation frames from the sweep's first to the frame after its last, over that whole time: each one a frame the
// main thread produced; a traced run prints the frames the compositor drew beside them), rows in the
// DOM, the CPU time of the browser's processes per scrolled frame (a figure the machine's load does not
// inflate as it does the others), the browser's memory growth (PSS of its process tree, peak, from after the folder's files were made); then element renders per frame while the
// engine reports progress about 2,000 times a second. In Chromium each layout starts from a collected heap. Targets: first_render_ms ≤ 1000, longest_task_ms ≤ 50,
// scroll_fps ≥ 55. The last line is one JSON object: the worst layout's figures at the top, each layout's below.
// LIST_BENCH_LAYOUTS=grid,compact runs those layouts only. LIST_BENCH_TRACE=1 (Chromium) traces each add, scroll and progress run and prints what their frames and longest task
// spent the main thread on (bench/list/trace.ts); tracing slows the page, so that run's figures are not comparable
// with others (its JSON says `traced: true`). LIST_BENCH_TRACE_DIR=dir also writes the raw traces there, and
// LIST_BENCH_TRACE_CATEGORIES adds categories (e.g. disabled-by-default-v8.cpu_profiler for a JS profile).
import {execFileSync} from 'node:child_process';
import {writeFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import {fileURLToPath} from 'node:url';
import {createServer} from 'vite';
import {engineFromArgs, openBenchPage} from './engine.ts';
import type {AddResult, ListResult, ListRun, ProgressResult, ScrollResult} from './list/page.ts';
import {phaseTrace, traceCategories, type PhaseTrace} from './list/trace.ts';
import {treeCpuMs, treePssBytes} from './process-memory.ts';

const engine = engineFromArgs();
const files = Number(process.env.LIST_BENCH_FILES ?? 10_000);
const scrollMs = Number(process.env.LIST_BENCH_SCROLL_MS ?? 3000);
const root = fileURLToPath(new URL('..', import.meta.url));
const allLayouts = ['list', 'grid', 'compact'] as const;
/** LIST_BENCH_LAYOUTS=grid,compact runs those only. */
const layouts = allLayouts.filter((layout) => (process.env.LIST_BENCH_LAYOUTS?.split(',') ?? allLayouts).includes(layout));
const round = (n: number, digits = 0) => Math.round(n * 10 ** digits) / 10 ** digits;
const MiB = (n: number) => n / 1024 / 1024;
const traceDir = process.env.LIST_BENCH_TRACE_DIR;
const tracing = Boolean(process.env.LIST_BENCH_TRACE || traceDir);

// Lit's production build, as a site ships it (its development build checks and warns on every update).
const server = await createServer({configFile: false, root, logLevel: 'error', resolve: {conditions: ['module', 'browser', 'production']}, server: {port: 0, host: '127.0.0.1', hmr: false, watch: null}, optimizeDeps: {entries: ['bench/list/index.html']}});
await server.listen();
const address = server.httpServer!.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const page = await openBenchPage(engine, 600_000);

/** Runs a phase, traced with LIST_BENCH_TRACE, and prints what the trace shows. */
async function traced<T>(phase: 'add' | 'scroll' | 'progress', layout: string, run: () => Promise<T>): Promise<T> {
  if (!tracing) return run();
  let result!: T;
  const extra = process.env.LIST_BENCH_TRACE_CATEGORIES?.split(',').filter(Boolean) ?? [];
  const events = await page.trace!(async () => (result = await run()), [...traceCategories, ...extra]);
  if (traceDir) writeFileSync(`${traceDir}/list-${phase}-${layout}.json`, JSON.stringify(events));
  const t: PhaseTrace = phaseTrace(events, phase);
  const label = `${layout} ${phase}`.padEnd(17);
  console.log(`${label} trace: ${t.mainFrames} main-thread frames, ${t.drawnFrames} drawn; per main-thread frame: ${t.perFrame.map(([name, ms]) => `${name} ${ms.toFixed(2)}`).join(', ')} ms`);
  if (t.longest) console.log(`${label} trace: longest task ${t.longest.wallMs.toFixed(1)} ms wall, ${t.longest.cpuMs.toFixed(1)} ms CPU; inside: ${t.longest.inside.join('; ') || 'nothing over 1 ms'}`);
  return result;
}
const load = loadavg().map((n) => round(n, 2));
console.log(`${page.label}; load average ${load.join(' ')}; ${files} files per layout, scrolled over ${scrollMs} ms`);
if (tracing && !page.trace) throw new Error(`LIST_BENCH_TRACE: ${page.label} cannot be traced (Chromium only)`);
if (tracing) console.log('traced: the scroll figures below are slowed by tracing, not comparable with an untraced run');

try {
  await page.goto(`${origin}/bench/list/index.html`, 'runList');
  // Warm-up (module loading, the lazy chunks, the JIT), not counted.
  await page.call<AddResult>('runList', {layout: 'list', files: 1000, scrollMs: 300, eventsPerSecond: 2000} satisfies ListRun);
  await page.call('scrollList', null);
  await page.call('progressList', null);
  await page.call('resetList', null);
  const results: (ListResult & {memoryGrowthMiB: number; scrollCpuMsPerFrame: number})[] = [];
  for (const layout of layouts) {
    // From a collected heap: the last layout's element and files are garbage, not this layout's work.
    await page.collectGarbage?.();
    await page.call('makeFolder', {files});
    const before = treePssBytes(page.pid);
    let peak = before;
    const sampler = setInterval(() => (peak = Math.max(peak, treePssBytes(page.pid))), 100);
    let result: ListResult;
    let scrollCpuMsPerFrame: number;
    try {
      const added = await traced('add', layout, () => page.call<AddResult>('runList', {layout, files, scrollMs, eventsPerSecond: 2000} satisfies ListRun));
      // CPU time of all the browser's processes while scrolling, per frame: what a frame costs whatever the load.
      const cpuBefore = treeCpuMs(page.pid);
      const scrolled = await traced('scroll', layout, () => page.call<ScrollResult>('scrollList', null));
      scrollCpuMsPerFrame = (treeCpuMs(page.pid) - cpuBefore) / scrolled.scrollFrames;
      const progressed = await traced('progress', layout, () => page.call<ProgressResult>('progressList', null));
      result = {...added, ...scrolled, ...progressed};
    } finally {
      clearInterval(sampler);
    }
    peak = Math.max(peak, treePssBytes(page.pid));
    await page.call('resetList', null);
    results.push({...result, memoryGrowthMiB: MiB(peak - before), scrollCpuMsPerFrame});
    console.log(
      `${layout.padEnd(8)} listed ${result.listed}: first rows ${round(result.firstRowsMs)} ms, all listed ${round(result.firstRenderMs)} ms; ` +
        `longest task ${result.longestTaskMs === null ? 'n/a' : `${round(result.longestTaskMs)} ms (adding ${round(result.longestAddTaskMs!)}, scrolling ${round(result.longestScrollTaskMs!)})`} (${result.longTasks} over 50 ms${result.scrollLongTasks.length ? `; while scrolling: ${result.scrollLongTasks.map((e) => `${e.ms} ms at ${e.at} ms`).join(', ')}` : ''}); ` +
        `scroll ${round(result.scrollFps, 1)} fps (${result.scrollFrames} frames, ${round(scrollCpuMsPerFrame, 1)} ms of the browser's CPU each); rows in the DOM ${result.rowsInDom} (at most ${result.rowsInDomMax} while scrolling); ` +
        `memory +${round(MiB(peak - before), 1)} MiB; progress: ${result.progressEvents} events in ${result.progressFrames} frames, ` +
        `${result.rendersDuringProgress} renders, at most ${result.rendersPerFrameMax} in one frame`,
    );
  }
  const worst = {
    first_render_ms: Math.max(...results.map((r) => r.firstRenderMs)),
    longest_task_ms: results.some((r) => r.longestTaskMs === null) ? null : Math.max(...results.map((r) => r.longestTaskMs!)),
    scroll_fps: Math.min(...results.map((r) => r.scrollFps)),
    scroll_cpu_ms_per_frame: Math.max(...results.map((r) => r.scrollCpuMsPerFrame)),
    memory_growth_mib: Math.max(...results.map((r) => r.memoryGrowthMiB)),
    rows_in_dom: Math.max(...results.map((r) => r.rowsInDomMax)),
    renders_per_frame_max: Math.max(...results.map((r) => r.rendersPerFrameMax)),
  };
  console.log(
    JSON.stringify({
      engine,
      files,
      ...(tracing ? {traced: true} : {}),
      first_render_ms: round(worst.first_render_ms),
      longest_task_ms: worst.longest_task_ms === null ? null : round(worst.longest_task_ms),
      scroll_fps: round(worst.scroll_fps, 1),
      scroll_cpu_ms_per_frame: round(worst.scroll_cpu_ms_per_frame, 1),
      memory_growth_mib: round(worst.memory_growth_mib, 1),
      rows_in_dom: worst.rows_in_dom,
      renders_per_frame_max: worst.renders_per_frame_max,
      layouts: Object.fromEntries(
        results.map((r) => [
          r.layout,
          {
            first_rows_ms: round(r.firstRowsMs),
            first_render_ms: round(r.firstRenderMs),
            longest_task_ms: r.longestTaskMs === null ? null : round(r.longestTaskMs),
            longest_task_add_ms: r.longestAddTaskMs === null ? null : round(r.longestAddTaskMs),
            longest_task_scroll_ms: r.longestScrollTaskMs === null ? null : round(r.longestScrollTaskMs),
            long_tasks: r.longTasks,
            scroll_fps: round(r.scrollFps, 1),
            scroll_cpu_ms_per_frame: round(r.scrollCpuMsPerFrame, 1),
            memory_growth_mib: round(r.memoryGrowthMiB, 1),
            rows_in_dom: r.rowsInDom,
            rows_in_dom_max: r.rowsInDomMax,
            progress_events: r.progressEvents,
            progress_frames: r.progressFrames,
            renders_per_frame_max: r.rendersPerFrameMax,
          },
        ]),
      ),
      targets: {first_render_ms: 1000, longest_task_ms: 50, scroll_fps: 55},
      load_average: load,
      cpus: Number(execFileSync('nproc', {encoding: 'utf8'}).trim()),
    }),
  );
} finally {
  await page.close();
  await server.close();
}
