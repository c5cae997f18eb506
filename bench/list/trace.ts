// What a traced phase of the list benchmark (the add, the scroll, the progress run) spent its main thread on (Chromium):
// between the page's list-<phase>-start and list-<phase>-end marks, the time per main-thread frame by kind of work (rAF callbacks, style,
// layout, paint, GC…; kinds nest, so they do not add up), the frames the compositor drew, and the longest
// main-thread task: its wall and CPU time (a wall far above the CPU is a task that waited for a core, the
// machine's load rather than the work) and the longest events inside it.
import type {TraceEvent} from '../engine.ts';

/** The trace categories it reads beyond the bench's defaults (the compositor's frames). */
export const traceCategories = ['disabled-by-default-devtools.timeline.frame'];

export interface PhaseTrace {
  /** Main-thread frames begun (BeginMainThreadFrame) and frames the compositor drew (DrawFrame) during the phase. */
  mainFrames: number;
  drawnFrames: number;
  /** Wall ms per main-thread frame, by event name, the largest first. */
  perFrame: [string, number][];
  longest: {wallMs: number; cpuMs: number; inside: string[]} | undefined;
}

/** The kinds of work reported per frame (nested: a rAF callback holds the render and any forced layout). */
const KINDS = [
  'FireAnimationFrame',
  'RunMicrotasks',
  'FunctionCall',
  'EventDispatch',
  'TimerFire',
  'UpdateLayoutTree',
  'Layout',
  'PrePaint',
  'Paint',
  'Layerize',
  'Commit',
  'MinorGC',
  'MajorGC',
  'V8.GC_SCAVENGER',
  'V8.GC_MARK_COMPACTOR',
  'BlinkGC.AtomicPhase',
  'ScheduleStyleRecalculation',
  'InvalidateLayout',
  'HitTest',
  'ParseAuthorStyleSheet',
];

export function phaseTrace(events: TraceEvent[], phase: 'add' | 'scroll' | 'progress'): PhaseTrace {
  const mark = (name: string) => events.filter((e) => e.name === name && e.ph !== 'M').at(-1);
  const start = mark(`list-${phase}-start`);
  const end = mark(`list-${phase}-end`);
  if (!start || !end) throw new Error(`the trace holds no list-${phase} marks`);
  const inRange = (e: TraceEvent) => e.ts >= start.ts && e.ts <= end.ts;
  const main = events.find((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain' && e.pid === start.pid);
  const mainTid = main?.tid ?? start.tid;
  const onMain = events.filter((e) => e.ph === 'X' && e.pid === start.pid && e.tid === mainTid && inRange(e));
  const mainFrames = events.filter((e) => e.name === 'BeginMainThreadFrame' && e.pid === start.pid && inRange(e)).length;
  const drawnFrames = events.filter((e) => e.name === 'DrawFrame' && inRange(e) && e.ph !== 'e').length;
  const frames = Math.max(1, mainFrames);
  const totals = new Map<string, number>();
  for (const e of onMain) if (KINDS.includes(e.name)) totals.set(e.name, (totals.get(e.name) ?? 0) + (e.dur ?? 0));
  const perFrame = [...totals]
    .map(([name, us]): [string, number] => [name, us / 1000 / frames])
    .sort((a, b) => b[1] - a[1]);
  const tasks = onMain.filter((e) => e.name === 'ThreadControllerImpl::RunTask');
  const longestTask = tasks.reduce<TraceEvent | undefined>((a, b) => ((b.dur ?? 0) > (a?.dur ?? 0) ? b : a), undefined);
  let longest: PhaseTrace['longest'];
  if (longestTask) {
    const stop = longestTask.ts + longestTask.dur!;
    const inside = onMain
      .filter((e) => e !== longestTask && e.ts >= longestTask.ts && e.ts + (e.dur ?? 0) <= stop && (e.dur ?? 0) >= 1000 && !/RunTask|mojo|Scheduler/.test(e.name))
      .sort((a, b) => (b.dur ?? 0) - (a.dur ?? 0))
      .slice(0, 10)
      .map((e) => {
        const data = e.args?.data;
        const detail = data?.functionName || (data?.url ? data.url.split('/').pop() : '');
        return `${e.name}${detail ? ` (${detail})` : ''} ${((e.dur ?? 0) / 1000).toFixed(1)} ms (CPU ${((e.tdur ?? 0) / 1000).toFixed(1)})`;
      });
    longest = {wallMs: longestTask.dur! / 1000, cpuMs: (longestTask.tdur ?? 0) / 1000, inside};
  }
  return {mainFrames, drawnFrames, perFrame, longest};
}
