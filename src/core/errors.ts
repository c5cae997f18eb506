/** Any failure, from whichever layer, as the UploadErrorInfo the element shows. Never carries a token. */
import type {ErrorKey, UploadErrorInfo} from './types.ts';

const KEYS: readonly ErrorKey[] = [
  'network', 'timeout', 'auth', 'token-limit', 'rate-limited', 'traffic-limit', 'server', 'not-found',
  'verify-timeout', 'etag-mismatch', 'mixed-content', 'hash-failed', 'refused', 'url-failed', 'unknown',
];

export function toErrorInfo(error: unknown): UploadErrorInfo {
  const e = (error ?? {}) as {name?: string; key?: string; code?: number | string; message?: string; traceID?: string; retryable?: boolean};
  let key: ErrorKey = KEYS.includes(e.key as ErrorKey) ? (e.key as ErrorKey) : 'unknown';
  if (e.name === 'HashError') key = 'hash-failed';
  const info: UploadErrorInfo = {
    code: e.code ?? key,
    key,
    message: e.message || String(error),
    retryable: e.retryable ?? key !== 'refused',
  };
  if (e.traceID) info.traceID = e.traceID;
  return info;
}
