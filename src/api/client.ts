/**
 * The one way the rest of the project talks to 123pan: JSON calls, multipart posts to upload servers,
 * and raw PUTs to presigned URLs. It attaches the token (when there is a hook), keeps per-endpoint rate
 * limits, retries by `shouldRetry`, refreshes the token once on 401, and slows everything after a 429.
 */
import {sleep} from '../shared/abort.ts';
import {CorsProbe, crossOrigin} from './cors-probe.ts';
import {PanApiError, abortedError, isAbortError, isAuthError, isRateLimitError, readEnvelope, type RawResponse} from './errors.ts';
import {accountLimiter, type Answered, DEFAULT_RATE_LIMITS, type RateLimiter, type RateLimits} from './rate-limit.ts';
import {DEFAULT_RETRY_DELAYS, shouldRetry} from './retry.ts';
import {normalizeServer, wasUpgraded} from './server-url.ts';
import {TokenSource} from './token.ts';
import {defaultTransport, FetchTransport, type SendRequest, type Transport} from './transport.ts';
import type {TokenProvider} from './types.ts';
import {checkRetryDelays, normalizeApiBase} from './options.ts';
import {DEFAULT_API_BASE} from '../shared/api-base.ts';

export {DEFAULT_API_BASE};
export const DEFAULT_TIMEOUT_MS = 30_000;

export interface PanClientOptions {
  /** Default 'https://open-api.123pan.com'; may be a same-origin proxy path like '/pan-api'. */
  apiBase?: string;
  /** Function form of the backend hook. */
  tokenProvider?: TokenProvider;
  /** GET → {accessToken, expiredAt}, bare or in the envelope. Ignored when tokenProvider is given. */
  tokenUrl?: string;
  /** Merged over DEFAULT_RATE_LIMITS; Infinity lifts a limit. */
  rateLimits?: RateLimits;
  /** Base delays of successive retries; its length is the number of retries. */
  retryDelays?: readonly number[];
  /** Per request without progress (JSON calls: the whole request). 0 = none. */
  timeoutMs?: number;
  /** How requests travel. Default: XhrTransport in a browser (upload progress), FetchTransport elsewhere. */
  transport?: Transport;
  /** @deprecated Shorthand for `transport: new FetchTransport(fetch)`: uploads then report progress once, at the end. */
  fetch?: typeof fetch;
  /** The page's protocol, deciding whether plain-http upload servers are upgraded. Default: location.protocol. */
  pageProtocol?: string;
}

export interface CallInit {
  method?: 'GET' | 'POST' | 'PUT' | 'DELETE';
  query?: Record<string, string | number>;
  json?: unknown;
  signal?: AbortSignal;
  /** false: one try only (a 401 still gets its single token refresh). */
  retry?: boolean;
}

export interface UploadInit {
  signal?: AbortSignal;
  /**
   * false: one try only (a 401 still gets its single token refresh): a single-step body whose lost
   * answer is looked for before sending again, or a first direct PUT to storage, which may fall back
   * to the proxy's relay.
   */
  retry?: boolean;
  /** Bytes sent in the current try; a retry starts again from 0. */
  onProgress?: (loaded: number) => void;
}

interface Attempt {
  /** Endpoint for errors and the rate limiter's key. */
  endpoint: string;
  signal?: AbortSignal;
  retry: boolean;
  /** Sends Authorization/Platform and honours rate limits and the 429 cool-down (false for presigned PUTs). */
  api: boolean;
  send: (token: string | undefined) => Promise<RawResponse>;
  read: (response: RawResponse) => unknown;
  /** Turns a transport failure into a clearer one (mixed content). */
  explain?: (error: PanApiError) => PanApiError;
  /** The API's origin when it is another than the page's: a network error there may be a CORS refusal. */
  crossOrigin?: string;
}

export class PanClient {
  readonly apiBase: string;
  private readonly tokens: TokenSource;
  private readonly limiter: RateLimiter;
  private readonly retryDelays: readonly number[];
  private readonly timeoutMs: number;
  private readonly transport: Transport;
  private readonly pageProtocol?: string;
  /** 429s in a row, client-wide: each makes the shared cool-down longer; a success resets it. */
  private rateLimitStreak = 0;
  private readonly cors = new CorsProbe();

