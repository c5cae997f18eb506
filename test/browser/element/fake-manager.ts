/**
 * A scripted stand-in for UploadManager: same surface and events, but a test decides when each file
 * progresses, succeeds or fails. Validation is the engine's own (src/core/validate.ts).
 */
import {validateFile} from '../../../src/core/validate.ts';
import type {
  FileWithPath,
  QueueTotals,
  RejectedFile,
  UploadErrorInfo,
  UploadManagerEventMap,
  UploadManagerOptions,
  UploadPhase,
  UploadStatus,
  UploadTask,
} from '../../../src/core/types.ts';
import type {UploadEngine} from '../../../src/core/upload-engine.ts';

let seq = 0;

export class FakeManager extends EventTarget implements UploadEngine {
  options: Partial<UploadManagerOptions>;
  readonly optionHistory: Partial<UploadManagerOptions>[] = [];
  readonly calls: string[] = [];
  private list: UploadTask[] = [];

  constructor(options: Partial<UploadManagerOptions>) {
    super();
    this.options = {...options};
  }

  get tasks(): readonly UploadTask[] {
    return this.list;
  }

  setOptions(patch: Partial<UploadManagerOptions>): void {
    this.optionHistory.push(patch);
    for (const [key, value] of Object.entries(patch)) if (value !== undefined) (this.options as any)[key] = value;
  }

  totals(): QueueTotals {
    let loaded = 0;
    let total = 0;
    let succeeded = 0;
    let failed = 0;
    let active = 0;
    let queued = 0;
    let paused = 0;
    let canceled = 0;
    for (const task of this.list) {
      if (task.status === 'queued') queued++;
      if (task.status === 'paused') paused++;
      if (task.status === 'canceled') {
        canceled++;
        continue;
      }
      total += task.total;
      loaded += task.status === 'done' ? task.total : task.phase === 'hashing' ? 0 : task.loaded;
      if (task.status === 'done') succeeded++;
      if (task.status === 'error') failed++;
      if (['preparing', 'hashing', 'creating', 'uploading', 'completing'].includes(task.status)) active++;
    }
    return {loaded, total, bytesPerSecond: 0, succeeded, failed, active, queued, paused, canceled};
  }

  addFiles(files: Iterable<File | FileWithPath>): {added: UploadTask[]; rejected: RejectedFile[]} {
    this.calls.push('addFiles');
    const added: UploadTask[] = [];
    const rejected: RejectedFile[] = [];
    const o = this.options;
    for (const entry of files) {
      const file = entry instanceof Blob ? entry : entry.file;
      const relativePath = entry instanceof Blob ? '' : entry.relativePath;
      const live = this.list.filter((t) => t.status !== 'canceled').length;
      const refusal = validateFile(
        file,
        relativePath,
        {target: o.target ?? 'drive', accept: o.accept, maxSize: o.maxSize, maxFiles: o.maxFiles},
        live,
      );
      if (refusal) {
        rejected.push(refusal);
        this.emit('file-rejected', refusal);
        continue;
      }
      const task: UploadTask = {
        id: `fake-${++seq}`,
        file,
        name: file.name,
        relativePath,
        size: file.size,
        target: o.target ?? 'drive',
        status: 'queued',
        phase: 'hashing',
        loaded: 0,
        total: file.size,
        bytesPerSecond: 0,
        reused: false,
        resumed: false,
      };
      this.list.push(task);
      added.push(task);
    }
    this.list = [...this.list];
    for (const task of added) this.emit('file-added', {task});
    return {added, rejected};
  }

  start(): void {
    this.calls.push('start');
  }
  pause(id?: string): void {
    this.calls.push(`pause:${id ?? '*'}`);
    for (const task of this.select(id)) this.status(task, 'paused');
  }
  resume(id?: string): void {
    this.calls.push(`resume:${id ?? '*'}`);
    for (const task of this.select(id)) if (task.status === 'paused') this.status(task, 'queued');
  }
  cancel(id?: string): void {
    this.calls.push(`cancel:${id ?? '*'}`);
    for (const task of this.select(id)) if (task.status !== 'done') this.status(task, 'canceled');
  }
  retry(id?: string): void {
    this.calls.push(`retry:${id ?? '*'}`);
    for (const task of this.select(id)) if (task.status === 'error' || task.status === 'canceled') this.status(task, 'queued');
  }
  remove(id: string): void {
    this.calls.push(`remove:${id}`);
    const task = this.list.find((t) => t.id === id);
    if (!task) return;
    this.list = this.list.filter((t) => t !== task);
    this.emit('task-removed', {task});
  }
  clear(): void {
    this.calls.push('clear');
    for (const task of [...this.list]) this.remove(task.id);
  }

  // ——— scripting ———

  begin(task: UploadTask): void {
    this.status(task, 'hashing');
    this.emit('upload-start', {task});
  }

  progress(task: UploadTask, loaded: number, phase: UploadPhase = 'uploading'): void {
    if (phase === 'uploading' && task.status !== 'uploading') this.status(task, 'uploading');
    if (phase === 'completing' && task.status !== 'completing') this.status(task, 'completing');
    task.phase = phase;
    task.loaded = loaded;
    task.bytesPerSecond = 1024 * 1024;
    task.etaSeconds = (task.total - loaded) / task.bytesPerSecond;
    this.emit('upload-progress', {task, loaded, total: task.total, phase});
  }

  succeed(task: UploadTask, result: {fileID: number | string; etag?: string; downloadURL?: string; reused?: boolean}): void {
    task.fileID = result.fileID;
    task.etag = result.etag ?? 'd41d8cd98f00b204e9800998ecf8427e';
    task.downloadURL = result.downloadURL;
    task.reused = result.reused ?? false;
    task.loaded = task.total;
    this.status(task, 'done');
    this.emit('upload-success', {task});
    this.drainIfIdle();
  }

  fail(task: UploadTask, error: UploadErrorInfo): void {
    task.error = error;
    this.status(task, 'error');
    this.emit('upload-error', {task, error});
    this.drainIfIdle();
  }

  private drainIfIdle(): void {
    if (this.list.some((t) => !['done', 'error', 'canceled'].includes(t.status))) return;
    const {succeeded, failed} = this.totals();
    this.emit('queue-complete', {succeeded, failed});
  }

  private select(id?: string): UploadTask[] {
    return id === undefined ? this.list : this.list.filter((t) => t.id === id);
  }

  private status(task: UploadTask, status: UploadStatus): void {
    const previous = task.status;
    if (previous === status) return;
    task.status = status;
    this.emit('status-change', {task, previous});
  }

  private emit<K extends keyof UploadManagerEventMap>(type: K, detail: UploadManagerEventMap[K]['detail']): void {
    this.dispatchEvent(new CustomEvent(type, {detail}));
  }
}
