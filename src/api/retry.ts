/** When to try a failed request again, and after how long. Pure, so every rule is testable on its own. */
import {PanApiError, PanCode} from './errors.ts';

export const DEFAULT_RETRY_DELAYS: readonly number[] = [500, 1000, 2000, 4000, 8000];

/**
 * Code 1 is 123pan's passing internal error but also some final refusals (a missing Platform header):
 * tried again at most this many times, then its message and x-traceID go to the user.
 */
export const MAX_CODE1_RETRIES = 2;

/**
 * Code 1 as 123pan answers it (HTTP 200): capped. A gateway's code 1 with HTTP 5xx (the proxy's "send again",
 * after it renewed the token) asks for the retry and keeps the whole schedule.
 */
export function isCappedCode1(error: unknown): boolean {
  return error instanceof PanApiError && error.code === PanCode.INTERNAL && !(error.httpStatus !== undefined && error.httpStatus >= 500);
}

/** 123pan says "retry after 1 second" for 20103 (file being verified). */
const VERIFYING_MIN_DELAY_MS = 1000;

/**
 * The delay in ms before the next try, or null when the failure is final.
 * `attempt` counts the retries already made (0 after the first failure); `delays[attempt]` is the base,
 * jittered into [base/2, base] so clients that failed together do not come back together.
 * Retried: network errors, timeouts, HTTP 5xx, code 1 (at most twice), 429 (HTTP or body), 20103. Final: other 4xx
 * and codes (401 included: the client refreshes the token once by itself), aborts, bad responses.
 */
export function shouldRetry(
  error: unknown,
  attempt: number,
  delays: readonly number[] = DEFAULT_RETRY_DELAYS,
  random: () => number = Math.random,
): number | null {
  if (!isRetryable(error)) return null;
  if (!Number.isInteger(attempt) || attempt < 0 || attempt >= delays.length) return null;
  if (isCappedCode1(error) && attempt >= MAX_CODE1_RETRIES) return null;
  const base = delays[attempt]!;
  let delay = base / 2 + (random() * base) / 2;
  if (error instanceof PanApiError) {
    if (error.code === PanCode.VERIFYING) delay = Math.max(delay, VERIFYING_MIN_DELAY_MS);
    if (error.retryAfterMs !== undefined) delay = Math.max(delay, error.retryAfterMs);
  }
  return Math.round(delay);
}

function isRetryable(error: unknown): boolean {
  if (error instanceof PanApiError) return error.retryable;
  if (error instanceof DOMException) return error.name === 'TimeoutError' || error.name === 'NetworkError';
  // fetch rejects with a TypeError when the network fails.
  return error instanceof TypeError;
}
