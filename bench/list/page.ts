// The list benchmark's page: a <pan-uploader> (manual: nothing uploads) gets a synthetic dropped folder of
// 10,000 small files, made here, through a real drop event; the page measures the time until every file is
// listed and the rows in view are painted, long tasks, frames while the list is scrolled top to bottom, rows in
// the DOM, and, in a second run, element renders per frame while the engine reports progress hundreds of times
// a second (progress events on the real engine's event surface, as a running upload sends them).
import '../../src/index.ts';
import type {PanUploader} from '../../src/index.ts';
import type {UploadEngine} from '../../src/core/upload-engine.ts';

export interface ListRun {
  layout: 'list' | 'grid' | 'compact';
  files: number;
  scrollMs: number;
  /** Progress events per second in the uploading run. */
  eventsPerSecond: number;
}
export interface AddResult {
  layout: string;
  files: number;
  listed: number;
  /** Drop → the first rows painted. */
  firstRowsMs: number;
  /** Drop → every file listed (the summary counts them all) and the rows in view painted. */
  firstRenderMs: number;
  rowsInDom: number;
}
export interface ScrollResult {
  longestTaskMs: number | null;
  /** The longest while the files were added and the first rows painted, and while scrolling. */
  longestAddTaskMs: number | null;
  longestScrollTaskMs: number | null;
  longTasks: number;
  /** Each long task from the scroll's start on: when it began (ms after the scroll's start; the sweep ends at scrollMs) and how long it took. */
  scrollLongTasks: {at: number; ms: number}[];
  scrollFps: number;
  scrollFrames: number;
  rowsInDomMax: number;
}
export interface ProgressResult {
  progressEvents: number;
  progressFrames: number;
  rendersPerFrameMax: number;
  rendersDuringProgress: number;
}
export type ListResult = AddResult & ScrollResult & ProgressResult;

const frame = () => new Promise<number>((resolve) => requestAnimationFrame(resolve));
/** After this frame's paint. */
const painted = async () => {
  await frame();
  await new Promise((r) => setTimeout(r));
};

function folder(count: number): DataTransfer {
  const data = new DataTransfer();
  // A real 1×1 PNG: the previews decode as a user's would.
  const png = Uint8Array.from(atob('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=='), (c) => c.charCodeAt(0));
  for (let i = 0; i < count; i++) {
    const image = i % 4 === 0;
    const name = `photo-${String(i).padStart(5, '0')}.${image ? 'png' : 'txt'}`;
    data.items.add(new File([image ? png : `file ${i}\n`], name, {type: image ? 'image/png' : 'text/plain', lastModified: 1_700_000_000_000 + i}));
  }
  return data;
}

let made: DataTransfer | undefined;

/** Makes the folder's files before the run, so that the memory measured around the run is the element's. */
async function make({files}: {files: number}): Promise<void> {
  made = folder(files);
  await new Promise((r) => setTimeout(r, 300));
}

