import {LitElement, adoptStyles, html, nothing, type TemplateResult} from 'lit';
import {property, query} from 'lit/decorators.js';
import {guard} from 'lit/directives/guard.js';
import {repeat} from 'lit/directives/repeat.js';
import type {TokenProvider} from '../../api/types.ts';
import type {ExistingFile} from '../../core/existing.ts';
import type {BeforeAddHook, BeforeUploadHook} from '../../core/hooks.ts';
import {UploadManager} from '../../core/index.ts';
import type {FileWithPath, RejectedFile, UploadManagerOptions, UploadTarget, UploadTask} from '../../core/types.ts';
import type {UploadEngine} from '../../core/upload-engine.ts';
import {AnnouncerController} from './announcer.controller.ts';
import {filesFromInput} from './collect-files.ts';
import {CopyLinkController} from './copy-link.controller.ts';
import {DropController} from './drop.controller.ts';
import {dropZone, urlImportForm} from './dropzone.ts';
import {EngineBridgeController} from './engine-bridge.controller.ts';
import {engineOptions} from './engine-options.ts';
import {FormController} from './form.controller.ts';
import {loadErrorStrings, loadLocale, registerLocale, type StringOverrides, type Strings} from './i18n.ts';
import type {ListEditController} from './list-edit.controller.ts';
import {LocaleController} from './locale.controller.ts';
import styles from './pan-uploader.styles.ts';
import {taskRow, type TaskActions} from './rows.ts';
import {queueSummary, type QueueActions} from './summary.ts';
import {ThumbnailController} from './thumbnails.controller.ts';
import urlImportStyles from './url-import.styles.ts';
import type {VirtualList} from './virtual-list.ts';
import type {refusedList} from './refused-list.ts';

