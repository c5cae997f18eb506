/**
 * What one file goes through, top to bottom: prepare → hash → create → send → complete → resolve. It
 * owns the file's abort-bound work: its session and slices, its MD5s, its progress. It loads with the
 * machinery, on the first run of a file; the queue's light handle on the file is FileUpload. It knows
 * flows only by what they declare they can do.
 */
import type {FileInfo, LinkResult, RemoteProtocol, RemoteSource, SlicedProtocol, UploadProtocol, UploadSession, WholeBodyProtocol} from '../protocols/types.ts';
import {isAbort, raceAbort} from '../shared/abort.ts';
import {PanError} from '../shared/errors.ts';
import {mayStartAfresh, toErrorInfo} from './errors.ts';
import type {FileUpload, UploadStage} from './file-upload.ts';
import {recordKeyOf, recordOf} from './resume-recorder.ts';
import type {PrepareOutcome} from './prepare.ts';
import type {UploadContext} from './upload-context.ts';
import {validateFile} from './validate.ts';
import {SpeedMeter, etaSeconds} from './speed.ts';
import {fileKeyOf, knownMD5Of, SAMPLE_MIN_SIZE, sampleOf} from './known-hashes.ts';
import {UploadStatus} from './status.ts';
import {sendSlices} from './send-slices.ts';
import {Throttle} from './throttle.ts';
import type {UploadPhase, UploadTask} from './types.ts';

interface Hashed {
  md5: string;
  /** MD5 of the sample bytes (known-hashes.ts), for files big enough to have one. */
  sample?: string;
}

/** Slices whose MD5 is taken ahead of their turn, beyond the one asked for. */
const SLICES_HASHED_AHEAD = 2;

export class FilePipeline {
  private readonly file: FileUpload;
  private readonly ctx: UploadContext;
  private hashed?: Hashed;
  /** sliceNo → its MD5 (being) taken, for slices of `sliceHashSize` bytes. */
  private readonly sliceHashes = new Map<number, Promise<string>>();
  private sliceHashSize = 0;
  /** The running pipeline's signal: slices hashed ahead stop with it. */
  private signal?: AbortSignal;
  private session?: UploadSession;
  /** The session came from a resume record (so a refusal means: start afresh). */
  private sessionFromRecord = false;
  private confirmed = new Set<number>();
  /** sliceNo → bytes of it sent so far. */
  private readonly inflight = new Map<number, number>();
  private readonly meter = new SpeedMeter();
  private readonly progressEvents: Throttle;
  private holdsFileSlot = false;
  /** The prepare steps ran to the end (a retry after a failed upload does not run them again). */
  private prepared = false;

  constructor(file: FileUpload, ctx: UploadContext) {
    this.file = file;
    this.ctx = ctx;
    this.progressEvents = new Throttle(
      () => ctx.options.progressIntervalMs,
      () => {
        const {task} = this;
        ctx.emit('upload-progress', {task, loaded: task.loaded, total: task.total, phase: task.phase});
        ctx.queueProgress();
      },
    );
  }

  private get task(): UploadTask {
    return this.file.task;
  }

  private get parentID(): number | string {
    return this.file.parentID;
  }

  private get duplicate(): 1 | 2 {
    return this.file.duplicate;
  }

  private get source(): RemoteSource | undefined {
    return this.file.source;
  }

  /** Where the queue sees this file (the queue reads it from the FileUpload). */
  private get stage(): UploadStage {
    return this.file.stage;
  }

  private set stage(stage: UploadStage) {
    this.file.stage = stage;
  }

  private setStatus(status: UploadStatus): void {
    this.file.setStatus(status);
  }

  /** Runs the pipeline until done, failed, or aborted (pause, cancel: the status is then already set). */
  async start(signal: AbortSignal): Promise<void> {
    this.signal = signal;
    try {
      if (!this.source) await this.prepare(signal);
      const protocol = await this.protocol(signal);
      if (protocol.sends === 'none') await this.fetchRemote(protocol, signal);
      else await this.upload(protocol, signal);
    } catch (error) {
      this.releaseFileSlot();
      this.inflight.clear();
      if (signal.aborted) return;
      if (this.source) this.source.taskID = undefined; // a retry makes a new import task
      this.task.error = toErrorInfo(error);
      // 123pan found the bytes unlike the MD5: whatever was known of this file is stale.
      if (this.task.error.key === 'etag-mismatch') this.forgetHash();
      this.setStatus(UploadStatus.ERROR);
      this.ctx.emit('upload-error', {task: this.task, error: this.task.error});
    }
  }

