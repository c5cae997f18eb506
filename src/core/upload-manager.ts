/**
 * The headless upload engine: a queue of tasks, one state machine each, shared limits, progress,
 * resume records. It knows 123pan's flows only through src/protocols and the wire only through src/api.
 */
import type {PanClient} from '../api/client.ts';
import {checkRateLimits, checkRetryDelays, normalizeApiBase} from '../api/options.ts';
import type {ImageHostClient} from '../oss/client.ts';
import {chooseFlow, DEFAULT_SINGLE_MAX_SIZE} from '../protocols/choose-flow.ts';
import {isAbort} from '../protocols/errors.ts';
import type {FileInfo, LinkResult, ProtocolDeps, UploadProtocol, UploadSession} from '../protocols/types.ts';
import {toErrorInfo} from './errors.ts';
import {ResumeStore, resumeKey, type ResumeRecord} from './resume-store.ts';
import {Semaphore} from './semaphore.ts';
import {etaSeconds, SpeedMeter} from './speed.ts';
import {UploadStatus} from './types.ts';
import type {
  FileWithPath,
  QueueTotals,
  RejectedFile,
  UploadFlow,
  UploadManagerEventMap,
  UploadManagerOptions,
  UploadPhase,
  UploadTask,
} from './types.ts';
import {validateFile} from './validate.ts';
import {checkImport, importPlaceholder, type ImportSource} from './url-import.ts';

export const DEFAULT_OPTIONS: UploadManagerOptions = {
  target: 'drive',
  parentID: 0,
  duplicate: 'keep',
  apiBase: 'https://open-api.123pan.com',
  concurrency: 3,
  autoStart: true,
  resume: true,
  hashEngine: 'auto',
  driveFlow: 'auto',
  driveLink: 'download_info',
  singleMaxSize: DEFAULT_SINGLE_MAX_SIZE,
  completeTimeoutMs: 5 * 60_000,
  pollIntervalMs: 1000,
  resumeMaxAgeMs: 7 * 24 * 3600_000,
  progressIntervalMs: 100,
  resumeDatabase: 'pan-uploader',
};

/** sliceSize guessed at hashing time, before the server says: 123pan's usual values. */
const GUESSED_SLICE_SIZE: Record<UploadFlow, number> = {v2: 16 * 1024 ** 2, v1: 16 * 1024 ** 2, image: 100 * 1024 ** 2, single: 0};

const ACTIVE: ReadonlySet<UploadStatus> = new Set([UploadStatus.HASHING, UploadStatus.CREATING, UploadStatus.UPLOADING, UploadStatus.COMPLETING]);
const FINISHED: ReadonlySet<UploadStatus> = new Set([UploadStatus.DONE, UploadStatus.ERROR, UploadStatus.CANCELED]);

const CLIENT_OPTIONS = ['apiBase', 'tokenUrl', 'tokenProvider', 'rateLimits', 'retryDelays', 'completeTimeoutMs', 'pollIntervalMs', 'driveLink', 'resumeDatabase', 'resumeMaxAgeMs'] as const;

/** How many bytes of small files may be hashed ahead of those being sent. */
const AHEAD_BYTES = 8 * 1024 * 1024;

const PAUSE = Symbol('paused');
const CANCEL = Symbol('canceled');
const DISPOSE = Symbol('disposed');

interface Job {
  task: UploadTask;
  /** name + path + size + date: the same file twice in the queue is refused. */
  identity: string;
  /** The destination as it was when the file was added: later option changes do not move it. */
  parentID: number | string;
  duplicate: 1 | 2;
  controller?: AbortController;
  run?: Promise<void>;
  /** Where the scheduler stands: hashing or hashed-and-waiting counts as "the one ahead". */
  stage: 'idle' | 'ahead' | 'sending' | 'finishing';
  md5?: string;
  sliceMD5s?: string[];
  hashedSliceSize?: number;
  session?: UploadSession;
  /** The session came from a resume record (so a refusal means: start afresh). */
  sessionFromRecord: boolean;
  confirmed: Set<number>;
  inflight: Map<number, number>;
  meter: SpeedMeter;
  lastEmit: number;
  emitTimer?: ReturnType<typeof setTimeout>;
  /** Resume-record writes, in order. */
  recordWrites: Promise<void>;
  /** A URL import (the image host's offline migration) instead of a file's bytes. */
  importing?: ImportSource;
}

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

/** A job around a task that has sent nothing yet. */
function newJob(task: UploadTask, identity: string, parentID: number | string, duplicate: 1 | 2): Job {
  return {
    task,
    identity,
    parentID,
    duplicate,
    stage: 'idle',
    sessionFromRecord: false,
    confirmed: new Set(),
    inflight: new Map(),
    meter: new SpeedMeter(),
    lastEmit: 0,
    recordWrites: Promise.resolve(),
  };
}

