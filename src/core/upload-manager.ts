/**
 * The headless upload engine's queue: the public API, the order files start in, the limits they
 * share and the totals. What happens to one file is FileUpload's; flows are src/protocols', the
 * wire src/api's. Everything below is loaded on the first upload, or injected (client, hasher).
 */
import type {PanClient} from '../api/client.ts';
import {chooseFlow, DEFAULT_CREATE_QPS} from '../protocols/choose-flow.ts';
import {checkImportCallback, checkImportSource, IMPORT_FLOW} from '../protocols/image-url.ts';
import type {ProtocolDeps, RemoteSource} from '../protocols/types.ts';
import {FileUpload} from './file-upload.ts';
import {loadMachinery, prefetchMachinery} from './load-machinery.ts';
import {checkOptions, CLIENT_OPTIONS, DEFAULT_OPTIONS, withoutUndefined} from './options.ts';
import {ResumeRecorder, type ResumeStorage} from './resume-recorder.ts';
import {ResumeStore} from './resume-store.ts';
import {Semaphore} from './semaphore.ts';
import {etaSeconds, SpeedMeter} from './speed.ts';
import {ACTIVE, FINISHED, UploadStatus, canMove} from './status.ts';
import {Throttle} from './throttle.ts';
import {imagesOn} from '../image/options.ts';
import {imageStep} from './image-step.ts';
import type {KnownHash} from './known-hashes.ts';
import type {PrepareStep} from './prepare.ts';
import type {Hasher, UploadContext, Wiring} from './upload-context.ts';
import type {FileWithPath, QueueTotals, RejectedFile, RejectKey, UploadFlow, UploadManagerEventMap, UploadManagerOptions, UploadTask} from './types.ts';

export {DEFAULT_OPTIONS};
import {validateFile} from './validate.ts';

/** What may be handed in instead of built: a client (with its own transport), a hasher, a resume store. */
export interface UploadManagerDeps {
  /** Used as given; the API options (apiBase, token hook, limits) are then the client's own. */
  client?: PanClient;
  hasher?: Hasher;
  resumeStorage?: ResumeStorage;
  /** Steps run before hashing after the ones the options make (a headless page's own transforms). */
  prepareSteps?: readonly PrepareStep[];
}

/** How many bytes of small files may be hashed ahead of those being sent. */
const AHEAD_BYTES = 8 * 1024 * 1024;

const PAUSE = Symbol('paused');
const CANCEL = Symbol('canceled');
const DISPOSE = Symbol('disposed');

export interface UploadManager {
  addEventListener<K extends keyof UploadManagerEventMap>(
    type: K,
    listener: (this: UploadManager, event: UploadManagerEventMap[K]) => void,
    options?: boolean | AddEventListenerOptions,
  ): void;
  addEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | AddEventListenerOptions): void;
  removeEventListener<K extends keyof UploadManagerEventMap>(
    type: K,
    listener: (this: UploadManager, event: UploadManagerEventMap[K]) => void,
    options?: boolean | EventListenerOptions,
  ): void;
  removeEventListener(type: string, listener: EventListenerOrEventListenerObject | null, options?: boolean | EventListenerOptions): void;
}

let nextID = 0;

export class UploadManager extends EventTarget {
  private options: UploadManagerOptions;
  private readonly deps: UploadManagerDeps;
  private uploads: FileUpload[] = [];
  private taskList: readonly UploadTask[] = [];
  private started = false;
  /** Set when work ran since the last queue-complete. */
  private worked = false;
  /** Built on first use (the machinery loads then) and again after options it depends on change. */
  private wired?: Promise<Wiring>;
  private recorder!: ResumeRecorder;
  private readonly slots: UploadContext['slots'];
  private readonly knownHashes = new Map<string, KnownHash>();
  private readonly queueMeter = new SpeedMeter();
  /** Bytes per second the queue last reached, for choosing flows (秒传 first or not). */
  private lastSpeed = 0;
  private readonly queueEvents: Throttle;
  private readonly context: UploadContext;
  /** The existing files' detail lookup in flight. */
  private detailsLookup?: AbortController;
  /** Resizes, turns upright, converts HEIC and drops location, by the current options (image/). */
  private readonly imageStep = imageStep(() => this.options.image);

