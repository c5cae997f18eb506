/** Which MD5 implementation a worker uses. 'auto' prefers WebAssembly and falls back to spark-md5. */
export type HashEngine = 'auto' | 'wasm' | 'spark';

export interface HashProgress {
  /** Bytes hashed so far. */
  loaded: number;
  total: number;
}

export interface HashFileOptions {
  /** When given, each slice's MD5 comes back too, from the same read of the file. */
  sliceSize?: number;
  /** Stops the work within one chunk; the promise rejects with the signal's reason. */
  signal?: AbortSignal;
  onProgress?: (p: HashProgress) => void;
  /** Default 'auto': WebAssembly (our own MD5 module, wasm-md5.ts), or spark-md5 when WebAssembly cannot be compiled (a CSP without 'wasm-unsafe-eval'). */
  engine?: HashEngine;
}

export interface FileHash {
  /** Whole-file MD5, lowercase hex: 123pan's `etag`. */
  md5: string;
  /** Each slice's MD5 (`sliceMD5`), slice 1 first; [] without `sliceSize`, and [] for a 0-byte file (it has no slices). */
  sliceMD5s: string[];
  /** The engine that actually ran. */
  engine: 'wasm' | 'spark';
}

/** How a worker reads a Blob; tunable so the benchmark can compare them. */
export type ReadMethod = 'slices' | 'stream' | 'sync' | 'byob';

/** Knobs of a hash job that callers of the public API never need to set. */
export interface HashTuning {
  /** Bytes read at a time. */
  chunkSize: number;
  /** Chunks requested ahead of the one being hashed. */
  readAhead: number;
  readMethod: ReadMethod;
}

/** Page → worker. */
export interface HashRequest extends HashTuning {
  type: 'hash';
  jobID: number;
  blob: Blob;
  sliceSize: number | undefined;
  engine: HashEngine;
  /** A second worker's port: when given, slice MD5s are hashed there, on another core, from chunks this worker has read. */
  helper: MessagePort | undefined;
}

/** Page → the second worker of a job: hash slices from the chunks that arrive on `port`. */
export interface SliceHelperRequest {
  type: 'slices';
  port: MessagePort;
}

/** Reading worker → slice worker, over the job's MessageChannel. */
export type SliceFeed =
  | {type: 'start'; engine: 'wasm' | 'spark'; sliceSize: number}
  | {type: 'chunk'; bytes: ArrayBuffer; offset: number; length: number}
  | {type: 'end'};

/** Slice worker → reading worker; each chunk's buffer comes back with its ack, to be read into again. */
export type SliceFeedReply = {type: 'ack'; bytes: ArrayBuffer} | {type: 'done'; sliceMD5s: string[]} | {type: 'error'; message: string};

/** Worker → page. */
export type HashReply =
  | {type: 'progress'; jobID: number; loaded: number}
  | {type: 'done'; jobID: number; md5: string; sliceMD5s: string[]; engine: 'wasm' | 'spark'}
  | {type: 'error'; jobID: number; message: string};