  private async protocol(signal: AbortSignal): Promise<UploadProtocol> {
    const {task} = this;
    task.flow ??= this.ctx.chooseFlow(task);
    const protocol = (await this.ctx.wiring()).protocols[task.flow];
    signal.throwIfAborted();
    return protocol;
  }

  private async upload(protocol: WholeBodyProtocol | SlicedProtocol, signal: AbortSignal): Promise<void> {
    const {task} = this;
    if (this.hashed) this.ctx.emit('upload-start', {task});
    else {
      if (protocol.sends === 'whole') protocol.prefetch?.();
      await this.hash(signal);
    }
    signal.throwIfAborted();
    await this.ctx.slots.file.acquire(signal);
    this.holdsFileSlot = true;
    this.advance(protocol.sends === 'whole' ? UploadStatus.UPLOADING : UploadStatus.CREATING, signal);
    this.stage = 'sending';
    this.ctx.pump(); // the next file hashes while this one is sent

    const done = protocol.sends === 'whole' ? await this.createWhole(protocol, signal) : await this.sendSliced(protocol, signal);
    this.releaseFileSlot();
    this.stage = 'finishing';
    await this.resolve(protocol, done.fileID, done.reused, signal);
  }

  /**
   * Runs the prepare steps that apply (page hooks, image transforms), before the flow is chosen, since
   * they may change the size. A hashed file (resumed, or retried after a failed send) is not prepared again.
   */
  private async prepare(signal: AbortSignal): Promise<void> {
    const {task} = this;
    if (this.prepared || this.hashed) return;
    const steps = this.ctx.prepareSteps.filter((step) => step.applies(task));
    if (steps.length > 0) {
      const previous = this.stage;
      this.stage = 'preparing';
      this.advance(UploadStatus.PREPARING, signal);
      // One progress event as preparing starts, so a page's progress bar shows the phase (a step reports no figures).
      this.progress('preparing', undefined, true);
      for (const step of steps) {
        // Bounded by the task's abort: pause, cancel and remove work even when a page's hook never settles.
        const outcome = await raceAbort(step.run(task, signal), signal);
        signal.throwIfAborted();
        if (outcome) this.apply(outcome);
      }
      this.stage = previous;
      this.ctx.pump();
    }
    this.prepared = true;
  }

  /** Takes a prepare step's changes, checked by the same rules as a file added by the user. */
  private apply({file, name, note, imageNote}: PrepareOutcome): void {
    const {task} = this;
    const nextName = name ?? task.name;
    if (file || name !== undefined) {
      const {target, accept, maxSize} = this.ctx.options;
      const refusal = validateFile({name: nextName, size: (file ?? task.file).size, type: (file ?? task.file).type}, task.relativePath, {target, accept, maxSize}, 0);
      if (refusal) throw new PanError('refused', refusal.reason, {code: refusal.key});
    }
    if (file) {
      task.file = file;
      task.size = file.size;
      task.total = file.size;
      task.flow = undefined; // chosen again for the new size
    }
    task.name = nextName;
    if (note !== undefined) {
      task.note = note;
      task.imageNote = imageNote;
    }
  }

  /**
   * The whole-file MD5, the one hash 123pan needs before create: each slice's MD5 is taken just before
   * the slice is sent. A file this page (or a resume record) already hashed is not read again.
   */
  private async hash(signal: AbortSignal): Promise<void> {
    const {task} = this;
    // A file waiting for the hashing slot is still 'queued': 'hashing' means its bytes are being read.
    await this.ctx.slots.hash.acquire(signal);
    try {
      this.advance(UploadStatus.HASHING, signal);
      this.ctx.emit('upload-start', {task});
      signal.throwIfAborted();
      this.meter.reset();
      const hasher = await this.ctx.hasher();
      signal.throwIfAborted();
      const engine = this.ctx.options.hashEngine;
      const sample = task.size >= SAMPLE_MIN_SIZE ? await hasher.hashBlob(sampleOf(task.file), {signal, engine}) : undefined;
      const known = sample === undefined ? undefined : await this.knownMD5(sample);
      signal.throwIfAborted();
      const md5 = known ?? (await hasher.hashFile(task.file, {signal, engine, onProgress: ({loaded}) => this.progress('hashing', loaded)})).md5;
      if (known) this.progress('hashing', task.size, true);
      if (sample !== undefined) this.ctx.knownHashes.set(fileKeyOf(task.file), {sample, md5});
      this.hashed = {md5, sample};
      task.etag = md5;
    } finally {
      this.ctx.slots.hash.release();
    }
  }

