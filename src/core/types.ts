/**
 * The engine's public shapes: what the element and headless users see.
 * The element renders these and forwards user actions; it never reaches below the engine.
 */
import type {TokenProvider} from '../api/types.ts';
import type {ErrorKey, RejectKey, UploadFlow, UploadTarget} from '../shared/words.ts';

export {UploadStatus} from './status.ts';
import type {BeforeUploadHook} from './hooks.ts';
import type {ImageOptions} from '../image/options.ts';
import type {UploadStatus} from './status.ts';
import type {ImageNote} from '../image/note.ts';

export type {ErrorKey, RejectKey, UploadFlow, UploadTarget} from '../shared/words.ts';

/** Which step a progress figure belongs to. */
export type UploadPhase = 'preparing' | 'hashing' | 'uploading' | 'completing';

export interface RejectedFile {
  name: string;
  /** Folder path inside a dropped or picked directory, '' when none. */
  relativePath: string;
  size: number;
  key: RejectKey;
  /** Names the file and the reason, in English. */
  reason: string;
}

export interface UploadErrorInfo {
  /** 123pan's body code, the HTTP status, or a client-side key. */
  code: number | string;
  key: ErrorKey;
  message: string;
  traceID?: string;
  retryable: boolean;
  /** An image the image host cannot take ('image-refused'): why, as data, without the file's name. */
  note?: ImageNote;
}

export interface UploadTask {
  readonly id: string;
  /** The bytes to send: a prepare step (hook, image transform) may replace them before hashing. */
  file: File;
  /** The name sent to 123pan (a prepare step or a rename may change it before hashing). */
  name: string;
  /** Folder path inside a dropped or picked directory ('' when none), without the name. */
  readonly relativePath: string;
  /** A URL import: the address 123pan downloads the image from (`file` is then an empty stand-in, `size` 0 until done). */
  readonly url?: string;
  /** Bytes of `file` (0 for a URL import until done). */
  size: number;
  readonly target: UploadTarget;
  status: UploadStatus;
  phase: UploadPhase;
  /** Bytes confirmed by the server (or hashed, while hashing). */
  loaded: number;
  total: number;
  bytesPerSecond: number;
  /** Seconds left at the current speed; undefined while unknown. */
  etaSeconds?: number;
  etag?: string;
  fileID?: number | string;
  downloadURL?: string;
  /** Image host: the link on the account's own domain, when one is configured. */
  userSelfURL?: string;
  /** Which 123pan upload flow carries (or carried) the bytes, once chosen. */
  flow?: UploadFlow;
  /** Why no downloadURL could be had, when there is none after success. */
  downloadURLError?: string;
  /** What preparing did to the file, when it did something the user should see (English, or the page hook's words). */
  note?: string;
  /** The same for an image, as data the element words in its language. */
  imageNote?: ImageNote;
  /** A file the record already had (set through the element's value): shown as done, never uploaded. */
  existing?: boolean;
  /** An existing file 123pan does not know (its detail call answered "not found"); it stays in the value. */
  missing?: boolean;
  /** A preview the page gave for an existing file. */
  thumbnailURL?: string;
  /** True when 123pan already held the file (秒传). */
  reused: boolean;
  /** True when this upload continued one recorded before a reload. */
  resumed: boolean;
  error?: UploadErrorInfo;
}

export interface FileWithPath {
  file: File;
  relativePath: string;
}

export interface UploadManagerOptions {
  target: UploadTarget;
  /** Drive: a number, 0 = root. Image host: a string, '' = root. */
  parentID: number | string;
  /** 'keep' sends duplicate=1; 'overwrite' sends duplicate=2. Never overwrite unless asked. */
  duplicate: 'keep' | 'overwrite';
  /** Where API calls go: 123pan itself or a same-origin proxy. */
  apiBase: string;
  tokenUrl?: string;
  tokenProvider?: TokenProvider;
  /** The page's check just before a file is hashed: may refuse, rename or replace it (see core/hooks.ts). */
  beforeUpload?: BeforeUploadHook | null;
  /** Slices in flight across all files. */
  concurrency: number;
  /** Like <input accept>: extensions and MIME types, comma-separated. */
  accept?: string;
  maxSize?: number;
  maxFiles?: number;
  /** Start uploading as soon as files are added. */
  autoStart: boolean;
  /** Keep resume records in IndexedDB and continue matching uploads. */
  resume: boolean;
  hashEngine: 'auto' | 'wasm' | 'spark';
  /**
   * Drive flow. auto: with a token hook, single-step for small files and v2 slices otherwise; with no
   * hook (proxy mode), v1 presigned, so the bytes go straight to storage instead of through the proxy.
   */
  driveFlow: 'auto' | 'v2' | 'single' | 'v1';
  /** How a drive file gets its download URL after success. */
  driveLink: 'download_info' | 'direct-link' | 'none';
  /** Files up to this size take the single-step flow when driveFlow is 'auto' (at most 1 GiB, 123pan's limit for it). */
  singleMaxSize: number;
  /** Overall deadline for the server to confirm a finished upload (polled at least 1 s apart). */
  completeTimeoutMs: number;
  /** Interval between completion polls; never below 1000 (123pan asks for at least 1 s). */
  pollIntervalMs: number;
  /** Resume records older than this are dropped. */
  resumeMaxAgeMs: number;
  /** Minimum interval between progress events of one task, and between queue-progress events. */
  progressIntervalMs: number;
  /** Passed to the API client: per-endpoint QPS limits and retry delays (ms). */
  rateLimits?: Record<string, number>;
  retryDelays?: readonly number[];
  /** Name of the IndexedDB database that keeps resume records. */
  resumeDatabase: string;
  /**
   * Images before hashing: scale to maxWidth × maxHeight, re-encode at quality as type, turn upright, drop
   * location, HEIC to JPEG. {} = the target's defaults (image host: on, 2560 px, 0.85; drive: off);
   * {transform: 'off'} = images go as they are. Replaced as a whole by setOptions.
   */
  image: ImageOptions;
}

export interface QueueTotals {
  loaded: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds?: number;
  /** Files by status: done, error, active (preparing, hashing or talking to 123pan), queued, paused, canceled. */
  succeeded: number;
  failed: number;
  active: number;
  queued: number;
  paused: number;
  canceled: number;
}

export interface UploadManagerEventMap {
  'file-added': CustomEvent<{task: UploadTask}>;
  'file-rejected': CustomEvent<RejectedFile>;
  'upload-start': CustomEvent<{task: UploadTask}>;
  'upload-progress': CustomEvent<{task: UploadTask; loaded: number; total: number; phase: UploadPhase}>;
  'upload-success': CustomEvent<{task: UploadTask}>;
  'upload-error': CustomEvent<{task: UploadTask; error: UploadErrorInfo}>;
  /** Any change of a task's status (paused, resumed, canceled, …). */
  'status-change': CustomEvent<{task: UploadTask; previous: UploadStatus}>;
  'task-removed': CustomEvent<{task: UploadTask}>;
  /** Overall progress, throttled. */
  'queue-progress': CustomEvent<QueueTotals>;
  'queue-complete': CustomEvent<{succeeded: number; failed: number}>;
}
