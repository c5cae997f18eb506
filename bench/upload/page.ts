// The benchmark page: uploads whatever the driver set on <input id=files> with the real engine.
import {UploadManager} from '../../src/core/index.ts';
import type {UploadManagerOptions} from '../../src/core/index.ts';

export interface UploadRun {
  options: Partial<UploadManagerOptions>;
  /** Minted by the driver from the emulator; the page only passes it to the client. */
  accessToken: string;
}

export interface UploadRunResult {
  ms: number;
  /** From start to the moment the last file left hashing. */
  hashMs: number;
  succeeded: number;
  failed: number;
  errors: string[];
  files: {name: string; size: number; etag?: string; fileID?: number | string; status: string}[];
  /** Mean milliseconds a file spent in each status (where the time goes). */
  meanMsByStatus: Record<string, number>;
}

declare global {
  interface Window {
    runUpload(run: UploadRun): Promise<UploadRunResult>;
  }
}

window.runUpload = async ({options, accessToken}) => {
  const input = document.querySelector<HTMLInputElement>('#files')!;
  const manager = new UploadManager({...options, autoStart: false, resume: false, tokenProvider: async () => accessToken});
  const errors: string[] = [];
  let hashedAt = 0;
  const started = performance.now();
  const entered = new Map<string, number>();
  const spent: Record<string, number> = {};
  manager.addEventListener('status-change', (e) => {
    const now = performance.now();
    const {task, previous} = e.detail;
    if (previous === 'hashing') hashedAt = now;
    spent[previous] = (spent[previous] ?? 0) + now - (entered.get(task.id) ?? started);
    entered.set(task.id, now);
  });
  manager.addEventListener('upload-error', (e) => errors.push(`${e.detail.task.name}: ${e.detail.error.key} ${e.detail.error.message}`));
  const done = new Promise<{succeeded: number; failed: number}>((resolve) => manager.addEventListener('queue-complete', (e) => resolve(e.detail), {once: true}));
  const {rejected} = manager.addFiles(input.files!);
  for (const r of rejected) errors.push(r.reason);
  manager.start();
  const {succeeded, failed} = await done;
  const ms = performance.now() - started;
  return {
    ms,
    hashMs: hashedAt - started,
    succeeded,
    failed,
    errors: errors.slice(0, 10),
    meanMsByStatus: Object.fromEntries(Object.entries(spent).map(([k, v]) => [k, Math.round((v / manager.tasks.length) * 10) / 10])),
    files: manager.tasks.map((t) => ({name: t.name, size: t.size, etag: t.etag, fileID: t.fileID, status: t.status})),
  };
};
