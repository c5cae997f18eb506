/** Waiting for an image-host task: polls at least a second apart, until it ends or a deadline passes. */
import {PanApiError} from '../api/index.ts';
import {sleep} from '../api/abort.ts';
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