  constructor(options: Partial<UploadManagerOptions> = {}, deps: UploadManagerDeps = {}) {
    super();
    this.options = {...DEFAULT_OPTIONS, ...withoutUndefined(options)};
    this.deps = deps;
    checkOptions(this.options);
    this.slots = {
      // Two files may hash at once: for many small files the worker round trip, not the CPU, is what a
      // file waits on. A big file is still hashed alone (only one may be ahead of those being sent).
      hash: new Semaphore(2),
      file: new Semaphore(this.options.concurrency),
      slice: new Semaphore(this.options.concurrency),
    };
    this.queueEvents = new Throttle(
      () => this.options.progressIntervalMs,
      () => this.emit('queue-progress', this.totals()),
    );
    const manager = this;
    this.context = {
      get options() {
        return manager.options;
      },
      get recorder() {
        return manager.recorder;
      },
      get prepareSteps() {
        return manager.prepareSteps();
      },
      slots: this.slots,
      knownHashes: this.knownHashes,
      chooseFlow: (task) => this.chooseFlow(task),
      wiring: () => this.wiring(),
      hasher: () => (deps.hasher ? Promise.resolve(deps.hasher) : loadMachinery()),
      emit: (type, detail) => this.emit(type, detail),
      noteSent: (now) => {
        this.queueMeter.add(this.totals().loaded, now);
        const speed = this.queueMeter.bytesPerSecond(now);
        if (speed > 0) this.lastSpeed = speed;
      },
      queueProgress: () => this.queueEvents.request(),
      pump: () => this.pump(),
    };
    this.rebuild();
  }

  get tasks(): readonly UploadTask[] {
    return this.taskList;
  }

  /** Changes apply to files that start from now on; running uploads keep what they started with. */
  setOptions(patch: Partial<UploadManagerOptions>): void {
    const previous = this.options;
    const next = {...previous, ...withoutUndefined(patch)};
    checkOptions(next);
    this.options = next;
    this.slots.slice.setLimit(next.concurrency);
    this.slots.file.setLimit(next.concurrency);
    // A new client drops its cached token and rate-limit state: only when what it was built from changed.
    if (CLIENT_OPTIONS.some((k) => previous[k] !== next[k])) this.rebuild();
    this.pump();
  }

  private rebuild(): void {
    const o = this.options;
    this.wired = undefined;
    this.recorder?.close();
    this.recorder = new ResumeRecorder(this.deps.resumeStorage ?? new ResumeStore(o.resumeDatabase, o.resumeMaxAgeMs));
  }

  /** The client and protocols for the options of now; tasks already running keep the ones they took. */
  private wiring(): Promise<Wiring> {
    const o = this.options;
    const wired = (this.wired ??= loadMachinery().then((m) => {
      const client =
        this.deps.client ??
        new m.PanClient({apiBase: o.apiBase, tokenProvider: o.tokenProvider, tokenUrl: o.tokenUrl, rateLimits: o.rateLimits, retryDelays: o.retryDelays});
      const deps: ProtocolDeps = {client, completeTimeoutMs: o.completeTimeoutMs, pollIntervalMs: o.pollIntervalMs, driveLink: o.driveLink};
      return {client, protocols: m.createProtocols(deps)};
    }));
    wired.catch(() => {
      if (this.wired === wired) this.wired = undefined;
    });
    return wired;
  }

