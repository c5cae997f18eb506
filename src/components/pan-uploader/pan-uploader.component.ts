import {LitElement, html, nothing, type PropertyValues, type TemplateResult} from 'lit';
import {property, query, state} from 'lit/decorators.js';
import {guard} from 'lit/directives/guard.js';
import {repeat} from 'lit/directives/repeat.js';
import {UploadManager} from '../../core/index.ts';
import type {
  FileWithPath,
  QueueTotals,
  RejectedFile,
  UploadManagerEventMap,
  UploadManagerOptions,
  UploadTarget,
  UploadTask,
} from '../../core/types.ts';
import type {TokenProvider} from '../../api/types.ts';
import {filesFromDataTransfer, filesFromInput} from './collect-files.ts';
import type {PanUploaderEventMap} from './events.ts';
import {formatBytes, formatDuration, loadLocale, resolveLocale, strings, type Locale, type Strings} from './i18n.ts';
import {icons} from './icons.ts';
import {parseCount, parseSize} from './parse-size.ts';
import {scaleX} from './scale-x.ts';
import styles from './pan-uploader.styles.ts';
import urlImportStyles from './url-import.styles.ts';

/** What the element needs from the engine: UploadManager's public surface. */
export interface UploadEngine extends EventTarget {
  readonly tasks: readonly UploadTask[];
  setOptions(patch: Partial<UploadManagerOptions>): void;
  totals(): QueueTotals;
  addFiles(files: Iterable<File | FileWithPath>): {added: UploadTask[]; rejected: RejectedFile[]};
  start(): unknown;
  pause(id?: string): unknown;
  resume(id?: string): unknown;
  cancel(id?: string): unknown;
  retry(id?: string): unknown;
  remove(id: string): unknown;
  clear(): unknown;
  /** Image host URL import (UploadManager has it; an engine without it gets no URL field). */
  importURL?(url: string, options?: {fileName?: string; callBackUrl?: string}): {added: UploadTask[]; rejected: RejectedFile[]};
}

interface RejectedEntry extends RejectedFile {
  id: string;
}

const DEFAULT_API_BASE = 'https://open-api.123pan.com';
const ACTIVE = new Set(['queued', 'hashing', 'creating', 'uploading', 'completing']);
const MILESTONES = [25, 50, 75];
/** Larger images get a generic tile: decoding them for a 40 px preview is not worth the memory. */
const THUMBNAIL_MAX_BYTES = 25 * 1024 * 1024;
/** Per-file "done" announcements only for small batches; a big batch gets milestones and a summary. */
const ANNOUNCE_EACH_UP_TO = 3;
/** From this many rows on, off-screen rows skip layout and paint (content-visibility). */
const LONG_LIST = 50;