type Machinery = typeof import('./machinery.ts');
let machinery: Promise<Machinery> | undefined;

/** One load for every manager on the page; a failed load (offline) is tried again by the next task. */
function loadMachinery(): Promise<Machinery> {
  machinery ??= import('./machinery.ts').catch((error: unknown) => {
    machinery = undefined;
    throw error;
  });
  return machinery;
}

/** Starts the load early; a failure surfaces on the task that needs the machinery. */
function prefetchMachinery(): void {
  loadMachinery().catch(() => {});
}

/** The client and protocols one set of options builds. */
interface Wiring {
  client: PanClient;
  protocols: Record<UploadFlow, UploadProtocol>;
}

export class UploadManager extends EventTarget {
  private options: UploadManagerOptions;
  private jobs: Job[] = [];
  private taskList: readonly UploadTask[] = [];
  private started = false;
  /** Set when work ran since the last queue-complete. */
  private worked = false;
  /** Built on first use (the machinery loads then) and again after options it depends on change. */
  private wired?: Promise<Wiring>;
  /** Made on the first URL import (its module loads then: pages that never import do not ship it up front). */
  private oss?: ImageHostClient;
  private store!: ResumeStore;
  /** Slices (and single-step bodies) in flight across all files. */
  private readonly sliceSlots: Semaphore;
  /** Files past hashing that may be creating or sending at once. */
  private readonly fileSlots: Semaphore;
  /**
   * Two files may hash at once: for many small files the worker round trip, not the CPU, is what a
   * file waits on, and one at a time left the sending slots idle. A big file is still hashed alone
   * (only one may be ahead of those being sent).
   */
  private readonly hashSlots = new Semaphore(2);
  /** Learned from the server, so the next file is hashed with the right slices. */
  private readonly sliceSizeSeen: Partial<Record<UploadFlow, number>> = {};
  private readonly queueMeter = new SpeedMeter();
  private queueLastEmit = 0;
  private queueTimer?: ReturnType<typeof setTimeout>;

  constructor(options: Partial<UploadManagerOptions> = {}) {
    super();
    this.options = {...DEFAULT_OPTIONS, ...withoutUndefined(options)};
    this.check(this.options);
    this.sliceSlots = new Semaphore(this.options.concurrency);
    this.fileSlots = new Semaphore(this.options.concurrency);
    this.rebuild();
  }

  get tasks(): readonly UploadTask[] {
    return this.taskList;
  }

  /** Changes apply to files that start from now on; running uploads keep what they started with. */
  setOptions(patch: Partial<UploadManagerOptions>): void {
    const previous = this.options;
    const next = {...previous, ...withoutUndefined(patch)};
    this.check(next);
    this.options = next;
    this.sliceSlots.setLimit(next.concurrency);
    this.fileSlots.setLimit(next.concurrency);
    // A new client drops its cached token and rate-limit state: only when what it was built from changed.
    if (CLIENT_OPTIONS.some((k) => previous[k] !== next[k])) this.rebuild();
    else if (previous.resumeDatabase !== next.resumeDatabase || previous.resumeMaxAgeMs !== next.resumeMaxAgeMs) {
      this.store.close();
      this.store = new ResumeStore(next.resumeDatabase, next.resumeMaxAgeMs);
    }
    this.pump();
  }

