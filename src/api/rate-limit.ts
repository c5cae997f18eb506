/**
 * Client-side rate limits per endpoint, plus one cool-down shared by the whole client after a 429,
 * so a burst slows every request instead of each one discovering the limit on its own.
 */
import {sleep} from './abort.ts';

/** Requests per second, by endpoint path. Paths not listed, or set to Infinity, are not limited. */
export interface RateLimits {
  [endpointPath: string]: number;
}

/**
 * Published tables disagree between versions (API-NOTES: create 1–5, upload_complete 5–20, mkdir 2–5,
 * access_token 1–10, download_info 2–5): these take the LOW end of each range, since a 429 costs a
 * cool-down for everyone. Nothing is published for v2 slices, single-step uploads, `domain` or OSS
 * `detail`, so they are not limited here. Small drive files go by single-step upload, which `create`'s
 * 1 QPS does not gate; raise a limit through `rateLimits` when an account is known to allow more.
 */
export const DEFAULT_RATE_LIMITS: RateLimits = {
  '/api/v1/access_token': 1,
  '/upload/v2/file/create': 1,
  '/upload/v2/file/sha1_reuse': 1,
  '/upload/v1/file/create': 1,
  '/upload/v1/oss/file/create': 1,
  '/upload/v1/file/get_upload_url': 20,
  '/upload/v1/oss/file/get_upload_url': 20,
  '/upload/v1/file/list_upload_parts': 20,
  '/upload/v1/oss/file/list_upload_parts': 20,
  '/upload/v2/file/upload_complete': 5,
  '/upload/v1/file/upload_complete': 5,
  '/upload/v1/oss/file/upload_complete': 5,
  '/upload/v1/file/upload_async_result': 5,
  '/upload/v1/oss/file/upload_async_result': 5,
  '/upload/v1/file/mkdir': 2,
  '/upload/v1/oss/file/mkdir': 2,
  '/api/v1/file/download_info': 2,
};

/**
 * Requests leave 5% further apart than 1/QPS: a server counting a sliding one-second window sees them
 * arrive with network jitter, and a gap even a little short would cost a 429 and a cool-down for all.
 */
const SPACING_MARGIN = 1.05;

export class RateLimiter {
  private readonly limits: RateLimits;
  private readonly now: () => number;
  /** Earliest start of the next request, per endpoint. */
  private readonly nextSlot = new Map<string, number>();
  private coolDownUntil = 0;

  constructor(limits: RateLimits = DEFAULT_RATE_LIMITS, now: () => number = () => performance.now()) {
    for (const [path, qps] of Object.entries(limits)) {
      if (!(typeof qps === 'number' && qps > 0)) {
        throw new RangeError(`rateLimits['${path}'] must be a positive number of requests per second (Infinity = no limit), got ${String(qps)}`);
      }
    }
    this.limits = {...limits};
    this.now = now;
  }

  /** Waits for this endpoint's next slot and for any cool-down; rejects at once when the signal aborts. */
  async acquire(path: string, signal?: AbortSignal): Promise<void> {
    let slot = this.reserve(path);
    for (;;) {
      const wait = slot - this.now();
      if (wait > 0) await sleep(wait, signal);
      else if (signal?.aborted) throw signal.reason;
      // A cool-down that began while this request waited moves it behind the cool-down, spaced again.
      if (this.coolDownUntil <= this.now()) return;
      slot = this.reserve(path);
    }
  }

  /** Holds every request of the client for `ms` from now (extends, never shortens, a running cool-down). */
  coolDown(ms: number): void {
    this.coolDownUntil = Math.max(this.coolDownUntil, this.now() + Math.max(0, ms));
  }

  /** Milliseconds left of the shared cool-down. */
  get coolDownLeft(): number {
    return Math.max(0, this.coolDownUntil - this.now());
  }

  private reserve(path: string): number {
    const start = Math.max(this.now(), this.coolDownUntil);
    const qps = this.limits[path];
    if (!qps || qps === Infinity) return start;
    const slot = Math.max(start, this.nextSlot.get(path) ?? 0);
    this.nextSlot.set(path, slot + (1000 / qps) * SPACING_MARGIN);
    return slot;
  }
}
