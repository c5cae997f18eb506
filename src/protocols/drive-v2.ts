/**
 * Drive v2, sliced: create → each slice as multipart to an upload server from `servers`
 * (with its sliceMD5) → upload_complete, polled until 123pan has joined and verified the file.
 */
import {DriveFolders, intoFolder} from './drive-folders.ts';
import {resolveDriveLink} from './drive-link.ts';
import {UploadError} from './errors.ts';
import {pollUntil} from './poll.ts';
import type {CreateResult, FileInfo, ProtocolDeps, RequestOptions, SliceInput, SlicedProtocol, UploadSession} from './types.ts';

interface CreateData {
  fileID?: number;
  preuploadID?: string;
  reuse: boolean;
  sliceSize: number;
  servers?: string[];
}

export function driveCreateBody(info: FileInfo): Record<string, unknown> {
  const body: Record<string, unknown> = {
    parentFileID: Number(info.parentID),
    filename: info.filename,
    etag: info.etag,
    size: info.size,
    duplicate: info.duplicate,
  };
  if (info.containDir) body.containDir = true;
  return body;
}

/** `reuse: true` counts only with a real fileID: public clients that trusted fileID 0 lost files. */
export function reusedFileID(data: {reuse?: boolean; fileID?: number | string}): number | string | undefined {
  if (!data.reuse) return undefined;
  const id = data.fileID;
  return id !== undefined && id !== null && id !== 0 && id !== '' && id !== '0' ? id : undefined;
}

export function checkSliceSize(sliceSize: unknown, endpoint: string): number {
  if (typeof sliceSize !== 'number' || !Number.isInteger(sliceSize) || sliceSize <= 0)
    throw new UploadError('server', `${endpoint} answered an unusable sliceSize (${String(sliceSize)})`);
  return sliceSize;
}

export class DriveV2Protocol implements SlicedProtocol {
  readonly flow = 'v2' as const;
  readonly sends = 'slices' as const;
  readonly resumable = true;
  private readonly deps: ProtocolDeps;
  private readonly folders: DriveFolders;
  constructor(deps: ProtocolDeps, folders = new DriveFolders(deps.client)) {
    this.deps = deps;
    this.folders = folders;
  }

  async create(_file: Blob, given: FileInfo, {signal}: RequestOptions): Promise<CreateResult> {
    const info = await intoFolder(this.folders, given, signal);
    const data = await this.deps.client.call<CreateData>('/upload/v2/file/create', {method: 'POST', json: driveCreateBody(info), signal});
    const reused = reusedFileID(data);
    if (reused !== undefined) return {kind: 'done', fileID: reused, reused: true};
    if (!data.preuploadID) throw new UploadError('server', 'create answered without a preuploadID');
    const server = data.servers?.[0];
    if (!server) throw new UploadError('server', 'create answered without an upload server (servers is empty)');
    return {
      kind: 'session',
      session: {flow: 'v2', preuploadID: data.preuploadID, sliceSize: checkSliceSize(data.sliceSize, 'create'), server},
    };
  }

  // No listParts: v2 has no documented parts listing, so a resume re-sends whatever was not confirmed.

  async sendSlice(session: UploadSession, slice: SliceInput, {signal, onProgress}: RequestOptions): Promise<void> {
    const sliceMD5 = await slice.md5();
    await this.deps.client.postForm<unknown>(
      session.server!,
      '/upload/v2/file/slice',
      () => {
        const form = new FormData();
        form.append('preuploadID', session.preuploadID);
        form.append('sliceNo', String(slice.sliceNo));
        form.append('sliceMD5', sliceMD5);
        form.append('slice', slice.blob, `slice-${slice.sliceNo}`);
        return form;
      },
      {signal, onProgress},
    );
  }

  async complete(session: UploadSession, {signal}: RequestOptions): Promise<number> {
    return pollUntil(
      async () => {
        const data = await this.deps.client.call<{completed: boolean; fileID: number}>('/upload/v2/file/upload_complete', {
          method: 'POST',
          json: {preuploadID: session.preuploadID},
          signal,
          retry: false,
        });
        return data.completed && data.fileID ? data.fileID : undefined;
      },
      {intervalMs: this.deps.pollIntervalMs, deadlineMs: this.deps.completeTimeoutMs, signal, what: 'upload_complete'},
    );
  }

  resolveURL(fileID: number | string, options: RequestOptions) {
    return resolveDriveLink(this.deps.client, this.deps.driveLink, fileID, options);
  }
}
