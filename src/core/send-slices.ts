/**
 * The send step of a sliced flow: slices in order, as many in flight as the shared slots allow. A
 * failed slice stops its siblings at once (the API client has already retried it), and the step
 * ends only when every slice it started has settled, so nothing is left running behind a failure.
 */
import type {SlicedProtocol, UploadSession} from '../protocols/types.ts';
import type {Semaphore} from './semaphore.ts';

export interface SliceSending {
  /** Shared by every file: bodies in flight across the queue. */
  slots: Semaphore;
  signal: AbortSignal;
  slice(sliceNo: number): Blob;
  md5(sliceNo: number, signal: AbortSignal): Promise<string>;
  /** Bytes of this slice sent so far (capped at its size). */
  onProgress(sliceNo: number, loaded: number): void;
  onSent(sliceNo: number): void;
  onFailed(sliceNo: number): void;
}

export async function sendSlices(protocol: SlicedProtocol, session: UploadSession, pending: readonly number[], sending: SliceSending): Promise<void> {
  const {slots, signal} = sending;
  const local = new AbortController();
  const stop = () => local.abort(signal.reason);
  signal.addEventListener('abort', stop, {once: true});
  let failure: unknown;
  const running = new Set<Promise<void>>();
  try {
    for (const sliceNo of pending) {
      try {
        await slots.acquire(local.signal);
      } catch {
        break;
      }
      const blob = sending.slice(sliceNo);
      const sent = protocol
        .sendSlice(
          session,
          {sliceNo, blob, md5: () => sending.md5(sliceNo, local.signal)},
          {signal: local.signal, onProgress: (loaded) => sending.onProgress(sliceNo, Math.min(loaded, blob.size))},
        )
        .then(() => sending.onSent(sliceNo))
        .catch((error) => {
          sending.onFailed(sliceNo);
          failure ??= error;
          local.abort(error);
        })
        .finally(() => {
          slots.release();
          running.delete(sent);
        });
      running.add(sent);
    }
    while (running.size) await Promise.all([...running]);
  } finally {
    signal.removeEventListener('abort', stop);
  }
  if (signal.aborted) throw signal.reason;
  if (failure !== undefined) throw failure;
}