  constructor(options: PanClientOptions = {}) {
    this.apiBase = normalizeApiBase(options.apiBase ?? DEFAULT_API_BASE);
    this.transport = options.transport ?? (options.fetch ? new FetchTransport(options.fetch) : defaultTransport());
    this.pageProtocol = options.pageProtocol ?? (typeof location === 'undefined' ? undefined : location.protocol);
    this.tokens = new TokenSource({tokenProvider: options.tokenProvider, tokenUrl: options.tokenUrl, transport: this.transport});
    this.limiter = accountLimiter({apiBase: this.apiBase, tokenSource: options.tokenProvider ?? options.tokenUrl}, {...DEFAULT_RATE_LIMITS, ...options.rateLimits});
    const delays = options.retryDelays ?? DEFAULT_RETRY_DELAYS;
    checkRetryDelays(delays);
    this.retryDelays = [...delays];
    this.timeoutMs = options.timeoutMs ?? DEFAULT_TIMEOUT_MS;
    if (!(this.timeoutMs >= 0)) throw new RangeError(`timeoutMs must be a non-negative number of milliseconds, got ${options.timeoutMs}`);
  }

  /** True when the client holds a token hook; false means a proxy must authorize its requests. */
  get hasTokenHook(): boolean {
    return this.tokens.enabled;
  }

  /** JSON API call: envelope parsed, errors typed, token attached (unless none), rate-limited, retried; returns `data`. */
  call<T>(path: string, init: CallInit = {}): Promise<T> {
    const method = init.method ?? (init.json === undefined ? 'GET' : 'POST');
    const endpoint = apiPath(path);
    let url = `${this.apiBase}${endpoint}`;
    if (init.query) {
      const params = new URLSearchParams();
      for (const [name, value] of Object.entries(init.query)) params.set(name, String(value));
      const search = params.toString();
      if (search) url += `${url.includes('?') ? '&' : '?'}${search}`;
    }
    const body = init.json === undefined ? undefined : JSON.stringify(init.json);
    return this.run<T>({
      endpoint,
      signal: init.signal,
      retry: init.retry ?? true,
      api: true,
      crossOrigin: crossOrigin(url),
      send: (token) => {
        const headers = this.apiHeaders(token);
        if (body !== undefined) headers['Content-Type'] = 'application/json';
        return this.transport.send({method, url, endpoint, headers, body, signal: init.signal, timeoutMs: this.timeoutMs});
      },
      read: (response) => readEnvelope<T>(response, endpoint),
    });
  }

  /** Multipart POST to an upload server (v2 slice, single-step): XHR for progress, token + Platform headers, envelope checked, retried (the body is rebuilt by `form()` on each try). */
  postForm<T>(base: string, path: string, form: () => FormData, init: UploadInit = {}): Promise<T> {
    const server = normalizeServer(base, this.pageProtocol);
    const upgraded = wasUpgraded(base, server);
    const endpoint = apiPath(path);
    const url = `${server}${endpoint}`;
    return this.run<T>({
      endpoint,
      signal: init.signal,
      retry: init.retry ?? true,
      api: true,
      send: (token) => this.send({method: 'POST', url, endpoint, headers: this.apiHeaders(token), body: form(), signal: init.signal, timeoutMs: this.timeoutMs, onProgress: init.onProgress, upload: true}),
      read: (response) => readEnvelope<T>(response, endpoint),
      explain: (error) =>
        upgraded && error.code === 'network'
          ? new PanApiError({
              code: 'mixed-content',
              message: `${endpoint}: the upload server ${base} speaks plain http, which an https page cannot call; its https address ${server} did not answer. Serve the page over http, or route uploads through a same-origin proxy.`,
              endpoint,
              cause: error,
            })
          : error,
    });
  }

  /** Raw PUT of bytes to a presigned URL: NO Authorization/Platform headers; 2xx = done; retried. */
  putPresigned(url: string, body: Blob, init: UploadInit = {}): Promise<void> {
    // The signed query is a credential: it stays out of error messages.
    const endpoint = presignedEndpoint(url);
    return this.run<void>({
      endpoint,
      signal: init.signal,
      retry: init.retry ?? true,
      api: false,
      send: () => this.send({method: 'PUT', url, endpoint, headers: {}, body, signal: init.signal, timeoutMs: this.timeoutMs, onProgress: init.onProgress, upload: true}),
      read: (response) => {
        if (response.status >= 200 && response.status < 300) return undefined;
        const storageCode = /<Code>([^<]{1,64})<\/Code>/.exec(response.text)?.[1];
        throw new PanApiError({
          code: `http-${response.status}`,
          message: `${endpoint}: storage answered HTTP ${response.status}${storageCode ? ` (${storageCode})` : ''}`,
          endpoint,
          httpStatus: response.status,
        });
      },
    });
  }

