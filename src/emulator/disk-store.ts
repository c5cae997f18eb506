/**
 * Bytes on disk for the Node host: each slice goes to its own file as it arrives, hashed with node:crypto
 * on the way. A joined blob is the ordered list of its slice files, hashed by streaming through them,
 * so a 10 GB upload never sits in memory and is never copied a second time on disk.
 */
import {createHash} from 'node:crypto';
import {createReadStream} from 'node:fs';
import {open, unlink} from 'node:fs/promises';
import {join} from 'node:path';
import type {BlobStore, BlobWriter, StoredBlob} from './store.ts';

interface DiskBlob {
  files: string[];
  size: number;
  md5: string;
}

const READ_CHUNK = 1024 * 1024;
const WRITE_BATCH = 1024 * 1024;

export class DiskBlobStore implements BlobStore {
  private blobs = new Map<string, DiskBlob>();
  private counter = 0;

  constructor(private readonly dir: string) {}

  writer(): BlobWriter {
    const key = `b${++this.counter}-${Date.now().toString(36)}`;
    const file = join(this.dir, key);
    const hash = createHash('md5');
    const opened = open(file, 'w');
    opened.catch(() => {});
    let size = 0;
    let closed = false;
    // Socket chunks are small: gather about a megabyte before each write to spare system calls.
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = async () => {
      if (pendingBytes === 0) return;
      const handle = await opened;
      const buffers = pending;
      const total = pendingBytes;
      pending = [];
      pendingBytes = 0;
      const written = (await handle.writev(buffers)).bytesWritten;
      if (written < total) {
        const rest = Buffer.concat(buffers).subarray(written);
        for (let at = 0; at < rest.length; ) at += (await handle.write(rest, at, rest.length - at)).bytesWritten;
      }
    };
    const blobs = this.blobs;
    return {
      get size() {
        return size;
      },
      async write(chunk) {
        if (closed) throw new Error('blob writer already closed');
        hash.update(chunk);
        size += chunk.byteLength;
        pending.push(chunk);
        pendingBytes += chunk.byteLength;
        if (pendingBytes >= WRITE_BATCH) await flush();
      },
      async close(): Promise<StoredBlob> {
        closed = true;
        await flush();
        await (await opened).close();
        const md5 = hash.digest('hex');
        blobs.set(key, {files: [file], size, md5});
        return {key, size, md5};
      },
      async abort() {
        closed = true;
        pending = [];
        await (await opened).close().catch(() => {});
        await unlink(file).catch(() => {});
      },
    };
  }

  async join(keys: readonly string[]): Promise<StoredBlob> {
    const parts = keys.map((key) => {
      const blob = this.blobs.get(key);
      if (!blob) throw new Error(`no blob ${key}`);
      return blob;
    });
    const files = parts.flatMap((p) => p.files);
    const hash = createHash('md5');
    let size = 0;
    for (const file of files) {
      for await (const chunk of createReadStream(file, {highWaterMark: READ_CHUNK})) {
        hash.update(chunk as Buffer);
        size += (chunk as Buffer).byteLength;
      }
    }
    for (const key of keys) this.blobs.delete(key);
    const key = `j${++this.counter}-${Date.now().toString(36)}`;
    const md5 = hash.digest('hex');
    this.blobs.set(key, {files, size, md5});
    return {key, size, md5};
  }

  async *read(key: string): AsyncIterable<Uint8Array> {
    const blob = this.blobs.get(key);
    if (!blob) throw new Error(`no blob ${key}`);
    for (const file of blob.files) {
      for await (const chunk of createReadStream(file, {highWaterMark: READ_CHUNK})) yield chunk as Buffer;
    }
  }

  async delete(key: string): Promise<void> {
    const blob = this.blobs.get(key);
    if (!blob) return;
    this.blobs.delete(key);
    await Promise.all(blob.files.map((file) => unlink(file).catch(() => {})));
  }

  /** Deletes what exists now; blobs written after the call survive. */
  async clear(): Promise<void> {
    const files = [...this.blobs.values()].flatMap((b) => b.files);
    this.blobs.clear();
    await Promise.all(files.map((file) => unlink(file).catch(() => {})));
  }
}
