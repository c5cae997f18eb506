/** A hash job failed for a reason other than an abort: a worker died or stalled, a read failed, an engine was unavailable. */
export class HashError extends Error {
  override readonly name = 'HashError';

  constructor(message: string, options?: {cause?: unknown}) {
    super(message, options);
  }
}
