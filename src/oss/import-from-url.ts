/**
 * URL import (offline migration, /api/v1/oss/offline/download): 123pan downloads the image itself.
 * The URL and the name are checked before anything is sent; the task is polled at least a second
 * apart. Its progress answer carries no fileID, so on success the image is found in its folder by
 * name; its links come from that listing entry, or from detail when the entry has none.
 */
import {OssTaskError, OssInputError} from './errors.ts';
import {checkCallBackUrl, checkImportURL} from './import-url.ts';
import {createTask, pollTask} from './poll-task.ts';
import type {ImageHostClient} from './client.ts';
import type {ImportOptions, ImportResult, OssFile} from './types.ts';

/** Where 123pan puts imports without businessDirID ("from: offline download"). */
export const OFFLINE_DIR_NAME = '来自:离线下载';
const DEFAULT_TIMEOUT_MS = 10 * 60_000;
/** The listing is narrowed to images created since the task began, less this margin for clock skew. */
const CLOCK_SKEW_S = 600;

export async function importFromURL(oss: ImageHostClient, url: string, options: ImportOptions = {}): Promise<ImportResult> {
  const checked = checkImportURL(url, options.fileName);
  const {businessDirID, signal} = options;
  if (businessDirID !== undefined && (typeof businessDirID !== 'string' || businessDirID === '')) {
    throw new OssInputError('bad-input', `businessDirID must be an image-host folder id; 123pan does not import into the root ("") — omit it to use "${OFFLINE_DIR_NAME}"`);
  }
  const callBackUrl = options.callBackUrl === undefined ? undefined : checkCallBackUrl(options.callBackUrl);
  const startedAt = Date.now();

  let taskID = options.taskID;
  if (taskID === undefined) {
    const json: Record<string, unknown> = {url: checked.url, fileName: checked.fileName, type: 1};
    if (businessDirID !== undefined) json.businessDirID = businessDirID;
    if (callBackUrl !== undefined) json.callBackUrl = callBackUrl;
    // Not re-sent on a lost answer: a second task would download the image twice.
    const data = await createTask(() => oss.client.call<{taskID: number}>('/api/v1/oss/offline/download', {method: 'POST', json, signal, retry: false}), signal);
    taskID = data.taskID;
  }
  const id = taskID;
  options.onTask?.(id);

  await pollTask(
    async () => {
      const data = await oss.client.call<{status: number; process: number}>('/api/v1/oss/offline/download/process', {method: 'GET', query: {taskID: id}, signal});
      if (data.status === 2) return true;
      if (data.status === 1) {
        throw new OssTaskError(
          'url-failed',
          `123pan could not import ${checked.url} (offline migration task ${id} failed): the address may be unreachable, not an image, or over 100 MB`,
          id,
        );
      }
      if (data.status !== 0 && data.status !== 3) throw new Error(`/api/v1/oss/offline/download/process: unknown status ${data.status} for task ${id}`);
      options.onProgress?.({taskID: id, status: data.status === 3 ? 'retrying' : 'downloading', process: clampPercent(data.process)});
      return undefined;
    },
    {intervalMs: options.pollIntervalMs, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal, taskID: id, what: `import of ${checked.url}`},
  );

  const folder = businessDirID ?? (await findOfflineFolder(oss, signal));
  const since = Math.max(0, Math.floor(startedAt / 1000) - CLOCK_SKEW_S);
  const found =
    (folder !== undefined && (await findByName(oss, folder, checked.fileName, since, signal))) ||
    // An image with the same bytes already there is replaced in place and keeps its old creation time.
    (folder !== undefined && (await findByName(oss, folder, checked.fileName, undefined, signal)));
  if (!found) {
    throw new OssTaskError('not-found', `123pan reported task ${id} done, but "${checked.fileName}" is not in ${folder === undefined ? `"${OFFLINE_DIR_NAME}"` : `folder ${folder}`}`, id);
  }
  // The listing carries the links already; detail is asked only when it does not (a proxy may allow
  // listing without reading details of files it did not see uploaded).
  const detail = found.downloadURL ? found : await oss.detail(found.fileId, {signal});
  const result: ImportResult = {
    taskID: id,
    fileID: detail.fileId,
    filename: detail.filename,
    size: detail.size,
    etag: detail.etag,
    parentFileId: detail.parentFileId,
  };
  if (detail.downloadURL) result.downloadURL = detail.downloadURL;
  if (detail.userSelfURL) result.userSelfURL = detail.userSelfURL;
  return result;
}

async function findOfflineFolder(oss: ImageHostClient, signal?: AbortSignal): Promise<string | undefined> {
  for await (const entry of oss.list('', {signal})) if (entry.type === 1 && entry.filename === OFFLINE_DIR_NAME) return entry.fileId;
  return undefined;
}

/** The newest file of that name in the folder. */
async function findByName(oss: ImageHostClient, folder: string, name: string, startTime: number | undefined, signal?: AbortSignal): Promise<OssFile | undefined> {
  let best: OssFile | undefined;
  for await (const entry of oss.list(folder, {signal, startTime})) {
    if (entry.type === 0 && entry.filename === name && (!best || entry.updateAt > best.updateAt)) best = entry;
  }
  return best;
}

function clampPercent(value: unknown): number {
  const n = Number(value);
  return Number.isFinite(n) ? Math.min(100, Math.max(0, Math.round(n))) : 0;
}
