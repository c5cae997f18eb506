/** Image-host tasks: made once (only a refused request is sent again), then polled at least a second apart. */
import {isRateLimitError, PanApiError} from '../api/index.ts';
import {sleep} from '../shared/abort.ts';
import {OssTaskError} from './errors.ts';

/** 123pan asks for at least one second between polls. */
export const MIN_TASK_POLL_MS = 1000;

/**
 * Calls `poll` until it returns a value (undefined = not yet), `intervalMs` after each answer.
 * Retryable API errors (429, code 1, 5xx, network) count as "not yet": the next poll is the retry.
 */
export async function pollTask<T>(
  poll: () => Promise<T | undefined>,
  options: {intervalMs?: number; timeoutMs: number; signal?: AbortSignal; taskID: number | string; what: string},
): Promise<T> {
  const interval = Math.max(MIN_TASK_POLL_MS, options.intervalMs ?? MIN_TASK_POLL_MS);
  const started = Date.now();
  let lastError: unknown;
  for (;;) {
    try {
      const value = await poll();
      if (value !== undefined) return value;
    } catch (error) {
      if (!(error instanceof PanApiError) || !error.retryable) throw error;
      lastError = error;
    }
    const elapsed = Date.now() - started;
    if (elapsed + interval > options.timeoutMs) {
      throw new OssTaskError('timeout', `${options.what}: task ${options.taskID} had not ended after ${Math.round(elapsed / 1000)} s`, options.taskID, {
        retryable: true,
        cause: lastError,
      });
    }
    await sleep(interval, options.signal);
  }
}

/**
 * Creating a task is not idempotent: a lost answer may still have made one, so nothing is re-sent
 * blindly. Only a 429 (refused before anything was made) goes again, after the client's cool-down.
 */
export async function createTask<T>(send: () => Promise<T>, signal?: AbortSignal, attempts = 4): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (error) {
      if (!isRateLimitError(error) || attempt >= attempts) throw error;
      await sleep(MIN_TASK_POLL_MS * attempt, signal);
    }
  }
}