  /** The pause before retry number `retries + 1` of a failure by this client's schedule, or null when it is final. */
  retryDelay(error: unknown, retries: number): number | null {
    return shouldRetry(error, retries, this.retryDelays);
  }

  /** Slow the whole client down for `ms` (a 429 anywhere does this by itself). */
  coolDown(ms: number): void {
    this.limiter.coolDown(ms);
  }

  private apiHeaders(token: string | undefined): Record<string, string> {
    const headers: Record<string, string> = {Platform: 'open_platform'};
    if (token) headers.Authorization = `Bearer ${token}`;
    return headers;
  }

  private send(request: SendRequest): Promise<RawResponse> {
    return this.transport.send(request);
  }

  private async run<T>(attempt: Attempt): Promise<T> {
    const {endpoint, signal} = attempt;
    let retries = 0;
    let refreshed = false;
    for (;;) {
      let token: string | undefined;
      let answered: Answered | undefined;
      try {
        if (signal?.aborted) throw abortedError(endpoint, signal.reason);
        // A host known to refuse this page is not asked again: one clear error per call, no retry storm.
        if (attempt.crossOrigin && (await this.cors.known(attempt.crossOrigin))) throw this.corsRefused(endpoint, attempt.crossOrigin);
        if (attempt.api) {
          // Token first (cached after): a token fetch between the limiter's turn and the send would make the
          // request leave later than the limiter logged, into the next turn's window.
          await this.tokens.get(signal);
          answered = await this.limiter.acquire(endpoint, signal);
          token = await this.tokens.get(signal);
        }
        const response = await attempt.send(token);
        answered?.(true);
        const result = attempt.read(response) as T;
        if (attempt.api) this.rateLimitStreak = 0;
        return result;
      } catch (thrown) {
        answered?.(false); // no-op once answered
        if (signal?.aborted || isAbortError(thrown)) throw abortedError(endpoint, signal?.reason ?? thrown);
        // Anything else is a bug, not a network condition: surface it as it is, without retrying.
        if (!(thrown instanceof PanApiError)) throw thrown;
        let error = thrown;
        if (attempt.explain) error = attempt.explain(error);
        if (attempt.crossOrigin && error.code === 'network' && (await this.cors.refusesPages(attempt.crossOrigin))) {
          throw this.corsRefused(endpoint, attempt.crossOrigin, error);
        }
        if (attempt.api && isAuthError(error) && this.tokens.enabled && !refreshed) {
          // One refresh shared by every request refused with this token, then this one goes again.
          refreshed = true;
          try {
            await this.tokens.refresh(token, signal);
          } catch (refreshError) {
            if (signal?.aborted) throw abortedError(endpoint, signal.reason);
            throw refreshError;
          }
          continue;
        }
        if (attempt.api && isRateLimitError(error)) this.noteRateLimited(error);
        const delay = attempt.retry ? shouldRetry(error, retries, this.retryDelays) : null;
        if (delay === null) throw error;
        retries++;
        try {
          await sleep(delay, signal);
        } catch {
          throw abortedError(endpoint, signal?.reason);
        }
      }
    }
  }

  private corsRefused(endpoint: string, origin: string, cause?: PanApiError): PanApiError {
    return new PanApiError({
      code: 'cors-refused',
      message:
        `${endpoint}: 123pan's API at ${origin} does not let browser pages call it (CORS), so this page cannot upload with a token of its own. ` +
        'Use proxy mode: mount the proxy from pan-uploader/server on this site and point api-base at it (e.g. /pan-api), without token-url.',
      endpoint,
      retryable: false,
      cause,
    });
  }

  private noteRateLimited(error: PanApiError): void {
    const step = Math.min(this.rateLimitStreak, this.retryDelays.length - 1);
    this.rateLimitStreak++;
    const base = step >= 0 ? this.retryDelays[step]! : 1000;
    this.limiter.coolDown(Math.max(base, error.retryAfterMs ?? 0));
  }
}

function apiPath(path: string): string {
  if (typeof path !== 'string' || !path) throw new RangeError(`API path must be a non-empty string like '/upload/v2/file/create', got ${JSON.stringify(path)}`);
  return path.startsWith('/') ? path : `/${path}`;
}

function presignedEndpoint(url: string): string {
  try {
    const parsed = new URL(url, typeof location === 'undefined' ? undefined : location.href);
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    throw new RangeError('presigned URL is not a valid URL');
  }
}
