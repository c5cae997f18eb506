/** Waiting and polling shared by the flows whose completion 123pan confirms asynchronously. */
import {MAX_CODE1_RETRIES, PanApiError, isCappedCode1} from '../api/index.ts';
import {sleep} from '../shared/abort.ts';
import {UploadError} from './errors.ts';

export {sleep, raceAbort} from '../shared/abort.ts';

/** 123pan asks for at least one second between completion polls. */
export const MIN_POLL_INTERVAL_MS = 1000;

/** 20103: "file is being verified, retry after 1 second". */
export const CODE_VERIFYING = 20103;

/**
 * Calls `attempt` until it returns a value, at least `intervalMs` after the previous answer (never under 1 s),
 * until `deadlineMs` has passed. `attempt` returns undefined for "not yet". A retryable API
 * error (20103, 429, 5xx, network) counts as "not yet": the poll itself is the retry, so the
 * spacing rule holds even for errors. Anything final is thrown as it is, and so is code 1 once it has
 * come back MAX_CODE1_RETRIES + 1 times in a row: it may be a final refusal, not worth the whole deadline.
 */
export async function pollUntil<T>(
  attempt: () => Promise<T | undefined>,
  options: {intervalMs: number; deadlineMs: number; signal: AbortSignal; what: string},
): Promise<T> {
  const interval = Math.max(MIN_POLL_INTERVAL_MS, options.intervalMs);
  const started = Date.now();
  let lastError: unknown;
  let lastTraceID: string | undefined;
  let code1InARow = 0;
  for (;;) {
    try {
      const value = await attempt();
      if (value !== undefined) return value;
      code1InARow = 0;
    } catch (error) {
      if (!(error instanceof PanApiError) || !error.retryable) throw error;
      code1InARow = isCappedCode1(error) ? code1InARow + 1 : 0;
      if (code1InARow > MAX_CODE1_RETRIES) throw error;
      lastError = error;
      lastTraceID = error.traceID;
    }
    const elapsed = Date.now() - started;
    if (elapsed + interval > options.deadlineMs) {
      throw new UploadError(
        'verify-timeout',
        `${options.what}: 123pan had not confirmed the upload after ${Math.round(elapsed / 1000)} s (deadline ${Math.round(options.deadlineMs / 1000)} s)`,
        {retryable: true, traceID: lastTraceID, cause: lastError},
      );
    }
    // Counted from the answer, not the request: the rate limiter may have held the request back.
    await sleep(interval, options.signal);
  }
}