  /** An MD5 this page took before, or one a resume record kept, of these very bytes. */
  private async knownMD5(sample: string): Promise<string | undefined> {
    const known = knownMD5Of(this.ctx.knownHashes, fileKeyOf(this.task.file), sample);
    if (known !== undefined || !this.ctx.options.resume) return known;
    const record = await this.ctx.recorder.peek(this.recordKey());
    return record?.sample === sample ? record.etag : undefined;
  }

  /** The MD5s known of this file are stale: forget them, and the session and record built on them. */
  private forgetHash(): void {
    this.hashed = undefined;
    this.sliceHashes.clear();
    this.ctx.knownHashes.delete(fileKeyOf(this.task.file));
    this.dropSession();
  }

  private fileInfo(): FileInfo {
    const {task} = this;
    // Folders are found or made by the flow (mkdir), not sent as a containDir path: a retry can then list the
    // file's folder, and a lost answer leaves no copy.
    return {
      filename: task.name,
      containDir: false,
      parentID: this.parentID,
      etag: this.hashed!.md5,
      size: task.size,
      duplicate: this.duplicate,
      ...(task.relativePath ? {relativePath: task.relativePath} : {}),
    };
  }

  /** The whole body in create: it takes a slice slot like any other body. */
  private async createWhole(protocol: WholeBodyProtocol, signal: AbortSignal) {
    this.advance(UploadStatus.UPLOADING, signal);
    await this.ctx.slots.slice.acquire(signal);
    try {
      this.meter.reset();
      const done = await protocol.create(this.task.file, this.fileInfo(), {
        signal,
        onProgress: (loaded) => {
          this.inflight.set(1, loaded);
          this.progress('uploading');
        },
      });
      signal.throwIfAborted();
      return done;
    } finally {
      this.inflight.clear();
      this.ctx.slots.slice.release();
    }
  }

  /** create (or the recorded session) → the slices not yet held → complete. */
  private async sendSliced(protocol: SlicedProtocol, signal: AbortSignal): Promise<{fileID: number | string; reused: boolean}> {
    const {options} = this.ctx;
    let recordChecked = false;
    for (;;) {
      try {
        if (!this.session && protocol.resumable && options.resume && !recordChecked) {
          recordChecked = true;
          await this.loadRecord(protocol);
          signal.throwIfAborted();
        }
        if (!this.session) {
          this.advance(UploadStatus.CREATING, signal);
          const created = await protocol.create(this.task.file, this.fileInfo(), {signal});
          signal.throwIfAborted();
          if (created.kind === 'done') return {fileID: created.fileID, reused: created.reused};
          this.session = created.session;
          this.sessionFromRecord = false;
          this.confirmed.clear();
          this.saveRecord(protocol);
        } else if (this.sessionFromRecord && protocol.listParts) {
          this.advance(UploadStatus.CREATING, signal);
          await this.reconcileParts(protocol, this.session, signal);
          signal.throwIfAborted();
        }
        this.advance(UploadStatus.UPLOADING, signal);
        await this.sendSlices(protocol, this.session, signal);
        this.releaseFileSlot();
        this.stage = 'finishing';
        this.advance(UploadStatus.COMPLETING, signal);
        const fileID = await protocol.complete(this.session, {signal});
        signal.throwIfAborted();
        return {fileID, reused: false};
      } catch (error) {
        // A session recorded before a reload may be gone on the server: start afresh, once.
        if (!this.sessionFromRecord || isAbort(error, signal) || !mayStartAfresh(error)) throw error;
        this.dropSession();
        if (!this.holdsFileSlot) {
          await this.ctx.slots.file.acquire(signal);
          this.holdsFileSlot = true;
          this.stage = 'sending';
        }
      }
    }
  }

  private async sendSlices(protocol: SlicedProtocol, session: UploadSession, signal: AbortSignal): Promise<void> {
    const count = Math.ceil(this.task.size / session.sliceSize);
    const pending: number[] = [];
    for (let n = 1; n <= count; n++) if (!this.confirmed.has(n)) pending.push(n);
    this.meter.reset();
    this.progress('uploading');
    await sendSlices(protocol, session, pending, {
      slots: this.ctx.slots.slice,
      signal,
      slice: (sliceNo) => this.sliceOf(sliceNo, session.sliceSize),
      md5: (sliceNo, local) => this.sliceMD5(sliceNo, session.sliceSize, local),
      onProgress: (sliceNo, loaded) => {
        this.inflight.set(sliceNo, loaded);
        this.progress('uploading');
      },
      onSent: (sliceNo) => {
        this.inflight.delete(sliceNo);
        this.confirmed.add(sliceNo);
        this.progress('uploading');
        this.saveRecord(protocol);
      },
      onFailed: (sliceNo) => this.inflight.delete(sliceNo),
    });
  }

