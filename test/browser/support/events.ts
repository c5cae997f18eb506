import type {UploadManager, UploadManagerEventMap} from '../../../src/core/index.ts';

/** The next event of `type` that `where` accepts. */
export function next<K extends keyof UploadManagerEventMap>(m: UploadManager, type: K, where: (e: UploadManagerEventMap[K]) => boolean = () => true) {
  return new Promise<UploadManagerEventMap[K]>((resolve) => {
    const listener = (e: UploadManagerEventMap[K]) => {
      if (!where(e)) return;
      m.removeEventListener(type, listener);
      resolve(e);
    };
    m.addEventListener(type, listener);
  });
}

/** The counts of the next queue-complete. */
export const drained = (m: UploadManager) => next(m, 'queue-complete').then((e) => e.detail);
