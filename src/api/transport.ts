/**
 * Moving one request over the wire, with a timeout and an AbortSignal: the client's only contact with
 * the network, injectable (tests script it, Node hosts bring their own). Failures come back as
 * PanApiError with code 'network', 'timeout' or 'aborted'; the client judges the response itself.
 */
import {PanApiError, abortedError, type RawResponse} from './errors.ts';

export interface Transport {
  send(request: SendRequest): Promise<RawResponse>;
}

/** Everything by fetch: it reports no upload progress, so a body's size is reported once, on a 2xx. */
export class FetchTransport implements Transport {
  private readonly fetchImpl: typeof fetch;
  constructor(fetchImpl: typeof fetch = (input, init) => globalThis.fetch(input, init)) {
    this.fetchImpl = fetchImpl;
  }

  send(request: SendRequest): Promise<RawResponse> {
    return sendWithFetch(this.fetchImpl, request);
  }
}

/**
 * Uploads (slices, whole files) by XMLHttpRequest: upload events, and a timeout that restarts while
 * bytes move. The rest by fetch, whose timeout covers the whole request. The browser's default.
 */
export class XhrTransport implements Transport {
  private readonly fetch: FetchTransport;
  constructor(fetchImpl?: typeof fetch) {
    this.fetch = new FetchTransport(fetchImpl);
  }

  send(request: SendRequest): Promise<RawResponse> {
    return request.upload ? sendWithXhr(request) : this.fetch.send(request);
  }
}

/** XHR where there is one (a browser), fetch elsewhere. */
export function defaultTransport(): Transport {
  return typeof XMLHttpRequest === 'undefined' ? new FetchTransport() : new XhrTransport();
}

export interface SendRequest {
  method: string;
  url: string;
  /** For error messages: the API path, or the presigned URL without its signed query. */
  endpoint: string;
  headers: Record<string, string>;
  body?: BodyInit | null;
  signal?: AbortSignal;
  /** fetch: the whole request; XHR: time without upload progress or a response. 0 = none. */
  timeoutMs: number;
  /** Bytes of the body sent so far, in this try. */
  onProgress?: (loaded: number) => void;
  /** A body sent to an upload server or to storage: progress matters, and time without it is the timeout. */
  upload?: boolean;
  /** Never answered from (or stored in) the browser's HTTP cache: a token. */
  noStore?: boolean;
}

function timeoutError(request: SendRequest): PanApiError {
  return new PanApiError({code: 'timeout', message: `${request.endpoint}: no answer within ${request.timeoutMs} ms`, endpoint: request.endpoint});
}

function networkError(request: SendRequest, cause?: unknown): PanApiError {
  const detail = cause instanceof Error && cause.message ? ` (${cause.message})` : '';
  return new PanApiError({
    code: 'network',
    message: `${request.endpoint}: the request did not reach the server or got no answer${detail}; offline, blocked by CORS, or the server is down`,
    endpoint: request.endpoint,
    cause,
  });
}

/** Sends with fetch, which reports no upload progress: the body's size is reported once, on a 2xx. */
export async function sendWithFetch(fetchImpl: typeof fetch, request: SendRequest): Promise<RawResponse> {
  const {signal} = request;
  if (signal?.aborted) throw abortedError(request.endpoint, signal.reason);
  const controller = new AbortController();
  let timedOut = false;
  const onAbort = () => controller.abort(signal!.reason);
  signal?.addEventListener('abort', onAbort, {once: true});
  const timer =
    request.timeoutMs > 0
      ? setTimeout(() => {
          timedOut = true;
          controller.abort();
        }, request.timeoutMs)
      : undefined;
  try {
    const init: RequestInit = {method: request.method, headers: request.headers, body: request.body, signal: controller.signal};
    if (request.noStore) Object.assign(init, {credentials: 'same-origin', cache: 'no-store'});
    const response = await fetchImpl(request.url, init);
    const size = bodySize(request.body);
    if (request.onProgress && size && response.ok) request.onProgress(size);
    const text = await response.text();
    return {status: response.status, text, contentType: response.headers.get('content-type'), retryAfter: response.headers.get('retry-after')};
  } catch (cause) {
    if (signal?.aborted) throw abortedError(request.endpoint, signal.reason);
    if (timedOut) throw timeoutError(request);
    throw networkError(request, cause);
  } finally {
    clearTimeout(timer);
    signal?.removeEventListener('abort', onAbort);
  }
}

/** Sends with XMLHttpRequest: upload progress events, and a timeout that restarts whenever bytes move. */
export function sendWithXhr(request: SendRequest): Promise<RawResponse> {
  return new Promise((resolve, reject) => {
    const {signal} = request;
    if (signal?.aborted) return reject(abortedError(request.endpoint, signal.reason));
    const xhr = new XMLHttpRequest();
    let timer: ReturnType<typeof setTimeout> | undefined;
    let settled = false;

    const finish = (action: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      action();
    };
    const armTimer = () => {
      if (request.timeoutMs <= 0) return;
      clearTimeout(timer);
      timer = setTimeout(() => {
        finish(() => reject(timeoutError(request)));
        xhr.abort();
      }, request.timeoutMs);
    };
    const onAbort = () => {
      finish(() => reject(abortedError(request.endpoint, signal!.reason)));
      xhr.abort();
    };

    xhr.open(request.method, request.url, true);
    for (const [name, value] of Object.entries(request.headers)) xhr.setRequestHeader(name, value);
    xhr.responseType = 'text';
    let reported = 0;
    let total: number | undefined;
    const report = (loaded: number) => {
      if (loaded <= reported) return;
      reported = loaded;
      request.onProgress?.(loaded);
    };
    xhr.upload.onprogress = (event) => {
      armTimer();
      if (event.lengthComputable) total = event.total;
      report(event.loaded);
    };
    xhr.onprogress = armTimer;
    xhr.onload = () =>
      finish(() => {
        // Requests a service worker intercepts get no upload events in Chromium: still end at the full size.
        const size = total ?? bodySize(request.body);
        if (size !== undefined && xhr.status >= 200 && xhr.status < 300) report(size);
        resolve({
          status: xhr.status,
          text: xhr.responseText,
          contentType: xhr.getResponseHeader('content-type'),
          retryAfter: exposedHeader(xhr, 'retry-after'),
        });
      });
    xhr.onerror = () => finish(() => reject(networkError(request)));
    xhr.onabort = () => finish(() => reject(signal?.aborted ? abortedError(request.endpoint, signal.reason) : networkError(request)));
    signal?.addEventListener('abort', onAbort, {once: true});
    armTimer();
    xhr.send((request.body ?? null) as XMLHttpRequestBodyInit | null);
  });
}

/** Bytes of a body when they can be known without serialising it (FormData: its values, without framing). */
function bodySize(body: BodyInit | null | undefined): number | undefined {
  if (body instanceof Blob) return body.size;
  if (typeof body === 'string') return new TextEncoder().encode(body).length;
  if (body instanceof FormData) {
    let size = 0;
    for (const [, value] of body) size += typeof value === 'string' ? new TextEncoder().encode(value).length : value.size;
    return size;
  }
  return undefined;
}

/**
 * A response header read only when CORS exposes it: getResponseHeader on an unexposed one makes
 * Chromium log "Refused to get unsafe header" (123pan's hosts may not expose Retry-After).
 */
function exposedHeader(xhr: XMLHttpRequest, name: string): string | null {
  const line = xhr
    .getAllResponseHeaders()
    .split('\r\n')
    .find((header) => header.toLowerCase().startsWith(`${name}:`));
  return line === undefined ? null : line.slice(name.length + 1).trim();
}
