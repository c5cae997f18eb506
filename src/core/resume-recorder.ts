/**
 * What an upload leaves behind to continue after a reload: one record per file, written in order
 * (a later write never lands before an earlier one), dropped when stale or finished.
 */
import type {UploadSession} from '../protocols/types.ts';
import type {UploadFlow} from '../shared/words.ts';
import {resumeKey, type ResumeRecord} from './resume-store.ts';
import type {UploadTask} from './types.ts';

/** Where records live: IndexedDB in a browser (ResumeStore), anything with these four methods elsewhere. */
export interface ResumeStorage {
  get(key: string): Promise<ResumeRecord | undefined>;
  put(record: ResumeRecord): Promise<void>;
  delete(key: string): Promise<void>;
  close(): void;
}

export class ResumeRecorder {
  private readonly storage: ResumeStorage;
  /** Per record key, the writes not yet done. */
  private readonly writes = new Map<string, Promise<void>>();
  constructor(storage: ResumeStorage) {
    this.storage = storage;
  }

  /** The record of this file when it still fits (same MD5, same flow); a stale one is deleted. */
  async load(key: string, etag: string, flow: UploadFlow): Promise<ResumeRecord | undefined> {
    await this.writes.get(key);
    const record = await this.storage.get(key);
    if (!record) return undefined;
    if (record.etag !== etag || record.flow !== flow) {
      await this.storage.delete(key);
      return undefined;
    }
    return record;
  }

  /** The record under `key` as it is, checked by nothing (to reuse its MD5 when its sample still matches). */
  async peek(key: string): Promise<ResumeRecord | undefined> {
    await this.writes.get(key);
    return this.storage.get(key).catch(() => undefined);
  }

  save(record: ResumeRecord): void {
    this.queue(record.key, () => this.storage.put(record));
  }

  forget(key: string): void {
    this.queue(key, () => this.storage.delete(key));
  }

  /** Resolves once every write asked for so far is done. */
  async flush(): Promise<void> {
    await Promise.all([...this.writes.values()]);
  }

  /** Closes the storage once the pending writes are done. */
  close(): void {
    void this.flush().then(() => this.storage.close());
  }

  private queue(key: string, write: () => Promise<void>): void {
    // A record that cannot be written must not fail the upload: resuming is a convenience.
    const done = (this.writes.get(key) ?? Promise.resolve()).then(write).catch(() => undefined).then(() => {
      if (this.writes.get(key) === done) this.writes.delete(key);
    });
    this.writes.set(key, done);
  }
}

export function recordKeyOf(task: UploadTask, parent: number | string): string {
  return resumeKey({name: task.name, relativePath: task.relativePath, size: task.size, lastModified: task.file.lastModified, target: task.target, parent});
}

/** A task's session as it stands: enough to continue it, never a token. */
export function recordOf(task: UploadTask, parent: number | string, etag: string, sample: string | undefined, session: UploadSession, confirmed: ReadonlySet<number>): ResumeRecord {
  return {
    key: recordKeyOf(task, parent),
    name: task.name,
    relativePath: task.relativePath,
    size: task.size,
    lastModified: task.file.lastModified,
    etag,
    ...(sample ? {sample} : {}),
    target: task.target,
    parent,
    flow: session.flow,
    preuploadID: session.preuploadID,
    sliceSize: session.sliceSize,
    server: session.server,
    slicesDone: [...confirmed].sort((a, b) => a - b),
    createdAt: Date.now(),
  };
}
