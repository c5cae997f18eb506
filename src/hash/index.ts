// MD5 of files in Web Workers: the whole-file MD5 (123pan's `etag`) and each slice's MD5 (`sliceMD5`) from one read.
import {HashPool} from './pool.ts';
import type {FileHash, HashEngine, HashFileOptions} from './types.ts';

export {HashError} from './hash-error.ts';
export {HashPool} from './pool.ts';
export type {HashPoolOptions} from './pool.ts';
export type {FileHash, HashEngine, HashFileOptions, HashProgress} from './types.ts';

const engines: readonly HashEngine[] = ['auto', 'wasm', 'spark'];
let sharedPool: HashPool | undefined;

function pool(): HashPool {
  sharedPool ??= new HashPool();
  return sharedPool;
}

function checkBlob(blob: unknown, field: string): asserts blob is Blob {
  if (!(blob instanceof Blob)) throw new TypeError(`${field} must be a File or Blob, got ${blob === null ? 'null' : typeof blob}`);
}

function checkEngine(engine: unknown): asserts engine is HashEngine {
  if (!engines.includes(engine as HashEngine)) {
    throw new RangeError(`engine must be one of ${engines.join(', ')}, got ${JSON.stringify(engine)}`);
  }
}

/**
 * Hashes a file in a worker. With `sliceSize`, `sliceMD5s` holds the MD5 of each `sliceSize`-byte
 * slice (the last one shorter), computed during the same read as `md5`; a 0-byte file has no slices,
 * so its `sliceMD5s` is []. Rejects with `signal.reason` when aborted, with HashError when a worker
 * dies or a read fails.
 */
export async function hashFile(file: Blob, options: HashFileOptions = {}): Promise<FileHash> {
  const {sliceSize, signal, onProgress, engine = 'auto'} = options;
  checkBlob(file, 'file');
  checkEngine(engine);
  if (sliceSize !== undefined && !(Number.isSafeInteger(sliceSize) && sliceSize > 0)) {
    throw new RangeError(`sliceSize must be a positive whole number of bytes, got ${String(sliceSize)}`);
  }
  const {md5, sliceMD5s, engine: used} = await pool().run({blob: file, sliceSize, engine, signal, onProgress});
  return {md5, sliceMD5s, engine: used};
}

/** The MD5 of one blob (a slice re-cut to the server's `sliceSize`, say), in a worker. */
export async function hashBlob(blob: Blob, options: {signal?: AbortSignal; engine?: HashEngine} = {}): Promise<string> {
  const {signal, engine = 'auto'} = options;
  checkBlob(blob, 'blob');
  checkEngine(engine);
  const {md5} = await pool().run({blob, engine, signal});
  return md5;
}
