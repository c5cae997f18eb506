/**
 * What drive v1 and the image host share: bytes PUT to presigned URLs (no Authorization, so a
 * browser can upload without holding a token when a proxy makes the other calls), parts listing
 * for resume, and upload_complete followed by upload_async_result, polled ≥ 1 s apart.
 */
import type {PanClient} from '../api/index.ts';
import {UploadError} from './errors.ts';
import {pollUntil} from './poll.ts';
import {putSlice} from './storage-relay.ts';
import type {UploadFlow} from '../shared/words.ts';
import type {CreateResult, FileInfo, LinkResult, ProtocolDeps, RequestOptions, SliceInput, SlicedProtocol, UploadSession} from './types.ts';

interface PartsData {
  parts?: {partNumber: number | string; size?: number; etag?: string}[] | null;
}

export function isRealID(id: unknown): id is number | string {
  return id !== undefined && id !== null && id !== 0 && id !== '' && id !== '0';
}

/** The steps both presigned flows share; each flow adds its own create and download link. */
export abstract class PresignedProtocol implements SlicedProtocol {
  abstract readonly flow: UploadFlow;
  readonly sends = 'slices' as const;
  readonly resumable = true;
  protected readonly client: PanClient;
  protected readonly deps: ProtocolDeps;
  /** '/upload/v1/file' (drive) or '/upload/v1/oss/file' (image host). */
  private readonly base: string;
  constructor(deps: ProtocolDeps, base: string) {
    this.client = deps.client;
    this.deps = deps;
    this.base = base;
  }

  abstract create(file: Blob, info: FileInfo, options: RequestOptions): Promise<CreateResult>;
  abstract resolveURL(fileID: number | string, options: RequestOptions): Promise<LinkResult>;

  async listParts(session: UploadSession, {signal}: RequestOptions): Promise<Map<number, string> | null> {
    const data = await this.client.call<PartsData>(`${this.base}/list_upload_parts`, {method: 'POST', json: {preuploadID: session.preuploadID}, signal});
    const parts = new Map<number, string>();
    // partNumber has been seen as a string; a file under one slice lists nothing.
    for (const part of data?.parts ?? []) parts.set(Number(part.partNumber), (part.etag ?? '').toLowerCase());
    return parts;
  }

  async sendSlice(session: UploadSession, slice: SliceInput, {signal, onProgress}: RequestOptions): Promise<void> {
    // relayURL: the proxy's own field beside 123pan's, where it relays the PUT when storage refuses the page.
    const data = await this.client.call<{presignedURL: string; relayURL?: string}>(`${this.base}/get_upload_url`, {
      method: 'POST',
      json: {preuploadID: session.preuploadID, sliceNo: slice.sliceNo},
      signal,
    });
    if (!data?.presignedURL) throw new UploadError('server', `get_upload_url answered no presignedURL for slice ${slice.sliceNo}`);
    await putSlice(this.client, data.presignedURL, typeof data.relayURL === 'string' ? data.relayURL : undefined, slice.blob, {signal, onProgress});
  }

  /** upload_complete; when it answers async (or not yet), upload_async_result until completed. */
  async complete(session: UploadSession, {signal}: RequestOptions): Promise<number | string> {
    let stage: 'complete' | 'async' = 'complete';
    return pollUntil(
      async () => {
        if (stage === 'complete') {
          const data = await this.client.call<{async?: boolean; completed?: boolean; fileID?: number | string}>(`${this.base}/upload_complete`, {
            method: 'POST',
            json: {preuploadID: session.preuploadID},
            signal,
            retry: false,
          });
          if (data.completed && isRealID(data.fileID)) return data.fileID;
          if (data.async) stage = 'async';
          return undefined;
        }
        const data = await this.client.call<{completed?: boolean; fileID?: number | string}>(`${this.base}/upload_async_result`, {
          method: 'POST',
          json: {preuploadID: session.preuploadID},
          signal,
          retry: false,
        });
        return data.completed && isRealID(data.fileID) ? data.fileID : undefined;
      },
      {intervalMs: this.deps.pollIntervalMs, deadlineMs: this.deps.completeTimeoutMs, signal, what: `${this.base}/upload_complete`},
    );
  }
}
