/**
 * Client-side rate limits per endpoint, plus one cool-down shared by the whole client after a 429,
 * so a burst slows every request instead of each one discovering the limit on its own.
 */
import {checkRateLimits} from './options.ts';

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
  '/api/v2/file/list': 5,
};

/**
 * The server counts requests in a sliding one-second window, by when they ARRIVE. Spacing alone (1/QPS
 * apart) is not enough: network jitter, a busy browser or a busy server can bring N+1 spaced requests
 * inside one second, and a 429 costs a cool-down for the whole client. So each lane also keeps, for its
 * last N sends, the latest moment each can have arrived: unknown until its answer is back (then it
 * certainly had arrived), and request N+1 waits until the earliest of those is a window old. A request
 * that fails without an answer may have arrived until then, plus this much.
 */
const WINDOW_MARGIN_MS = 50;

/**
 * Called once the request is over: `answered` when the server's answer came back (any answer: it had
 * certainly arrived), false when it failed without one or never left. Until then its place in the window is held.
 */
export type Answered = (answered: boolean) => void;

interface Waiter {
  resolve: (answered: Answered) => void;
  reject: (reason: unknown) => void;
  /** Detaches the abort listener. */
  release: () => void;
}

/** One endpoint's FIFO line. Spacing counts from when a request was let go, so a stalled page cannot bunch requests up. */
interface Lane {
  /** Even pacing: 1/QPS. */
  intervalMs: number;
  queue: Waiter[];
  lastStart: number;
  /** At most `perWindow` arrivals in any `windowMs`. */
  perWindow: number;
  windowMs: number;
  /** For requests possibly still in the server's window: the latest each can have arrived (at most `perWindow`). */
  sent: {arrivedBy: number}[];
  timer?: ReturnType<typeof setTimeout>;
}

export class RateLimiter {
  private readonly limits: RateLimits;
  private readonly now: () => number;
  private readonly lanes = new Map<string, Lane>();
  private coolDownUntil = 0;

  constructor(limits: RateLimits = DEFAULT_RATE_LIMITS, now: () => number = () => performance.now()) {
    checkRateLimits(limits);
    this.limits = {...limits};
    this.now = now;
  }

  /**
   * Waits for this endpoint's turn and for any cool-down; rejects at once when the signal aborts. Resolves
   * with the function to call once the request is over: until then it holds its place in the window.
   */
  acquire(path: string, signal?: AbortSignal): Promise<Answered> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const lane = this.lane(path);
    return new Promise<Answered>((resolve, reject) => {
      const onAbort = () => {
        const index = lane.queue.indexOf(waiter);
        if (index >= 0) lane.queue.splice(index, 1);
        reject(signal!.reason);
      };
      const waiter: Waiter = {resolve, reject, release: () => signal?.removeEventListener('abort', onAbort)};
      signal?.addEventListener('abort', onAbort, {once: true});
      lane.queue.push(waiter);
      this.pump(lane);
    });
  }

  /** Holds every request of the client for `ms` from now (extends, never shortens, a running cool-down). */
  coolDown(ms: number): void {
    this.coolDownUntil = Math.max(this.coolDownUntil, this.now() + Math.max(0, ms));
  }

  /** Milliseconds left of the shared cool-down. */
  get coolDownLeft(): number {
    return Math.max(0, this.coolDownUntil - this.now());
  }

  private lane(path: string): Lane {
    let lane = this.lanes.get(path);
    if (!lane) {
      const qps = this.limits[path];
      const limited = qps !== undefined && qps !== Infinity;
      // A whole number of requests per window: 2.5 QPS allows 2 a second, 0.5 QPS 1 every 2 s.
      const perWindow = limited ? Math.max(1, Math.floor(qps)) : Infinity;
      lane = {
        intervalMs: limited ? 1000 / qps : 0,
        queue: [],
        lastStart: -Infinity,
        perWindow,
        windowMs: limited ? 1000 * Math.max(1, perWindow / qps) : 0,
        sent: [],
      };
      this.lanes.set(path, lane);
    }
    return lane;
  }

  /** Lets go every request whose turn has come; sleeps until the next one's (a cool-down met on waking is honoured). */
  private pump(lane: Lane): void {
    if (lane.timer !== undefined) return;
    while (lane.queue.length > 0) {
      const now = this.now();
      // A request that arrived a whole window ago no longer counts at the server.
      if (lane.sent.length > 0) lane.sent = lane.sent.filter((s) => s.arrivedBy > now - lane.windowMs);
      const windowFull = lane.sent.length >= lane.perWindow;
      const windowFree = windowFull ? Math.min(...lane.sent.map((s) => s.arrivedBy)) + lane.windowMs : -Infinity;
      const ready = Math.max(lane.lastStart + lane.intervalMs, windowFree, this.coolDownUntil);
      // Every place held by a request still unanswered: the next answer pumps again.
      if (ready === Infinity) return;
      if (ready > now) {
        lane.timer = setTimeout(() => {
          lane.timer = undefined;
          this.pump(lane);
        }, ready - now);
        return;
      }
      const waiter = lane.queue.shift()!;
      // A turn taken up to one interval late (a late timer, a busy main thread: 30–50 ms is common while a page
      // works) still counts from when it was due, so lateness does not drift the rate down (measured: 4–5% of a
      // 20/s lane lost); later than that the page stalled, and spacing counts from when it really went, so a
      // stall never bunches the next ones. The window below, counted from answers, is what keeps the server's count.
      lane.lastStart = now - ready <= lane.intervalMs ? ready : now;
      let answered: Answered = () => {};
      if (lane.perWindow !== Infinity) {
        const entry = {arrivedBy: Infinity};
        lane.sent.push(entry);
        answered = (withAnswer) => {
          if (entry.arrivedBy !== Infinity) return;
          entry.arrivedBy = this.now() + (withAnswer ? 0 : WINDOW_MARGIN_MS);
          if (lane.queue.length > 0) {
            clearTimeout(lane.timer);
            lane.timer = undefined;
            this.pump(lane);
          }
        };
      }
      waiter.release();
      waiter.resolve(answered);
    }
  }
}

/**
 * 123pan counts its limits per account, and every `<pan-uploader>` on a page has its own client: two
 * elements pacing themselves apart would send twice the account's rate. So clients of one account, as far
 * as the page can tell one (the same API base and token source), share one limiter and its cool-downs.
 */
const shared = new Map<string, RateLimiter>();
/** A token function has no name to compare: each one is an account of its own. */
const providers = new WeakMap<object, number>();
let nextProvider = 1;

export function accountLimiter(account: {apiBase: string; tokenSource?: string | object}, limits: RateLimits): RateLimiter {
  const {tokenSource} = account;
  let source = typeof tokenSource === 'string' ? `url ${tokenSource}` : '';
  if (tokenSource && typeof tokenSource !== 'string') {
    if (!providers.has(tokenSource)) providers.set(tokenSource, nextProvider++);
    source = `provider ${providers.get(tokenSource)}`;
  }
  const key = JSON.stringify([account.apiBase, source, Object.entries(limits).sort(([a], [b]) => (a < b ? -1 : 1))]);
  let limiter = shared.get(key);
  if (!limiter) shared.set(key, (limiter = new RateLimiter(limits)));
  return limiter;
}
