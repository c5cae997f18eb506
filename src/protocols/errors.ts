/** Failures the flows themselves detect (the API client types the ones the server reports). */
import type {ErrorKey} from '../core/types.ts';

export class UploadError extends Error {
  override readonly name = 'UploadError';
  readonly key: ErrorKey;
  readonly code: string;
  readonly retryable: boolean;
  readonly traceID?: string;
  constructor(key: ErrorKey, message: string, options: {retryable?: boolean; traceID?: string; cause?: unknown} = {}) {
    super(message, {cause: options.cause});
    this.key = key;
    this.code = key;
    this.retryable = options.retryable ?? false;
    this.traceID = options.traceID;
  }
}

/** True for an abort (pause, cancel), whatever shape the abort took on its way up. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const e = error as {name?: string; code?: unknown} | null;
  return e?.name === 'AbortError' || e?.code === 'aborted';
}
