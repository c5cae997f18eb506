/**
 * Copy from the drive into the image host (/api/v1/oss/source/copy): at most 100 ids per task and 3
 * tasks waiting or running at once (123pan's limits), each polled until it ends, then its failed
 * images read from /fail by name. 123pan itself skips what is not an image of a valid format and size.
 */
import type {PanClient} from '../api/index.ts';
import {OssInputError} from './errors.ts';
import {createTask, pollTask} from './poll-task.ts';
import type {CopyFailure, CopyOptions, CopyResult, CopyTaskResult, CopyTaskStatus} from './types.ts';

/** "fileIDs长度限制:100". */
export const COPY_IDS_PER_TASK = 100;
/** "可创建的任务数:3". */
export const COPY_TASKS_AT_ONCE = 3;
/** /fail's page size limit. */
const FAIL_PAGE = 100;
const DEFAULT_TIMEOUT_MS = 30 * 60_000;

const STATUS: Record<number, CopyTaskStatus> = {1: 'running', 2: 'done', 3: 'failed', 4: 'waiting'};

export async function copyFromDrive(
  client: PanClient,
  fileIDs: readonly (number | string)[],
  toParentFileID: string,
  options: CopyOptions = {},
): Promise<CopyResult> {
  const ids = driveIDs(fileIDs);
  if (typeof toParentFileID !== 'string') {
    throw new OssInputError('bad-input', `toParentFileID must be an image-host folder id, a string ('' = root), got ${JSON.stringify(toParentFileID)}`);
  }
  const chunks: string[][] = [];
  for (let at = 0; at < ids.length; at += COPY_IDS_PER_TASK) chunks.push(ids.slice(at, at + COPY_IDS_PER_TASK));

  // One failure stops the other tasks' polling (the tasks themselves run on at 123pan).
  const local = new AbortController();
  const stop = () => local.abort(options.signal?.reason);
  options.signal?.addEventListener('abort', stop, {once: true});
  const results: CopyTaskResult[] = new Array(chunks.length);
  const failed: CopyFailure[][] = new Array(chunks.length);
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < chunks.length) {
      const index = next++;
      const chunk = chunks[index]!;
      const {taskID} = await createTask(
        () =>
          client.call<{taskID: string}>('/api/v1/oss/source/copy', {
            method: 'POST',
            json: {fileIDs: chunk, toParentFileID, sourceType: '1', type: 1},
            signal: local.signal,
            retry: false,
          }),
        local.signal,
      );
      const end = await pollTask(
        async () => {
          const data = await client.call<{status: number; failMsg: string}>('/api/v1/oss/source/copy/process', {method: 'GET', query: {taskID}, signal: local.signal});
          const status = STATUS[data.status];
          if (!status) throw new Error(`/api/v1/oss/source/copy/process: unknown status ${data.status} for task ${taskID}`);
          if (status === 'done' || status === 'failed') return {status, failMsg: data.failMsg ?? ''};
          options.onProgress?.({taskID, status, finished, tasks: chunks.length});
          return undefined;
        },
        {intervalMs: options.pollIntervalMs, timeoutMs: options.timeoutMs ?? DEFAULT_TIMEOUT_MS, signal: local.signal, taskID, what: 'copy from the drive'},
      );
      failed[index] = await failures(client, taskID, local.signal);
      results[index] = {taskID, fileIDs: chunk, status: end.status, failMsg: end.failMsg};
      finished++;
      options.onProgress?.({taskID, status: end.status, finished, tasks: chunks.length});
    }
  };
  try {
    const workers = Array.from({length: Math.min(COPY_TASKS_AT_ONCE, chunks.length)}, () =>
      worker().catch((error) => {
        local.abort(error);
        throw error;
      }),
    );
    await Promise.all(workers);
  } catch (error) {
    throw options.signal?.aborted ? options.signal.reason : error;
  } finally {
    options.signal?.removeEventListener('abort', stop);
  }
  const all = failed.flat();
  return {tasks: results, failed: all, ok: all.length === 0 && results.every((r) => r.status === 'done')};
}

/** Every page of /fail: the images of a valid format and size that were not copied. */
async function failures(client: PanClient, taskID: string, signal: AbortSignal): Promise<CopyFailure[]> {
  const out: CopyFailure[] = [];
  for (let page = 1; ; page++) {
    const data = await client.call<{total: number; list: {fileId: number; filename: string}[] | null}>('/api/v1/oss/source/copy/fail', {
      method: 'GET',
      query: {taskID, limit: FAIL_PAGE, page},
      signal,
    });
    const list = data.list ?? [];
    for (const item of list) out.push({fileId: item.fileId, filename: item.filename, taskID});
    if (list.length < FAIL_PAGE || out.length >= data.total) return out;
  }
}

/** Drive ids go as strings of digits, as the docs show them. */
function driveIDs(fileIDs: readonly (number | string)[]): string[] {
  if (!Array.isArray(fileIDs) || fileIDs.length === 0) throw new OssInputError('bad-input', 'copyFromDrive: fileIDs must be a non-empty array of drive file or folder ids');
  return fileIDs.map((id) => {
    const text = typeof id === 'number' ? String(id) : id;
    if (typeof text !== 'string' || !/^\d+$/.test(text) || !Number.isSafeInteger(Number(text))) {
      throw new OssInputError('bad-input', `copyFromDrive: fileIDs must hold drive ids (whole numbers), got ${JSON.stringify(id)}`);
    }
    return text;
  });
}
