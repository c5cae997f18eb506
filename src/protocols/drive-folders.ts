/**
 * Drive folders for a folder upload, found or made with mkdir before the files go in.
 * Not containDir: folders that create makes from a path cannot be listed by a retry that does not know
 * them, so a lost answer or a browser's re-sent POST would leave "name(1)". A file sent into its folder's
 * ID goes through the flows' own no-copy handling, as a file at the root does.
 */
import {type PanClient, PanApiError} from '../api/index.ts';
import {UploadError} from './errors.ts';
import {FolderPaths} from './folder-paths.ts';
import {sleep} from '../shared/abort.ts';
import type {FileInfo} from './types.ts';

interface ListEntry {
  fileId: number;
  filename: string;
  type: number;
  parentFileId: number;
  trashed?: number;
}

/** How 123pan (已存在) and the emulator (already exists) word a name taken. */
const ALREADY_EXISTS = /已存在|重名|同名|already exists/i;

export class DriveFolders {
  private readonly client: PanClient;
  private readonly paths = new FolderPaths<number>((parentID, name) => this.findOrMake(parentID, name));
  constructor(client: PanClient) {
    this.client = client;
  }

  /**
   * The ID of `relativePath` ("a/b") under `parentID`, each folder found or made. A refusal names the file
   * (`filename`) and the folder, keeping 123pan's code, message and trace ID.
   */
  resolve(parentID: number, relativePath: string, filename: string, signal: AbortSignal): Promise<number> {
    const names = relativePath.split('/').filter(Boolean);
    return this.paths.resolve(parentID, names, signal, (error, depth) =>
      named(error, `"${relativePath}/${filename}": folder "${names.slice(0, depth + 1).join('/')}" could not be made`),
    );
  }

  /**
   * mkdir first (one call where the folder is new, the usual case); when it is refused or unanswered,
   * the folder may be there all the same (made by another tab, by an earlier upload, or by this very
   * mkdir whose answer was lost): a listing finds it. 123pan answers a taken name with code 1, which the
   * client would retry as a passing error: the retries are made here, after looking.
   */
  private async findOrMake(parentID: number, name: string): Promise<number> {
    for (let retries = 0; ; ) {
      try {
        const data = await this.client.call<{dirID?: number}>('/upload/v1/file/mkdir', {method: 'POST', json: {name, parentID}, retry: false});
        const id = Number(data?.dirID);
        if (!Number.isSafeInteger(id) || id <= 0) throw new UploadError('server', `mkdir answered no dirID for folder "${name}"`);
        return id;
      } catch (error) {
        if (!(error instanceof PanApiError)) throw error;
        const taken = ALREADY_EXISTS.test(error.message);
        const delay = taken ? null : this.client.retryDelay(error, retries++);
        if (!taken && delay === null) throw error;
        const found = await this.find(parentID, name);
        if (found !== undefined) return found;
        // Taken, yet no folder of that name: a file holds it.
        if (taken) throw new UploadError('refused', `a file named "${name}" is already where the folder would go`, {code: error.code, traceID: error.traceID, cause: error});
        await sleep(delay!);
      }
    }
  }

  /** The folder `name` directly in `parentID`, not in the trash (searchData narrows the listing; a few pages at most). */
  private async find(parentID: number, name: string): Promise<number | undefined> {
    let lastFileId: number | undefined;
    for (let page = 0; page < 5; page++) {
      const query: Record<string, string | number> = {parentFileId: parentID, limit: 100, searchData: name};
      if (lastFileId !== undefined) query.lastFileId = lastFileId;
      const list = await this.client.call<{lastFileId: number; fileList: ListEntry[] | null}>('/api/v2/file/list', {method: 'GET', query});
      // searchData may search the whole drive: only this folder's entry counts.
      const hit = (list?.fileList ?? []).find((f) => f.type === 1 && f.filename === name && Number(f.parentFileId) === parentID && !f.trashed);
      if (hit) return Number(hit.fileId);
      if (!list?.fileList?.length || list.lastFileId === -1) return undefined;
      lastFileId = list.lastFileId;
    }
    return undefined;
  }
}

/** The same failure, its message led by what it was about; code, key, retryable and trace ID kept. */
function named(error: unknown, what: string): unknown {
  if (error instanceof PanApiError) {
    return new PanApiError({code: error.code, message: `${what}: ${error.message}`, endpoint: error.endpoint, httpStatus: error.httpStatus, traceID: error.traceID, key: error.key, retryable: error.retryable, retryAfterMs: error.retryAfterMs, cause: error});
  }
  if (error instanceof UploadError) return new UploadError(error.key, `${what}: ${error.message}`, {code: error.code, retryable: error.retryable, traceID: error.traceID, cause: error});
  return error;
}

/** The file's info with parentID its folder's (found or made) when it came with a relative path. */
export async function intoFolder(folders: DriveFolders, info: FileInfo, signal: AbortSignal): Promise<FileInfo> {
  if (!info.relativePath || info.containDir) return info;
  const parentID = await folders.resolve(Number(info.parentID), info.relativePath, info.filename, signal);
  return {...info, parentID, relativePath: undefined};
}
