/**
 * Checks of the API client's options. The engine runs them too when it is given options, because it
 * builds the client only when the first file starts and a bad option must be refused at once.
 */
import type {RateLimits} from './rate-limit.ts';

/** `apiBase` without trailing slashes: an http(s) origin (with an optional path) or a same-origin path. */
export function normalizeApiBase(apiBase: unknown): string {
  const given = typeof apiBase === 'string' ? apiBase.trim() : '';
  const trimmed = given.replace(/\/+$/, '');
  if (given.startsWith('/') || /^https?:\/\/[^/]/i.test(trimmed)) return trimmed;
  throw new RangeError(`apiBase must start with https://, http:// or '/', got ${JSON.stringify(apiBase)}`);
}

export function checkRetryDelays(delays: readonly number[]): void {
  if (!(Array.isArray(delays) && delays.every((d) => typeof d === 'number' && d >= 0 && Number.isFinite(d)))) {
    throw new RangeError(`retryDelays must be non-negative numbers of milliseconds, got ${JSON.stringify(delays)}`);
  }
}

export function checkRateLimits(limits: RateLimits): void {
  for (const [path, qps] of Object.entries(limits)) {
    if (!(typeof qps === 'number' && qps > 0)) {
      throw new RangeError(`rateLimits['${path}'] must be a positive number of requests per second (Infinity = no limit), got ${String(qps)}`);
    }
  }
}