async function run({layout, files, scrollMs, eventsPerSecond}: ListRun): Promise<AddResult> {
  document.querySelector('pan-uploader')?.remove();
  const element = document.createElement('pan-uploader') as PanUploader;
  element.setAttribute('multiple', '');
  element.setAttribute('directory', '');
  element.setAttribute('manual', '');
  element.setAttribute('layout', layout);
  document.body.append(element);
  await element.updateComplete;
  const data = made?.files.length === files ? made : folder(files);
  made = undefined;
  let renders = 0;
  const update = (element as unknown as {update(changed: unknown): void}).update;
  (element as unknown as {update(changed: unknown): void}).update = function (changed) {
    renders++;
    return update.call(this, changed);
  };
  await new Promise((r) => setTimeout(r, 300)); // let the page settle before watching

  const longTasks: {start: number; duration: number}[] = [];
  const watched = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask');
  const observer = watched ? new PerformanceObserver((list) => longTasks.push(...list.getEntries().map((e) => ({start: e.startTime, duration: e.duration})))) : undefined;
  observer?.observe({type: 'longtask'});

  const rows = () => element.shadowRoot!.querySelectorAll('[part~="list"] > [part~="item"]').length;
  const started = performance.now();
  performance.mark('list-add-start');
  element.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true, composed: true}));
  let firstRowsMs = 0;
  for (;;) {
    await painted();
    if (!firstRowsMs && rows() > 0) firstRowsMs = performance.now() - started;
    if (element.tasks.length >= files && rows() > 0) break;
    if (performance.now() - started > 60_000) throw new Error(`only ${element.tasks.length} of ${files} files listed after 60 s`);
  }
  await element.updateComplete;
  await painted();
  const firstRenderMs = performance.now() - started;
  performance.mark('list-add-end');
  const rowsInDom = rows();
  const added = {layout, files, listed: element.tasks.length, firstRowsMs, firstRenderMs, rowsInDom};

  // The next phases are called one by one, so that the bench can read the browser's CPU time around each.
  const scroll = async () => {
    // Scroll top to bottom over scrollMs, one step a frame, counting frames.
    const list = element.shadowRoot!.querySelector<HTMLElement>('[part~="list"]')!;
    let rowsInDomMax = rowsInDom;
    let scrollFrames = 0;
    const scrollStart = await frame();
    performance.mark('list-scroll-start');
    for (;;) {
      const now = await frame();
      scrollFrames++;
      const progress = Math.min(1, (now - scrollStart) / scrollMs);
      list.scrollTop = progress * (list.scrollHeight - list.clientHeight);
      rowsInDomMax = Math.max(rowsInDomMax, rows());
      if (progress >= 1) break;
    }
    const scrollSeconds = (performance.now() - scrollStart) / 1000;
    performance.mark('list-scroll-end');
    await painted();
    // Long tasks are reported after they end: give the observer a moment.
    await new Promise((r) => setTimeout(r, 100));
    observer?.disconnect();
    const longest = (from: number, to: number) => (watched ? Math.max(0, ...longTasks.filter((e) => e.start >= from && e.start < to).map((e) => e.duration)) : null);
    // The last rows are there at the bottom: the window followed the scroll.
    const lastName = element.tasks[element.tasks.length - 1]!.name;
    if (!element.shadowRoot!.querySelector(`[part~="list"] > [part~="item"][data-id="${element.tasks[element.tasks.length - 1]!.id}"]`)) {
      const ids = [...element.shadowRoot!.querySelectorAll<HTMLElement>('[part~="list"] > [part~="item"]')].map((row) => element.tasks.findIndex((t) => t.id === row.dataset.id));
      throw new Error(`${layout}: the last file (${lastName}) is not rendered at the bottom of the list: rows ${ids[0]}…${ids[ids.length - 1]} (${ids.length}), scrollTop ${list.scrollTop} of ${list.scrollHeight} (${list.clientHeight} shown)`);
    }

    return {
      longestTaskMs: longest(0, Infinity),
      longestAddTaskMs: longest(0, scrollStart),
      longestScrollTaskMs: longest(scrollStart, Infinity),
      longTasks: longTasks.length,
      scrollLongTasks: longTasks.filter((e) => e.start >= scrollStart).map((e) => ({at: Math.round(e.start - scrollStart), ms: Math.round(e.duration)})),
      scrollFps: scrollFrames / scrollSeconds,
      scrollFrames,
      rowsInDomMax,
  };
  };

  const progress = async () => {
    const list = element.shadowRoot!.querySelector<HTMLElement>('[part~="list"]')!;
    // Uploading: 8 files report progress eventsPerSecond times a second (bursts every 4 ms); renders counted per frame.
    const engine = (element as unknown as {bridge: {engine: UploadEngine}}).bridge.engine;
    const running = engine.tasks.slice(0, 8);
    for (const task of running) Object.assign(task, {status: 'uploading', phase: 'uploading'});
    list.scrollTop = 0;
    await painted();
    let progressEvents = 0;
    let rendersPerFrameMax = 0;
    let progressFrames = 0;
    renders = 0;
    const perBurst = Math.max(1, Math.round((eventsPerSecond * 4) / 1000));
    const emitter = setInterval(() => {
      for (let i = 0; i < perBurst; i++) {
        const task = running[progressEvents % running.length]!;
        task.loaded = Math.min(task.total, task.loaded + 1);
        engine.dispatchEvent(new CustomEvent('upload-progress', {detail: {task, loaded: task.loaded, total: task.total, phase: 'uploading'}}));
        progressEvents++;
      }
    }, 4);
    const progressStart = performance.now();
    performance.mark('list-progress-start');
    let rendersBefore = 0;
    while (performance.now() - progressStart < 2000) {
      await frame();
      progressFrames++;
      rendersPerFrameMax = Math.max(rendersPerFrameMax, renders - rendersBefore);
      rendersBefore = renders;
    }
    clearInterval(emitter);
    performance.mark('list-progress-end');
    const rendersDuringProgress = renders;
    for (const task of running) Object.assign(task, {status: 'queued', phase: 'hashing', loaded: 0});

    return {progressEvents, progressFrames, rendersPerFrameMax, rendersDuringProgress};
  };
  phases = {scroll, progress};
  return added;
}

let phases: {scroll(): Promise<ScrollResult>; progress(): Promise<ProgressResult>} | undefined;

async function scrollList(): Promise<ScrollResult> {
  return phases!.scroll();
}

async function progressList(): Promise<ProgressResult> {
  return phases!.progress();
}

/** Takes the element off the page and lets the browser collect it (memory is measured after). */
async function reset(): Promise<void> {
  document.querySelector('pan-uploader')?.remove();
  await painted();
}

Object.assign(window, {runList: run, scrollList, progressList, resetList: reset, makeFolder: make});