  /** Bad options are refused by name, before anything is sent. */
  private check(o: UploadManagerOptions): void {
    if (!Number.isFinite(o.concurrency) || o.concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${String(o.concurrency)}`);
    if (o.duplicate !== 'keep' && o.duplicate !== 'overwrite') throw new RangeError(`duplicate must be "keep" or "overwrite", got ${JSON.stringify(o.duplicate)}`);
    if (o.target !== 'drive' && o.target !== 'image') throw new RangeError(`target must be "drive" or "image", got ${JSON.stringify(o.target)}`);
    if (o.target === 'drive' && !Number.isInteger(Number(o.parentID)))
      throw new RangeError(`parentID must be a drive folder number (0 = root), got ${JSON.stringify(o.parentID)}`);
    // The API client is built when the first file starts: refuse its bad options now, with its own checks.
    normalizeApiBase(o.apiBase);
    if (o.retryDelays !== undefined) checkRetryDelays(o.retryDelays);
    checkRateLimits(o.rateLimits ?? {});
  }

  private rebuild(): void {
    const o = this.options;
    this.wired = undefined;
    this.oss = undefined;
    this.store?.close();
    this.store = new ResumeStore(o.resumeDatabase, o.resumeMaxAgeMs);
  }

  /** The client and protocols for the options of now; tasks already running keep the ones they took. */
  private wiring(): Promise<Wiring> {
    const o = this.options;
    const wired = (this.wired ??= loadMachinery().then((m) => {
      const client = new m.PanClient({
        apiBase: o.apiBase,
        tokenProvider: o.tokenProvider,
        tokenUrl: o.tokenUrl,
        rateLimits: o.rateLimits,
        retryDelays: o.retryDelays,
      });
      const deps: ProtocolDeps = {client, completeTimeoutMs: o.completeTimeoutMs, pollIntervalMs: o.pollIntervalMs, driveLink: o.driveLink};
      return {client, protocols: m.createProtocols(deps)};
    }));
    wired.catch(() => {
      if (this.wired === wired) this.wired = undefined;
    });
    return wired;
  }

  // ---- queue ----

  addFiles(files: Iterable<File | FileWithPath>): {added: UploadTask[]; rejected: RejectedFile[]} {
    const added: UploadTask[] = [];
    const rejected: RejectedFile[] = [];
    const o = this.options;
    for (const entry of files) {
      const file = entry instanceof Blob ? entry : entry.file;
      const relativePath = cleanPath(entry instanceof Blob ? folderOf(entry) : entry.relativePath);
      const identity = JSON.stringify([relativePath, file.name, file.size, file.lastModified]);
      const live = this.jobs.filter((j) => j.task.status !== UploadStatus.CANCELED);
      let refusal = validateFile(file, relativePath, {target: o.target, accept: o.accept, maxSize: o.maxSize, maxFiles: o.maxFiles}, live.length);
      if (!refusal && live.some((j) => j.identity === identity && j.task.status !== UploadStatus.DONE)) {
        const shown = relativePath ? `${relativePath}/${file.name}` : file.name;
        refusal = {name: file.name, relativePath, size: file.size, key: 'already-queued', reason: `"${shown}" is already in the queue`};
      }
      if (refusal) {
        rejected.push(refusal);
        this.emit('file-rejected', refusal);
        continue;
      }
      const task: UploadTask = {
        id: `pan-${Date.now().toString(36)}-${(nextID++).toString(36)}`,
        file,
        name: file.name,
        relativePath,
        size: file.size,
        target: o.target,
        status: UploadStatus.QUEUED,
        phase: 'hashing',
        loaded: 0,
        total: file.size,
        bytesPerSecond: 0,
        reused: false,
        resumed: false,
      };
      const parentID = o.target === 'drive' ? Number(o.parentID) : o.parentID === 0 ? '' : String(o.parentID);
      this.jobs.push(newJob(task, identity, parentID, o.duplicate === 'overwrite' ? 2 : 1));
      added.push(task);
    }
    this.taskList = this.jobs.map((j) => j.task);
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
    const live = this.jobs.filter((j) => j.task.status !== UploadStatus.CANCELED);
    let checked = checkImport(url, options, live.length, o.maxFiles);
    const identity = JSON.stringify(['url', 'reason' in checked ? url : checked.url]);
    if (!('reason' in checked) && live.some((j) => j.identity === identity && j.task.status !== UploadStatus.DONE)) {
      checked = {name: url, relativePath: '', size: 0, key: 'already-queued', reason: `"${url}" is already in the queue`};
    }
    if ('reason' in checked) {
      this.emit('file-rejected', checked);
      return {added: [], rejected: [checked]};
    }
    const task: UploadTask = {
      id: `pan-${Date.now().toString(36)}-${(nextID++).toString(36)}`,
      file: importPlaceholder(checked.fileName),
      name: checked.fileName,
      relativePath: '',
      url: checked.url,
      size: 0,
      target: 'image',
      status: UploadStatus.QUEUED,
      phase: 'uploading',
      loaded: 0,
      // Percent until 123pan has the image and says its size.
      total: 100,
      bytesPerSecond: 0,
      reused: false,
      resumed: false,
    };
    this.jobs.push({...newJob(task, identity, o.parentID === 0 ? '' : String(o.parentID), 1), importing: checked});
    this.taskList = this.jobs.map((j) => j.task);
    this.emit('file-added', {task});
    if (o.autoStart) this.start();
    return {added: [task], rejected: []};
  }

  start(): void {
    this.started = true;
    if (this.jobs.length) prefetchMachinery();
    this.pump();
  }

  pause(id?: string): void {
    for (const job of this.select(id)) {
      if (job.task.status !== UploadStatus.QUEUED && !ACTIVE.has(job.task.status)) continue;
      job.controller?.abort(PAUSE);
      this.setStatus(job, UploadStatus.PAUSED);
    }
    this.checkDrained();
  }

  resume(id?: string): void {
    let any = false;
    for (const job of this.select(id)) {
      if (job.task.status !== UploadStatus.PAUSED) continue;
      this.setStatus(job, UploadStatus.QUEUED);
      any = true;
    }
    if (any) this.start();
  }

  cancel(id?: string): void {
    for (const job of this.select(id)) {
      const status = job.task.status;
      if (status === UploadStatus.DONE || status === UploadStatus.CANCELED) continue;
      job.controller?.abort(CANCEL);
      this.forget(job);
      this.setStatus(job, UploadStatus.CANCELED);
    }
    this.checkDrained();
  }

  retry(id?: string): void {
    let any = false;
    for (const job of this.select(id)) {
      if (job.task.status !== UploadStatus.ERROR && job.task.status !== UploadStatus.CANCELED) continue;
      delete job.task.error;
      this.setStatus(job, UploadStatus.QUEUED);
      any = true;
    }
    if (any) this.start();
  }

  remove(id: string): void {
    const job = this.jobs.find((j) => j.task.id === id);
    if (!job) return;
    if (!FINISHED.has(job.task.status)) {
      job.controller?.abort(CANCEL);
      this.forget(job);
    }
    clearTimeout(job.emitTimer);
    this.jobs = this.jobs.filter((j) => j !== job);
    this.taskList = this.jobs.map((j) => j.task);
    this.emit('task-removed', {task: job.task});
    this.checkDrained();
  }

  /** Cancels whatever runs and empties the queue. */
  clear(): void {
    for (const job of [...this.jobs]) this.remove(job.task.id);
  }

  /**
   * Stops every request at once, as leaving the page would, but keeps the resume records and the
   * task states: an element calls this when it leaves the document. The manager is not used after.
   */
  dispose(): void {
    this.started = false;
    for (const job of this.jobs) {
      job.controller?.abort(DISPOSE);
      clearTimeout(job.emitTimer);
    }
    clearTimeout(this.queueTimer);
    void Promise.all(this.jobs.map((j) => j.recordWrites)).then(() => this.store.close());
  }

  totals(): QueueTotals {
    let loaded = 0;
    let total = 0;
    let succeeded = 0;
    let failed = 0;
    let active = 0;
    for (const {task} of this.jobs) {
      if (task.status === UploadStatus.CANCELED) continue;
      total += task.total;
      if (task.status === UploadStatus.DONE) {
        loaded += task.total;
        succeeded++;
      } else if (task.phase !== 'hashing') loaded += task.loaded;
      if (task.status === UploadStatus.ERROR) failed++;
      if (ACTIVE.has(task.status)) active++;
    }
    const bytesPerSecond = this.queueMeter.bytesPerSecond();
    return {loaded, total, bytesPerSecond, etaSeconds: etaSeconds(total - loaded, bytesPerSecond), succeeded, failed, active};
  }

  private select(id?: string): Job[] {
    return id === undefined ? [...this.jobs] : this.jobs.filter((j) => j.task.id === id);
  }

  /** Starts queued tasks in order, keeping one file hashed ahead of those being sent. */
  private pump(): void {
    if (!this.started) return;
    for (const job of this.jobs) {
      if (job.task.status !== UploadStatus.QUEUED || job.run) continue;
      const ahead = this.jobs.filter((j) => j.stage === 'ahead');
      // One file ahead; more (up to twice the send slots, 8 MiB in all) while they are small, so that a
      // hiccup in hashing does not leave the send slots, and a rate-limited endpoint's turns, unused.
      if (ahead.length >= 2 * this.options.concurrency || (ahead.length > 0 && ahead.reduce((n, j) => n + j.task.size, 0) + job.task.size > AHEAD_BYTES)) break;
      this.launch(job);
    }
    this.checkDrained();
  }

  private launch(job: Job): void {
    const controller = new AbortController();
    job.controller = controller;
    job.stage = 'ahead';
    this.worked = true;
    job.run = this.runJob(job, controller.signal).finally(() => {
      job.run = undefined;
      job.stage = 'idle';
      if (job.controller === controller) job.controller = undefined;
      this.pump();
    });
  }

  private checkDrained(): void {
    if (!this.worked) return;
    if (this.jobs.some((j) => j.run || j.task.status === UploadStatus.QUEUED || j.task.status === UploadStatus.PAUSED || ACTIVE.has(j.task.status))) return;
    this.worked = false;
    const {succeeded, failed} = this.totals();
    this.emitQueueProgress(true);
    this.emit('queue-complete', {succeeded, failed});
  }

  // ---- one file ----

  private async runJob(job: Job, signal: AbortSignal): Promise<void> {
    if (job.importing) return this.runImport(job, job.importing, signal);
    const {task} = job;
    const o = this.options;
    const flow: UploadFlow = task.flow ?? chooseFlow(task.target, o.driveFlow, task.size, o.singleMaxSize, Boolean(o.tokenProvider || o.tokenUrl));
    task.flow = flow;
    let holdsFile = false;
    try {
      if (job.md5) this.emit('upload-start', {task});
      else await this.hash(job, flow, signal);
      const protocol = (await this.wiring()).protocols[flow];
      signal.throwIfAborted();
      await this.fileSlots.acquire(signal);
      holdsFile = true;
      this.advance(job, flow === 'single' ? UploadStatus.UPLOADING : UploadStatus.CREATING, signal);
      job.stage = 'sending';
      this.pump(); // the next file hashes while this one is sent

      const info = this.fileInfo(job);
      let fileID: number | string | undefined;
      let reused = false;
      let recordChecked = false;
      for (;;) {
        try {
          if (!job.session && flow !== 'single' && o.resume && !recordChecked) {
            recordChecked = true;
            await this.loadRecord(job, flow);
            signal.throwIfAborted();
          }
          if (!job.session) {
            this.advance(job, flow === 'single' ? UploadStatus.UPLOADING : UploadStatus.CREATING, signal);
            const created = await this.create(job, protocol, info, signal);
            signal.throwIfAborted();
            if (created.kind === 'done') {
              fileID = created.fileID;
              reused = created.reused;
              break;
            }
            job.session = created.session;
            job.sessionFromRecord = false;
            job.confirmed.clear();
            this.sliceSizeSeen[flow] = created.session.sliceSize;
            this.saveRecord(job);
          } else if (job.sessionFromRecord && (flow === 'v1' || flow === 'image')) {
            this.advance(job, UploadStatus.CREATING, signal);
            await this.reconcileParts(job, protocol, signal);
            signal.throwIfAborted();
          }
          this.advance(job, UploadStatus.UPLOADING, signal);
          await this.sendSlices(job, protocol, job.session, signal);
          this.fileSlots.release();
          holdsFile = false;
          job.stage = 'finishing';
          this.advance(job, UploadStatus.COMPLETING, signal);
          fileID = await protocol.complete(job.session, {signal});
          signal.throwIfAborted();
          break;
        } catch (error) {
          // A session recorded before a reload may be gone on the server: start afresh, once.
          if (!job.sessionFromRecord || isAbort(error, signal) || !mayStartAfresh(error)) throw error;
          this.dropSession(job);
          if (!holdsFile) {
            await this.fileSlots.acquire(signal);
            holdsFile = true;
            job.stage = 'sending';
          }
        }
      }
      if (holdsFile) {
        this.fileSlots.release();
        holdsFile = false;
      }
      job.stage = 'finishing';
      await this.finish(job, protocol, fileID, reused, signal);
    } catch (error) {
      if (holdsFile) this.fileSlots.release();
      job.inflight.clear();
      if (signal.aborted) return; // paused or canceled: the status is already set
      task.error = toErrorInfo(error);
      this.setStatus(job, UploadStatus.ERROR);
      this.emit('upload-error', {task, error: task.error});
    }
  }

  /** A URL import: 123pan downloads the image; the task waits (polling) and takes its figures from detail. */
  private async runImport(job: Job, source: ImportSource, signal: AbortSignal): Promise<void> {
    const {task} = job;
    const o = this.options;
    job.stage = 'sending';
    try {
      this.emit('upload-start', {task});
      // A paused import goes on polling the task it already created.
      this.advance(job, source.taskID === undefined ? UploadStatus.CREATING : UploadStatus.UPLOADING, signal);
      const {client} = await this.wiring();
      this.oss ??= new (await import('../oss/client.ts')).ImageHostClient(client);
      const result = await this.oss.importFromURL(source.url, {
        fileName: source.fileName,
        callBackUrl: source.callBackUrl,
        // 123pan imports into no root: without a folder it uses its own "来自:离线下载".
        ...(job.parentID === '' ? {} : {businessDirID: String(job.parentID)}),
        taskID: source.taskID,
        pollIntervalMs: o.pollIntervalMs,
        timeoutMs: o.completeTimeoutMs,
        signal,
        onTask: (taskID) => {
          source.taskID = taskID;
          if (!signal.aborted) this.setStatus(job, UploadStatus.UPLOADING);
        },
        onProgress: ({process}) => {
          task.loaded = process;
          this.progress(job, 'uploading');
        },
      });
      if (signal.aborted) return;
      job.stage = 'finishing';
      (task as {size: number}).size = result.size;
      task.total = task.loaded = result.size;
      task.fileID = result.fileID;
      task.etag = result.etag;
      if (result.downloadURL) task.downloadURL = result.downloadURL;
      else task.downloadURLError = 'the image host detail answered without a downloadURL';
      if (result.userSelfURL) task.userSelfURL = result.userSelfURL;
      this.advance(job, UploadStatus.DONE, signal);
      this.emit('upload-success', {task});
    } catch (error) {
      if (signal.aborted) return; // paused or canceled: the status is already set
      source.taskID = undefined; // a retry starts a new task
      task.error = toErrorInfo(error);
      this.setStatus(job, UploadStatus.ERROR);
      this.emit('upload-error', {task, error: task.error});
    }
  }

  private async hash(job: Job, flow: UploadFlow, signal: AbortSignal): Promise<void> {
    const {task} = job;
    // A file waiting for the hashing slot is still 'queued': 'hashing' means its bytes are being read.
    await this.hashSlots.acquire(signal);
    try {
      this.advance(job, UploadStatus.HASHING, signal);
      this.emit('upload-start', {task});
      signal.throwIfAborted();
      const sliceSize = flow === 'single' ? undefined : (this.sliceSizeSeen[flow] ?? GUESSED_SLICE_SIZE[flow]);
      job.meter.reset();
      const {hashFile} = await loadMachinery();
      signal.throwIfAborted();
      const result = await hashFile(task.file, {
        sliceSize,
        signal,
        engine: this.options.hashEngine,
        onProgress: ({loaded}) => this.progress(job, 'hashing', loaded),
      });
      job.md5 = result.md5;
      job.sliceMD5s = result.sliceMD5s;
      job.hashedSliceSize = sliceSize;
      task.etag = result.md5;
    } finally {
      this.hashSlots.release();
    }
  }

  private fileInfo(job: Job): FileInfo {
    const {task} = job;
    const containDir = task.target === 'drive' && task.relativePath !== '';
    return {
      filename: containDir ? `/${task.relativePath}/${task.name}` : task.name,
      containDir,
      parentID: job.parentID,
      etag: job.md5!,
      size: task.size,
      duplicate: job.duplicate,
      ...(task.target === 'image' && task.relativePath ? {relativePath: task.relativePath} : {}),
    };
  }

  private async create(job: Job, protocol: UploadProtocol, info: FileInfo, signal: AbortSignal) {
    if (protocol.flow !== 'single') return protocol.create(job.task.file, info, {signal});
    // Single-step sends the whole body: it takes a slice slot like any other body.
    await this.sliceSlots.acquire(signal);
    try {
      job.meter.reset();
      return await protocol.create(job.task.file, info, {
        signal,
        onProgress: (loaded) => {
          job.inflight.set(1, loaded);
          this.progress(job, 'uploading');
        },
      });
    } finally {
      job.inflight.clear();
      this.sliceSlots.release();
    }
  }

  private async sendSlices(job: Job, protocol: UploadProtocol, session: UploadSession, signal: AbortSignal): Promise<void> {
    const {task} = job;
    const {sliceSize} = session;
    const count = Math.ceil(task.size / sliceSize);
    const pending: number[] = [];
    for (let n = 1; n <= count; n++) if (!job.confirmed.has(n)) pending.push(n);
    job.meter.reset();
    this.progress(job, 'uploading');

    // A failed slice stops its siblings at once; the API client has already retried it.
    const local = new AbortController();
    const stop = () => local.abort(signal.reason);
    signal.addEventListener('abort', stop, {once: true});
    let failure: unknown;
    const running = new Set<Promise<void>>();
    try {
      for (const sliceNo of pending) {
        try {
          await this.sliceSlots.acquire(local.signal);
        } catch {
          break;
        }
        const start = (sliceNo - 1) * sliceSize;
        const blob = task.file.slice(start, Math.min(task.size, start + sliceSize));
        const sent = protocol
          .sendSlice(
            session,
            {sliceNo, blob, md5: () => this.sliceMD5(job, sliceNo, sliceSize, blob, local.signal)},
            {
              signal: local.signal,
              onProgress: (loaded) => {
                job.inflight.set(sliceNo, Math.min(loaded, blob.size));
                this.progress(job, 'uploading');
              },
            },
          )
          .then(() => {
            job.inflight.delete(sliceNo);
            job.confirmed.add(sliceNo);
            this.progress(job, 'uploading');
            this.saveRecord(job);
          })
          .catch((error) => {
            job.inflight.delete(sliceNo);
            failure ??= error;
            local.abort(error);
          })
          .finally(() => {
            this.sliceSlots.release();
            running.delete(sent);
          });
        running.add(sent);
      }
      while (running.size) await Promise.all([...running]);
    } finally {
      signal.removeEventListener('abort', stop);
    }
    if (signal.aborted) throw signal.reason;
    if (failure !== undefined) throw failure;
  }

  /** From the hashing pass when its slices match the server's sliceSize, else re-hashed in a worker. */
  private async sliceMD5(job: Job, sliceNo: number, sliceSize: number, blob: Blob, signal: AbortSignal): Promise<string> {
    if (job.hashedSliceSize === sliceSize && job.sliceMD5s?.[sliceNo - 1]) return job.sliceMD5s[sliceNo - 1];
    return (await loadMachinery()).hashBlob(blob, {signal, engine: this.options.hashEngine});
  }

  private async finish(job: Job, protocol: UploadProtocol, fileID: number | string | undefined, reused: boolean, signal: AbortSignal): Promise<void> {
    const {task} = job;
    if (fileID === undefined) throw new Error(`"${task.name}": the upload ended without a fileID`);
    task.fileID = fileID;
    task.reused = reused;
    task.loaded = task.total;
    job.inflight.clear();
    this.forget(job);
    this.progress(job, 'completing', undefined, true);
    signal.throwIfAborted();
    const link: LinkResult = await protocol.resolveURL(fileID, {signal});
    if (signal.aborted) throw signal.reason;
    if (link.downloadURL) task.downloadURL = link.downloadURL;
    if (link.userSelfURL) task.userSelfURL = link.userSelfURL;
    if (link.downloadURLError) task.downloadURLError = link.downloadURLError;
    task.bytesPerSecond = 0;
    task.etaSeconds = 0;
    this.advance(job, UploadStatus.DONE, signal);
    this.emit('upload-success', {task});
  }

  // ---- resume records ----

  private recordKey(job: Job): string {
    const {task} = job;
    return resumeKey({name: task.name, relativePath: task.relativePath, size: task.size, lastModified: task.file.lastModified, target: task.target, parent: job.parentID});
  }

  private async loadRecord(job: Job, flow: UploadFlow): Promise<void> {
    const key = this.recordKey(job);
    const record = await this.store.get(key);
    if (!record) return;
    if (record.etag !== job.md5 || record.flow !== flow) {
      await this.store.delete(key);
      return;
    }
    job.session = {flow, preuploadID: record.preuploadID, sliceSize: record.sliceSize, server: record.server};
    job.sessionFromRecord = true;
    job.confirmed = new Set(record.slicesDone);
    job.task.resumed = true;
  }

  /** v1 / image host: the server's own list decides which slices are held (by MD5 when it gives one). */
  private async reconcileParts(job: Job, protocol: UploadProtocol, signal: AbortSignal): Promise<void> {
    const session = job.session!;
    let parts: Map<number, string> | null;
    try {
      parts = await protocol.listParts(session, {signal});
    } catch (error) {
      // The image host's listing is undocumented: keep the record's own list when it is refused.
      if (job.task.target === 'image' && !isAbort(error, signal)) return;
      throw error;
    }
    if (!parts) return;
    const held = new Set<number>();
    for (const [sliceNo, etag] of parts) {
      if (!etag) {
        if (job.confirmed.has(sliceNo)) held.add(sliceNo);
        continue;
      }
      const start = (sliceNo - 1) * session.sliceSize;
      const blob = job.task.file.slice(start, Math.min(job.task.size, start + session.sliceSize));
      if ((await this.sliceMD5(job, sliceNo, session.sliceSize, blob, signal)) === etag) held.add(sliceNo);
    }
    job.confirmed = held;
  }

  private dropSession(job: Job): void {
    job.session = undefined;
    job.sessionFromRecord = false;
    job.confirmed.clear();
    job.inflight.clear();
    job.task.resumed = false;
    this.forget(job);
  }

  private saveRecord(job: Job): void {
    const {task, session} = job;
    // A slice confirmed just after a cancel must not bring back the record the cancel deleted.
    if (!this.options.resume || !session || session.flow === 'single' || task.status === UploadStatus.CANCELED) return;
    const record: ResumeRecord = {
      key: this.recordKey(job),
      name: task.name,
      relativePath: task.relativePath,
      size: task.size,
      lastModified: task.file.lastModified,
      etag: job.md5!,
      target: task.target,
      parent: job.parentID,
      flow: session.flow,
      preuploadID: session.preuploadID,
      sliceSize: session.sliceSize,
      server: session.server,
      slicesDone: [...job.confirmed].sort((a, b) => a - b),
      createdAt: Date.now(),
    };
    job.recordWrites = job.recordWrites.then(() => this.store.put(record));
  }

  private forget(job: Job): void {
    if (this.options.resume) {
      const key = this.recordKey(job);
      job.recordWrites = job.recordWrites.then(() => this.store.delete(key));
    }
    if (job.task.status !== UploadStatus.DONE) {
      // A canceled upload starts from scratch if retried.
      job.session = undefined;
      job.sessionFromRecord = false;
      job.confirmed.clear();
    }
  }

  /** Resolves once the resume records of every task are written (tests, and before a page is left). */
  async flushRecords(): Promise<void> {
    await Promise.all(this.jobs.map((j) => j.recordWrites));
  }

  // ---- state and events ----

  /**
   * The run loop's only way to move a task on. Listeners run synchronously inside every event, and one
   * may pause or cancel the task there (which aborts its signal): after that the run loop must not touch
   * the status again, so this refuses before the move and stops the run after it.
   */
  private advance(job: Job, status: UploadStatus, signal: AbortSignal): void {
    signal.throwIfAborted();
    this.setStatus(job, status);
    signal.throwIfAborted();
  }

  private setStatus(job: Job, status: UploadStatus): void {
    const {task} = job;
    const previous = task.status;
    if (previous === status) return;
    task.status = status;
    const phase: UploadPhase | undefined =
      status === UploadStatus.HASHING ? 'hashing' : status === UploadStatus.CREATING || status === UploadStatus.UPLOADING ? 'uploading' : status === UploadStatus.COMPLETING ? 'completing' : undefined;
    const phaseChanged = phase !== undefined && phase !== task.phase;
    if (phaseChanged) {
      task.phase = phase;
      job.meter.reset();
    }
    if (!ACTIVE.has(status)) {
      task.bytesPerSecond = 0;
      task.etaSeconds = undefined;
    }
    this.emit('status-change', {task, previous});
    // After the status-change, and only if no listener moved the task meanwhile.
    if (phaseChanged && phase === 'uploading' && task.status === status) this.progress(job, 'uploading', undefined, true);
  }

  /** Updates a task's figures; events are throttled to progressIntervalMs, except `force`. */
  private progress(job: Job, phase: UploadPhase, hashed?: number, force = false): void {
    const {task} = job;
    if (phase === 'hashing') task.loaded = hashed ?? 0;
    else if (phase === 'uploading' && job.session) {
      let loaded = 0;
      const {sliceSize} = job.session;
      for (const n of job.confirmed) loaded += Math.min(sliceSize, task.size - (n - 1) * sliceSize);
      for (const bytes of job.inflight.values()) loaded += bytes;
      task.loaded = Math.min(task.total, loaded);
    } else if (phase === 'uploading' && !job.importing) {
      task.loaded = Math.min(task.total, [...job.inflight.values()].reduce((a, b) => a + b, 0));
    }
    const now = performance.now();
    // A URL import counts percent, not bytes: no speed or time left to show.
    if (!job.importing) {
      job.meter.add(task.loaded, now);
      task.bytesPerSecond = job.meter.bytesPerSecond(now);
      task.etaSeconds = etaSeconds(task.total - task.loaded, task.bytesPerSecond);
      if (phase !== 'hashing') this.queueMeter.add(this.totals().loaded, now);
    }

    const interval = this.options.progressIntervalMs;
    const send = () => {
      job.lastEmit = performance.now();
      job.emitTimer = undefined;
      this.emit('upload-progress', {task, loaded: task.loaded, total: task.total, phase: task.phase});
      this.emitQueueProgress();
    };
    if (force || now - job.lastEmit >= interval) {
      clearTimeout(job.emitTimer);
      send();
    } else {
      job.emitTimer ??= setTimeout(send, interval - (now - job.lastEmit));
    }
  }

  private emitQueueProgress(force = false): void {
    const now = performance.now();
    const interval = this.options.progressIntervalMs;
    const send = () => {
      this.queueLastEmit = performance.now();
      this.queueTimer = undefined;
      this.emit('queue-progress', this.totals());
    };
    if (force || now - this.queueLastEmit >= interval) {
      clearTimeout(this.queueTimer);
      send();
    } else {
      this.queueTimer ??= setTimeout(send, interval - (now - this.queueLastEmit));
    }
  }

  private emit<K extends keyof UploadManagerEventMap>(type: K, detail: UploadManagerEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, {detail}));
  }
}

/** A session from before a reload may be refused in any number of ways; only these say nothing about it. */
function mayStartAfresh(error: unknown): boolean {
  const key = (error as {key?: string})?.key;
  return key !== 'auth' && key !== 'token-limit' && key !== 'traffic-limit' && key !== 'mixed-content';
}

function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
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
