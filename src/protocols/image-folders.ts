/**
 * Image-host folders for a folder upload: the image host has no containDir, so each folder of a
 * relative path is found (list) or made (mkdir) once, and shared by every file that lands in it.
 */
import {type PanClient, PanApiError} from '../api/index.ts';
import {UploadError} from './errors.ts';
import {FolderPaths} from './folder-paths.ts';

interface ListData {
  lastFileId: string;
  fileList: {fileId: string; filename: string; type: number}[] | null;
}

/** How 123pan (已存在) and the emulator (already exists) word a folder name taken. */
const ALREADY_EXISTS = /已存在|already exists/i;

export class ImageFolders {
  private readonly client: PanClient;
  private readonly paths = new FolderPaths<string>((parentID, name) => this.findOrMake(parentID, name));
  constructor(client: PanClient) {
    this.client = client;
  }

  /** The id of `relativePath` ("a/b") under `parentID`, made where missing. */
  resolve(parentID: string, relativePath: string, signal: AbortSignal): Promise<string> {
    return this.paths.resolve(parentID, relativePath.split('/').filter(Boolean), signal);
  }

  private async findOrMake(parentID: string, name: string): Promise<string> {
    const existing = await this.find(parentID, name);
    if (existing) return existing;
    let data: {list?: {filename: string; dirID: string}[]};
    try {
      data = await this.client.call<{list?: {filename: string; dirID: string}[]}>('/upload/v1/oss/file/mkdir', {
        method: 'POST',
        json: {name: [name], parentID, type: 1},
      });
    } catch (error) {
      // Made meanwhile (another tab, a lost answer retried): 123pan refuses "目录名…已存在"; list it and reuse it.
      const made = error instanceof PanApiError && ALREADY_EXISTS.test(error.message) ? await this.find(parentID, name) : undefined;
      if (made) return made;
      throw error;
    }
    const made = data?.list?.find((d) => d.filename === name) ?? data?.list?.[0];
    if (!made?.dirID) throw new UploadError('server', `image host mkdir answered no dirID for folder "${name}"`);
    return String(made.dirID);
  }

  private async find(parentID: string, name: string): Promise<string | undefined> {
    let lastFileId: string | undefined;
    for (;;) {
      const page: ListData = await this.client.call<ListData>('/api/v1/oss/file/list', {
        method: 'POST',
        json: {parentFileId: parentID, limit: 100, type: 1, ...(lastFileId ? {lastFileId} : {})},
      });
      const hit = (page?.fileList ?? []).find((f) => f.type === 1 && f.filename === name);
      if (hit) return String(hit.fileId);
      if (!page?.lastFileId || page.lastFileId === '-1') return undefined;
      lastFileId = page.lastFileId;
    }
  }
}
