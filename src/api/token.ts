/**
 * Where the access token comes from: the host page's hook (a function, or a URL answering
 * {accessToken, expiredAt} bare or inside 123pan's envelope). The token is cached until shortly before
 * `expiredAt`, and every load is single-flight: many requests that find it missing or refused share
 * ONE call of the hook. It lives only in memory: never logged, stored, or copied into an error.
 */
import {raceAbort, sleep} from '../shared/abort.ts';
import {PanApiError, readEnvelope, type RawResponse} from './errors.ts';
import {FetchTransport, type Transport} from './transport.ts';
import type {AccessToken, TokenProvider} from './types.ts';

interface CachedToken {
  accessToken: string;
  /** Epoch ms after which the token is renewed before use; Infinity when the hook gave no expiry. */
  renewAt: number;
}

/** Renew this long before expiredAt, but never more than a tenth of the token's lifetime. */
const RENEW_MARGIN_MS = 60_000;

/** `expiredAt` as epoch ms: an ISO time with offset, or epoch ms (a 10-digit number is read as seconds). */
export function parseExpiredAt(value: unknown, source: string): number {
  if (typeof value === 'number' && Number.isFinite(value) && value > 0) return value < 1e11 ? value * 1000 : value;
  if (typeof value === 'string' && value.trim()) {
    const trimmed = value.trim();
    if (/^\d+$/.test(trimmed)) return parseExpiredAt(Number(trimmed), source);
    const at = Date.parse(trimmed);
    if (!Number.isNaN(at)) return at;
  }
  throw new PanApiError({
    code: 'bad-response',
    message: `${source}: expiredAt must be an ISO time with offset or epoch milliseconds, got ${JSON.stringify(value)}`,
    endpoint: source,
    key: 'auth',
  });
}

export interface TokenSourceOptions {
  tokenProvider?: TokenProvider;
  tokenUrl?: string;
  /** How token-url is asked; FetchTransport when omitted. */
  transport?: Transport;
  now?: () => number;
}

export class TokenSource {
  private readonly provider?: TokenProvider;
  private readonly now: () => number;
  private cached?: CachedToken;
  private loading?: Promise<CachedToken>;
  private loadingForced = false;
  private renewing?: {refused: string | undefined; promise: Promise<string>};

  constructor(options: TokenSourceOptions) {
    this.now = options.now ?? Date.now;
    if (options.tokenProvider) this.provider = options.tokenProvider;
    else if (options.tokenUrl) this.provider = urlProvider(options.tokenUrl, options.transport ?? new FetchTransport());
  }

  /** False when there is no hook: requests then carry no Authorization (a same-origin proxy adds it). */
  get enabled(): boolean {
    return this.provider !== undefined;
  }

  /** The current token, loading it (once for all callers) when missing or about to expire. */
  async get(signal?: AbortSignal): Promise<string | undefined> {
    if (!this.provider) return undefined;
    const cached = this.cached;
    if (cached && this.now() < cached.renewAt) return cached.accessToken;
    return (await raceAbort(this.load(false), signal)).accessToken;
  }

  /**
   * After a 401 with `refused`: a fresh token, shared by every request refused with the same one.
   * When another request already replaced it, that newer token is returned without calling the hook.
   */
  async refresh(refused: string | undefined, signal?: AbortSignal): Promise<string | undefined> {
    if (!this.provider) return undefined;
    const cached = this.cached;
    if (cached && cached.accessToken !== refused && this.now() < cached.renewAt) return cached.accessToken;
    if (cached && cached.accessToken === refused) this.cached = undefined;
    return raceAbort(this.forcedLoad(refused), signal);
  }

  private forcedLoad(refused: string | undefined): Promise<string> {
    // Every request refused with the same token waits on one renewal, pauses included.
    const renewing = this.renewing;
    if (renewing && renewing.refused === refused) return renewing.promise;
    const promise = (async () => {
      // A renewal already under way may have started before the 401 and hand back the refused token.
      if (this.loading && !this.loadingForced) {
        const token = await this.load(false);
        if (token.accessToken !== refused) return token.accessToken;
      }
      // A backend may keep a token this young instead of minting (pan-uploader/server's minTokenAgeMs guards
      // the account against mint storms) and hand the refused one back: ask again once it is older.
      let token = await this.load(true);
      for (const pause of SAME_TOKEN_PAUSES_MS) {
        if (refused === undefined || token.accessToken !== refused) break;
        this.cached = undefined;
        await sleep(pause);
        token = await this.load(true);
      }
      return token.accessToken;
    })().finally(() => {
      if (this.renewing?.promise === promise) this.renewing = undefined;
    });
    this.renewing = {refused, promise};
    return promise;
  }

