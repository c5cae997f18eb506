/**
 * 123pan's envelope and the typed error every API failure becomes.
 * The HTTP status is usually 200 even on failure, so the body `code` decides; `x-traceID` is kept
 * because it is what 123pan support asks for.
 */
import {isAbort} from '../shared/abort.ts';
import {PanError} from '../shared/errors.ts';
import type {ErrorKey} from '../shared/words.ts';

/** Body codes with a meaning of their own (see API-NOTES). */
export const PanCode = {
  OK: 0,
  INTERNAL: 1,
  UNAUTHORIZED: 401,
  TOO_MANY_REQUESTS: 429,
  FILE_NOT_FOUND: 5066,
  TRAFFIC_LIMIT: 5113,
  VERIFYING: 20103,
} as const;

export interface PanApiErrorInit {
  code: number | string;
  message: string;
  endpoint: string;
  httpStatus?: number;
  traceID?: string;
  /** Derived from code/httpStatus/message when omitted. */
  key?: ErrorKey;
  /** Derived from code/httpStatus when omitted. */
  retryable?: boolean;
  /** From a Retry-After header, when the server sent one. */
  retryAfterMs?: number;
  cause?: unknown;
}

/** `code` is 123pan's body code, or 'http-<status>', 'network', 'timeout', 'aborted', 'mixed-content', 'cors-refused', 'bad-response', 'token-hook' (the host's hook threw). */
export class PanApiError extends PanError {
  override readonly name = 'PanApiError';
  readonly httpStatus?: number;
  /** The API path (or the presigned URL without its signed query) that failed. */
  readonly endpoint: string;
  readonly retryAfterMs?: number;

  constructor(init: PanApiErrorInit) {
    super(init.key ?? errorKeyFor(init.code, init.httpStatus, init.message), init.message, {
      code: init.code,
      retryable: init.retryable ?? isRetryableCode(init.code, init.httpStatus),
      traceID: init.traceID,
      cause: init.cause,
    });
    this.httpStatus = init.httpStatus;
    this.endpoint = init.endpoint;
    this.retryAfterMs = init.retryAfterMs;
  }
}

const TOKEN_LIMIT = /tokens?\s*number|exceed/i;
/** 123pan publishes no code for a checksum refusal: its message names the MD5 (or etag) that did not match. */
const CHECKSUM = /(md5|etag)[\s\S]*(match|不一致|不匹配)|(match|不一致|不匹配)[\s\S]*(md5|etag)/i;

/** The translatable key for a code; the UI shows text by key, never the raw code. */
export function errorKeyFor(code: number | string, httpStatus?: number, message = ''): ErrorKey {
  if (code === PanCode.UNAUTHORIZED || httpStatus === 401) return TOKEN_LIMIT.test(message) ? 'token-limit' : 'auth';
  if (code === PanCode.TOO_MANY_REQUESTS || httpStatus === 429) return 'rate-limited';
  switch (code) {
    case PanCode.INTERNAL:
    case 'bad-response':
      return 'server';
    case PanCode.FILE_NOT_FOUND:
      return 'not-found';
    case PanCode.TRAFFIC_LIMIT:
      return 'traffic-limit';
    case PanCode.VERIFYING:
      return 'verify-timeout';
    case 'network':
      return 'network';
    case 'timeout':
      return 'timeout';
    case 'mixed-content':
      return 'mixed-content';
    case 'cors-refused':
      return 'cors-refused';
    case 'aborted':
      return 'unknown';
  }
  if (httpStatus !== undefined && httpStatus >= 500) return 'server';
  if (httpStatus === 403) return 'auth';
  if (httpStatus === 404) return 'not-found';
  if (CHECKSUM.test(message)) return 'etag-mismatch';
  return 'refused';
}

/**
 * Worth another try: network errors, timeouts, HTTP 5xx, body code 1, 429 (HTTP or body), 20103.
 * 401 is not: the client refreshes the token once by itself, outside the retry budget.
 */