/**
 * @summary Uploads files from the browser to 123pan (123云盘): the cloud drive or the image host (图床).
 *
 * Drop files (or folders, with `directory`) anywhere on it, paste them, or pick them. Files are checked
 * before anything is sent, uploaded by the headless `UploadManager`, and listed with their progress.
 * Its value in a form is the uploaded files' fileIDs. It follows the OS light/dark preference; set
 * `color-scheme: light` or `dark` on it to choose.
 *
 * With `url-import` on the image host, a field below the drop zone takes an image's web address: 123pan
 * downloads it itself (offline migration), the task shows in the list like an upload, and success emits
 * `pan-upload-success` with the fileID and download URL.
 *
 * @event {CustomEvent<PanFileAddedDetail>} pan-file-added - A file passed the checks and joined the queue. Detail: `{id, name, relativePath, size}`.
 * @event {CustomEvent<PanFileRejectedDetail>} pan-file-rejected - A file was refused before anything was sent. Detail: `{name, reason, key, relativePath, size}`.
 * @event {CustomEvent<PanUploadStartDetail>} pan-upload-start - A file started uploading. Detail: `{id, name, size}`.
 * @event {CustomEvent<PanUploadProgressDetail>} pan-upload-progress - Progress of one file. Detail: `{id, loaded, total, phase}`, phase being `hashing`, `uploading` or `completing`.
 * @event {CustomEvent<PanUploadSuccessDetail>} pan-upload-success - A file is on 123pan. Detail: `{id, name, size, etag, fileID, downloadURL?, reused, target, relativePath}`.
 * @event {CustomEvent<PanUploadErrorDetail>} pan-upload-error - A file failed. Detail: `{id, name, code, message, traceID?, retryable, key}`.
 * @event {CustomEvent<PanQueueCompleteDetail>} pan-queue-complete - Nothing is left to upload. Detail: `{succeeded, failed}`.
 * @event {Event} change - The form value (the uploaded fileIDs) changed.
 *
 * @slot drop-icon - Replaces the cloud icon of the drop zone.
 * @slot drop-title - Replaces the drop zone's heading ("Drop files here").
 * @slot drop-hint - Replaces the line under the heading.
 * @slot empty - Shown while the list is empty.
 *
 * @csspart dropzone - The drop area with the pickers.
 * @csspart drop-icon - The default cloud icon.
 * @csspart drop-title - The drop zone's heading.
 * @csspart drop-hint - The line under the heading.
 * @csspart pickers - The row of picker buttons.
 * @csspart url-import - The URL-import form (with `url-import`, image host only).
 * @csspart url-label - The URL field's label.
 * @csspart url-input - The field for an image's web address.
 * @csspart url-submit - The "Import" button.
 * @csspart source - The host a URL import downloads from.
 * @csspart button - Every button.
 * @csspart choose-files - The "Choose files" button.
 * @csspart choose-folder - The "Choose folder" button (with `directory`).
 * @csspart summary - Overall progress and the queue's buttons.
 * @csspart summary-text - "3 of 10 uploaded · speed · time left".
 * @csspart toolbar - Upload, pause all, resume all, retry, clear.
 * @csspart upload - The "Upload" button (with `manual`).
 * @csspart pause-all - The "Pause all" button.
 * @csspart resume-all - The "Resume all" button.
 * @csspart retry-all - The button that retries every failed or canceled file.
 * @csspart clear - The "Clear list" button.
 * @csspart overall-progress - The overall progress track.
 * @csspart list - The list of files.
 * @csspart rejected-list - The list of files that were not added.
 * @csspart item - One file in a list.
 * @csspart thumbnail - An image preview, or a tile with the file's extension.
 * @csspart info - Name, status and figures of one file.
 * @csspart name - A file's name.
 * @csspart path - A file's folder path, before its name.
 * @csspart meta - The line with status, size, percent, speed and time left.
 * @csspart status - A file's status word.
 * @csspart size - Bytes done and size.
 * @csspart percent - Percent done.
 * @csspart speed - Upload speed.
 * @csspart eta - Time left.
 * @csspart reason - Why a file was not added.
 * @csspart error - Why an upload failed.
 * @csspart trace-id - 123pan's trace ID of a failure.
 * @csspart note - "instant upload" (秒传) next to a file 123pan already had.
 * @csspart link - The link to an uploaded file.
 * @csspart item-actions - A file's buttons.
 * @csspart pause-button - Pauses one file.
 * @csspart resume-button - Resumes one file.
 * @csspart cancel-button - Cancels one file.
 * @csspart retry-button - Retries one file.
 * @csspart remove-button - Takes one file off the list.
 * @csspart copy-button - Copies a finished file's link.
 * @csspart dismiss-button - Takes a refused file off the list.
 * @csspart progress - A progress track.
 * @csspart progress-bar - The filled part of a progress track.
 * @csspart empty - The empty state.
 *
 * @cssproperty --pan-color-accent - Buttons, progress and focus.
 * @cssproperty --pan-color-accent-text - Text on the accent colour.
 * @cssproperty --pan-color-text - Main text.
 * @cssproperty --pan-color-muted - Secondary text.
 * @cssproperty --pan-color-background - The element's background.
 * @cssproperty --pan-color-surface - The drop zone and thumbnails.
 * @cssproperty --pan-color-border - Borders.
 * @cssproperty --pan-color-success - Finished uploads.
 * @cssproperty --pan-color-danger - Failures and refusals.
 * @cssproperty --pan-color-warning - Paused uploads.
 * @cssproperty --pan-color-track - The empty part of progress bars.
 * @cssproperty --pan-radius - Corner radius.
 * @cssproperty --pan-spacing - Base spacing.
 * @cssproperty --pan-font-family - Font.
 * @cssproperty --pan-font-size - Base font size.
 * @cssproperty --pan-focus-ring - Box shadow of focused buttons.
 * @cssproperty --pan-thumbnail-size - Size of previews.
 * @cssproperty --pan-list-max-height - Height after which the list scrolls.
 *
 * @attr {string} lang - Language of the element's text (`en`, `zh-CN`); inherited from the page when absent.
 */
export class PanUploader extends LitElement {
  static override styles = [styles, urlImportStyles];
  /** @internal */
  static override shadowRootOptions = {...LitElement.shadowRootOptions, delegatesFocus: true};
  /** @internal */
  static formAssociated = true;

  /** Where files go: `drive` (cloud drive) or `image` (image host, 图床). */
  @property({reflect: true}) target: UploadTarget = 'drive';

  /** Destination folder: a number on the drive (0 = root), a string on the image host ('' = root). */
  @property({attribute: 'parent-id'}) parentId = '';

  /** Token mode: a GET here answers `{accessToken, expiredAt}` (bare or in 123pan's envelope). */
  @property({attribute: 'token-url'}) tokenUrl?: string;

  /** Where API calls go: 123pan itself (default https://open-api.123pan.com) or a same-origin proxy. */
  @property({attribute: 'api-base'}) apiBase?: string;

  /**
   * Drive flow: `auto` (default), `v2` (slices), `single` (one request, up to 1 GB) or `v1` (presigned).
   * `auto` with a token hook sends small files single-step and the rest in v2 slices; with no hook
   * (a proxy at `api-base` adds the token) it takes `v1`, so bytes go straight to storage, not through the proxy.
   */
  @property({attribute: 'drive-flow'}) driveFlow: 'auto' | 'v2' | 'single' | 'v1' = 'auto';

  /** `keep` keeps both files when the name exists; `overwrite` replaces it. */
  @property() duplicate: 'keep' | 'overwrite' = 'keep';

  /** Accept more than one file (without it, one file at a time). */
  @property({type: Boolean, reflect: true}) multiple = false;

  /** Offer a folder picker; dropped folders are walked and keep their paths. */
  @property({type: Boolean, reflect: true}) directory = false;

  /** Like `<input accept>`: extensions and MIME types, comma-separated. */
  @property() accept = '';

  /** Largest file accepted: bytes, or a number with KB/MB/GB. */
  @property({attribute: 'max-size'}) maxSize?: string | number;

  /** Most files in the list at once. */
  @property({attribute: 'max-files'}) maxFiles?: string | number;

  /** Slices in flight across all files. */
  @property() concurrency?: string | number;

  /** Form field name: the uploaded fileIDs are submitted under it. */
  @property({reflect: true}) name = '';

