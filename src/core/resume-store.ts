/**
 * Resume records in IndexedDB: enough to continue an upload after a reload, never a token.
 * Every method swallows storage failures (private mode, quota, no IndexedDB): resuming is a
 * convenience, and an upload must not fail because it could not be recorded.
 */
import type {UploadFlow, UploadTarget} from './types.ts';

export interface ResumeRecord {
  /** File identity: see resumeKey(). */
  key: string;
  name: string;
  relativePath: string;
  size: number;
  lastModified: number;
  /** Whole-file MD5: a file changed in place with the same name, size and date is told apart by it. */
  etag: string;
  /** MD5 of the file's sample bytes (known-hashes.ts): when it still matches after a reload, `etag` is used without hashing again. */
  sample?: string;
  target: UploadTarget;
  parent: number | string;
  flow: UploadFlow;
  preuploadID: string;
  sliceSize: number;
  /** v2: the upload server the slices went to. */
  server?: string;
  /** sliceNo of every slice the server confirmed. */
  slicesDone: number[];
  createdAt: number;
}

const STORE = 'uploads';

export function resumeKey(f: {name: string; relativePath: string; size: number; lastModified: number; target: UploadTarget; parent: number | string}): string {
  return JSON.stringify([f.target, String(f.parent), f.relativePath, f.name, f.size, f.lastModified]);
}

export class ResumeStore {
  private readonly dbName: string;
  private readonly maxAgeMs: number;
  private db?: Promise<IDBDatabase | null>;
  constructor(dbName: string, maxAgeMs: number) {
    this.dbName = dbName;
    this.maxAgeMs = maxAgeMs;
  }

  private open(): Promise<IDBDatabase | null> {
    this.db ??= new Promise<IDBDatabase | null>((resolve) => {
      let request: IDBOpenDBRequest;
      try {
        // Throws in opaque-origin frames and some private modes.
        request = indexedDB.open(this.dbName, 1);
      } catch {
        return resolve(null);
      }
      request.onupgradeneeded = () => request.result.createObjectStore(STORE, {keyPath: 'key'});
      request.onsuccess = () => {
        const db = request.result;
        // Another page upgrading the schema must not be blocked by this one.
        db.onversionchange = () => db.close();
        resolve(db);
      };
      request.onerror = () => resolve(null);
      request.onblocked = () => resolve(null);
    }).then(async (db) => {
      if (db) await this.dropExpired(db);
      return db;
    });
    return this.db;
  }

  private run<T>(db: IDBDatabase, mode: IDBTransactionMode, work: (store: IDBObjectStore) => IDBRequest<T> | void): Promise<T | undefined> {
    return new Promise((resolve) => {
      try {
        const tx = db.transaction(STORE, mode);
        const request = work(tx.objectStore(STORE));
        tx.oncomplete = () => resolve(request ? request.result : undefined);
        tx.onerror = () => resolve(undefined);
        tx.onabort = () => resolve(undefined);
      } catch {
        resolve(undefined);
      }
    });
  }

  private async dropExpired(db: IDBDatabase): Promise<void> {
    const all = (await this.run<ResumeRecord[]>(db, 'readonly', (s) => s.getAll() as IDBRequest<ResumeRecord[]>)) ?? [];
    const old = all.filter((r) => !this.fresh(r));
    if (old.length) await this.run(db, 'readwrite', (s) => void old.forEach((r) => s.delete(r.key)));
  }

  private fresh(record: ResumeRecord): boolean {
    return Date.now() - record.createdAt <= this.maxAgeMs;
  }

  async get(key: string): Promise<ResumeRecord | undefined> {
    const db = await this.open();
    if (!db) return undefined;
    const record = await this.run<ResumeRecord>(db, 'readonly', (s) => s.get(key) as IDBRequest<ResumeRecord>);
    if (record && !this.fresh(record)) {
      await this.delete(key);
      return undefined;
    }
    return record;
  }

  async put(record: ResumeRecord): Promise<void> {
    const db = await this.open();
    if (db) await this.run(db, 'readwrite', (s) => s.put(record));
  }

  async delete(key: string): Promise<void> {
    const db = await this.open();
    if (db) await this.run(db, 'readwrite', (s) => s.delete(key));
  }

  async all(): Promise<ResumeRecord[]> {
    const db = await this.open();
    if (!db) return [];
    return ((await this.run<ResumeRecord[]>(db, 'readonly', (s) => s.getAll() as IDBRequest<ResumeRecord[]>)) ?? []).filter((r) => this.fresh(r));
  }

  close(): void {
    void this.db?.then((db) => db?.close());
    this.db = undefined;
  }
}