  /** One hook call at a time; it is not tied to any one caller's signal, since others wait on it too. */
  private load(forceRefresh: boolean): Promise<CachedToken> {
    if (this.loading) return this.loading;
    this.loadingForced = forceRefresh;
    this.loading = (async () => {
      try {
        let answer: string | AccessToken;
        try {
          answer = await this.provider!({forceRefresh});
        } catch (cause) {
          throw hookFailure(cause);
        }
        const token = this.accept(answer);
        this.cached = token;
        return token;
      } finally {
        this.loading = undefined;
      }
    })();
    return this.loading;
  }

  private accept(answer: string | AccessToken): CachedToken {
    const source = 'token hook';
    if (typeof answer === 'string') {
      if (!answer) throw new PanApiError({code: 'bad-response', message: `${source} returned an empty accessToken`, endpoint: source, key: 'auth'});
      return {accessToken: answer, renewAt: Infinity};
    }
    if (typeof answer !== 'object' || answer === null || typeof answer.accessToken !== 'string' || !answer.accessToken) {
      throw new PanApiError({
        code: 'bad-response',
        message: `${source} returned no accessToken string (expected a string or {accessToken, expiredAt})`,
        endpoint: source,
        key: 'auth',
      });
    }
    if (answer.expiredAt === undefined || answer.expiredAt === null) return {accessToken: answer.accessToken, renewAt: Infinity};
    const expiresAt = parseExpiredAt(answer.expiredAt, source);
    const now = this.now();
    const margin = Math.min(RENEW_MARGIN_MS, Math.max(0, expiresAt - now) / 10);
    return {accessToken: answer.accessToken, renewAt: expiresAt - margin};
  }
}

/** A hook's own failure, typed: a fetch TypeError is a network error (retried), anything else is final. */
function hookFailure(cause: unknown): PanApiError {
  if (cause instanceof PanApiError) return cause;
  const detail = cause instanceof Error ? cause.message : String(cause);
  if (cause instanceof TypeError) {
    return new PanApiError({code: 'network', message: `token hook: the request for a token failed (${detail})`, endpoint: 'token hook', key: 'network', cause});
  }
  return new PanApiError({code: 'token-hook', message: `token hook failed: ${detail}`, endpoint: 'token hook', key: 'auth', retryable: false, cause});
}

/** Between asks for a fresh token while the backend keeps handing back the refused one (about 17 s in all). */
const SAME_TOKEN_PAUSES_MS = [2_500, 5_000, 10_000];

/** The query parameter that asks a token-url for a fresh token after 123pan refused the one it gave. */
export const REFRESH_PARAM = 'refresh';
/** The header naming the refused token, so the server re-mints only while that one is still its current token. */
export const REFUSED_TOKEN_HEADER = 'X-Pan-Refused-Token';

/**
 * token-url mode: GET, same-origin cookies, never cached by the browser; bare or enveloped answer.
 * After a 401 it asks with `?refresh=1` and the refused token (only to its own token-url, which issued it):
 * the server's cached token may have been revoked before its expiredAt.
 */
function urlProvider(tokenUrl: string, transport: Transport): TokenProvider {
  let issued: string | undefined;
  return async ({signal, forceRefresh}) => {
    const url = forceRefresh ? withRefreshParam(tokenUrl) : tokenUrl;
    const headers: Record<string, string> = {Accept: 'application/json'};
    if (forceRefresh && issued) headers[REFUSED_TOKEN_HEADER] = issued;
    const raw = await transport.send({method: 'GET', url, endpoint: `token-url ${tokenUrl}`, headers, signal, timeoutMs: 0, noStore: true});
    let body: unknown;
    try {
      body = JSON.parse(raw.text);
    } catch {
      body = undefined;
    }
    const token = await readToken(raw, body, tokenUrl);
    issued = token.accessToken;
    return token;
  };
}

/** 123pan's envelope (code + data) or a bare {accessToken, expiredAt}. */
async function readToken(raw: RawResponse, body: unknown, tokenUrl: string): Promise<AccessToken> {
  if (body && typeof body === 'object' && 'code' in body) return readEnvelope<AccessToken>(raw, tokenUrl);
  if (raw.status < 200 || raw.status >= 300) return readEnvelope<AccessToken>(raw, tokenUrl);
  if (!body || typeof body !== 'object') {
    throw new PanApiError({
      code: 'bad-response',
      message: `token-url ${tokenUrl}: expected JSON {accessToken, expiredAt}, got ${raw.contentType ?? 'no content type'} (HTTP ${raw.status})`,
      endpoint: tokenUrl,
      key: 'auth',
    });
  }
  return body as AccessToken;
}

function withRefreshParam(tokenUrl: string): string {
  const [path, hash] = tokenUrl.split('#', 2) as [string, string | undefined];
  const joined = `${path}${path.includes('?') ? '&' : '?'}${REFRESH_PARAM}=1`;
  return hash === undefined ? joined : `${joined}#${hash}`;
}
