/**
 * A typed client for the image host (图床) beyond uploads: list (paged by lastFileId, or as an async
 * iterator), detail, mkdir, move and delete (batched by 100), copy from the drive, import from a URL.
 */
import {PanClient, type PanClientOptions} from '../api/index.ts';
import {copyFromDrive} from './copy-from-drive.ts';
import {OssInputError} from './errors.ts';
import {importFromURL} from './import-from-url.ts';
import type {CopyOptions, CopyResult, ImportOptions, ImportResult, ListOptions, ListPage, OssFile, OssRequestOptions} from './types.ts';

/** "参数长度最大不超过100": move and delete take at most this many ids per request. */
export const OSS_BATCH_SIZE = 100;
/** list's limit: at most 100 entries per request. */
export const OSS_LIST_LIMIT = 100;

export class ImageHostClient {
  readonly client: PanClient;

  /** Over an existing PanClient (sharing its token, rate limits and retries), or one built from options. */
  constructor(client: PanClient | PanClientOptions = {}) {
    this.client = client instanceof PanClient ? client : new PanClient(client);
  }

  /** One page of a folder ('' = root); pass the previous page's lastFileId to go on. */
  async listPage(parentFileId = '', options: ListOptions & {lastFileId?: string} = {}): Promise<ListPage> {
    const limit = options.limit ?? OSS_LIST_LIMIT;
    if (!Number.isInteger(limit) || limit < 1 || limit > OSS_LIST_LIMIT) throw new OssInputError('bad-input', `limit must be a whole number 1..${OSS_LIST_LIMIT}, got ${limit}`);
    checkFolderID(parentFileId, 'parentFileId');
    const json: Record<string, unknown> = {parentFileId, limit, type: 1};
    for (const key of ['startTime', 'endTime'] as const) {
      const value = options[key];
      if (value === undefined) continue;
      if (!Number.isInteger(value) || value < 0) throw new OssInputError('bad-input', `${key} must be a Unix time in whole seconds, got ${value}`);
      json[key] = value;
    }
    if (options.lastFileId !== undefined && options.lastFileId !== '-1') json.lastFileId = options.lastFileId;
    const data = await this.client.call<{lastFileId: string; fileList: OssFile[] | null}>('/api/v1/oss/file/list', {method: 'POST', json, signal: options.signal});
    return {lastFileId: String(data.lastFileId ?? '-1'), fileList: data.fileList ?? []};
  }

  /** Every entry of a folder, fetching the next page only when the previous one is consumed. */
  async *list(parentFileId = '', options: ListOptions = {}): AsyncGenerator<OssFile, void, undefined> {
    let lastFileId: string | undefined;
    const seen = new Set<string>();
    for (;;) {
      const page = await this.listPage(parentFileId, {...options, lastFileId});
      yield* page.fileList;
      if (page.lastFileId === '-1' || page.fileList.length === 0) return;
      // A cursor that does not move would page forever.
      if (seen.has(page.lastFileId)) throw new Error(`/api/v1/oss/file/list: lastFileId "${page.lastFileId}" came back twice; stopping`);
      seen.add(page.lastFileId);
      lastFileId = page.lastFileId;
    }
  }

  detail(fileID: string, {signal}: OssRequestOptions = {}): Promise<OssFile> {
    if (typeof fileID !== 'string' || fileID === '') throw new OssInputError('bad-input', `fileID must be a non-empty image-host id (a string), got ${JSON.stringify(fileID)}`);
    return this.client.call<OssFile>('/api/v1/oss/file/detail', {method: 'GET', query: {fileID}, signal});
  }

  /** Makes folders (names must be new in the parent); answers their dirIDs. */
  async mkdir(name: string | readonly string[], parentID = '', {signal}: OssRequestOptions = {}): Promise<{filename: string; dirID: string}[]> {
    const names = typeof name === 'string' ? [name] : [...name];
    if (names.length === 0) throw new OssInputError('bad-input', 'mkdir: name must hold at least one folder name');
    checkFolderID(parentID, 'parentID');
    const data = await this.client.call<{list: {filename: string; dirID: string}[]}>('/upload/v1/oss/file/mkdir', {
      method: 'POST',
      // The example sends one name as a string; the table says []string: one name goes as a string.
      json: {name: names.length === 1 ? names[0] : names, parentID, type: 1},
      signal,
    });
    return data.list;
  }

  /** Moves files and folders into `toParentFileID` ('' = root), 100 per request, in order. */
  async move(fileIDs: readonly string[], toParentFileID: string, {signal}: OssRequestOptions = {}): Promise<void> {
    checkFolderID(toParentFileID, 'toParentFileID');
    await this.batched('/api/v1/oss/file/move', checkIDs(fileIDs, 'move'), (ids) => ({fileIDs: ids, toParentFileID}), signal);
  }

  /** Deletes files and folders, 100 per request, in order. */
  async delete(fileIDs: readonly string[], {signal}: OssRequestOptions = {}): Promise<void> {
    await this.batched('/api/v1/oss/file/delete', checkIDs(fileIDs, 'delete'), (ids) => ({fileIDs: ids}), signal);
  }

  /** Copies drive files and folders into an image-host folder; see copyFromDrive. */
  copyFromDrive(fileIDs: readonly (number | string)[], toParentFileID = '', options: CopyOptions = {}): Promise<CopyResult> {
    return copyFromDrive(this.client, fileIDs, toParentFileID, options);
  }

  /** Has 123pan download an image from a URL into the image host; see importFromURL. */
  importFromURL(url: string, options: ImportOptions = {}): Promise<ImportResult> {
    return importFromURL(this, url, options);
  }

  private async batched(path: string, ids: string[], body: (ids: string[]) => unknown, signal?: AbortSignal): Promise<void> {
    for (let at = 0; at < ids.length; at += OSS_BATCH_SIZE) {
      try {
        await this.client.call(path, {method: 'POST', json: body(ids.slice(at, at + OSS_BATCH_SIZE)), signal});
      } catch (error) {
        // Earlier batches are done: say so, so a caller knows what is left.
        if (at > 0 && error instanceof Error) error.message += ` (after ${at} of ${ids.length} ids were done)`;
        throw error;
      }
    }
  }
}

function checkFolderID(id: unknown, field: string): void {
  if (typeof id !== 'string') throw new OssInputError('bad-input', `${field} must be an image-host folder id, a string ('' = root), got ${JSON.stringify(id)}`);
}

function checkIDs(fileIDs: readonly string[], what: string): string[] {
  if (!Array.isArray(fileIDs) || fileIDs.length === 0) throw new OssInputError('bad-input', `${what}: fileIDs must be a non-empty array of image-host ids`);
  for (const id of fileIDs) {
    if (typeof id !== 'string' || id === '') throw new OssInputError('bad-input', `${what}: fileIDs must hold image-host ids (non-empty strings), got ${JSON.stringify(id)}`);
  }
  return [...fileIDs];
}
