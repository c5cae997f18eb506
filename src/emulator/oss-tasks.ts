/**
 * The image host's background tasks: offline (URL) migration and copy from the drive.
 *
 * There is no network here: a URL serves only what was registered with `addRemote()`; any other URL
 * fails as an unreachable host would. Tasks run on the clock (`ossTaskMs` each, copy tasks one after
 * another). Their effects land when the first request after they are due arrives (`settle`, run by the
 * pipeline before every route), so what process, list and detail answer always agree.
 */
import {ApiError, Code} from './codes.ts';
import {checkKeys, checkName, extensionOf, type Fields, IMAGE_EXTENSIONS, requireString, requireTypeOne} from './fields.ts';
import {query, readJson, type Ctx, type Route} from './routes.ts';
import type {Node, State} from './state.ts';
import type {OfflineCallback, RemoteSource} from './types.ts';

const IMAGE_LIMIT = 100 * 1024 ** 2;
/** "可创建的任务数:3": copy tasks waiting or running at once. */
export const COPY_TASK_LIMIT = 3;
/** "fileIDs长度限制:100". */
export const COPY_IDS_LIMIT = 100;
/** "每次任务包含的图片总数限制1000张". */
export const COPY_IMAGE_LIMIT = 1000;
/** "文件夹层级限制:15层". */
export const COPY_DEPTH_LIMIT = 15;
/** Where an offline migration lands without businessDirID, as 123pan names the folder. */
export const OFFLINE_DIR_NAME = '来自:离线下载';

const bad = (message: string) => new ApiError(Code.BAD_PARAM, message);

interface Remote {
  bytes?: Uint8Array;
  contentType?: string;
  status?: number;
  retries: number;
}

interface OfflineTask {
  taskID: number;
  url: string;
  fileName?: string;
  dirID?: string;
  callBackUrl?: string;
  /** What the URL served, as it was when the task was created. */
  remote?: Remote;
  createdAt: number;
  durationMs: number;
  lastPollAt?: number;
  result?: {status: 1 | 2; failReason: string; fileID: string};
}

interface CopyTask {
  taskID: string;
  fileIDs: number[];
  to: string;
  createdAt: number;
  durationMs: number;
  lastPollAt?: number;
  result?: {status: 2 | 3; failMsg: string};
  failures: {fileId: number; filename: string}[];
}

/** Offline status: 0 in progress, 1 failed, 2 done, 3 retrying. Copy status: 1 running, 2 done, 3 failed, 4 waiting. */
export class OssTasks {
  private remotes = new Map<string, Remote>();
  private offline = new Map<number, OfflineTask>();
  private copies: CopyTask[] = [];
  private nextOfflineID = 403_316;
  private settling: Promise<void> = Promise.resolve();
  /** What the offline migration POSTed to each callBackUrl, in order. */
  callbacks: OfflineCallback[] = [];

  constructor(private readonly state: State) {}

  clear(): void {
    this.remotes.clear();
    this.offline.clear();
    this.copies = [];
    this.callbacks = [];
  }

  addRemote(url: string, source: RemoteSource): void {
    const key = httpURL(url, 'addRemote url', (m) => new TypeError(m));
    if (!source || typeof source !== 'object') throw new TypeError('addRemote source must be {bytes, contentType?, retries?} or {status}');
    const retries = source.retries ?? 0;
    if (!Number.isSafeInteger(retries) || retries < 0) throw new TypeError(`addRemote retries must be a whole number >= 0, got ${retries}`);
    if ('status' in source && source.status !== undefined) {
      if (!Number.isInteger(source.status) || source.status < 400 || source.status > 599) {
        throw new TypeError(`addRemote status must be an HTTP error status (400..599), got ${source.status}`);
      }
      this.remotes.set(key, {status: source.status, retries});
      return;
    }
    const raw = (source as {bytes?: unknown}).bytes;
    const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : raw instanceof ArrayBuffer ? new Uint8Array(raw) : raw;
    if (!(bytes instanceof Uint8Array)) throw new TypeError('addRemote source.bytes must be a Uint8Array, an ArrayBuffer or a string');
    this.remotes.set(key, {bytes: bytes.slice(), contentType: (source as {contentType?: string}).contentType, retries});
  }

  /** Applies every task that is due by now, one settle at a time. */
  settle(now = Date.now()): Promise<void> {
    this.settling = this.settling.then(() => this.settleNow(now));
    return this.settling;
  }