  /** The steps a file goes through before hashing, in order, from the current options. */
  private prepareSteps(): PrepareStep[] {
    const o = this.options;
    const hook = o.beforeUpload;
    // The hook's handling loads with the first file it applies to.
    const step: PrepareStep | undefined = hook
      ? {applies: (task) => task.url === undefined, run: async (task, signal) => (await import('./hooks.ts')).runBeforeUpload(hook, task, signal)}
      : undefined;
    // The page's hook first (it may replace the file), then the image transforms of what it gave.
    return [...(step ? [step] : []), this.imageStep, ...(this.deps.prepareSteps ?? [])];
  }

  private chooseFlow(task: UploadTask): UploadFlow {
    const o = this.options;
    const tokenInBrowser = this.deps.client ? this.deps.client.hasTokenHook : Boolean(o.tokenProvider || o.tokenUrl);
    // The speed now, or the last one measured when the queue is idle between files.
    const now = this.queueMeter.bytesPerSecond();
    if (now > 0) this.lastSpeed = now;
    const createQps = o.rateLimits?.['/upload/v2/file/create'] ?? DEFAULT_CREATE_QPS;
    return chooseFlow(task.target, o.driveFlow, task.size, o.singleMaxSize, tokenInBrowser, {bytesPerSecond: this.lastSpeed, createQps});
  }

  // ---- queue ----

  addFiles(files: Iterable<File | FileWithPath>): {added: UploadTask[]; rejected: RejectedFile[]} {
    const added: UploadTask[] = [];
    const rejected: RejectedFile[] = [];
    const o = this.options;
    // Counted and looked up once per call, not once per file: a dropped folder of 10,000 files stays linear.
    const live = this.live();
    let count = live.length;
    const queued = this.queuedIdentities(live);
    for (const entry of files) {
      const file = entry instanceof Blob ? entry : entry.file;
      const relativePath = cleanPath(entry instanceof Blob ? folderOf(entry) : entry.relativePath);
      const identity = JSON.stringify([relativePath, file.name, file.size, file.lastModified]);
      let refusal = validateFile(file, relativePath, {target: o.target, accept: o.accept, maxSize: o.maxSize, maxFiles: o.maxFiles, imagesShrink: imagesOn(o.image, o.target)}, count);
      if (!refusal && queued.has(identity)) {
        const shown = relativePath ? `${relativePath}/${file.name}` : file.name;
        refusal = {name: file.name, relativePath, size: file.size, key: 'already-queued', reason: `"${shown}" is already in the queue`};
      }
      if (refusal) {
        rejected.push(refusal);
        this.emit('file-rejected', refusal);
        continue;
      }
      const task = newTask(file, file.name, relativePath, o.target, 'hashing', file.size);
      const parentID = o.target === 'drive' ? Number(o.parentID) : o.parentID === 0 ? '' : String(o.parentID);
      this.uploads.push(new FileUpload({task, identity, parentID, duplicate: o.duplicate === 'overwrite' ? 2 : 1}, this.context));
      queued.add(identity);
      count++;
      added.push(task);
    }
    this.taskList = this.uploads.map((u) => u.task);
    for (const task of added) this.emit('file-added', {task});
    // Fetched while the queue waits, so the first file does not wait for it after start().
    if (added.length) prefetchMachinery();
    if (added.length && o.autoStart) this.start();
    return {added, rejected};
  }