  /** The form is invalid until at least one file is uploaded. */
  @property({type: Boolean, reflect: true}) required = false;

  /** No picking, dropping, pasting or buttons. */
  @property({type: Boolean, reflect: true}) disabled = false;

  /** Image host only: offer a field where an image's web address is pasted for 123pan to download (URL import). */
  @property({type: Boolean, attribute: 'url-import', reflect: true}) urlImport = false;

  /** Wait for `start()` (or the Upload button) instead of uploading as soon as files are added. */
  @property({type: Boolean, reflect: true}) manual = false;

  /** The function form of the backend hook; see also `token-url`. */
  @property({attribute: false}) tokenProvider?: TokenProvider;

  @state() private dragging = false;
  @state() private formDisabled = false;
  @state() private rejectedFiles: RejectedEntry[] = [];
  @state() private copied: {id: string; ok: boolean} | null = null;
  @state() private announcement = '';
  @state() private inheritedLang = '';

  @query('input[data-picker="files"]') private filePicker!: HTMLInputElement;
  @query('input[data-picker="folder"]') private folderPicker!: HTMLInputElement;
  @query('[part~="choose-files"]') private chooseButton?: HTMLButtonElement;
  @query('[part~="url-input"]') private urlInput?: HTMLInputElement;

  private readonly internals: ElementInternals;
  private manager?: UploadEngine;
  /** Bumped on every engine change of a task: rows re-render only when theirs moved. */
  private readonly revisions = new Map<string, number>();
  private readonly thumbnails = new Map<string, string>();
  private thumbnailEpoch = 0;
  private frame = 0;
  private dragDepth = 0;
  private rejectedSeq = 0;
  private formValueKey = '';
  private batchSize = 0;
  private batchActive = false;
  private milestonesSaid = new Set<number>();
  private announcedSinceFrame = false;
  private resetting = false;
  private copiedTimer?: ReturnType<typeof setTimeout>;
  private langObserver?: MutationObserver;
  private optionsKey = '';

  constructor() {
    super();
    this.internals = this.attachInternals();
    this.addEventListener('dragenter', this.onDragEnter);
    this.addEventListener('dragover', this.onDragOver);
    this.addEventListener('dragleave', this.onDragLeave);
    this.addEventListener('drop', this.onDrop);
    this.addEventListener('paste', this.onPaste);
  }

  // ——— public API ———

  /** The uploaded files' fileIDs, in list order: the form value. */
  get value(): string[] {
    return this.doneTasks().map((task) => String(task.fileID));
  }

  /** Every file in the queue, as the engine sees it. */
  get tasks(): readonly UploadTask[] {
    return this.engine.tasks;
  }

  get form(): HTMLFormElement | null {
    return this.internals.form;
  }
  get validity(): ValidityState {
    return this.internals.validity;
  }
  get validationMessage(): string {
    return this.internals.validationMessage;
  }
  get willValidate(): boolean {
    return this.internals.willValidate;
  }
  checkValidity(): boolean {
    return this.internals.checkValidity();
  }
  reportValidity(): boolean {
    return this.internals.reportValidity();
  }

  /** Adds files (a FileList, Files, or `{file, relativePath}`), checked first; refused ones are listed with their reason. */
  addFiles(files: Iterable<File | FileWithPath> | FileList): {added: UploadTask[]; rejected: RejectedFile[]} {
    const result = this.engine.addFiles(Array.from(files as Iterable<File | FileWithPath>));
    // Uploads that start at once announce themselves; files waiting for `start()` are announced here.
    if (result.added.length && this.manual) this.announce(this.t.announceAdded(result.added.length));
    return result;
  }
  /**
   * Has the image host download an image from a web address (offline migration); checked first, a
   * refused address is listed with its reason. Needs target="image".
   */
  importURL(url: string, options: {fileName?: string; callBackUrl?: string} = {}): {added: UploadTask[]; rejected: RejectedFile[]} {
    const engine = this.engine;
    if (!engine.importURL) throw new Error('<pan-uploader>: this engine cannot import URLs');
    const result = engine.importURL(url, options);
    if (result.added.length && this.manual) this.announce(this.t.announceAdded(result.added.length));
    return result;
  }
  /** Starts every queued file (needed only with `manual`). */
  start(): void {
    this.engine.start();
  }
  /** Pauses one file, or all. */
  pause(id?: string): void {
    this.engine.pause(id);
  }
  /** Resumes one paused file, or all. */
  resume(id?: string): void {
    this.engine.resume(id);
  }
  /** Cancels one file, or all: requests in flight are aborted. */
  cancel(id?: string): void {
    this.engine.cancel(id);
  }
  /** Retries one failed or canceled file, or all. */
  retry(id?: string): void {
    this.engine.retry(id);
  }
  /** Takes one file off the list (canceling it if it still runs). Not `remove`: that is Element's own. */
  removeFile(id: string): void {
    this.engine.remove(id);
  }
  /** Cancels everything and empties the list, refused files included. */
  clear(): void {
    this.engine.clear();
    this.rejectedFiles = [];
    this.pruneThumbnails();
    this.scheduleRender();
  }

  // ——— engine ———

  /** Builds the engine; a subclass may hand in another implementation of the same surface. */
  protected createManager(options: Partial<UploadManagerOptions>): UploadEngine {
    return new UploadManager(options);
  }

  private get engine(): UploadEngine {
    if (!this.manager) {
      const options = this.engineOptions();
      this.optionsKey = optionsKey(options);
      this.manager = this.createManager({...options, tokenProvider: this.tokenProvider});
      this.listen(this.manager);
    }
    return this.manager;
  }

