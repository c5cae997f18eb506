/**
 * Image URL import (the image host's offline migration): 123pan downloads the image itself, so the
 * browser hashes and sends nothing. The address is checked before anything is sent; the task is
 * polled until it ends, and a paused import polls the task it already made.
 */
import type {ImageHostClient} from '../oss/client.ts';
import {OssInputError} from '../oss/errors.ts';
import {checkCallBackUrl, checkImportURL} from '../oss/import-url.ts';
import type {RejectKey, UploadFlow} from '../shared/words.ts';
import type {ProtocolDeps, RemoteProtocol, RemoteResult, RemoteSource} from './types.ts';

/** The flow that carries every URL import: the engine gives it to a task made from an address. */
export const IMPORT_FLOW = 'url' satisfies UploadFlow;

/** An address to import, checked; or why it is refused (the key, and a reason naming the URL). */
export function checkImportSource(url: string, fileName?: string): {url: string; fileName: string} | {key: RejectKey; reason: string} {
  try {
    return checkImportURL(url, fileName);
  } catch (error) {
    return refusal(error);
  }
}

/** The address 123pan calls back when the import ends, checked; or why it is refused. */
export function checkImportCallback(callBackUrl: string): string | {key: RejectKey; reason: string} {
  try {
    return checkCallBackUrl(callBackUrl);
  } catch (error) {
    return refusal(error);
  }
}

function refusal(error: unknown): {key: RejectKey; reason: string} {
  if (!(error instanceof OssInputError)) throw error;
  return {key: error.key === 'bad-input' ? 'bad-url' : error.key, reason: error.message};
}

export class ImageURLProtocol implements RemoteProtocol {
  readonly flow = IMPORT_FLOW;
  readonly sends = 'none' as const;
  private readonly deps: ProtocolDeps;
  /** Made on the first import: the management client loads then, so pages that never import do not fetch it. */
  private oss?: Promise<ImageHostClient>;
  constructor(deps: ProtocolDeps) {
    this.deps = deps;
  }

  async fetch(
    source: RemoteSource,
    {signal, onTask, onProgress}: {signal: AbortSignal; onTask: (taskID: number) => void; onProgress: (percent: number) => void},
  ): Promise<RemoteResult> {
    this.oss ??= import('../oss/client.ts').then((m) => new m.ImageHostClient(this.deps.client));
    const oss = await this.oss;
    const result = await oss.importFromURL(source.url, {
      fileName: source.fileName,
      callBackUrl: source.callBackUrl,
      // 123pan imports into no root: without a folder it uses its own "来自:离线下载".
      ...(source.parentID === '' ? {} : {businessDirID: source.parentID}),
      taskID: source.taskID,
      pollIntervalMs: this.deps.pollIntervalMs,
      timeoutMs: this.deps.completeTimeoutMs,
      signal,
      onTask,
      onProgress: ({process}) => onProgress(process),
    });
    const remote: RemoteResult = {fileID: result.fileID, size: result.size, etag: result.etag};
    if (result.downloadURL) remote.downloadURL = result.downloadURL;
    if (result.userSelfURL) remote.userSelfURL = result.userSelfURL;
    return remote;
  }
}