  private sliceOf(sliceNo: number, sliceSize: number): Blob {
    const start = (sliceNo - 1) * sliceSize;
    return this.task.file.slice(start, Math.min(this.task.size, start + sliceSize));
  }

  /**
   * Each slice's MD5 just in time, in a worker. Asked for slice n, it starts on the next slices not yet
   * held too, so their MD5s are ready when their turn comes: hashing overlaps the slices in flight.
   */
  private sliceMD5(sliceNo: number, sliceSize: number, signal: AbortSignal): Promise<string> {
    if (this.sliceHashSize !== sliceSize) {
      this.sliceHashes.clear();
      this.sliceHashSize = sliceSize;
    }
    const last = Math.min(Math.ceil(this.task.size / sliceSize), sliceNo + SLICES_HASHED_AHEAD);
    for (let n = sliceNo; n <= last; n++) {
      if (n === sliceNo || !this.confirmed.has(n)) this.hashSliceOnce(n, sliceSize);
    }
    return raceAbort(this.sliceHashes.get(sliceNo)!, signal);
  }

  private hashSliceOnce(sliceNo: number, sliceSize: number): void {
    if (this.sliceHashes.has(sliceNo)) return;
    const {signal} = this;
    const engine = this.ctx.options.hashEngine;
    const md5 = this.ctx.hasher().then((hasher) => hasher.hashBlob(this.sliceOf(sliceNo, sliceSize), {signal, engine}));
    // A hash stopped by a pause or failed is taken again when next asked for.
    md5.catch(() => {
      if (this.sliceHashes.get(sliceNo) === md5) this.sliceHashes.delete(sliceNo);
    });
    this.sliceHashes.set(sliceNo, md5);
  }

  /** The server's own list decides which slices are held (by MD5 when it gives one). */
  private async reconcileParts(protocol: SlicedProtocol, session: UploadSession, signal: AbortSignal): Promise<void> {
    const parts = await protocol.listParts!(session, {signal});
    if (!parts) return;
    const held = new Set<number>();
    for (const [sliceNo, etag] of parts) {
      if (!etag) {
        if (this.confirmed.has(sliceNo)) held.add(sliceNo);
        continue;
      }
      if ((await this.sliceMD5(sliceNo, session.sliceSize, signal)) === etag) held.add(sliceNo);
    }
    this.confirmed = held;
  }

  /** The file is in 123pan: ask for its link, then done. */
  private async resolve(protocol: WholeBodyProtocol | SlicedProtocol, fileID: number | string, reused: boolean, signal: AbortSignal): Promise<void> {
    const {task} = this;
    task.fileID = fileID;
    task.reused = reused;
    task.loaded = task.total;
    this.inflight.clear();
    this.file.forget();
    this.progress('completing', undefined, true);
    signal.throwIfAborted();
    const link: LinkResult = await protocol.resolveURL(fileID, {signal});
    if (signal.aborted) throw signal.reason;
    if (link.downloadURL) task.downloadURL = link.downloadURL;
    if (link.userSelfURL) task.userSelfURL = link.userSelfURL;
    if (link.downloadURLError) task.downloadURLError = link.downloadURLError;
    task.bytesPerSecond = 0;
    task.etaSeconds = 0;
    this.advance(UploadStatus.DONE, signal);
    this.ctx.emit('upload-success', {task});
  }

