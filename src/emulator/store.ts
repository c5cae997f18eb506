/**
 * Where the emulator keeps uploaded bytes, and the in-memory store the browser uses.
 * The store computes MD5s, so hashing stays behind this interface (spark-md5 here, node:crypto on disk).
 */
import SparkMD5 from 'spark-md5';

export interface StoredBlob {
  key: string;
  size: number;
  /** Lower-case hex MD5 of the bytes. */
  md5: string;
}

/** Receives one blob chunk by chunk, hashing as it goes. */
export interface BlobWriter {
  /** Bytes written so far. */
  readonly size: number;
  write(chunk: Uint8Array): Promise<void>;
  close(): Promise<StoredBlob>;
  /** Throws the bytes away. */
  abort(): Promise<void>;
}

export interface BlobStore {
  writer(): BlobWriter;
  /** A new blob holding the given blobs end to end; they are consumed (their keys stop existing). MD5 by streaming. */
  join(keys: readonly string[]): Promise<StoredBlob>;
  read(key: string): AsyncIterable<Uint8Array>;
  delete(key: string): Promise<void>;
  clear(): Promise<void>;
}

let counter = 0;
const nextKey = () => `m${++counter}`;

/** Bytes kept as the chunks they arrived in; a join only links chunk lists, it never copies. */
export class MemoryBlobStore implements BlobStore {
  private blobs = new Map<string, Uint8Array[]>();

  writer(): BlobWriter {
    const chunks: Uint8Array[] = [];
    const hash = new SparkMD5.ArrayBuffer();
    let size = 0;
    let open = true;
    const store = this.blobs;
    return {
      get size() {
        return size;
      },
      async write(chunk) {
        if (!open) throw new Error('blob writer already closed');
        // A copy: the chunk may be a view into a larger buffer the caller reuses.
        const own = chunk.slice();
        chunks.push(own);
        size += own.byteLength;
        hash.append(own.buffer as ArrayBuffer);
      },
      async close() {
        open = false;
        const key = nextKey();
        store.set(key, chunks);
        return {key, size, md5: hash.end()};
      },
      async abort() {
        open = false;
        chunks.length = 0;
      },
    };
  }

  async join(keys: readonly string[]): Promise<StoredBlob> {
    const chunks: Uint8Array[] = [];
    for (const key of keys) {
      const part = this.blobs.get(key);
      if (!part) throw new Error(`no blob ${key}`);
      chunks.push(...part);
    }
    const hash = new SparkMD5.ArrayBuffer();
    let size = 0;
    for (const chunk of chunks) {
      hash.append(chunk.buffer as ArrayBuffer);
      size += chunk.byteLength;
    }
    for (const key of keys) this.blobs.delete(key);
    const key = nextKey();
    this.blobs.set(key, chunks);
    return {key, size, md5: hash.end()};
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const chunks = this.blobs.get(key);
    if (!chunks) throw new Error(`no blob ${key}`);
    yield* chunks;
  }

  async delete(key: string): Promise<void> {
    this.blobs.delete(key);
  }

  async clear(): Promise<void> {
    this.blobs.clear();
  }
}
