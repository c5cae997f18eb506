import {raceAbort} from '../shared/abort.ts';
import {DEFAULT_API_BASE} from '../shared/api-base.ts';
import {PanServerError, ProxyCode, type PanEnvelope} from './envelope.ts';
import {MemoryTokenStore, type StoredToken, type TokenStore} from './token-store.ts';

export {DEFAULT_API_BASE};

/** What a broker hands out: the token and 123pan's `expiredAt` as given. */
export interface BrokerToken {
  accessToken: string;
  expiredAt: string | number;
}

export interface TokenBrokerOptions {
  /** Developer credentials (client-credentials grant). Keep them on the server: they never leave it. */
  clientID?: string;
  clientSecret?: string;
  /** Another token source instead of client credentials (e.g. an OAuth refresh flow). */
  mint?: (signal?: AbortSignal) => Promise<BrokerToken>;
  /** Default https://open-api.123pan.com. */
  apiBase?: string;
  /** Default: a {@link MemoryTokenStore}. Share one across instances to share the token. */
  store?: TokenStore;
  /** Store key; default `pan-uploader:token:<clientID>`. */
  storeKey?: string;
  /** Renew this long before `expiredAt` (capped at half the token's lifetime). Default 5 minutes. */
  refreshBeforeMs?: number;
  /** How long a minting lease is held in a shared store, and how long others wait on it. Default 10 s. */
  leaseMs?: number;
  /**
   * A token is never replaced because of a 401 sooner than this after it was obtained. Default 2 s.
   * Each token 123pan refuses this young doubles the wait for the next one (up to 5 minutes): an
   * upstream that refuses every token cannot make the broker mint in a loop (every mint logs older
   * tokens of the account out).
   */
  minTokenAgeMs?: number;
  fetch?: typeof fetch;
  now?: () => number;
}

export interface TokenBroker {
  /** The cached token, minted when there is none or it is about to expire. One mint at a time. */
  getToken(signal?: AbortSignal): Promise<BrokerToken>;
  /**
   * After 123pan refused `staleToken` (401): a fresh token. Every caller holding the same stale token
   * shares ONE mint; a caller whose stale token was already replaced gets the replacement at once.
   */
  refresh(staleToken?: string, signal?: AbortSignal): Promise<BrokerToken>;
}

/** Thrown when 123pan (or the custom source) will not give a token. Never contains the secret. */
export class TokenMintError extends PanServerError {}

/**
 * 123pan refused a new token because the account holds as many live tokens as it may (3 per client ID):
 * other instances or programs mint with the same credentials instead of sharing one token.
 */
export class TokenLimitError extends TokenMintError {}

const TOKEN_LIMIT = /tokens?\s*number.*exceed|exceed.*tokens?/i;

function expiryMs(expiredAt: string | number): number {
  const ms = typeof expiredAt === 'number' ? expiredAt : Date.parse(expiredAt);
  return Number.isFinite(ms) ? ms : NaN;
}

/** The longest a refused young token is kept before the broker mints again. */
const MAX_MINT_BACKOFF_MS = 5 * 60_000;
/** A refused token younger than this counts as "a fresh token refused": the next one waits longer. */
const FRESH_REFUSAL_MS = 60_000;

/**
 * Creates the server-side token broker. The secret is held in a closure, not on the returned object,
 * so logging or inspecting the broker cannot print it; nothing here logs.
 */