  private engineOptions(): Partial<UploadManagerOptions> {
    // The engine ignores undefined in a patch, so an absent attribute is sent as its neutral value
    // ('' or Infinity): removing an attribute then undoes it.
    const options: Partial<UploadManagerOptions> = {
      target: this.target === 'image' ? 'image' : 'drive',
      duplicate: this.duplicate === 'overwrite' ? 'overwrite' : 'keep',
      accept: this.accept ?? '',
      autoStart: !this.manual,
      apiBase: this.apiBase || DEFAULT_API_BASE,
      tokenUrl: this.tokenUrl || '',
    };
    const report = (fn: () => void) => {
      try {
        fn();
      } catch (error) {
        console.error((error as Error).message);
      }
    };
    report(() => {
      options.parentID = this.parentIDFor(options.target!);
    });
    report(() => {
      const flow = this.driveFlow || 'auto';
      options.driveFlow = 'auto';
      if (!['auto', 'v2', 'single', 'v1'].includes(flow)) throw new RangeError(`<pan-uploader>: drive-flow must be auto, v2, single or v1, got ${JSON.stringify(flow)}`);
      options.driveFlow = flow;
    });
    report(() => {
      options.maxSize = (typeof this.maxSize === 'number' ? this.maxSize : parseSize(this.maxSize)) ?? Infinity;
    });
    report(() => {
      const max = parseCount(this.maxFiles == null ? null : String(this.maxFiles), 'max-files');
      // Without `multiple`, the element holds one file at a time.
      options.maxFiles = this.multiple ? (max ?? Infinity) : 1;
    });
    report(() => {
      const n = parseCount(this.concurrency == null ? null : String(this.concurrency), 'concurrency');
      if (n !== undefined) options.concurrency = n;
    });
    return options;
  }

  private parentIDFor(target: UploadTarget): number | string {
    const raw = (this.parentId ?? '').trim();
    if (target === 'image') return raw;
    if (raw === '') return 0;
    const id = Number(raw);
    if (!Number.isSafeInteger(id) || id < 0) {
      throw new RangeError(`<pan-uploader> parent-id="${raw}" is not a drive folder ID: use a whole number (0 = root).`);
    }
    return id;
  }

  private listen(manager: UploadEngine): void {
    const on = <K extends keyof UploadManagerEventMap>(type: K, fn: (event: UploadManagerEventMap[K]) => void) =>
      manager.addEventListener(type, fn as EventListener);
    on('file-added', ({detail: {task}}) => {
      this.touch(task);
      this.emit('pan-file-added', {id: task.id, name: task.name, relativePath: task.relativePath, size: task.size});
    });
    on('file-rejected', ({detail}) => {
      this.rejectedFiles = [...this.rejectedFiles, {...detail, id: `rejected-${++this.rejectedSeq}`}];
      this.announce(this.t.announceRejected(detail.name, this.t.reject[detail.key] ?? detail.reason));
      this.emit('pan-file-rejected', {
        name: detail.name,
        reason: detail.reason,
        key: detail.key,
        relativePath: detail.relativePath,
        size: detail.size,
      });
    });
    on('upload-start', ({detail: {task}}) => {
      this.touch(task);
      if (!this.batchActive) {
        this.batchActive = true;
        this.milestonesSaid.clear();
        this.batchSize = this.engine.tasks.filter((t) => ACTIVE.has(t.status)).length;
        this.announce(this.t.announceStart(this.batchSize));
      }
      this.syncValidity();
      this.emit('pan-upload-start', {id: task.id, name: task.name, size: task.size});
    });
    on('upload-progress', ({detail: {task, loaded, total, phase}}) => {
      this.touch(task);
      this.emit('pan-upload-progress', {id: task.id, loaded, total, phase});
    });
    on('upload-success', ({detail: {task}}) => {
      this.touch(task);
      if (this.batchSize <= ANNOUNCE_EACH_UP_TO) this.announce(this.t.announceDone(task.name));
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
      this.syncForm(true);
    });
    on('upload-error', ({detail: {task, error}}) => {
      this.touch(task);
      this.announce(this.t.announceError(task.name, this.t.error[error.key] ?? error.message));
      this.emit('pan-upload-error', {
        id: task.id,
        name: task.name,
        code: error.code,
        message: error.message,
        ...(error.traceID ? {traceID: error.traceID} : {}),
        retryable: error.retryable,
        key: error.key,
      });
      this.syncValidity();
    });
    on('status-change', ({detail: {task}}) => {
      this.touch(task);
      this.syncValidity();
    });
    on('task-removed', ({detail: {task}}) => {
      this.revisions.delete(task.id);
      this.revokeThumbnail(task.id);
      this.syncForm(true);
      this.scheduleRender();
    });
    on('queue-progress', () => this.scheduleRender());
    on('queue-complete', ({detail: {succeeded, failed}}) => {
      this.batchActive = false;
      this.announce(this.t.announceComplete(succeeded, failed));
      this.syncForm(true);
      this.emit('pan-queue-complete', {succeeded, failed});
    });
  }

  private emit<K extends keyof PanUploaderEventMap>(type: K, detail: PanUploaderEventMap[K]['detail']): void {
    const event = new CustomEvent(type, {detail, bubbles: true, composed: true});
    this.dispatchEvent(event);
  }

  private touch(task: UploadTask): void {
    this.revisions.set(task.id, (this.revisions.get(task.id) ?? 0) + 1);
    this.scheduleRender();
  }

