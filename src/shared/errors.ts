/**
 * The one base of every failure an upload can end with, whichever layer found it: the engine shows
 * any of them the same way (key to translate, code for support, retryable for the retry button).
 */
import type {ErrorKey} from './words.ts';

export interface PanErrorOptions {
  /** 123pan's body code, 'http-<status>', or a client-side code; the key when omitted. */
  code?: number | string;
  retryable?: boolean;
  traceID?: string;
  cause?: unknown;
}

export class PanError extends Error {
  override readonly name: string = 'PanError';
  readonly key: ErrorKey;
  readonly code: number | string;
  readonly retryable: boolean;
  /** 123pan's x-traceID: what its support asks for. */
  readonly traceID?: string;

  constructor(key: ErrorKey, message: string, options: PanErrorOptions = {}) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.key = key;
    this.code = options.code ?? key;
    this.retryable = options.retryable ?? false;
    this.traceID = options.traceID || undefined;
  }
}
