/** Waiting that stops the moment a signal aborts: nothing scheduled survives a pause or a cancel. */

/** True for an abort (pause, cancel), whatever shape the abort took on its way up. */
export function isAbort(error: unknown, signal?: AbortSignal): boolean {
  if (signal?.aborted) return true;
  const e = error as {name?: string; code?: unknown} | null;
  return e?.name === 'AbortError' || e?.code === 'aborted';
}

/** Resolves after `ms`, or rejects with the signal's reason as soon as it aborts. */
export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, Math.max(0, ms));
    signal?.addEventListener('abort', onAbort, {once: true});
  });
}

/**
 * Settles like `shared`, unless this caller's signal aborts first. The shared work goes on for the
 * others waiting on it: one file paused must not fail a lookup that other files share.
 */
export function raceAbort<T>(shared: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return shared;
  if (signal.aborted) return Promise.reject(signal.reason);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason);
    signal.addEventListener('abort', onAbort, {once: true});
    shared.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}