  private async settleNow(now: number): Promise<void> {
    for (const task of this.offline.values()) {
      if (!task.result && offlineDueAt(task) <= now) await this.finishOffline(task);
    }
    let previousEnd = 0;
    for (const task of this.copies) {
      const end = Math.max(task.createdAt, previousEnd) + task.durationMs;
      if (!task.result && end <= now) this.runCopy(task);
      previousEnd = end;
    }
  }

  // ---- offline migration

  startOffline(args: {url: string; fileName?: string; dirID?: string; callBackUrl?: string}): number {
    const taskID = this.nextOfflineID++;
    const remote = this.remotes.get(args.url);
    this.offline.set(taskID, {
      ...args,
      taskID,
      remote: remote && {...remote},
      createdAt: Date.now(),
      durationMs: this.state.settings.ossTaskMs,
    });
    return taskID;
  }

  offlineTask(taskID: number): OfflineTask {
    const task = this.offline.get(taskID);
    if (!task) throw new ApiError(Code.NOT_FOUND, `taskID ${taskID}: no such offline migration task`);
    return task;
  }

  offlineProcess(task: OfflineTask, now = Date.now()): {status: number; process: number} {
    if (task.result) return {status: task.result.status, process: task.result.status === 2 ? 100 : 0};
    const retrying = (task.remote?.retries ?? 0) * task.durationMs;
    const elapsed = now - task.createdAt;
    if (elapsed < retrying) return {status: 3, process: 0};
    return {status: 0, process: Math.min(99, Math.floor(((elapsed - retrying) / task.durationMs) * 100))};
  }

  private async finishOffline(task: OfflineTask): Promise<void> {
    const failure = await this.download(task);
    if (typeof failure === 'string') task.result = {status: 1, failReason: failure, fileID: ''};
    else task.result = {status: 2, failReason: '', fileID: String(failure.id)};
    if (task.callBackUrl) {
      this.callbacks.push({
        callBackUrl: task.callBackUrl,
        body: {url: task.url, status: task.result.status === 2 ? 0 : 1, failReason: task.result.failReason, fileID: task.result.fileID},
      });
    }
  }

