/** A hash job failed for a reason other than an abort: a worker died or stalled, a read failed, an engine was unavailable. */
import {PanError} from '../shared/errors.ts';

export class HashError extends PanError {
  override readonly name = 'HashError';

  constructor(message: string, options: {cause?: unknown} = {}) {
    // Worth another try: a new worker replaces the one that failed.
    super('hash-failed', message, {retryable: true, cause: options.cause});
  }
}
