/**
 * The queue's handle on one file: its task, where it goes, how the queue sees it, and every status
 * move (through the table in status.ts). What the file goes through is FilePipeline's, which loads
 * with the machinery on the file's first run, so a page that only takes files does not fetch it.
 */
import type {RemoteSource} from '../protocols/types.ts';
import {toErrorInfo} from './errors.ts';
import type {FilePipeline} from './file-pipeline.ts';
import {loadMachinery} from './load-machinery.ts';
import {recordKeyOf} from './resume-recorder.ts';
import {ACTIVE, UploadStatus, checkMove, phaseOf} from './status.ts';
import type {UploadContext} from './upload-context.ts';
import type {UploadTask} from './types.ts';

/**
 * Where the queue sees a file: hashing or hashed-and-waiting counts as "the one ahead"; a file being
 * prepared does not, so a slow hook or image transform never holds the rest of the queue back.
 */
export type UploadStage = 'idle' | 'preparing' | 'ahead' | 'sending' | 'finishing';

export interface FileUploadSetup {
  task: UploadTask;
  /** name + path + size + date (or the URL): the same file twice in the queue is refused. */
  identity: string;
  /** The destination as it was when the file was added: later option changes do not move it. */
  parentID: number | string;
  duplicate: 1 | 2;
  /** A URL import: 123pan fetches the bytes. */
  source?: RemoteSource;
}

export class FileUpload {
  readonly task: UploadTask;
  readonly identity: string;
  readonly parentID: number | string;
  readonly duplicate: 1 | 2;
  readonly source?: RemoteSource;
  controller?: AbortController;
  run?: Promise<void>;
  stage: UploadStage = 'idle';
  private readonly ctx: UploadContext;
  /** Made on the first run, kept across runs (a retry reuses the MD5 and the session it holds). */
  private pipeline?: FilePipeline;

  constructor(setup: FileUploadSetup, ctx: UploadContext) {
    this.task = setup.task;
    this.identity = setup.identity;
    this.parentID = setup.parentID;
    this.duplicate = setup.duplicate;
    this.source = setup.source;
    this.ctx = ctx;
  }

  /** Runs the pipeline until done, failed, or aborted (pause, cancel: the status is then already set). */
  async start(signal: AbortSignal): Promise<void> {
    let pipeline: FilePipeline;
    try {
      const machinery = await loadMachinery();
      pipeline = this.pipeline ??= new machinery.FilePipeline(this, this.ctx);
    } catch (error) {
      // The machinery could not load (offline): the file fails with the reason, and a retry loads it again.
      if (signal.aborted) return;
      this.task.error = toErrorInfo(error);
      this.setStatus(UploadStatus.ERROR);
      this.ctx.emit('upload-error', {task: this.task, error: this.task.error});
      return;
    }
    await pipeline.start(signal);
  }

  /** Deletes the resume record; an upload that is not done starts from scratch when it runs again. */
  forget(): void {
    if (this.ctx.options.resume && !this.source) this.ctx.recorder.forget(recordKeyOf(this.task, this.parentID));
    this.pipeline?.forgetSession();
  }

  /** Every status move, the manager's included, goes through the table here. */
  setStatus(status: UploadStatus): void {
    const {task} = this;
    const previous = task.status;
    if (previous === status) return;
    checkMove(previous, status, `"${task.name}"`);
    task.status = status;
    const phase = phaseOf(status);
    const phaseChanged = phase !== undefined && phase !== task.phase;
    if (phaseChanged) {
      task.phase = phase;
      this.pipeline?.phaseChanged();
    }
    if (!ACTIVE.has(status)) {
      task.bytesPerSecond = 0;
      task.etaSeconds = undefined;
    }
    this.ctx.emit('status-change', {task, previous});
    // After the status-change, and only if no listener moved the task meanwhile.
    if (phaseChanged && phase === 'uploading' && task.status === status) this.pipeline?.uploadingStarted();
  }

  /** Stops pending progress events (the task left the queue, or the manager is disposed). */
  silence(): void {
    this.pipeline?.silence();
  }
}
