/** Any failure, from whichever layer, as the UploadErrorInfo the element shows. Never carries a token. */
import {PanError} from '../shared/errors.ts';
import type {UploadErrorInfo} from './types.ts';

export function toErrorInfo(error: unknown): UploadErrorInfo {
  if (!(error instanceof PanError)) {
    // Not a failure any layer typed: a bug, or a host hook's own exception.
    const message = (error as {message?: unknown} | null)?.message;
    return {code: 'unknown', key: 'unknown', message: typeof message === 'string' && message ? message : String(error), retryable: true};
  }
  const info: UploadErrorInfo = {code: error.code, key: error.key, message: error.message || String(error), retryable: error.retryable};
  if (error.traceID) info.traceID = error.traceID;
  // The image step's refusal (image/prepare-image.ts ImageRefusedError), read by shape: the engine does not load the image code.
  const {note} = error as {note?: UploadErrorInfo['note']};
  if (note) info.note = note;
  return info;
}

/** A session from before a reload may be refused in any number of ways; only these say nothing about it. */
export function mayStartAfresh(error: unknown): boolean {
  if (!(error instanceof PanError)) return true;
  return error.key !== 'auth' && error.key !== 'token-limit' && error.key !== 'traffic-limit' && error.key !== 'mixed-content';
}