  /**
   * Queues an image URL for the image host to download itself (offline migration); the task runs like
   * an upload, its progress in percent. Checked before anything is sent: http(s) only, an image format.
   */
  importURL(url: string, options: {fileName?: string; callBackUrl?: string} = {}): {added: UploadTask[]; rejected: RejectedFile[]} {
    const o = this.options;
    if (o.target !== 'image') throw new RangeError('importURL: URL import goes to the image host; set target to "image"');
    const refuse = (key: RejectKey, reason: string) => {
      const refusal: RejectedFile = {name: String(url), relativePath: '', size: 0, key, reason};
      this.emit('file-rejected', refusal);
      return {added: [], rejected: [refusal]};
    };
    const checked = checkImportSource(url, options.fileName);
    if ('reason' in checked) return refuse(checked.key, checked.reason);
    if (o.maxFiles !== undefined && this.live().length >= o.maxFiles) {
      return refuse('too-many-files', `"${url}": at most ${o.maxFiles} file${o.maxFiles === 1 ? '' : 's'} may be added`);
    }
    const parentID = o.parentID === 0 ? '' : String(o.parentID);
    const source: RemoteSource = {url: checked.url, fileName: checked.fileName, parentID};
    if (options.callBackUrl !== undefined) {
      const callBackUrl = checkImportCallback(options.callBackUrl);
      if (typeof callBackUrl !== 'string') return refuse(callBackUrl.key, callBackUrl.reason);
      source.callBackUrl = callBackUrl;
    }
    const identity = JSON.stringify(['url', checked.url]);
    if (this.queuedIdentities().has(identity)) return refuse('already-queued', `"${url}" is already in the queue`);
    // An empty File under the image's name: the list shows it like any other, with no bytes to preview.
    // Its total is percent until 123pan has the image and says its size.
    const task = newTask(new File([], checked.fileName, {type: ''}), checked.fileName, '', 'image', 'uploading', 100, checked.url);
    this.uploads.push(new FileUpload({task, identity, parentID, duplicate: 1, source}, this.context));
    this.taskList = this.uploads.map((u) => u.task);
    this.emit('file-added', {task});
    if (o.autoStart) this.start();
    return {added: [task], rejected: []};
  }

  start(): void {
    this.started = true;
    if (this.uploads.length) prefetchMachinery();
    this.pump();
  }

  pause(id?: string): void {
    for (const upload of this.select(id)) {
      if (!canMove(upload.task.status, UploadStatus.PAUSED)) continue;
      upload.controller?.abort(PAUSE);
      upload.setStatus(UploadStatus.PAUSED);
    }
    this.checkDrained();
  }

  resume(id?: string): void {
    let any = false;
    for (const upload of this.select(id)) {
      if (upload.task.status !== UploadStatus.PAUSED) continue;
      upload.setStatus(UploadStatus.QUEUED);
      any = true;
    }
    if (any) this.start();
  }

  cancel(id?: string): void {
    for (const upload of this.select(id)) {
      if (!canMove(upload.task.status, UploadStatus.CANCELED)) continue;
      upload.controller?.abort(CANCEL);
      upload.forget();
      upload.setStatus(UploadStatus.CANCELED);
    }
    this.checkDrained();
  }

  retry(id?: string): void {
    let any = false;
    for (const upload of this.select(id)) {
      const {status} = upload.task;
      if (status !== UploadStatus.ERROR && status !== UploadStatus.CANCELED) continue;
      delete upload.task.error;
      upload.setStatus(UploadStatus.QUEUED);
      any = true;
    }
    if (any) this.start();
  }

  remove(id: string): void {
    this.drop(this.uploads.filter((u) => u.task.id === id));
  }

  /** Takes these off the list, canceling what still runs; the list is rebuilt once, however many go. */
  private drop(gone: FileUpload[]): void {
    if (!gone.length) return;
    for (const upload of gone) {
      if (!FINISHED.has(upload.task.status)) {
        upload.controller?.abort(CANCEL);
        upload.forget();
      }
      upload.silence();
    }
    const set = new Set(gone);
    this.uploads = this.uploads.filter((u) => !set.has(u));
    this.taskList = this.uploads.map((u) => u.task);
    for (const upload of gone) this.emit('task-removed', {task: upload.task});
    this.checkDrained();
  }

