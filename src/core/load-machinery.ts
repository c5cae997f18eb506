/**
 * The one load of the machinery (API client, protocols, hashing pool, the file pipeline) for every
 * manager on the page: on the first file queued, not up front.
 */
type Machinery = typeof import('./machinery.ts');
let machinery: Promise<Machinery> | undefined;

/** A failed load (offline) is tried again by the next task. */
export function loadMachinery(): Promise<Machinery> {
  machinery ??= import('./machinery.ts').catch((error: unknown) => {
    machinery = undefined;
    throw error;
  });
  return machinery;
}

/** Starts the load early; a failure surfaces on the task that needs the machinery. */
export function prefetchMachinery(): void {
  loadMachinery().catch(() => {});
}
