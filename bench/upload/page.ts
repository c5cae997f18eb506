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

/** For the browser's own floor: the same slices by bare XHR, MD5s given, no engine. */
export interface RawRun {
  apiBase: string;
  accessToken: string;
  etag: string;
  sliceMD5s: string[];
  concurrency: number;
}

declare global {
  interface Window {
    runUpload(run: UploadRun): Promise<UploadRunResult>;
    rawUpload(run: RawRun): Promise<{ms: number}>;
  }
}

window.rawUpload = async ({apiBase, accessToken, etag, sliceMD5s, concurrency}) => {
  const file = document.querySelector<HTMLInputElement>('#files')!.files![0]!;
  const headers = {Authorization: `Bearer ${accessToken}`, Platform: 'open_platform', 'Content-Type': 'application/json'};
  const api = async <T>(path: string, json: unknown): Promise<T> => {
    const body = await (await fetch(`${apiBase}${path}`, {method: 'POST', headers, body: JSON.stringify(json)})).json();
    if (body.code !== 0) throw new Error(`${path}: ${body.code} ${body.message}`);
    return body.data as T;
  };
  const started = performance.now();
  const created = await api<{preuploadID: string; sliceSize: number; servers: string[]}>('/upload/v2/file/create', {
    parentFileID: 0, filename: `raw-${file.name}`, etag, size: file.size, duplicate: 1,
  });
  const send = (sliceNo: number) =>
    new Promise<void>((resolve, reject) => {
      const form = new FormData();
      form.append('preuploadID', created.preuploadID);
      form.append('sliceNo', String(sliceNo));
      form.append('sliceMD5', sliceMD5s[sliceNo - 1]!);
      const start = (sliceNo - 1) * created.sliceSize;
      form.append('slice', file.slice(start, start + created.sliceSize), `slice-${sliceNo}`);
      const xhr = new XMLHttpRequest();
      xhr.open('POST', `${created.servers[0]}/upload/v2/file/slice`);
      xhr.setRequestHeader('Authorization', headers.Authorization);
      xhr.setRequestHeader('Platform', 'open_platform');
      xhr.onload = () => (JSON.parse(xhr.responseText).code === 0 ? resolve() : reject(new Error(xhr.responseText)));
      xhr.onerror = () => reject(new Error('network'));
      xhr.send(form);
    });
  let next = 1;
  await Promise.all(Array.from({length: concurrency}, async () => {
    while (next <= sliceMD5s.length) await send(next++);
  }));
  for (;;) {
    const done = await api<{completed: boolean; fileID: number}>('/upload/v2/file/upload_complete', {preuploadID: created.preuploadID});
    if (done.completed && done.fileID) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  return {ms: performance.now() - started};
};

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