  /**
   * Lists files a record already has as done (never uploaded; removing one only takes it off the list),
   * replacing the existing files listed before, ahead of anything added since. Entries are fileIDs or
   * `{fileID, name?, size?, url?, thumbnail?}` (or a form state string); a malformed one is refused with a
   * console error naming it. Names and sizes not given are looked up in one pass. Loaded on first use.
   */
  async setExisting(entries: readonly unknown[] | string): Promise<UploadTask[]> {
    const {listExisting} = await import('./existing.ts');
    const manager = this;
    return listExisting(
      {
        get options() {
          return manager.options;
        },
        existing: () => this.uploads.filter((u) => u.task.existing).map((u) => u.task),
        remove: (id) => this.remove(id),
        prepend: (tasks) => {
          this.uploads = [...tasks.map((task) => new FileUpload({task, identity: JSON.stringify(['existing', task.fileID]), parentID: '', duplicate: 1}, this.context)), ...this.uploads];
          this.taskList = this.uploads.map((u) => u.task);
          for (const task of tasks) this.emit('file-added', {task});
        },
        newTask: (name, size) => newTask(new File([], name), name, '', this.options.target, 'completing', size),
        changed: (task) => this.emit('status-change', {task, previous: task.status}),
        client: () => this.wiring().then((w) => w.client),
        lookupSignal: () => {
          this.detailsLookup?.abort();
          return (this.detailsLookup = new AbortController()).signal;
        },
      },
      entries,
    );
  }

  /** Renames a file that has not started (123pan's name rules apply); answers why not, or undefined. */
  rename(id: string, name: string): string | undefined {
    const task = this.uploads.find((u) => u.task.id === id)?.task;
    if (!task || task.status !== UploadStatus.QUEUED || task.url || task.existing) return `"${task?.name ?? id}" can no longer be renamed`;
    const {target, accept, maxSize} = this.options;
    const refusal = validateFile({name, size: task.size, type: task.file.type}, task.relativePath, {target, accept, maxSize}, 0);
    if (refusal) return refusal.reason;
    task.name = name;
    this.emit('status-change', {task, previous: task.status});
    return undefined;
  }

  /** Moves a file to another place in the list (files start, and the value lists, in list order). */
  move(id: string, index: number): void {
    const from = this.uploads.findIndex((u) => u.task.id === id);
    if (from < 0) return;
    const to = Math.max(0, Math.min(this.uploads.length - 1, Math.trunc(index)));
    if (to === from) return;
    const [upload] = this.uploads.splice(from, 1);
    this.uploads.splice(to, 0, upload);
    this.taskList = this.uploads.map((u) => u.task);
    this.emit('status-change', {task: upload.task, previous: upload.task.status});
  }

  /** Cancels whatever runs and empties the queue (at once: 10,000 files one by one would rebuild the list 10,000 times). */
  clear(): void {
    this.detailsLookup?.abort();
    this.drop(this.uploads);
  }

  /**
   * Stops every request at once, as leaving the page would, but keeps the resume records and the
   * task states: an element calls this when it leaves the document. The manager is not used after.
   */
  dispose(): void {
    this.started = false;
    this.detailsLookup?.abort();
    for (const upload of this.uploads) {
      upload.controller?.abort(DISPOSE);
      upload.silence();
    }
    this.queueEvents.cancel();
    this.recorder.close();
  }

  /** Resolves once the resume records of every task are written (tests, and before a page is left). */
  async flushRecords(): Promise<void> {
    await this.recorder.flush();
  }

  /** Bytes and files by status in one pass: the summary of a 10,000-file list reads them once a frame, and no more. */
  totals(): QueueTotals {
    let loaded = 0;
    let total = 0;
    let succeeded = 0;
    let failed = 0;
    let active = 0;
    let queued = 0;
    let paused = 0;
    let canceled = 0;
    for (const {task} of this.uploads) {
      const {status} = task;
      if (status === UploadStatus.CANCELED) {
        canceled++;
        continue;
      }
      total += task.total;
      if (status === UploadStatus.DONE) {
        loaded += task.total;
        succeeded++;
      } else if (task.phase !== 'hashing') loaded += task.loaded;
      if (status === UploadStatus.ERROR) failed++;
      if (status === UploadStatus.QUEUED) queued++;
      if (status === UploadStatus.PAUSED) paused++;
      if (ACTIVE.has(status)) active++;
    }
    const bytesPerSecond = this.queueMeter.bytesPerSecond();
    return {loaded, total, bytesPerSecond, etaSeconds: etaSeconds(total - loaded, bytesPerSecond), succeeded, failed, active, queued, paused, canceled};
  }

