/** Drive v1, presigned: create → get_upload_url + PUT per slice → upload_complete → upload_async_result. */
import {DriveFolders, intoFolder} from './drive-folders.ts';
import {resolveDriveLink} from './drive-link.ts';
import {checkSliceSize, driveCreateBody, reusedFileID} from './drive-v2.ts';
import {UploadError} from './errors.ts';
import {PresignedProtocol} from './presigned.ts';
import type {CreateResult, FileInfo, ProtocolDeps, RequestOptions} from './types.ts';

export class DriveV1Protocol extends PresignedProtocol {
  readonly flow = 'v1' as const;
  private readonly folders: DriveFolders;
  constructor(deps: ProtocolDeps, folders = new DriveFolders(deps.client)) {
    super(deps, '/upload/v1/file');
    this.folders = folders;
  }

  async create(_file: Blob, given: FileInfo, {signal}: RequestOptions): Promise<CreateResult> {
    const info = await intoFolder(this.folders, given, signal);
    const data = await this.client.call<{fileID?: number; preuploadID?: string; reuse: boolean; sliceSize: number}>('/upload/v1/file/create', {
      method: 'POST',
      json: driveCreateBody(info),
      signal,
    });
    const reused = reusedFileID(data);
    if (reused !== undefined) return {kind: 'done', fileID: reused, reused: true};
    if (!data.preuploadID) throw new UploadError('server', 'create answered without a preuploadID');
    return {kind: 'session', session: {flow: 'v1', preuploadID: data.preuploadID, sliceSize: checkSliceSize(data.sliceSize, 'create')}};
  }

  resolveURL(fileID: number | string, options: RequestOptions) {
    return resolveDriveLink(this.client, this.deps.driveLink, fileID, options);
  }
}