  /** Fetches the URL (from the registered remotes) and places the image; a string is the failure reason. */
  private async download(task: OfflineTask): Promise<Node | string> {
    const {remote} = task;
    const host = new URL(task.url).host;
    if (!remote) return `could not download ${task.url}: ${host} did not answer`;
    if (remote.status !== undefined) return `could not download ${task.url}: it answered HTTP ${remote.status}`;
    const bytes = remote.bytes!;
    const name = task.fileName ?? nameFromURL(task.url);
    if (!IMAGE_EXTENSIONS.includes(extensionOf(name))) return `"${name}" is not an image format the image host accepts (${IMAGE_EXTENSIONS.join(', ')})`;
    if (remote.contentType && !/^image\//i.test(remote.contentType)) return `${task.url} serves ${remote.contentType}, not an image`;
    if (bytes.length === 0) return `${task.url} served no bytes`;
    if (bytes.length > IMAGE_LIMIT) return `${task.url} is ${bytes.length} bytes, over the image host's limit of ${IMAGE_LIMIT} (100 MB)`;
    try {
      checkName(name, 'fileName');
    } catch (error) {
      return (error as Error).message;
    }
    let parentID: string;
    if (task.dirID !== undefined) {
      if (!this.state.folderExists('image', task.dirID)) return `businessDirID ${task.dirID} no longer exists`;
      parentID = task.dirID;
    } else {
      parentID = this.offlineFolder();
    }
    const writer = this.state.store.writer();
    await writer.write(bytes);
    const blob = await writer.close();
    try {
      return this.state.place({target: 'image', parentID, name, md5: blob.md5, size: blob.size}, blob)!;
    } catch (error) {
      await this.state.store.delete(blob.key);
      return (error as Error).message;
    }
  }

  /** "来自:离线下载" at the root, made on first use (its name has a ':' no client may send, so no mkdir). */
  private offlineFolder(): string {
    const existing = this.state.children('image', '').find((n) => n.dir && n.name === OFFLINE_DIR_NAME);
    return String((existing ?? this.state.mkdir('image', '', OFFLINE_DIR_NAME)).id);
  }

  // ---- copy from the drive

  unfinishedCopies(): number {
    return this.copies.filter((t) => !t.result).length;
  }

  startCopy(fileIDs: number[], to: string): string {
    const taskID = taskIDString();
    this.copies.push({taskID, fileIDs, to, createdAt: Date.now(), durationMs: this.state.settings.ossTaskMs, failures: []});
    return taskID;
  }

  copyTask(taskID: string): CopyTask {
    const task = this.copies.find((t) => t.taskID === taskID);
    if (!task) throw new ApiError(Code.NOT_FOUND, `taskID ${taskID}: no such copy task`);
    return task;
  }

  copyProcess(task: CopyTask, now = Date.now()): {status: number; failMsg: string} {
    if (task.result) return {status: task.result.status, failMsg: task.result.failMsg};
    // One task runs at a time; the next starts when the one before it ends.
    let start = 0;
    for (const t of this.copies) {
      start = Math.max(t.createdAt, start);
      if (t === task) break;
      start += t.durationMs;
    }
    return {status: now < start ? 4 : 1, failMsg: ''};
  }

  private runCopy(task: CopyTask): void {
    const {state} = this;
    if (!state.folderExists('image', task.to)) {
      task.result = {status: 3, failMsg: `toParentFileID ${task.to} no longer exists`};
      return;
    }
    const images: {node: Node; dirs: string[]}[] = [];
    let tooDeep = false;
    const walk = (node: Node, dirs: string[]) => {
      if (node.dir) {
        if (dirs.length >= COPY_DEPTH_LIMIT) {
          tooDeep = true;
          return;
        }
        for (const child of state.children('drive', node.id)) walk(child, [...dirs, node.name]);
      } else if (IMAGE_EXTENSIONS.includes(extensionOf(node.name)) && node.size > 0 && node.size <= IMAGE_LIMIT) {
        images.push({node, dirs});
      }
    };
    for (const id of task.fileIDs) {
      const node = state.get('drive', id);
      if (node) walk(node, []);
    }
    if (tooDeep) {
      task.result = {status: 3, failMsg: `folders are nested deeper than ${COPY_DEPTH_LIMIT} levels`};
      return;
    }
    if (images.length > COPY_IMAGE_LIMIT) {
      task.result = {status: 3, failMsg: `the task holds ${images.length} images; at most ${COPY_IMAGE_LIMIT} are copied per task`};
      return;
    }
    for (const {node, dirs} of images) {
      try {
        const parentID = state.ensureDirs('image', task.to, dirs);
        state.place({target: 'image', parentID, name: node.name, md5: node.md5, size: node.size}, state.share(node));
      } catch {
        // Recorded for /fail: an image of a valid format and size that could not be placed (a name clash).
        task.failures.push({fileId: Number(node.id), filename: node.name});
      }
    }
    task.result = {status: 2, failMsg: ''};
  }
}

function offlineDueAt(task: OfflineTask): number {
  return task.createdAt + ((task.remote?.retries ?? 0) + 1) * task.durationMs;
}

/** An absolute http(s) URL, normalized; anything else is refused naming `field`. */
export function httpURL(value: string, field: string, fail: (message: string) => Error = bad): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw fail(`${field} ${JSON.stringify(value)} is not an absolute URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw fail(`${field} must be an http or https URL, got ${url.protocol.slice(0, -1)}`);
  return url.href;
}

/** The last path segment, as the image's name when no fileName is given. */
function nameFromURL(url: string): string {
  const segment = new URL(url).pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

function taskIDString(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz0123456789';
  let out = '';
  for (const byte of crypto.getRandomValues(new Uint8Array(32))) out += alphabet[byte % alphabet.length];
  return out;
}

/** Query numbers arrive as text: whole numbers only. */
function queryInteger(fields: Fields, name: string, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const text = requireString(fields, name);
  if (!/^\d+$/.test(text)) throw bad(`${name} must be a whole number, got "${text}"`);
  const value = Number(text);
  if (value < min || value > max) throw bad(`${name} must be ${min}..${max === Number.MAX_SAFE_INTEGER ? '' : max}, got ${value}`);
  return value;
}

/** 123pan asks for polls at least a second apart: closer ones are refused like upload_complete's. */
function checkPollSpacing(ctx: Ctx, task: {lastPollAt?: number}): void {
  const now = Date.now();
  const min = ctx.settings.minPollIntervalMs;
  if (task.lastPollAt !== undefined && now - task.lastPollAt < min) {
    throw new ApiError(Code.TOO_MANY_REQUESTS, `polled ${now - task.lastPollAt} ms after the previous poll of this task; poll at least ${min} ms apart`);
  }
  task.lastPollAt = now;
}

export const ossTaskRoutes: Route[] = [
  {
    origin: 'api', method: 'POST', path: '/api/v1/oss/offline/download', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['url', 'fileName', 'businessDirID', 'callBackUrl', 'type']);
      const url = httpURL(requireString(body, 'url'), 'url');
      let fileName: string | undefined;
      if (body.fileName !== undefined) {
        fileName = requireString(body, 'fileName', {allowEmpty: true});
        checkName(fileName, 'fileName');
        if (!IMAGE_EXTENSIONS.includes(extensionOf(fileName))) {
          throw bad(`fileName "${fileName}" must end in an image format the image host accepts (${IMAGE_EXTENSIONS.join(', ')})`);
        }
      }
      let dirID: string | undefined;
      if (body.businessDirID !== undefined) {
        dirID = requireString(body, 'businessDirID', {allowEmpty: true});
        if (dirID === '') throw bad(`businessDirID cannot be the root (""): omit it to download into "${OFFLINE_DIR_NAME}", or name a folder`);
        ctx.state.requireFolder('image', dirID, 'businessDirID');
      }
      const callBackUrl = body.callBackUrl === undefined ? undefined : httpURL(requireString(body, 'callBackUrl'), 'callBackUrl');
      requireTypeOne(body);
      return {taskID: ctx.state.ossTasks.startOffline({url, fileName, dirID, callBackUrl})};
    },
  },
  {
    origin: 'api', method: 'GET', path: '/api/v1/oss/offline/download/process', auth: 'token',
    async run(ctx) {
      const taskID = queryInteger(query(ctx, ['taskID']), 'taskID', 0);
      const task = ctx.state.ossTasks.offlineTask(taskID);
      checkPollSpacing(ctx, task);
      return ctx.state.ossTasks.offlineProcess(task);
    },
  },
  {
    origin: 'api', method: 'POST', path: '/api/v1/oss/source/copy', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['fileIDs', 'toParentFileID', 'sourceType', 'type']);
      const ids = body.fileIDs;
      if (!Array.isArray(ids) || ids.length === 0) throw bad('fileIDs must be a non-empty array of drive file ids (strings)');
      if (ids.length > COPY_IDS_LIMIT) throw bad(`fileIDs holds ${ids.length} ids; at most ${COPY_IDS_LIMIT} are allowed per task`);
      for (const id of ids) {
        if (typeof id !== 'string' || !/^\d+$/.test(id)) throw bad(`fileIDs must hold drive file ids as strings of digits, got ${JSON.stringify(id)}`);
      }
      const to = requireString(body, 'toParentFileID', {allowEmpty: true});
      // Documented as a string, shown as the number 1 in the example: both are accepted.
      if (body.sourceType !== 1 && body.sourceType !== '1') throw bad(`sourceType is required and must be 1 (the drive), got ${JSON.stringify(body.sourceType)}`);
      requireTypeOne(body);
      ctx.state.requireFolder('image', to, 'toParentFileID');
      const fileIDs = (ids as string[]).map(Number);
      for (const id of fileIDs) {
        if (!ctx.state.get('drive', id)) throw new ApiError(Code.NOT_FOUND, `fileIDs: drive file ${id} does not exist`);
      }
      const tasks = ctx.state.ossTasks;
      if (tasks.unfinishedCopies() >= COPY_TASK_LIMIT) {
        throw new ApiError(Code.TASK_LIMIT, `${COPY_TASK_LIMIT} copy tasks are already waiting or running; create another when one has finished`);
      }
      return {taskID: tasks.startCopy(fileIDs, to)};
    },
  },
  {
    origin: 'api', method: 'GET', path: '/api/v1/oss/source/copy/process', auth: 'token',
    async run(ctx) {
      const taskID = requireString(query(ctx, ['taskID']), 'taskID');
      const task = ctx.state.ossTasks.copyTask(taskID);
      checkPollSpacing(ctx, task);
      return ctx.state.ossTasks.copyProcess(task);
    },
  },
  {
    origin: 'api', method: 'GET', path: '/api/v1/oss/source/copy/fail', auth: 'token',
    async run(ctx) {
      const fields = query(ctx, ['taskID', 'limit', 'page']);
      const taskID = requireString(fields, 'taskID');
      const limit = queryInteger(fields, 'limit', 1, 100);
      const page = queryInteger(fields, 'page', 1);
      const task = ctx.state.ossTasks.copyTask(taskID);
      const list = task.failures.slice((page - 1) * limit, page * limit);
      // As in the documented example: an empty page is null, not [].
      return {total: task.failures.length, list: list.length ? list : null};
    },
  },
];