export function createTokenBroker(options: TokenBrokerOptions): TokenBroker {
  const {clientID, clientSecret} = options;
  if (!options.mint) {
    if (typeof clientID !== 'string' || clientID === '') {
      throw new TypeError('createTokenBroker: clientID is required (a non-empty string) unless a mint function is given');
    }
    if (typeof clientSecret !== 'string' || clientSecret === '') {
      throw new TypeError('createTokenBroker: clientSecret is required (a non-empty string) unless a mint function is given');
    }
  }
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const store = options.store ?? new MemoryTokenStore();
  const key = options.storeKey ?? `pan-uploader:token:${clientID ?? 'custom'}`;
  const refreshBeforeMs = options.refreshBeforeMs ?? 5 * 60_000;
  const leaseMs = options.leaseMs ?? 10_000;
  const minTokenAgeMs = options.minTokenAgeMs ?? 2_000;
  const doFetch = options.fetch ?? globalThis.fetch;
  const now = options.now ?? Date.now;

  let inflight: Promise<BrokerToken> | null = null;
  // How young a token must be to be kept despite a 401: minTokenAgeMs, doubled per fresh token refused.
  let holdMs = minTokenAgeMs;

  const isFresh = (token: StoredToken): boolean => {
    const expires = expiryMs(token.expiredAt);
    if (Number.isNaN(expires)) return false;
    const margin = Math.min(refreshBeforeMs, Math.max(0, (expires - token.obtainedAt) / 2));
    return now() < expires - margin;
  };

  const clientCredentialsMint = async (signal?: AbortSignal): Promise<BrokerToken> => {
    let response: Response;
    try {
      response = await doFetch(`${apiBase}/api/v1/access_token`, {
        method: 'POST',
        headers: {'content-type': 'application/json', platform: 'open_platform'},
        body: JSON.stringify({clientID, clientSecret}),
        signal,
      });
    } catch (cause) {
      throw new TokenMintError(502, ProxyCode.BAD_GATEWAY, `access_token: 123pan could not be reached at ${apiBase}`, {cause});
    }
    let envelope: PanEnvelope<{accessToken?: unknown; expiredAt?: unknown} | null>;
    try {
      envelope = (await response.json()) as typeof envelope;
    } catch (cause) {
      throw new TokenMintError(502, ProxyCode.BAD_GATEWAY, `access_token: answer is not JSON (HTTP ${response.status})`, {cause});
    }
    const traceID = envelope?.['x-traceID'];
    if (envelope?.code !== 0) {
      const code = typeof envelope?.code === 'number' ? envelope.code : ProxyCode.BAD_GATEWAY;
      if (TOKEN_LIMIT.test(String(envelope?.message ?? ''))) {
        throw new TokenLimitError(
          502,
          code,
          `access_token: 123pan refused a new token: the account already holds as many live tokens as it may (3 per client ID). ` +
            `Share one token store across every instance (RedisTokenStore) and mint with these credentials nowhere else. 123pan said: ${String(envelope?.message)}`,
          {traceID},
        );
      }
      throw new TokenMintError(502, code, `access_token: 123pan refused (code ${code}): ${String(envelope?.message ?? 'no message')}`, {traceID});
    }
    const data = envelope.data;
    if (typeof data?.accessToken !== 'string' || data.accessToken === '') {
      throw new TokenMintError(502, ProxyCode.BAD_GATEWAY, 'access_token: data.accessToken missing in the answer', {traceID});
    }
    if ((typeof data.expiredAt !== 'string' && typeof data.expiredAt !== 'number') || Number.isNaN(expiryMs(data.expiredAt))) {
      throw new TokenMintError(502, ProxyCode.BAD_GATEWAY, 'access_token: data.expiredAt is not a time', {traceID});
    }
    return {accessToken: data.accessToken, expiredAt: data.expiredAt};
  };

  const mintOnce = options.mint ?? clientCredentialsMint;

  const waitForOther = async (signal?: AbortSignal): Promise<BrokerToken | undefined> => {
    const deadline = now() + leaseMs;
    while (now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      signal?.throwIfAborted();
      const token = await store.get(key);
      if (token && isFresh(token)) return token;
    }
    return undefined;
  };

  // Mint (or pick up another instance's fresh token), store, return. Callers hold `inflight`.
  const mint = async (signal?: AbortSignal): Promise<BrokerToken> => {
    let leased = true;
    if (store.lease) {
      leased = await store.lease(`${key}:lease`, leaseMs);
      if (!leased) {
        const other = await waitForOther(signal);
        if (other) return {accessToken: other.accessToken, expiredAt: other.expiredAt};
      }
    }
    try {
      // Another instance may have stored a token while we waited for the lease.
      const current = await store.get(key);
      if (current && isFresh(current) && now() - current.obtainedAt < minTokenAgeMs) {
        return {accessToken: current.accessToken, expiredAt: current.expiredAt};
      }
      const token = await mintOnce(signal);
      await store.set(key, {accessToken: token.accessToken, expiredAt: token.expiredAt, obtainedAt: now()});
      return {accessToken: token.accessToken, expiredAt: token.expiredAt};
    } finally {
      if (leased && store.release) await store.release(`${key}:lease`);
    }
  };

  // The shared mint is not tied to any one caller's signal: a caller that gives up only stops waiting.
  // `before` (forgetting a refused token) runs inside the flight, so callers that arrive meanwhile join it.
  const singleFlight = (signal?: AbortSignal, before?: () => Promise<void>): Promise<BrokerToken> => {
    inflight ??= (async () => {
      await before?.();
      return mint();
    })().finally(() => {
      inflight = null;
    });
    return raceAbort(inflight, signal);
  };

  return {
    async getToken(signal) {
      if (inflight) return raceAbort(inflight, signal);
      const current = await store.get(key);
      if (current && isFresh(current)) return {accessToken: current.accessToken, expiredAt: current.expiredAt};
      return singleFlight(signal);
    },
    async refresh(staleToken, signal) {
      if (inflight) return raceAbort(inflight, signal);
      const current = await store.get(key);
      if (inflight) return raceAbort(inflight, signal);
      if (current && isFresh(current)) {
        // Already replaced by someone else: keep the replacement.
        if (staleToken !== undefined && current.accessToken !== staleToken) {
          return {accessToken: current.accessToken, expiredAt: current.expiredAt};
        }
        // Too young to replace, whoever asks: a storm of 401s mints nothing.
        const age = now() - current.obtainedAt;
        if (age < holdMs) return {accessToken: current.accessToken, expiredAt: current.expiredAt};
        // A token refused soon after it was minted: the next one is kept twice as long.
        holdMs = age < FRESH_REFUSAL_MS ? Math.min(MAX_MINT_BACKOFF_MS, Math.max(holdMs * 2, 1_000)) : minTokenAgeMs;
        return singleFlight(signal, () => store.delete(key, current.accessToken));
      }
      return singleFlight(signal);
    },
  };
}
