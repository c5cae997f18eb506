/** Why an image-host request was refused before it was sent, or why a task did not end well. */
import {PanError} from '../shared/errors.ts';
import type {ErrorKey, RejectKey} from '../shared/words.ts';

/**
 * Bad input, refused before anything is sent. `key` says which rule; the message names the field.
 * A RangeError, not a PanError: it is the caller's mistake, never an upload that failed.
 */
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
export class OssTaskError extends PanError {
  override readonly name = 'OssTaskError';
  constructor(
    key: ErrorKey,
    message: string,
    readonly taskID: number | string,
    options: {retryable?: boolean; cause?: unknown} = {},
  ) {
    super(key, message, options);
  }
}
