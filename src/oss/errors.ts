/** Why an image-host request was refused before it was sent, or why a task did not end well. */
import type {ErrorKey, RejectKey} from '../core/types.ts';

/** Bad input, refused before anything is sent. `key` says which rule; the message names the field. */
export class OssInputError extends RangeError {
  override readonly name = 'OssInputError';
  constructor(
    readonly key: RejectKey | 'bad-input',
    message: string,
  ) {
    super(message);
  }
}

/** A task 123pan ran (or was waited for) that did not give the expected result. */
export class OssTaskError extends Error {
  override readonly name = 'OssTaskError';
  readonly code: string;
  readonly retryable: boolean;
  constructor(
    readonly key: ErrorKey,
    message: string,
    readonly taskID: number | string,
    options: {retryable?: boolean; cause?: unknown} = {},
  ) {
    super(message, options.cause === undefined ? undefined : {cause: options.cause});
    this.code = key;
    this.retryable = options.retryable ?? false;
  }
}
