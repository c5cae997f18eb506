/**
 * Image host (图床): create → get_upload_url + PUT per slice → upload_complete →
 * upload_async_result → detail, whose downloadURL / userSelfURL are the file's links.
 * Its list_upload_parts is not in the current image-host docs (public SDKs use it): when refused,
 * the engine keeps its own record.
 */
import {checkSliceSize} from './drive-v2.ts';
import {UploadError, isAbort} from './errors.ts';
import {ImageFolders} from './image-folders.ts';
import {PresignedProtocol, isRealID} from './presigned.ts';
import type {CreateResult, FileInfo, LinkResult, ProtocolDeps, RequestOptions, UploadSession} from './types.ts';

export class ImageHostProtocol extends PresignedProtocol {
  readonly flow = 'image' as const;
  private readonly folders: ImageFolders;
  constructor(deps: ProtocolDeps) {
    super(deps, '/upload/v1/oss/file');
    this.folders = new ImageFolders(deps.client);
  }

  async create(_file: Blob, info: FileInfo, {signal}: RequestOptions): Promise<CreateResult> {
    // No duplicate or containDir here: the image host documents neither (same etag + size in a folder replaces).
    const root = String(info.parentID ?? '');
    const parentFileID = info.relativePath ? await this.folders.resolve(root, info.relativePath, signal) : root;
    const data = await this.client.call<{fileID?: string; preuploadID?: string; reuse: boolean; sliceSize: number}>('/upload/v1/oss/file/create', {
      method: 'POST',
      json: {parentFileID, filename: info.filename, etag: info.etag, size: info.size, type: 1},
      signal,
    });
    if (data.reuse && isRealID(data.fileID)) return {kind: 'done', fileID: data.fileID, reused: true};
    if (!data.preuploadID) throw new UploadError('server', 'image host create answered without a preuploadID');
    return {kind: 'session', session: {flow: 'image', preuploadID: data.preuploadID, sliceSize: checkSliceSize(data.sliceSize, 'image host create')}};
  }

  /** Undocumented on the image host: when refused, null, and the engine keeps its own record. */
  override async listParts(session: UploadSession, options: RequestOptions): Promise<Map<number, string> | null> {
    try {
      return await super.listParts(session, options);
    } catch (error) {
      if (isAbort(error, options.signal)) throw error;
      return null;
    }
  }

  async resolveURL(fileID: number | string, {signal}: RequestOptions): Promise<LinkResult> {
    let data: {downloadURL?: string; userSelfURL?: string; status?: number; filename?: string};
    try {
      data = await this.client.call<typeof data>('/api/v1/oss/file/detail', {
        method: 'GET',
        query: {fileID: String(fileID)},
        signal,
      });
    } catch (error) {
      if (isAbort(error, signal)) throw error;
      return {downloadURLError: `the image was uploaded, but its detail could not be read: ${(error as Error)?.message ?? String(error)}`};
    }
    // 123pan marks a file its content review rejected with a status above 100: stored, but not served.
    if (typeof data?.status === 'number' && data.status > 100) {
      throw new UploadError('content-review', `"${data.filename ?? fileID}" was rejected by 123pan's content review (status ${data.status}); it is stored as fileID ${fileID} but will not be served`, {retryable: false});
    }
    const result: LinkResult = {};
    if (data?.downloadURL) result.downloadURL = data.downloadURL;
    else result.downloadURLError = 'the image host detail answered without a downloadURL';
    if (data?.userSelfURL) result.userSelfURL = data.userSelfURL;
    return result;
  }
}
