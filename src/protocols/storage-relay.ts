/**
 * Presigned PUTs when storage may refuse browsers (123pan does not document CORS on its storage hosts):
 * the first slice for a storage host goes straight there; when the page cannot reach it at all, the
 * slice goes through the proxy's relay (`relayURL`, proxy mode only), and so does every later slice for
 * that host while the page lives. A slow upload (timeout) or a failing one (an HTTP answer) is not a
 * refusal: it is retried as before, straight to storage.
 */
import {PanApiError, type PanClient, type UploadInit} from '../api/index.ts';

/** Storage origins this page could not reach, for the page's life. */
const unreachable = new Set<string>();

function originOf(url: string): string | undefined {
  try {
    return new URL(url, typeof location === 'undefined' ? undefined : location.href).origin;
  } catch {
    return undefined;
  }
}

/** True once a PUT to this storage origin was refused and later slices go through the relay. */
export function isRelayed(presignedURL: string): boolean {
  const origin = originOf(presignedURL);
  return origin !== undefined && unreachable.has(origin);
}

/** Forgets every refused storage origin (tests; a page that changed networks). */
export function forgetRelayedStorage(): void {
  unreachable.clear();
}

export async function putSlice(client: PanClient, presignedURL: string, relayURL: string | undefined, body: Blob, init: UploadInit): Promise<void> {
  const origin = originOf(presignedURL);
  if (!relayURL || origin === undefined) return client.putPresigned(presignedURL, body, init);
  if (unreachable.has(origin)) return client.putPresigned(relayURL, body, init);
  let sent = 0;
  try {
    await client.putPresigned(presignedURL, body, {
      ...init,
      retry: false,
      onProgress: (loaded) => {
        sent = Math.max(sent, loaded);
        init.onProgress?.(loaded);
      },
    });
    return;
  } catch (error) {
    if (init.signal?.aborted || !(error instanceof PanApiError)) throw error;
    // A CORS refusal (preflight refused, answer withheld) and an unreachable host look alike to a page:
    // a network error before any byte went. Bytes that went, a timeout or an HTTP status are not that.
    if (error.code !== 'network' || sent > 0) {
      if (!error.retryable) throw error;
      init.onProgress?.(0);
      return client.putPresigned(presignedURL, body, init);
    }
  }
  unreachable.add(origin);
  init.onProgress?.(0);
  return client.putPresigned(relayURL, body, init);
}