  /** Engine events can come hundreds of times a frame: repaint at most once per animation frame. */
  private scheduleRender(): void {
    if (this.frame) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = 0;
      this.checkMilestones();
      this.announcedSinceFrame = false;
      this.requestUpdate();
    });
  }

  // ——— form participation ———

  private doneTasks(): UploadTask[] {
    if (!this.manager) return [];
    return this.manager.tasks.filter(
      (task) => task.status === 'done' && task.fileID !== undefined && task.fileID !== '' && task.fileID !== 0,
    );
  }

  private syncForm(dispatchChange: boolean): void {
    const ids = this.value;
    const key = `${this.name}\u0000${ids.join('\u0000')}`;
    if (key !== this.formValueKey) {
      const valueChanged = key.slice(key.indexOf('\u0000')) !== this.formValueKey.slice(this.formValueKey.indexOf('\u0000'));
      this.formValueKey = key;
      if (this.name && ids.length) {
        const data = new FormData();
        for (const id of ids) data.append(this.name, id);
        this.internals.setFormValue(data);
      } else {
        this.internals.setFormValue(null);
      }
      if (dispatchChange && valueChanged && !this.resetting) this.dispatchEvent(new Event('change', {bubbles: true, composed: true}));
    }
    this.syncValidity();
  }

  private syncValidity(): void {
    const running = this.manager?.tasks.some((task) => ACTIVE.has(task.status) || task.status === 'paused') ?? false;
    const anchor = this.chooseButton ?? undefined;
    if (running) {
      this.internals.setValidity({customError: true}, this.t.uploadsRunning, anchor);
    } else if (this.required && this.value.length === 0) {
      this.internals.setValidity({valueMissing: true}, this.t.valueMissing, anchor);
    } else {
      this.internals.setValidity({});
    }
  }

  /** @internal Called by the browser when the form resets. */
  formResetCallback(): void {
    // A reset is not a user change: no change event, as with native inputs.
    this.resetting = true;
    try {
      this.manager?.clear();
    } finally {
      this.resetting = false;
    }
    this.rejectedFiles = [];
    this.pruneThumbnails();
    this.syncForm(false);
    this.scheduleRender();
  }

  /** @internal Called by the browser when a fieldset or form disables the element. */
  formDisabledCallback(disabled: boolean): void {
    this.formDisabled = disabled;
  }

  // ——— lifecycle ———

  override connectedCallback(): void {
    super.connectedCallback();
    this.langObserver = new MutationObserver(() => this.readInheritedLang());
    this.langObserver.observe(document.documentElement, {attributes: true, attributeFilter: ['lang'], subtree: true});
    this.readInheritedLang();
    this.syncForm(false);
  }

  // Uploads keep running while the element is detached (moving it in the DOM must not cancel them);
  // a host that drops it for good calls cancel() first.
  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.langObserver?.disconnect();
    if (this.frame) cancelAnimationFrame(this.frame);
    this.frame = 0;
    for (const url of this.thumbnails.values()) URL.revokeObjectURL(url);
    this.thumbnails.clear();
    this.thumbnailEpoch++;
    clearTimeout(this.copiedTimer);
  }

  protected override willUpdate(changed: PropertyValues<this>): void {
    if (this.manager) {
      const options = this.engineOptions();
      const key = optionsKey(options);
      try {
        if (key !== this.optionsKey) {
          this.optionsKey = key;
          this.manager.setOptions(options);
        }
        if (changed.has('tokenProvider')) this.manager.setOptions({tokenProvider: this.tokenProvider});
      } catch (error) {
        console.error(`<pan-uploader>: ${(error as Error).message}`);
      }
    }
    if (changed.has('name') || changed.has('required')) this.syncForm(false);
  }

  // `lang` stays the native attribute (its inheritance and :lang() keep working); the element only watches it.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'lang') {
      this.requestUpdate();
      this.syncValidity();
    }
  }

  // A Chinese element renders once its strings' chunk is there (no flash of English), and updateComplete
  // waits for it. If the chunk cannot load, the element renders in English rather than not at all.
  protected override scheduleUpdate(): void | Promise<unknown> {
    const pending = loadLocale(this.locale);
    if (!pending) return super.scheduleUpdate();
    return pending.then(
      () => this.syncValidity(),
      (error: unknown) => console.error((error as Error).message),
    ).then(() => super.scheduleUpdate());
  }

  protected override updated(): void {
    // The anchor for validation bubbles exists only after the first render.
    if (!this.internals.validity.valid) this.syncValidity();
  }

  /** The nearest `lang` above the element, crossing shadow roots (the element may sit in another component). */
  private readInheritedLang(): void {
    let node: Element | null = this.parentElement ?? ((this.getRootNode() as ShadowRoot).host ?? null);
    let from = '';
    while (node) {
      const found = node.closest('[lang]');
      if (found) {
        from = found.getAttribute('lang') ?? '';
        break;
      }
      node = (node.getRootNode() as ShadowRoot).host ?? null;
    }
    if (from !== this.inheritedLang) this.inheritedLang = from;
  }

  private get locale(): Locale {
    return resolveLocale(this.lang || this.inheritedLang);
  }

  private get t(): Strings {
    return strings(this.locale);
  }

  private get isDisabled(): boolean {
    return this.disabled || this.formDisabled;
  }

  // ——— announcements ———

  private announce(text: string): void {
    this.announcedSinceFrame = true;
    // The same words twice would not be re-read: alternate a zero-width space.
    this.announcement = this.announcement === text ? `${text}\u200b` : text;
  }

  private checkMilestones(): void {
    if (!this.batchActive || !this.manager) return;
    const totals = this.manager.totals();
    if (!totals.total) return;
    const percent = (totals.loaded / totals.total) * 100;
    const reached = MILESTONES.filter((m) => percent >= m && !this.milestonesSaid.has(m));
    if (reached.length) {
      for (const m of reached) this.milestonesSaid.add(m);
      // A file's own news (done, failed) wins over a milestone reached in the same frame.
      if (!this.announcedSinceFrame) this.announce(this.t.announceMilestone(reached[reached.length - 1]));
    }
  }

  // ——— user input ———

  private hasFiles(event: DragEvent): boolean {
    return !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
  }

  private onDragEnter = (event: DragEvent) => {
    if (this.isDisabled || !this.hasFiles(event)) return;
    event.preventDefault();
    this.dragDepth++;
    this.dragging = true;
  };

  private onDragOver = (event: DragEvent) => {
    if (this.isDisabled || !this.hasFiles(event)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
  };

  private onDragLeave = () => {
    this.dragDepth = Math.max(0, this.dragDepth - 1);
    if (!this.dragDepth) this.dragging = false;
  };

  private onDrop = async (event: DragEvent) => {
    this.dragDepth = 0;
    this.dragging = false;
    if (this.isDisabled || !event.dataTransfer) return;
    event.preventDefault();
    const files = await filesFromDataTransfer(event.dataTransfer, {folders: this.directory});
    if (files.length) this.addFromUser(files);
  };

  private onPaste = async (event: ClipboardEvent) => {
    if (this.isDisabled || !event.clipboardData?.files.length) return;
    event.preventDefault();
    const files = await filesFromDataTransfer(event.clipboardData, {folders: false});
    if (files.length) this.addFromUser(files);
  };

  private onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = filesFromInput(input);
    // Clearing lets the same file be picked again after it was removed.
    input.value = '';
    if (files.length) this.addFromUser(files);
  }

  private addFromUser(files: FileWithPath[]): void {
    this.addFiles(files);
  }

  private openPicker(kind: 'files' | 'folder'): void {
    if (this.isDisabled) return;
    (kind === 'files' ? this.filePicker : this.folderPicker).click();
  }

  private async copyLink(task: UploadTask): Promise<void> {
    let ok = true;
    try {
      await navigator.clipboard.writeText(task.downloadURL!);
    } catch {
      ok = false;
    }
    this.copied = {id: task.id, ok};
    this.announce(ok ? this.t.copied : this.t.copyFailed);
    clearTimeout(this.copiedTimer);
    this.copiedTimer = setTimeout(() => (this.copied = null), 2500);
  }

  private dismissRejected(id: string): void {
    this.rejectedFiles = this.rejectedFiles.filter((entry) => entry.id !== id);
    // Keep focus inside the element: on the next row's button or the picker.
    this.updateComplete.then(() => this.chooseButton?.focus());
  }

  private removeTask(id: string): void {
    this.engine.remove(id);
    this.updateComplete.then(() => this.chooseButton?.focus());
  }

  // ——— thumbnails ———

  private thumbnailFor(task: UploadTask): string | undefined {
    // A URL import has no local bytes: its preview is the image host's own link, once there is one.
    if (task.url) return task.status === 'done' && this.target === 'image' ? task.downloadURL : undefined;
    if (!task.file.type.startsWith('image/') || task.size > THUMBNAIL_MAX_BYTES) return undefined;
    let url = this.thumbnails.get(task.id);
    if (!url) {
      url = URL.createObjectURL(task.file);
      this.thumbnails.set(task.id, url);
    }
    return url;
  }

  private revokeThumbnail(id: string): void {
    const url = this.thumbnails.get(id);
    if (url) URL.revokeObjectURL(url);
    this.thumbnails.delete(id);
  }

  private pruneThumbnails(): void {
    const live = new Set(this.manager?.tasks.map((task) => task.id));
    for (const id of [...this.thumbnails.keys()]) if (!live.has(id)) this.revokeThumbnail(id);
  }

  // ——— rendering ———

  protected override render(): TemplateResult {
    const t = this.t;
    const tasks = this.manager?.tasks ?? [];
    const disabled = this.isDisabled;
    const image = this.target === 'image';
    return html`
      <div part="dropzone" class=${this.dragging ? 'dragging' : ''} role="group" aria-labelledby="drop-title"
        aria-describedby="drop-hint">
        <slot name="drop-icon">${icons.upload}</slot>
        <p part="drop-title" id="drop-title"><slot name="drop-title">${this.dragging ? t.dropActive : t.dropTitle}</slot></p>
        <p part="drop-hint" id="drop-hint"><slot name="drop-hint">${image ? t.dropHintImage : t.dropHint}</slot></p>
        <div part="pickers">
          <button type="button" part="button choose-files" class="primary" ?disabled=${disabled}
            @click=${() => this.openPicker('files')}>${t.chooseFiles}</button>
          ${this.directory
            ? html`<button type="button" part="button choose-folder" ?disabled=${disabled}
                @click=${() => this.openPicker('folder')}>${t.chooseFolder}</button>`
            : nothing}
        </div>
        <input type="file" data-picker="files" hidden tabindex="-1" aria-hidden="true" ?multiple=${this.multiple}
          accept=${this.accept || (image ? 'image/*' : '')} @change=${this.onPicked} />
        ${this.directory
          ? html`<input type="file" data-picker="folder" hidden tabindex="-1" aria-hidden="true" webkitdirectory multiple
              @change=${this.onPicked} />`
          : nothing}
      </div>
      ${image && this.urlImport ? this.renderURLImport(disabled) : nothing}
      ${tasks.length ? this.renderSummary(tasks) : nothing}
      ${this.rejectedFiles.length
        ? html`<ul part="rejected-list" aria-label=${t.rejectedList}>
            ${repeat(this.rejectedFiles, (entry) => entry.id, (entry) => this.renderRejected(entry))}
          </ul>`
        : nothing}
      ${tasks.length
        ? html`<ul part="list" class=${tasks.length > LONG_LIST ? 'long' : ''} aria-label=${t.fileList}>
            ${repeat(
              tasks,
              (task) => task.id,
              (task) =>
                guard(
                  [this.revisions.get(task.id) ?? 0, task.status, this.locale, disabled, this.copied?.id === task.id, this.thumbnailEpoch],
                  () => this.renderTask(task),
                ),
            )}
          </ul>`
        : this.rejectedFiles.length
          ? nothing
          : html`<p part="empty"><slot name="empty">${t.empty}</slot></p>`}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcement}</div>
    `;
  }

  private renderURLImport(disabled: boolean): TemplateResult {
    const t = this.t;
    return html`<form part="url-import" @submit=${this.onImportSubmit}>
      <label part="url-label" for="url-input">${t.importLabel}</label>
      <input part="url-input" id="url-input" type="url" inputmode="url" autocomplete="off" spellcheck="false"
        placeholder="https://example.com/image.png" ?disabled=${disabled} />
      <button type="submit" part="button url-submit" ?disabled=${disabled}>${t.importButton}</button>
    </form>`;
  }

  private onImportSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.urlInput;
    const url = input?.value.trim() ?? '';
    if (this.isDisabled || !input || !url) return;
    // A refused address stays in the field to be corrected; its reason shows in the list.
    if (this.importURL(url).added.length) input.value = '';
  }

  private renderSummary(tasks: readonly UploadTask[]): TemplateResult {
    const t = this.t;
    const totals = this.engine.totals();
    const counted = tasks.filter((task) => task.status !== 'canceled').length;
    const percent = totals.total ? Math.min(100, Math.floor((totals.loaded / totals.total) * 100)) : 0;
    const active = tasks.some((task) => ACTIVE.has(task.status) && task.status !== 'queued');
    const queued = tasks.some((task) => task.status === 'queued');
    const paused = tasks.some((task) => task.status === 'paused');
    const failed = tasks.some((task) => task.status === 'error' || task.status === 'canceled');
    const disabled = this.isDisabled;
    const figures = [
      active && totals.bytesPerSecond > 0 ? t.speed(formatBytes(totals.bytesPerSecond)) : '',
      active && totals.etaSeconds !== undefined ? t.eta(formatDuration(t, totals.etaSeconds)) : '',
    ].filter(Boolean);
    return html`
      <div part="summary">
        <div part="summary-text">
          <strong>${t.countDone(totals.succeeded, counted)}</strong>
          ${totals.failed ? html` · <span>${t.failedCount(totals.failed)}</span>` : nothing}
          ${figures.length ? html` · ${figures.join(' · ')}` : nothing}
        </div>
        <div part="toolbar">
          ${this.manual && queued
            ? html`<button type="button" part="button upload" class="primary small" ?disabled=${disabled}
                @click=${() => this.start()}>${t.upload}</button>`
            : nothing}
          ${active || (queued && !this.manual)
            ? html`<button type="button" part="button pause-all" class="small" ?disabled=${disabled}
                @click=${() => this.pause()}>${t.pauseAll}</button>`
            : nothing}
          ${paused
            ? html`<button type="button" part="button resume-all" class="small" ?disabled=${disabled}
                @click=${() => this.resume()}>${t.resumeAll}</button>`
            : nothing}
          ${failed
            ? html`<button type="button" part="button retry-all" class="small" ?disabled=${disabled}
                @click=${() => this.retry()}>${t.retry}</button>`
            : nothing}
          <button type="button" part="button clear" class="small danger" ?disabled=${disabled}
            @click=${() => this.clear()}>${t.clear}</button>
        </div>
        <div part="overall-progress progress" role="progressbar" aria-label=${t.overall} aria-valuemin="0"
          aria-valuemax="100" aria-valuenow=${percent}>
          <div part="progress-bar" class=${totals.failed && !active ? 'error' : percent === 100 ? 'done' : ''}
            ${scaleX(percent / 100)}></div>
        </div>
      </div>
    `;
  }

  private renderRejected(entry: RejectedEntry): TemplateResult {
    const t = this.t;
    return html`<li part="item" class="rejected">
      ${this.renderTile(entry.name)}
      <div part="info">
        <span part="name" title=${joinPath(entry.relativePath, entry.name)}>${this.renderName(entry.relativePath, entry.name)}</span>
        <div part="meta">
          <span part="status" class="error">${t.rejected}</span>
          <span part="size">${formatBytes(entry.size)}</span>
          <span part="reason">${t.reject[entry.key] ?? entry.reason}</span>
        </div>
      </div>
      <div part="item-actions">
        ${this.iconButton('dismiss-button', icons.cancel, t.actionOn(t.dismiss, entry.name), () => this.dismissRejected(entry.id))}
      </div>
    </li>`;
  }

  private renderTask(task: UploadTask): TemplateResult {
    const t = this.t;
    const status = task.status;
    const percent = task.status === 'done' ? 100 : task.total ? Math.min(100, Math.floor((task.loaded / task.total) * 100)) : 0;
    const running = ACTIVE.has(status) && status !== 'queued';
    // A URL import has no size until 123pan has the image: it shows where it comes from instead.
    const source = task.url && status !== 'done' ? hostOf(task.url) : undefined;
    const showBytes = !task.url && (status === 'uploading' || status === 'paused' || status === 'completing');
    const thumbnail = this.thumbnailFor(task);
    const statusText =
      status === 'hashing' ? `${t.status.hashing} ${percent}%` : task.url && (status === 'creating' || status === 'uploading') ? t.importing : t.status[status];
    const copied = this.copied?.id === task.id ? this.copied : null;
    const error = status === 'error' ? task.error : undefined;
    return html`<li part="item" class=${status}>
      ${thumbnail
        ? html`<img part="thumbnail" src=${thumbnail} alt="" loading="lazy" decoding="async" />`
        : this.renderTile(task.name)}
      <div part="info">
        <span part="name" title=${joinPath(task.relativePath, task.name)}>${this.renderName(task.relativePath, task.name)}</span>
        <div part="meta">
          <span part="status" class=${status}>${statusText}</span>
          ${source !== undefined
            ? html`<span part="source" title=${task.url!}>${t.importFrom(source)}</span>`
            : html`<span part="size">${showBytes ? `${formatBytes(Math.min(task.loaded, task.size))} / ` : ''}${formatBytes(task.size)}</span>`}
          ${status === 'uploading' || status === 'paused' ? html`<span part="percent">${percent}%</span>` : nothing}
          ${status === 'uploading' && task.bytesPerSecond > 0
            ? html`<span part="speed">${t.speed(formatBytes(task.bytesPerSecond))}</span>`
            : nothing}
          ${status === 'uploading' && task.etaSeconds !== undefined
            ? html`<span part="eta">${t.eta(formatDuration(t, task.etaSeconds))}</span>`
            : nothing}
          ${status === 'done' && task.reused ? html`<span part="note">${t.instant}</span>` : nothing}
          ${task.resumed && status !== 'done' ? html`<span part="note">${t.resumed}</span>` : nothing}
          ${status === 'done' && task.downloadURL
            ? html`<a part="link" href=${task.downloadURL} target="_blank" rel="noopener noreferrer"
                aria-label=${t.actionOn(t.openLink, task.name)}>${t.openLink}</a>`
            : nothing}
        </div>
        ${error
          ? html`<div part="error">
              ${t.error[error.key] ?? error.message}
              ${error.traceID ? html`<span part="trace-id">${t.traceID}: ${error.traceID}</span>` : nothing}
            </div>`
          : nothing}
      </div>
      <div part="item-actions">${this.renderActions(task, running, copied)}</div>
      ${status === 'done' || status === 'canceled'
        ? nothing
        : html`<div part="progress" role="progressbar" aria-label=${t.progressOf(task.name)} aria-valuemin="0"
            aria-valuemax="100" aria-valuenow=${percent} aria-valuetext=${`${percent}% · ${statusText}`}>
            <div part="progress-bar" class=${status === 'hashing' ? 'hashing' : status}
              ${scaleX(percent / 100)}></div>
          </div>`}
    </li>`;
  }

  private renderActions(task: UploadTask, running: boolean, copied: {ok: boolean} | null): TemplateResult {
    const t = this.t;
    const name = task.name;
    const status = task.status;
    const buttons: TemplateResult[] = [];
    if (running || status === 'queued') {
      buttons.push(this.iconButton('pause-button', icons.pause, t.actionOn(t.pause, name), () => this.pause(task.id)));
    }
    if (status === 'paused') {
      buttons.push(this.iconButton('resume-button', icons.resume, t.actionOn(t.resume, name), () => this.resume(task.id)));
    }
    if (running || status === 'queued' || status === 'paused') {
      buttons.push(this.iconButton('cancel-button', icons.cancel, t.actionOn(t.cancel, name), () => this.cancel(task.id)));
    }
    if (status === 'error' || status === 'canceled') {
      buttons.push(this.iconButton('retry-button', icons.retry, t.actionOn(t.retry, name), () => this.retry(task.id)));
    }
    if (status === 'done' && task.downloadURL) {
      buttons.push(
        this.iconButton(
          'copy-button',
          copied?.ok ? icons.check : icons.copy,
          copied ? (copied.ok ? t.copied : t.copyFailed) : t.actionOn(t.copyLink, name),
          () => this.copyLink(task),
        ),
      );
    }
    if (!running && status !== 'queued' && status !== 'paused') {
      buttons.push(this.iconButton('remove-button', icons.remove, t.actionOn(t.remove, name), () => this.removeTask(task.id)));
    }
    return html`${buttons}`;
  }

  private iconButton(part: string, icon: TemplateResult, label: string, onClick: () => void): TemplateResult {
    return html`<button type="button" part="button ${part}" class="small" aria-label=${label} title=${label}
      ?disabled=${this.isDisabled} @click=${onClick}>${icon}</button>`;
  }

  private renderTile(name: string): TemplateResult {
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 5 ? name.slice(dot + 1) : '';
    return html`<span part="thumbnail" aria-hidden="true">${ext || '•'}</span>`;
  }

  private renderName(relativePath: string, name: string): TemplateResult {
    return html`${relativePath ? html`<span part="path">${relativePath}/</span>` : nothing}${name}`;
  }
}

/** Compares option sets, counting an explicit undefined as a value. */
function optionsKey(options: Partial<UploadManagerOptions>): string {
  return JSON.stringify(options, (_key, value) => (value === undefined ? null : value));
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}

function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}
