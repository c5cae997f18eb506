/**
 * The element's side of the engine: builds it on first use, passes attribute changes on, and turns its events
 * into the element's DOM events, telling the form, the announcer and the thumbnails on the way. Engine events
 * can come hundreds of times a frame: rows are marked as changed at once, the element repaints once per frame.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {TokenProvider} from '../../api/types.ts';
import type {BeforeUploadHook} from '../../core/hooks.ts';
import type {UploadEngine} from '../../core/upload-engine.ts';
import type {RejectedFile, UploadManagerEventMap, UploadManagerOptions, UploadTask} from '../../core/types.ts';
import type {AnnouncerController} from './announcer.controller.ts';
import {optionsKey} from './engine-options.ts';
import type {PanUploaderEventMap} from './events.ts';
import type {FormController} from './form.controller.ts';
import {isPending} from './status.ts';
import type {ThumbnailController} from './thumbnails.controller.ts';

export interface EngineBridgeOptions {
  create(options: Partial<UploadManagerOptions>): UploadEngine;
  /** The element's attributes as engine options. */
  options(): Partial<UploadManagerOptions>;
  tokenProvider(): TokenProvider | undefined;
  /** The page's `beforeUpload` hook, passed on as it changes. */
  beforeUpload(): BeforeUploadHook | undefined;
  form: FormController;
  announcer: AnnouncerController;
  thumbnails: ThumbnailController;
}

/** A file refused before anything was sent, as listed until dismissed. */
export interface RefusedFile extends RejectedFile {
  id: string;
}

