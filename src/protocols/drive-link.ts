/** A download link for a drive file: download_info (temporary) or the direct link (permanent, when enabled on the folder). */
import type {PanClient} from '../api/index.ts';
import {isAbort} from './errors.ts';
import type {LinkResult, ProtocolDeps, RequestOptions} from './types.ts';

function describe(error: unknown): string {
  const e = error as {message?: string; code?: unknown} | null;
  return e?.message ? `${e.message}${e.code !== undefined ? ` (code ${String(e.code)})` : ''}` : String(error);
}

export async function resolveDriveLink(
  client: PanClient,
  mode: ProtocolDeps['driveLink'],
  fileID: number | string,
  {signal}: RequestOptions,
): Promise<LinkResult> {
  if (mode === 'none') return {downloadURLError: 'no download link was asked for (driveLink is "none")'};
  try {
    if (mode === 'direct-link') {
      const data = await client.call<{url?: string}>('/api/v1/direct-link/url', {method: 'GET', query: {fileID: Number(fileID)}, signal});
      return data?.url ? {downloadURL: data.url} : {downloadURLError: 'direct-link/url answered without a url'};
    }
    const data = await client.call<{downloadUrl?: string}>('/api/v1/file/download_info', {method: 'GET', query: {fileId: Number(fileID)}, signal});
    return data?.downloadUrl ? {downloadURL: data.downloadUrl} : {downloadURLError: 'download_info answered without a downloadUrl'};
  } catch (error) {
    if (isAbort(error, signal)) throw error;
    const endpoint = mode === 'direct-link' ? 'direct-link/url' : 'download_info';
    return {downloadURLError: `the file was uploaded, but ${endpoint} refused a link: ${describe(error)}`};
  }
}
