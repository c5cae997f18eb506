/** The API client: everything the protocols need to talk to 123pan. */
export {PanClient, DEFAULT_API_BASE, DEFAULT_TIMEOUT_MS} from './client.ts';
export type {PanClientOptions, CallInit, UploadInit} from './client.ts';
export {PanApiError, PanCode, errorKeyFor, isAbortError, isAuthError, isRateLimitError, readEnvelope} from './errors.ts';
export type {PanApiErrorInit, RawResponse} from './errors.ts';
export {shouldRetry, DEFAULT_RETRY_DELAYS, MAX_CODE1_RETRIES, isCappedCode1} from './retry.ts';
export {DEFAULT_RATE_LIMITS, RateLimiter} from './rate-limit.ts';
export type {RateLimits} from './rate-limit.ts';
export {normalizeServer} from './server-url.ts';
export {FetchTransport, XhrTransport, defaultTransport} from './transport.ts';
export type {Transport, SendRequest} from './transport.ts';
export {TokenSource, parseExpiredAt} from './token.ts';
export type {AccessToken, Envelope, TokenProvider} from './types.ts';