export class EngineBridgeController implements ReactiveController {
  /** Files refused before anything was sent, listed until dismissed or cleared. */
  refused: RefusedFile[] = [];
  private manager?: UploadEngine;
  /** Bumped on every engine change of a task: rows re-render only when theirs moved. */
  private readonly revisions = new Map<string, number>();
  private frame = 0;
  private refusedSeq = 0;
  private sentOptions = '';
  private sentProvider?: TokenProvider;
  private sentHook?: BeforeUploadHook;
  /** Files whose continuing from a record was announced; new ones in the same frame are said together. */
  private resumedSaid = new Set<string>();
  private resumedNew = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: EngineBridgeOptions,
  ) {
    host.addController(this);
  }

  /** The engine, built on first use (a page that never adds a file never builds one). */
  get engine(): UploadEngine {
    if (!this.manager) {
      const options = this.options.options();
      this.sentOptions = optionsKey(options);
      this.sentProvider = this.options.tokenProvider();
      this.sentHook = this.options.beforeUpload();
      this.manager = this.options.create({...options, tokenProvider: this.sentProvider, beforeUpload: this.sentHook ?? null});
      this.listen(this.manager);
    }
    return this.manager;
  }

  /** The engine if it was built. */
  get built(): UploadEngine | undefined {
    return this.manager;
  }

  /** Changes whenever the engine changed the task. */
  revision(id: string): number {
    return this.revisions.get(id) ?? 0;
  }

  dismiss(id: string): void {
    this.refused = this.refused.filter((entry) => entry.id !== id);
    this.host.requestUpdate();
  }

  /** The engine's files, without building an engine that was never built. */
  get tasks(): UploadEngine['tasks'] {
    return this.manager?.tasks ?? [];
  }

  /** Empties the list, refused files included; `build` false leaves an engine that was never built unbuilt. */
  clear(build = true): void {
    (build ? this.engine : this.manager)?.clear();
    this.refused = [];
    this.host.requestUpdate();
    this.options.thumbnails.prune(this.tasks);
    this.scheduleRender();
  }

  hostUpdate(): void {
    if (!this.manager) return;
    const options = this.options.options();
    const key = optionsKey(options);
    const provider = this.options.tokenProvider();
    const hook = this.options.beforeUpload();
    try {
      if (hook !== this.sentHook) {
        this.sentHook = hook;
        this.manager.setOptions({beforeUpload: hook ?? null});
      }
      if (key !== this.sentOptions) {
        this.sentOptions = key;
        this.manager.setOptions(options);
      }
      if (provider !== this.sentProvider) {
        this.sentProvider = provider;
        this.manager.setOptions({tokenProvider: provider});
      }
    } catch (error) {
      console.error(`<pan-uploader>: ${(error as Error).message}`);
    }
  }

  // Uploads keep running while the element is detached (moving it in the DOM must not cancel them);
  // a host that drops it for good calls cancel() first.
  hostDisconnected(): void {
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
  }

  private listen(manager: UploadEngine): void {
    const {form, announcer, thumbnails} = this.options;
    const on = <K extends keyof UploadManagerEventMap>(type: K, fn: (event: UploadManagerEventMap[K]) => void) =>
      manager.addEventListener(type, fn as EventListener);
    on('file-added', ({detail: {task}}) => {
      this.touch(task);
      this.emit('pan-file-added', {id: task.id, name: task.name, relativePath: task.relativePath, size: task.size});
    });
    on('file-rejected', ({detail}) => this.refuse(detail));
    on('upload-start', ({detail: {task}}) => {
      this.touch(task);
      announcer.started(() => manager.tasks.filter((t) => isPending(t.status)).length);
      form.syncValidity();
      this.emit('pan-upload-start', {id: task.id, name: task.name, size: task.size});
    });
    on('upload-progress', ({detail: {task, loaded, total, phase}}) => {
      this.touch(task);
      this.noteResumed(task);
      this.emit('pan-upload-progress', {id: task.id, loaded, total, phase});
    });
    on('upload-success', ({detail: {task}}) => {
      this.touch(task);
      announcer.succeeded(task.name);
      this.emit('pan-upload-success', {
        id: task.id,
        name: task.name,
        size: task.size,
        etag: task.etag ?? '',
        fileID: task.fileID!,
        ...(task.downloadURL ? {downloadURL: task.downloadURL} : {}),
        reused: task.reused,
        target: task.target,
        relativePath: task.relativePath,
      });
      form.sync(true);
    });
    on('upload-error', ({detail: {task, error}}) => {
      this.touch(task);
      announcer.failed(task.name, error);
      this.emit('pan-upload-error', {
        id: task.id,
        name: task.name,
        code: error.code,
        message: error.message,
        ...(error.traceID ? {traceID: error.traceID} : {}),
        retryable: error.retryable,
        key: error.key,
      });
      form.syncValidity();
    });
    on('status-change', ({detail: {task}}) => {
      this.touch(task);
      this.noteResumed(task);
      this.validitySoon();
    });
    on('task-removed', ({detail: {task}}) => {
      this.revisions.delete(task.id);
      thumbnails.revoke(task.id);
      form.sync(true);
      this.scheduleRender();
    });
    on('queue-progress', () => this.scheduleRender());
    on('queue-complete', ({detail: {succeeded, failed}}) => {
      announcer.completed(succeeded, failed);
      form.sync(true);
      this.emit('pan-queue-complete', {succeeded, failed});
    });
  }

  /** After a reload, files that continue from their records say so (once each, together per frame). */
  private noteResumed(task: UploadTask): void {
    if (!task.resumed || this.resumedSaid.has(task.id)) return;
    this.resumedSaid.add(task.id);
    if (this.resumedNew++ === 0) {
      requestAnimationFrame(() => {
        this.options.announcer.resumed(this.resumedNew);
        this.resumedNew = 0;
      });
    }
  }

  /** Lists a refused file (the engine's refusal, or the page's `beforeAdd`) and tells the page. */
  refuse(detail: RejectedFile): void {
    // Pushed, not copied: a drop of thousands refused stays linear.
    this.refused.push({...detail, id: `rejected-${++this.refusedSeq}`});
    this.host.requestUpdate();
    this.options.announcer.rejected(detail.name, detail.key, detail.reason);
    this.emit('pan-file-rejected', {
      name: detail.name,
      reason: detail.reason,
      key: detail.key,
      relativePath: detail.relativePath,
      size: detail.size,
    });
  }

  private emit<K extends keyof PanUploaderEventMap>(type: K, detail: PanUploaderEventMap[K]['detail']): void {
    this.host.dispatchEvent(new CustomEvent(type, {detail, bubbles: true, composed: true}));
  }

  /**
   * Once after a burst of status changes (pause or cancel all of 10,000 files), not once each: each looks
   * through the list. Still before anything else runs, so a form checked right after sees it.
   */
  private validitySoon(): void {
    if (this.validityDue) return;
    this.validityDue = true;
    queueMicrotask(() => {
      this.validityDue = false;
      this.options.form.syncValidity();
    });
  }
  private validityDue = false;

  private touch(task: UploadTask): void {
    this.revisions.set(task.id, this.revision(task.id) + 1);
    this.scheduleRender();
  }

  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.options.announcer.endFrame();
      this.host.requestUpdate();
    });
  }
}
