/**
 * Drive v2, single-step: the whole file in one multipart request to the upload domain.
 * One request instead of create + slice + complete (and its ≥ 1 s polls), so it is what
 * small files take; it cannot resume and 123pan caps it at 1 GB.
 */
import {SINGLE_STEP_MAX_SIZE} from './choose-flow.ts';
import {resolveDriveLink} from './drive-link.ts';
import {UploadError} from './errors.ts';
import {raceAbort} from '../shared/abort.ts';
import type {CreateResult, FileInfo, ProtocolDeps, RequestOptions, WholeBodyProtocol} from './types.ts';

export class DriveSingleProtocol implements WholeBodyProtocol {
  readonly flow = 'single' as const;
  readonly sends = 'whole' as const;
  private readonly deps: ProtocolDeps;
  /** The upload domain, asked once per client and shared by every file. */
  private domain?: Promise<string>;
  constructor(deps: ProtocolDeps) {
    this.deps = deps;
  }

  private uploadDomain(signal: AbortSignal): Promise<string> {
    // Without a signal: the answer is shared, and one file paused must not fail the others' lookup.
    this.domain ??= this.deps.client.call<string[]>('/upload/v2/file/domain', {method: 'GET'}).then((list) => {
      if (!Array.isArray(list) || !list[0]) throw new UploadError('server', 'upload/v2/file/domain answered no upload domain');
      // Kept as given: postForm upgrades http on an https page and explains when that fails.
      return list[0];
    });
    // A failed or aborted lookup must not stick for the next file.
    this.domain.catch(() => (this.domain = undefined));
    return raceAbort(this.domain, signal);
  }

  async create(file: Blob, info: FileInfo, {signal, onProgress}: RequestOptions): Promise<Extract<CreateResult, {kind: 'done'}>> {
    if (info.size > SINGLE_STEP_MAX_SIZE) throw new UploadError('refused', `single-step upload takes at most 1 GiB; "${info.filename}" has ${info.size} bytes`);
    const domain = await this.uploadDomain(signal);
    const data = await this.deps.client.postForm<{fileID: number; completed: boolean}>(
      domain,
      '/upload/v2/file/single/create',
      () => {
        const form = new FormData();
        form.append('parentFileID', String(Number(info.parentID)));
        form.append('filename', info.filename);
        form.append('etag', info.etag);
        form.append('size', String(info.size));
        form.append('duplicate', String(info.duplicate));
        if (info.containDir) form.append('containDir', 'true');
        form.append('file', file, info.filename.split('/').pop() || 'file');
        return form;
      },
      {signal, onProgress},
    );
    if (!data?.completed || !data.fileID) throw new UploadError('server', `single/create did not complete the upload of "${info.filename}"`);
    // The answer does not say whether 123pan already held the file.
    return {kind: 'done', fileID: data.fileID, reused: false};
  }

  resolveURL(fileID: number | string, options: RequestOptions) {
    return resolveDriveLink(this.deps.client, this.deps.driveLink, fileID, options);
  }
}