/** Beyond this many rows only those in view are rendered (virtual-list.ts, loaded then) and a drop joins in slices; up to it, every row. */
const WINDOWED = 200;

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
 * @event {CustomEvent<PanUploadProgressDetail>} pan-upload-progress - Progress of one file. Detail: `{id, loaded, total, phase}`, phase being `preparing`, `hashing`, `uploading` or `completing`.
 * @event {CustomEvent<PanUploadSuccessDetail>} pan-upload-success - A file is on 123pan. Detail: `{id, name, size, etag, fileID, downloadURL?, reused, target, relativePath}`.
 * @event {CustomEvent<PanUploadErrorDetail>} pan-upload-error - A file failed. Detail: `{id, name, code, message, traceID?, retryable, key}`.
 * @event {CustomEvent<PanQueueCompleteDetail>} pan-queue-complete - Nothing is left to upload. Detail: `{succeeded, failed}`.
 * @event {Event} change - The form value (the files' fileIDs, in list order) changed: an upload, a removal, a move.
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
 * @csspart camera-photo - The "Take photo" button (with `camera`).
 * @csspart camera-video - The "Record video" button (with `camera`).
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
 * @csspart rejected-more - The line that counts the files not added beyond those listed (a list shows the latest 100).
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
 * @csspart note - "instant upload" (秒传) next to a file 123pan already had, and what preparing did to an image.
 * @csspart prepared - What preparing did to an image ("optimized · 4.2 MB → 680 KB", "sent as is: …").
 * @csspart link - The link to an uploaded file.
 * @csspart item-actions - A file's buttons.
 * @csspart pause-button - Pauses one file.
 * @csspart resume-button - Resumes one file.
 * @csspart cancel-button - Cancels one file.
 * @csspart retry-button - Retries one file.
 * @csspart remove-button - Takes one file off the list.
 * @csspart rename-button - Opens the rename field of a file not yet sent.
 * @csspart rename-input - The field where a file not yet sent is renamed.
 * @csspart reorder-handle - Moves a file in the list (with `reorderable`): drag it, or focus it and use the arrow keys, Home and End.
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
 * @attr {string} lang - Language of the element's text (`en`, `zh-CN`, `zh-TW`, or one registered with `PanUploader.registerLocale`); inherited from the page when absent.
 * @attr {string} value - The record's fileIDs, comma-separated: listed as done when the element starts (see the `value` property).
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

  /** Images: scale down to at most this width in pixels (image host default 2560; drive: no limit unless set). */
  @property({attribute: 'image-max-width'}) imageMaxWidth?: string;

  /** Images: scale down to at most this height in pixels (image host default 2560; drive: no limit unless set). */
  @property({attribute: 'image-max-height'}) imageMaxHeight?: string;
  /** Images: JPEG/WebP quality, 0–1 (image host default 0.85). */
  @property({attribute: 'image-quality'}) imageQuality?: string;

  /** Images: keep | jpeg | webp | png (keep: each image in its own format; HEIC becomes JPEG). */
  @property({attribute: 'image-type'}) imageType?: string;

  /** Images: auto (on for the image host, on for the drive when an image-* attribute is set) | on | off. */
  @property({attribute: 'image-transform'}) imageTransform?: string;

  /** Images: keep EXIF (camera, date, GPS) instead of dropping it. */
  @property({type: Boolean, attribute: 'keep-metadata'}) keepMetadata = false;

  /** Phones: "Take photo" and "Record video" buttons (`camera="photo"` or `"video"` for one of them). */
  @property() camera?: string;

  /** The function form of the backend hook; see also `token-url`. */
  @property({attribute: false}) tokenProvider?: TokenProvider;

  /** Rows get a handle: drag it, or focus it and use the arrow keys, to change the order (the form value follows). */
  @property({type: Boolean, reflect: true}) reorderable = false;

  /** `list` (default), `grid` (tiles with thumbnails; columns follow the element's width) or `compact` (one line a file). */
  @property({reflect: true}) layout: 'list' | 'grid' | 'compact' = 'list';

  /** While files upload, the tab's title starts with the overall percent. */
  @property({type: Boolean, attribute: 'title-progress'}) titleProgress = false;

  /** Leaving the page while files upload does not ask first. */
  @property({type: Boolean, attribute: 'no-leave-warning'}) noLeaveWarning = false;

  /**
   * The page's check when a file is added, before the element's own: `(file, {signal, relativePath})`, sync or
   * async. Answer nothing or `true` to accept, `false` or `{reject: 'why'}` to refuse (listed like the element's
   * own refusals), `{name}` to rename, a `File` or `{file}` to replace it. A throw refuses with its message.
   */
  @property({attribute: false}) beforeAdd?: BeforeAddHook;

  /**
   * The page's check just before a file is hashed and sent: `(task, {signal})`, answered like `beforeAdd`.
   * The file shows "Processing file" meanwhile, without holding the others back; pause, cancel and remove abort
   * `signal`; a refusal or a throw fails that file with the page's message.
   */
  @property({attribute: false}) beforeUpload?: BeforeUploadHook;

  /** The page's own words for any of the element's strings (`{dropTitle: '…', status: {done: '…'}}`). */
  @property({attribute: false}) strings?: StringOverrides;

  @query('input[data-picker="files"]') private filePicker!: HTMLInputElement;
  @query('input[data-picker="folder"]') private folderPicker!: HTMLInputElement;
  @query('[part~="choose-files"]') private chooseButton?: HTMLButtonElement;
  @query('[part~="url-input"]') private urlInput?: HTMLInputElement;

  // ——— controllers: one concern each ———

  private readonly localize = new LocaleController(this, () => this.strings);
  private readonly announcer = new AnnouncerController(this, () => this.localize.t, () => this.bridge.built?.totals());
  private readonly thumbnails = new ThumbnailController(this);
  private readonly formControl = new FormController(this, {
    tasks: () => this.bridge.built?.tasks,
    anchor: () => this.chooseButton ?? undefined,
    strings: () => this.localize.t,
  });
  private readonly bridge: EngineBridgeController = new EngineBridgeController(this, {
    create: (options) => this.createManager(options),
    options: () => engineOptions(this),
    tokenProvider: () => this.tokenProvider,
    beforeUpload: () => this.beforeUpload,
    form: this.formControl,
    announcer: this.announcer,
    thumbnails: this.thumbnails,
  });
  private readonly drop = new DropController(this, {
    disabled: () => this.isDisabled,
    folders: () => this.directory,
    add: (files) => this.addPicked(files),
  });
  private readonly copyLink = new CopyLinkController(this, (ok) => this.announcer.copied(ok));
  /** List editing (rename, reorder, layouts), loaded on first use. */
  private edit?: ListEditController;
  private editLoad?: Promise<void>;
  /** The window over a long list, loaded when a list first needs it. */
  private virtual?: VirtualList;
  private virtualLoad?: Promise<void>;
  /** The list of files not added (refused-list.ts), loaded with the first refusal. */
  private refusedView?: typeof refusedList;
  private refusedLoad?: Promise<void>;
  /** Counts the update requests but the list window's own: what is above the list renders again only when it moves. */
  private changes = 0;
  /** What `value` or `existing` last set: a form reset returns to it. */
  private defaultEntries: readonly unknown[] | string = [];
  /** Aborts `beforeAdd` hooks still running (clear, leaving the document). */
  private addHooks = new AbortController();

  /** What the rows' and the summary's buttons do. */
  private readonly actions: TaskActions & QueueActions = {
    start: () => this.start(),
    pause: (id?: string) => this.pause(id),
    resume: (id?: string) => this.resume(id),
    cancel: (id) => this.cancel(id),
    retry: (id?: string) => this.retry(id),
    remove: (id) => this.removeTask(id),
    copyLink: (task) => this.copyLink.copy(task),
    clear: () => this.clear(),
    rename: (id) => void this.loadEdit().then(() => this.edit?.rename(id)),
  };

  /**
   * Adds (or replaces) a language: `PanUploader.registerLocale('ja', {...})`, typed as `Strings` so a missing
   * key is a type error. Elements whose `lang` (or the page's) is that tag, or starts with it, speak it.
   */
  static registerLocale(tag: string, table: Strings): void {
    registerLocale(tag, table);
    LocaleController.refreshAll();
  }

  // ——— public API ———

  /**
   * The files' fileIDs, in list order: the form value. Set it (fileIDs, or `existing` entries; the `value`
   * attribute takes them comma-separated) to list a record's files as done: never uploaded again, counted by
   * `max-files`, and removing one only takes it off the value (nothing is deleted on 123pan). Names and sizes
   * not given are looked up through the backend hook; a fileID 123pan does not know shows "not found" and stays.
   */
  get value(): string[] {
    return this.formControl.value;
  }
  set value(value: string | readonly (string | number | ExistingFile)[]) {
    this.defaultEntries = value;
    void this.listExisting(value);
  }

  /** The listed files as entries `{fileID, name?, size?, url?, thumbnail?}`; set it to list a record's files. */
  get existing(): ExistingFile[] {
    return this.formControl.entries();
  }
  set existing(entries: readonly (string | number | ExistingFile)[]) {
    this.value = entries;
  }

  /** Every file in the queue, as the engine sees it. */
  get tasks(): readonly UploadTask[] {
    return this.bridge.engine.tasks;
  }

  get form(): HTMLFormElement | null {
    return this.formControl.internals.form;
  }
  get validity(): ValidityState {
    return this.formControl.internals.validity;
  }
  get validationMessage(): string {
    return this.formControl.internals.validationMessage;
  }
  get willValidate(): boolean {
    return this.formControl.internals.willValidate;
  }
  checkValidity(): boolean {
    return this.formControl.internals.checkValidity();
  }
  reportValidity(): boolean {
    return this.formControl.internals.reportValidity();
  }

  /** Adds files (a FileList, Files, or `{file, relativePath}`), checked first; refused ones are listed with their reason. */
  /**
   * Adds files (a FileList, Files, or `{file, relativePath}`), checked first; refused ones are listed with their
   * reason. With a `beforeAdd` hook the files join once their hooks have answered (in the order given): the
   * result then lists none, and `pan-file-added` / `pan-file-rejected` tell what became of each.
   */
  addFiles(files: Iterable<File | FileWithPath> | FileList): {added: UploadTask[]; rejected: RejectedFile[]} {
    const list = Array.from(files as Iterable<File | FileWithPath>);
    if (this.beforeAdd) {
      void this.addThroughHook(list, this.beforeAdd);
      return {added: [], rejected: []};
    }
    return this.addChecked(list);
  }

  private addChecked(files: (File | FileWithPath)[], announce = true): {added: UploadTask[]; rejected: RejectedFile[]} {
    const result = this.bridge.engine.addFiles(files);
    if (result.added.length) this.watchLeaving();
    // Uploads that start at once announce themselves; files waiting for `start()` are announced here.
    if (announce && result.added.length && this.manual) this.announcer.added(result.added.length);
    return result;
  }

  /** A drop or a pick: a big one joins in slices, so the page keeps painting and answering meanwhile. */
  private addPicked(files: FileWithPath[]): void {
    if (this.beforeAdd || files.length <= WINDOWED) return void this.addFiles(files);
    const {signal} = this.addHooks;
    // Should the window's code not load, the files still join, at once.
    void this.loadVirtual()
      .then(() => (this.virtual ? this.virtual.add(files, (slice) => this.addChecked(slice, false), signal) : this.addChecked(files, false).added.length))
      .then((added) => added && this.manual && this.announcer.added(added));
  }
  /**
   * Has the image host download an image from a web address (offline migration); checked first, a
   * refused address is listed with its reason. Needs target="image".
   */
  importURL(url: string, options: {fileName?: string; callBackUrl?: string} = {}): {added: UploadTask[]; rejected: RejectedFile[]} {
    const engine = this.bridge.engine;
    if (!engine.importURL) throw new Error('<pan-uploader>: this engine cannot import URLs');
    const result = engine.importURL(url, options);
    if (result.added.length) this.watchLeaving();
    if (result.added.length && this.manual) this.announcer.added(result.added.length);
    return result;
  }
  /** Starts every queued file (needed only with `manual`). */
  start(): void {
    this.bridge.engine.start();
  }
  /** Pauses one file, or all. */
  pause(id?: string): void {
    this.bridge.engine.pause(id);
  }
  /** Resumes one paused file, or all. */
  resume(id?: string): void {
    this.bridge.engine.resume(id);
  }
  /** Cancels one file, or all: requests in flight are aborted. */
  cancel(id?: string): void {
    this.bridge.engine.cancel(id);
  }
  /** Retries one failed or canceled file, or all. */
  retry(id?: string): void {
    this.bridge.engine.retry(id);
  }
  /** Takes one file off the list (canceling it if it still runs). Not `remove`: that is Element's own. */
  removeFile(id: string): void {
    this.bridge.engine.remove(id);
  }
  /** Cancels everything and empties the list, refused files included. */
  clear(): void {
    this.stopAddHooks();
    this.bridge.clear();
  }

  /** Builds the engine; a subclass may hand in another implementation of the same surface. */
  protected createManager(options: Partial<UploadManagerOptions>): UploadEngine {
    return new UploadManager(options);
  }

  // ——— lifecycle and form callbacks ———

  // Counted for the summary's guard; the window over a long list takes its own request (a scroll) back off.
  override requestUpdate(...args: Parameters<LitElement['requestUpdate']>): void {
    this.changes++;
    super.requestUpdate(...args);
  }

  /** @internal Called by the browser when the form resets: back to the value the page set. */
  formResetCallback(): void {
    void this.formControl.reset(() => {
      this.stopAddHooks();
      this.bridge.clear(false);
      return this.defaultEntries.length ? this.listExisting(this.defaultEntries) : undefined;
    });
  }

  /** @internal Called by the browser on back/forward navigation and autofill: lists the saved files again. */
  formStateRestoreCallback(state: unknown): void {
    if (typeof state === 'string' && state) void this.listExisting(state);
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopAddHooks();
  }

  /** @internal Called by the browser when a fieldset or form disables the element. */
  formDisabledCallback(disabled: boolean): void {
    this.formControl.setDisabled(disabled);
  }

  // `lang` stays the native attribute (its inheritance and :lang() keep working); the element only watches it.
  static override get observedAttributes(): string[] {
    return [...super.observedAttributes, 'lang', 'value'];
  }

  override attributeChangedCallback(name: string, old: string | null, value: string | null): void {
    super.attributeChangedCallback(name, old, value);
    if (name === 'value' && value !== null) this.value = value;
    if (name === 'lang') {
      this.requestUpdate();
      this.formControl.syncValidity();
    }
  }

  // A Chinese element renders once its strings' chunk is there (no flash of English), and updateComplete
  // waits for it. If the chunk cannot load, the element renders in English rather than not at all.
  // The same for the code and styles of list editing when a layout or `reorderable` needs them.
  protected override scheduleUpdate(): void | Promise<unknown> {
    const locale = loadLocale(this.localize.locale)?.then(
      () => this.formControl.syncValidity(),
      (error: unknown) => console.error((error as Error).message),
    );
    const edit = !this.edit && (this.reorderable || (this.layout && this.layout !== 'list')) ? this.loadEdit() : undefined;
    // The English error texts come with the first file; only a failed file's row waits for them.
    const tasks = this.bridge.tasks;
    const errorTexts = tasks.length ? loadErrorStrings()?.catch((error: unknown) => console.error(`<pan-uploader>: ${(error as Error).message}`)) : undefined;
    // Looked through only until the texts are in: this runs before every render, a scrolled long list's too.
    const errors = errorTexts && tasks.some((task) => task.error) ? errorTexts : undefined;
    const virtual = tasks.length > WINDOWED && !this.virtual ? this.loadVirtual() : undefined;
    const refusedView = this.bridge.refused.length && !this.refusedView ? this.loadRefused() : undefined;
    if (!locale && !edit && !errors && !virtual && !refusedView) return super.scheduleUpdate();
    return Promise.all([locale, edit, errors, virtual, refusedView]).then(() => super.scheduleUpdate());
  }

  private loadVirtual(): Promise<void> {
    this.virtualLoad ??= import('./virtual-list.ts').then(
      ({VirtualList}) => {
        // The window's own update request (a scroll) leaves `changes` as it was.
        this.virtual ??= new VirtualList(this, this.thumbnails, () => {
          this.requestUpdate();
          this.changes--;
        });
      },
      (error: unknown) => {
        this.virtualLoad = undefined;
        console.error(`<pan-uploader>: ${(error as Error).message}`);
      },
    );
    return this.virtualLoad;
  }

  /** A failed load is tried again by the next render (the refusals are announced meanwhile). */
  private loadRefused(): Promise<void> {
    return (this.refusedLoad ??= import('./refused-list.ts').then(
      ({refusedList}) => void (this.refusedView = refusedList),
      () => (this.refusedLoad = undefined),
    ));
  }

  /** Loads list editing once; a failed load is tried again on next use. */
  private loadEdit(): Promise<void> {
    this.editLoad ??= import('./list-edit.controller.ts').then(
      ({ListEditController, editStyles}) => {
        this.edit ??= new ListEditController(this, {
          engine: () => this.bridge.engine,
          strings: () => this.localize.t,
          announce: (text) => this.announcer.announce(text),
          changed: () => this.formControl.sync(true),
          reveal: (id) => this.virtual?.reveal(id),
        });
        if (this.shadowRoot) adoptStyles(this.shadowRoot, [...(this.constructor as typeof LitElement).elementStyles, editStyles]);
        this.requestUpdate();
      },
      (error: unknown) => {
        this.editLoad = undefined;
        console.error(`<pan-uploader>: list editing could not be loaded: ${(error as Error).message}`);
      },
    );
    return this.editLoad;
  }

  /** Files are listed: leaving the page now asks first (and the title may show progress). */
  private watchLeaving(): void {
    this.leaveLoad ??= import('./leave.controller.ts').then(
      ({LeaveController}) => void new LeaveController(this, () => this.bridge.built),
      () => (this.leaveLoad = undefined),
    );
  }
  private leaveLoad?: Promise<void>;

  private get isDisabled(): boolean {
    return this.disabled || this.formControl.disabled;
  }

  // ——— rendering ———

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const tasks = this.bridge.built?.tasks ?? [];
    const refused = this.bridge.refused;
    const disabled = this.isDisabled;
    const image = this.target === 'image';
    const long = tasks.length > WINDOWED && this.virtual;
    if (!long) this.virtual?.off();
    const shown = long ? long.window(tasks) : undefined;
    return html`
      ${dropZone({
        t,
        disabled,
        image,
        dragging: this.drop.dragging,
        directory: this.directory,
        multiple: this.multiple,
        accept: this.accept,
        camera: this.cameraKinds,
        openPicker: (kind) => this.openPicker(kind),
        picked: (event) => this.onPicked(event),
      })}
      ${image && this.urlImport ? urlImportForm({t, disabled}, (event) => this.onImportSubmit(event)) : nothing}
      ${tasks.length
        ? guard([this.changes], () => queueSummary(tasks, this.bridge.engine.totals(), {t, disabled, manual: this.manual, actions: this.actions}))
        : nothing}
      ${refused.length && this.refusedView
        ? // Grows by push, and is a new array once one is dismissed: a scroll's render does not walk it again.
          guard([refused, refused.length, t, disabled], () => this.refusedView!(refused, {t, disabled}, (id) => this.dismissRefused(id)))
        : nothing}
      ${tasks.length
        ? html`${this.reorderable ? html`<p id="move-hint" hidden>${t.moveHint}</p>` : nothing}
          <ul part="list" aria-label=${t.fileList}>
            ${repeat(
              shown ? tasks.slice(shown.start, shown.end) : tasks,
              (task) => shown?.key(task.id) ?? task.id,
              (task) => {
                const copied = this.copyLink.outcomeFor(task.id);
                // A row renders again only when something it shows changed.
                const edit = this.edit;
                const renaming = edit?.renaming?.id === task.id ? edit.renaming : undefined;
                // A fast scroll makes no previews: rows fly past; they come once it slows or stops.
                const thumbnail = this.thumbnails.urlFor(task, this.target, shown?.fast);
                return guard([task, this.bridge.revision(task.id), task.status, t, disabled, !!copied, thumbnail, this.reorderable, edit, renaming], () =>
                  taskRow(task, {
                    t,
                    disabled,
                    copied,
                    thumbnail,
                    actions: this.actions,
                    edit: edit && {field: edit.field.bind(edit), handle: this.reorderable ? edit.handle : undefined},
                  }),
                );
              },
            )}
          </ul>`
        : refused.length
          ? nothing
          : html`<p part="empty"><slot name="empty">${t.empty}</slot></p>`}
      <div class="visually-hidden" role="status" aria-live="polite" aria-atomic="true">${this.announcer.text}</div>
    `;
  }

  // ——— existing files and hooks ———

  private async listExisting(entries: readonly unknown[] | string): Promise<void> {
    try {
      await this.bridge.engine.setExisting?.(entries);
    } catch (error) {
      console.error(`<pan-uploader>: existing files could not be listed: ${(error as Error).message}`);
    }
    this.formControl.sync(false);
    this.requestUpdate();
  }

  private async addThroughHook(files: (File | FileWithPath)[], hook: BeforeAddHook): Promise<void> {
    const {signal} = this.addHooks;
    try {
      const {screenFiles} = await import('../../core/hooks.ts');
      const {accepted, refused} = await screenFiles(files, hook, signal);
      for (const refusal of refused) this.bridge.refuse(refusal);
      if (accepted.length) this.addChecked(accepted);
    } catch (error) {
      if (!signal.aborted) console.error(`<pan-uploader>: ${(error as Error).message}`);
    }
  }

  private stopAddHooks(): void {
    this.addHooks.abort();
    this.addHooks = new AbortController();
  }

  // ——— user input ———

  private onPicked(event: Event): void {
    const input = event.target as HTMLInputElement;
    const files = filesFromInput(input);
    // Clearing lets the same file be picked again after it was removed.
    input.value = '';
    if (files.length) this.addPicked(files);
  }

  private openPicker(kind: 'files' | 'folder' | 'photo' | 'video'): void {
    if (this.isDisabled) return;
    if (kind === 'files') this.filePicker.click();
    else if (kind === 'folder') this.folderPicker.click();
    else this.renderRoot.querySelector<HTMLInputElement>(`input[data-picker="${kind}"]`)?.click();
  }

  /** The camera buttons the `camera` attribute asks for: present and empty (or "both") means both. */
  private get cameraKinds(): ('photo' | 'video')[] {
    if (this.camera == null) return [];
    const value = this.camera.trim().toLowerCase();
    if (value === 'photo' || value === 'video') return [value];
    return ['photo', 'video'];
  }

  private onImportSubmit(event: SubmitEvent): void {
    event.preventDefault();
    const input = this.urlInput;
    const url = input?.value.trim() ?? '';
    if (this.isDisabled || !input || !url) return;
    // A refused address stays in the field to be corrected; its reason shows in the list.
    if (this.importURL(url).added.length) input.value = '';
  }

  // Focus stays inside the element when a row and its button go: on the picker.
  private dismissRefused(id: string): void {
    this.bridge.dismiss(id);
    this.updateComplete.then(() => this.chooseButton?.focus());
  }

  private removeTask(id: string): void {
    this.bridge.engine.remove(id);
    this.updateComplete.then(() => this.chooseButton?.focus());
  }
}

