/** The image host's (图床) management shapes, in 123pan's own field names. */

/** One entry of /api/v1/oss/file/list, and what /api/v1/oss/file/detail answers. */
export interface OssFile {
  fileId: string;
  filename: string;
  /** 0 = file, 1 = folder. */
  type: 0 | 1;
  size: number;
  /** MD5. */
  etag: string;
  /** Content review: above 100 means rejected. */
  status: number;
  /** 'YYYY-MM-DD HH:mm:ss', China time. */
  createAt: string;
  updateAt: string;
  downloadURL: string;
  /** The link on the account's own domain. */
  userSelfURL: string;
  totalTraffic: number;
  parentFileId: string;
  parentFilename: string;
  extension: string;
}

export interface OssRequestOptions {
  signal?: AbortSignal;
}

export interface ListOptions extends OssRequestOptions {
  /** Entries per request, 1..100 (default 100). */
  limit?: number;
  /** Only entries created at or after / before these Unix times (seconds). */
  startTime?: number;
  endTime?: number;
}

export interface ListPage {
  /** '-1' on the last page; otherwise where the next page starts. */
  lastFileId: string;
  fileList: OssFile[];
}

export interface TaskOptions extends OssRequestOptions {
  /** Between polls of the task, ms; never below 1000 (123pan asks for at least a second). */
  pollIntervalMs?: number;
  /** Give up waiting after this long, ms. */
  timeoutMs?: number;
}

/** Copy task states: 4 waiting, 1 running, 2 done, 3 failed. */
export type CopyTaskStatus = 'waiting' | 'running' | 'done' | 'failed';

export interface CopyProgress {
  taskID: string;
  status: CopyTaskStatus;
  /** Tasks finished, of all the tasks this copy needs (100 ids each). */
  finished: number;
  tasks: number;
}

export interface CopyOptions extends TaskOptions {
  onProgress?: (progress: CopyProgress) => void;
}

/** An image that was not copied, as /api/v1/oss/source/copy/fail lists it. */
export interface CopyFailure {
  /** The drive file's id. */
  fileId: number;
  filename: string;
  taskID: string;
}

export interface CopyTaskResult {
  taskID: string;
  /** The drive ids this task was given. */
  fileIDs: string[];
  status: 'done' | 'failed';
  /** Why the whole task failed ('' when it did not). */
  failMsg: string;
}

export interface CopyResult {
  tasks: CopyTaskResult[];
  /** Every image that was not copied, by name, across all tasks. */
  failed: CopyFailure[];
  /** True when every task ended and no image failed. */
  ok: boolean;
}

/** Offline migration states: 0 downloading, 3 retrying (1 failed and 2 done end the task). */
export interface ImportProgress {
  taskID: number;
  status: 'downloading' | 'retrying';
  /** 0..100. */
  process: number;
}

export interface ImportOptions extends TaskOptions {
  /** The image's name; by default the URL's last path segment. Must end in an image format. */
  fileName?: string;
  /** Destination folder. 123pan does not import into the root: without it, images go to "来自:离线下载". */
  businessDirID?: string;
  /** 123pan POSTs {url, status, failReason, fileID} here when the task ends. */
  callBackUrl?: string;
  /** Continue waiting for a task created earlier (after a pause) instead of creating one. */
  taskID?: number;
  /** Called with the task's ID as soon as it exists. */
  onTask?: (taskID: number) => void;
  onProgress?: (progress: ImportProgress) => void;
}

export interface ImportResult {
  taskID: number;
  fileID: string;
  filename: string;
  size: number;
  etag: string;
  parentFileId: string;
  downloadURL?: string;
  userSelfURL?: string;
}
