/**
 * 123pan counts its rate limits per account, not per connection: N visitors' tabs each keeping to 1/s
 * still make N/s on the account. The proxy therefore spaces its upstream calls per account and endpoint,
 * and several instances share the spacing through Redis. Each call reserves the next free turn
 * (`now`, or one interval after the last turn given) and waits for it; Redis's own clock decides, so
 * instances whose clocks differ still agree.
 */
import {sleep} from '../shared/abort.ts';
import type {RedisCommander} from './redis-token-store.ts';

/** Calls per second, per endpoint path. */
export type AccountRateLimits = Readonly<Record<string, number>>;

/**
 * The free tier's limits (123pan's 开发须知 page, 2025-10, and what a sync tool's backend uses citing
 * 123pan support): `create` 1/s, `upload_complete` 5/s, `access_token` 8/s, mkdir 5/s, download_info 2/s.
 */
export const FREE_TIER_LIMITS: AccountRateLimits = {
  '/upload/v2/file/create': 1,
  '/upload/v1/file/create': 1,
  '/upload/v1/oss/file/create': 1,
  '/upload/v2/file/upload_complete': 5,
  '/upload/v1/file/upload_complete': 5,
  '/upload/v1/oss/file/upload_complete': 5,
  '/api/v1/access_token': 8,
  '/upload/v1/file/mkdir': 5,
  '/api/v1/file/download_info': 2,
};

/** Paid (VIP) accounts: 20/s for the upload endpoints, as the same sources give. */
export const VIP_LIMITS: AccountRateLimits = {
  ...Object.fromEntries(Object.keys(FREE_TIER_LIMITS).map((path) => [path, 20])),
  '/api/v1/access_token': 10,
  '/upload/v1/file/mkdir': 20,
  '/api/v1/file/download_info': 10,
};

export interface AccountLimiter {
  /** Resolves when a call to `path` may leave; rejects with the signal's reason when it is aborted first. */
  acquire(path: string, signal?: AbortSignal): Promise<void>;
  /** Whether calls to `path` are spaced. */
  limits(path: string): boolean;
}

export interface AccountLimiterOptions {
  /** Calls per second per endpoint path; paths not named are not limited. Default FREE_TIER_LIMITS. */
  limits?: AccountRateLimits;
  /** A connected node-redis client shared by every instance; without it the turns are this process's only. */
  redis?: RedisCommander;
  /** Names the account in Redis keys (e.g. the client ID), so one Redis can serve several accounts. */
  account?: string;
  /**
   * Added to every interval: a request reaches 123pan a little earlier or later than it leaves, and two
   * sent exactly one interval apart may arrive closer. Default 100 ms.
   */
  marginMs?: number;
}

/** Reserves the next turn: KEYS[1] holds the last turn given (ms); ARGV[1] the interval. Returns the wait. */
const RESERVE = `
local t = redis.call('TIME')
local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
local last = tonumber(redis.call('GET', KEYS[1]) or '0')
local interval = tonumber(ARGV[1])
local turn = math.max(now, last + interval)
redis.call('SET', KEYS[1], turn, 'PX', math.ceil(turn - now + interval + 1000))
return turn - now`;

export function createAccountLimiter(options: AccountLimiterOptions = {}): AccountLimiter {
  const limits = options.limits ?? FREE_TIER_LIMITS;
  for (const [path, perSecond] of Object.entries(limits)) {
    if (!(typeof perSecond === 'number' && perSecond > 0)) throw new TypeError(`createAccountLimiter: the limit of ${path} must be a positive number of calls per second, got ${perSecond}`);
  }
  const margin = options.marginMs ?? 100;
  const account = options.account ?? 'default';
  const {redis} = options;
  const lastTurn = new Map<string, number>();

  const reserve = async (path: string, interval: number): Promise<number> => {
    if (redis) return Number(await redis.sendCommand(['EVAL', RESERVE, '1', `pan-uploader:rate:${account}:${path}`, String(interval)]));
    const now = Date.now();
    const turn = Math.max(now, (lastTurn.get(path) ?? 0) + interval);
    lastTurn.set(path, turn);
    return turn - now;
  };

  return {
    limits: (path) => limits[path] !== undefined,
    async acquire(path, signal) {
      const perSecond = limits[path];
      if (perSecond === undefined) return;
      signal?.throwIfAborted();
      const wait = await reserve(path, Math.ceil(1000 / perSecond) + margin);
      // A caller that gives up keeps its turn unused: later turns are not moved, so none comes too soon.
      if (wait > 0) await sleep(wait, signal);
    },
  };
}