  private live(): FileUpload[] {
    return this.uploads.filter((u) => u.task.status !== UploadStatus.CANCELED);
  }

  /** The same file (or URL) already waits or runs: it may come again only once done or canceled. */
  /** Files not yet done, by identity: the same file added again while one is is refused as already queued. */
  private queuedIdentities(live = this.live()): Set<string> {
    return new Set(live.filter((u) => u.task.status !== UploadStatus.DONE).map((u) => u.identity));
  }

  private select(id?: string): FileUpload[] {
    return id === undefined ? [...this.uploads] : this.uploads.filter((u) => u.task.id === id);
  }

  /** Starts queued tasks in order, keeping one file hashed ahead of those being sent. */
  private pump(): void {
    if (!this.started) return;
    // Counted once per pump, not per file: with thousands queued, a pass per file made each pump quadratic.
    let ahead = 0;
    let aheadBytes = 0;
    for (const u of this.uploads) {
      if (u.stage !== 'ahead') continue;
      ahead++;
      aheadBytes += u.task.size;
    }
    for (const upload of this.uploads) {
      if (upload.task.status !== UploadStatus.QUEUED || upload.run) continue;
      // One file ahead; more (up to twice the send slots, 8 MiB in all) while they are small, so that a
      // hiccup in hashing does not leave the send slots, and a rate-limited endpoint's turns, unused.
      if (ahead >= 2 * this.options.concurrency || (ahead > 0 && aheadBytes + upload.task.size > AHEAD_BYTES)) break;
      this.launch(upload);
      ahead++;
      aheadBytes += upload.task.size;
    }
    this.checkDrained();
  }

  private launch(upload: FileUpload): void {
    const controller = new AbortController();
    upload.controller = controller;
    upload.stage = 'ahead';
    this.worked = true;
    upload.run = upload.start(controller.signal).finally(() => {
      upload.run = undefined;
      upload.stage = 'idle';
      if (upload.controller === controller) upload.controller = undefined;
      this.pump();
    });
  }

  private checkDrained(): void {
    if (!this.worked) return;
    if (this.uploads.some((u) => u.run || u.task.status === UploadStatus.QUEUED || u.task.status === UploadStatus.PAUSED || ACTIVE.has(u.task.status))) return;
    this.worked = false;
    const {succeeded, failed} = this.totals();
    this.queueEvents.request(true);
    this.emit('queue-complete', {succeeded, failed});
  }

  private emit<K extends keyof UploadManagerEventMap>(type: K, detail: UploadManagerEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, {detail}));
  }
}

/** A task that has sent nothing yet. */
function newTask(file: File, name: string, relativePath: string, target: UploadTask['target'], phase: UploadTask['phase'], total: number, url?: string): UploadTask {
  return {
    id: `pan-${Date.now().toString(36)}-${(nextID++).toString(36)}`,
    file,
    name,
    relativePath,
    // An address always goes by URL import; a file's flow is chosen when it starts.
    ...(url === undefined ? {} : {url, flow: IMPORT_FLOW}),
    size: url === undefined ? file.size : 0,
    target,
    status: UploadStatus.QUEUED,
    phase,
    loaded: 0,
    total,
    bytesPerSecond: 0,
    reused: false,
    resumed: false,
  };
}

/** A File from a folder picker carries its path in webkitRelativePath ("folder/sub/name"). */
function folderOf(file: File): string {
  const path = (file as File & {webkitRelativePath?: string}).webkitRelativePath ?? '';
  const cut = path.lastIndexOf('/');
  return cut > 0 ? path.slice(0, cut) : '';
}

function cleanPath(path: string | undefined): string {
  return (path ?? '')
    .split(/[\\/]+/)
    .filter((p) => p !== '' && p !== '.')
    .join('/');
}