export function isRetryableCode(code: number | string, httpStatus?: number): boolean {
  if (code === 'aborted' || code === 'bad-response') return false;
  if (code === 'network' || code === 'timeout' || code === 'mixed-content') return true;
  if (code === PanCode.INTERNAL || code === PanCode.TOO_MANY_REQUESTS || code === PanCode.VERIFYING) return true;
  if (httpStatus === 429) return true;
  // A gateway (the proxy) that could not reach or hear 123pan: as passing as a network error, whatever its code.
  if (httpStatus === 502 || httpStatus === 504) return true;
  if (typeof code === 'string' && code.startsWith('http-')) return httpStatus !== undefined && httpStatus >= 500;
  return false;
}

export function isAuthError(error: unknown): error is PanApiError {
  return error instanceof PanApiError && (error.code === PanCode.UNAUTHORIZED || error.httpStatus === 401);
}

export function isRateLimitError(error: unknown): error is PanApiError {
  return error instanceof PanApiError && (error.code === PanCode.TOO_MANY_REQUESTS || error.httpStatus === 429);
}

/** An abort, typed by the client ('aborted') or as the platform throws it (AbortError). */
export function isAbortError(error: unknown): boolean {
  return isAbort(error);
}

export function abortedError(endpoint: string, reason?: unknown): PanApiError {
  return new PanApiError({code: 'aborted', message: `${endpoint}: aborted`, endpoint, cause: reason});
}

/** What a transport hands back: enough to judge the answer, nothing of the request (no headers, no token). */
export interface RawResponse {
  status: number;
  text: string;
  contentType: string | null;
  retryAfter: string | null;
}

/** Retry-After in seconds or as an HTTP date, as milliseconds from now. */
export function parseRetryAfter(value: string | null, now = Date.now()): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

function describe(text: string): string {
  const trimmed = text.trim();
  if (!trimmed) return 'an empty body';
  return `"${trimmed.slice(0, 80).replace(/\s+/g, ' ')}${trimmed.length > 80 ? '…' : ''}"`;
}

function asEnvelope(text: string): {code: number; message: string; data: unknown; traceID?: string} | undefined {
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof body !== 'object' || body === null || !('code' in body)) return undefined;
  const record = body as Record<string, unknown>;
  const code = typeof record.code === 'string' && /^-?\d+$/.test(record.code) ? Number(record.code) : record.code;
  if (typeof code !== 'number') return undefined;
  const trace = record['x-traceID'] ?? record.traceID;
  return {
    code,
    message: typeof record.message === 'string' ? record.message : '',
    data: record.data,
    traceID: typeof trace === 'string' && trace ? trace : undefined,
  };
}

/** Unwraps 123pan's envelope: returns `data` on code 0, throws a typed PanApiError otherwise. */
export function readEnvelope<T>(response: RawResponse, endpoint: string): T {
  const {status} = response;
  const envelope = asEnvelope(response.text);
  const retryAfterMs = parseRetryAfter(response.retryAfter);
  if (envelope && envelope.code !== PanCode.OK) {
    const trace = envelope.traceID ? ` (x-traceID ${envelope.traceID})` : '';
    throw new PanApiError({
      code: envelope.code,
      message: `${endpoint}: 123pan answered code ${envelope.code} "${envelope.message}"${trace}`,
      endpoint,
      httpStatus: status,
      traceID: envelope.traceID,
      retryAfterMs,
    });
  }
  if (status < 200 || status >= 300) {
    throw new PanApiError({
      code: `http-${status}`,
      message: `${endpoint}: HTTP ${status} with ${describe(response.text)}`,
      endpoint,
      httpStatus: status,
      traceID: envelope?.traceID,
      retryAfterMs,
    });
  }
  if (!envelope) {
    throw new PanApiError({
      code: 'bad-response',
      message: `${endpoint}: expected 123pan's JSON envelope {code, message, data}, got ${describe(response.text)} (${response.contentType ?? 'no content type'}, HTTP ${status}); is api-base pointing at the API or its proxy?`,
      endpoint,
      httpStatus: status,
    });
  }
  return envelope.data as T;
}