  /** 123pan fetches the file itself; the task waits (polling) and takes its figures from the result. */
  private async fetchRemote(protocol: RemoteProtocol, signal: AbortSignal): Promise<void> {
    const {task} = this;
    const source = this.source!;
    this.stage = 'sending';
    this.ctx.emit('upload-start', {task});
    // A paused import goes on polling the task it already made.
    this.advance(source.taskID === undefined ? UploadStatus.CREATING : UploadStatus.UPLOADING, signal);
    const result = await protocol.fetch(source, {
      signal,
      onTask: (taskID) => {
        source.taskID = taskID;
        if (!signal.aborted) this.setStatus(UploadStatus.UPLOADING);
      },
      onProgress: (percent) => {
        task.loaded = percent;
        this.progress('uploading');
      },
    });
    if (signal.aborted) return;
    this.stage = 'finishing';
    (task as {size: number}).size = result.size;
    task.total = task.loaded = result.size;
    task.fileID = result.fileID;
    task.etag = result.etag;
    if (result.downloadURL) task.downloadURL = result.downloadURL;
    else task.downloadURLError = 'the image host detail answered without a downloadURL';
    if (result.userSelfURL) task.userSelfURL = result.userSelfURL;
    this.advance(UploadStatus.DONE, signal);
    this.ctx.emit('upload-success', {task});
  }

  // ---- resume records ----

  private recordKey(): string {
    return recordKeyOf(this.task, this.parentID);
  }

  private async loadRecord(protocol: SlicedProtocol): Promise<void> {
    const record = await this.ctx.recorder.load(this.recordKey(), this.hashed!.md5, protocol.flow);
    if (!record) return;
    this.session = {flow: protocol.flow, preuploadID: record.preuploadID, sliceSize: record.sliceSize, server: record.server};
    this.sessionFromRecord = true;
    this.confirmed = new Set(record.slicesDone);
    this.task.resumed = true;
  }

  private saveRecord(protocol: SlicedProtocol): void {
    const {task, session} = this;
    // A slice confirmed just after a cancel must not bring back the record the cancel deleted.
    if (!this.ctx.options.resume || !protocol.resumable || !session || task.status === UploadStatus.CANCELED) return;
    this.ctx.recorder.save(recordOf(task, this.parentID, this.hashed!.md5, this.hashed!.sample, session, this.confirmed));
  }

  private dropSession(): void {
    this.session = undefined;
    this.sessionFromRecord = false;
    this.confirmed.clear();
    this.inflight.clear();
    this.task.resumed = false;
    this.file.forget();
  }

  /** The record is gone (FileUpload.forget): an upload that is not done starts from scratch when it runs again. */
  forgetSession(): void {
    if (this.task.status !== UploadStatus.DONE) {
      this.session = undefined;
      this.sessionFromRecord = false;
      this.confirmed.clear();
    }
  }

  // ---- status and progress ----

  /**
   * The pipeline's only way to move the task on. Listeners run synchronously inside every event, and
   * one may pause or cancel the task there (which aborts its signal): after that the pipeline must not
   * touch the status again, so this refuses before the move and stops the run after it.
   */
  private advance(status: UploadStatus, signal: AbortSignal): void {
    signal.throwIfAborted();
    this.setStatus(status);
    signal.throwIfAborted();
  }

  /** The task entered a new phase (FileUpload.setStatus): speed is measured afresh. */
  phaseChanged(): void {
    this.meter.reset();
  }

  /** Sending began: show it at once, not at the next throttled event. */
  uploadingStarted(): void {
    this.progress('uploading', undefined, true);
  }

  /** Updates the task's figures; events are throttled to progressIntervalMs, except `force`. */
  private progress(phase: UploadPhase, hashed?: number, force = false): void {
    const {task} = this;
    if (phase === 'hashing') task.loaded = hashed ?? 0;
    else if (phase === 'uploading' && this.session) {
      let loaded = 0;
      const {sliceSize} = this.session;
      for (const n of this.confirmed) loaded += Math.min(sliceSize, task.size - (n - 1) * sliceSize);
      for (const bytes of this.inflight.values()) loaded += bytes;
      task.loaded = Math.min(task.total, loaded);
    } else if (phase === 'uploading' && !this.source) {
      task.loaded = Math.min(task.total, [...this.inflight.values()].reduce((a, b) => a + b, 0));
    }
    // A URL import counts percent, not bytes: no speed or time left to show.
    if (!this.source) {
      const now = performance.now();
      this.meter.add(task.loaded, now);
      task.bytesPerSecond = this.meter.bytesPerSecond(now);
      task.etaSeconds = etaSeconds(task.total - task.loaded, task.bytesPerSecond);
      if (phase !== 'hashing' && phase !== 'preparing') this.ctx.noteSent(now);
    }
    this.progressEvents.request(force);
  }

  private releaseFileSlot(): void {
    if (!this.holdsFileSlot) return;
    this.holdsFileSlot = false;
    this.ctx.slots.file.release();
  }

  /** Stops pending progress events (the task left the queue, or the manager is disposed). */
  silence(): void {
    this.progressEvents.cancel();
  }
}
