import {HashError} from './hash-error.ts';
import {ModuleWorker as Worker} from '../shared/module-worker.ts';
import type {HashEngine, HashProgress, HashReply, HashRequest, HashTuning, SliceHelperRequest} from './types.ts';

export interface HashPoolOptions {
  /** Most workers alive at once; each runs one job at a time. */
  size?: number;
  /** How a worker is made; tests substitute workers that die. */
  createWorker?: () => Worker;
  /** A busy worker silent this long is declared dead and replaced, so a job never hangs. */
  stallTimeout?: number;
  /** An idle worker is ended after this long, giving its memory back. */
  idleTimeout?: number;
  tuning?: Partial<HashTuning>;
  /** Let a job take a second idle worker, to hash its slices, or a big file's bytes the first reads, on another core (default true). */
  helpers?: boolean;
}

export interface HashJob {
  blob: Blob;
  sliceSize?: number;
  engine: HashEngine;
  signal?: AbortSignal;
  onProgress?: (p: HashProgress) => void;
}

export type HashResult = Extract<HashReply, {type: 'done'}>;

interface QueuedJob extends HashJob {
  resolve(result: HashResult): void;
  reject(reason: unknown): void;
}

/**
 * 8 MiB chunks (at most 24 MiB per job: the one being read and two at the hashing worker), read by BYOB into
 * buffers each worker keeps. Chosen with `HASH_BENCH_TUNE=1 npm run bench:hash`: 8–32 MiB chunks cost about the
 * same wall time, and BYOB into kept buffers took ~20% less CPU per byte than a fresh `arrayBuffer()` per chunk and
 * kept the browser ~100 MiB smaller (the collector fell behind on the fresh ones). `readAhead` applies to 'slices'.
 */
export const defaultTuning: HashTuning = {chunkSize: 8 * 1024 * 1024, readAhead: 2, readMethod: 'byob'};

/** From this size a whole-file job is read by one worker and hashed by another. */
export const PIPELINE_MIN_SIZE = 32 * 1024 * 1024;

function createMD5Worker(): Worker {
  return new Worker(new URL('./md5.worker.ts', import.meta.url), {type: 'module'});
}

function describe(blob: Blob): string {
  return blob instanceof File ? `"${blob.name}"` : `a ${blob.size}-byte blob`;
}

/** Where to look when a worker's script is refused. */
const CSP_HINT = "a Content-Security-Policy must allow it in worker-src: 'self' for the package build, blob: for the single-file bundle or a build served from another origin";

/** Workers that hash, one job each; jobs beyond the pool's size wait in order. */
export class HashPool {
  private readonly size: number;
  private readonly createWorker: () => Worker;
  private readonly stallTimeout: number;
  private readonly idleTimeout: number;
  private readonly tuning: HashTuning;
  private readonly helpers: boolean;
  private readonly idle = new Map<Worker, ReturnType<typeof setTimeout>>();
  private readonly queue: QueuedJob[] = [];
  private readonly live = new Set<Worker>();
  private nextJobID = 1;

  constructor(options: HashPoolOptions = {}) {
    this.size = Math.max(1, Math.floor(options.size ?? defaultPoolSize()));
    this.createWorker = options.createWorker ?? createMD5Worker;
    this.stallTimeout = options.stallTimeout ?? 60_000;
    this.idleTimeout = options.idleTimeout ?? 30_000;
    this.tuning = {...defaultTuning, ...options.tuning};
    this.helpers = options.helpers ?? true;
  }

  /** Workers currently alive (busy or idle). */
  get workerCount(): number {
    return this.live.size;
  }

  run(job: HashJob): Promise<HashResult> {
    return new Promise<HashResult>((resolve, reject) => {
      if (job.signal?.aborted) {
        reject(job.signal.reason);
        return;
      }
      const queued: QueuedJob = {...job, resolve, reject};
      const onAbort = () => {
        const at = this.queue.indexOf(queued);
        if (at >= 0) {
          this.queue.splice(at, 1);
          reject(job.signal!.reason);
        }
      };
      job.signal?.addEventListener('abort', onAbort, {once: true});
      queued.resolve = (result) => (job.signal?.removeEventListener('abort', onAbort), resolve(result));
      queued.reject = (reason) => (job.signal?.removeEventListener('abort', onAbort), reject(reason));
      this.queue.push(queued);
      this.pump();
    });
  }

  /** Ends every idle worker now; busy ones end when their job does. */
  close(): void {
    for (const worker of [...this.idle.keys()]) this.discard(worker);
  }

  private pump(): void {
    while (this.queue.length > 0 && this.canAcquire()) {
      const job = this.queue.shift()!;
      const worker = this.acquire(job);
      if (!worker) continue;
      // A second worker (when one is free and no other job waits for it) hashes the slices, or, for the
      // whole file alone, hashes while the first only reads: worth its start-up only for a big file.
      const wantsHelper = this.helpers && (job.sliceSize !== undefined ? job.blob.size > job.sliceSize : job.blob.size >= PIPELINE_MIN_SIZE);
      const helper = wantsHelper && this.queue.length === 0 && this.canAcquire() ? this.acquire(job) : undefined;
      this.start(job, worker, helper);
    }
  }

  private canAcquire(): boolean {
    return this.idle.size > 0 || this.live.size < this.size;
  }

  /** An idle worker, or a new one; undefined (and the job rejected) when none can be started. */
  private acquire(job: QueuedJob): Worker | undefined {
    const reused = this.idle.keys().next();
    if (!reused.done) {
      clearTimeout(this.idle.get(reused.value));
      this.idle.delete(reused.value);
      return reused.value;
    }
    let worker: Worker;
    try {
      worker = this.createWorker();
    } catch (error) {
      // WebKit refuses a worker its page's CSP forbids here, with a SecurityError, where others fire 'error' later.
      const hint = error instanceof DOMException && error.name === 'SecurityError' ? ` (${CSP_HINT})` : '';
      job.reject(new HashError(`Could not start a hash worker for ${describe(job.blob)}: ${String(error)}${hint}`, {cause: error}));
      return undefined;
    }
    this.live.add(worker);
    // A worker that dies between jobs is dropped at once rather than handed the next job.
    worker.addEventListener('error', () => {
      if (this.idle.has(worker)) this.discard(worker);
    });
    return worker;
  }

  private start(job: QueuedJob, worker: Worker, helper: Worker | undefined): void {
    const jobID = this.nextJobID++;
    const what = describe(job.blob);
    const workers = helper ? [worker, helper] : [worker];
    let stallTimer: ReturnType<typeof setTimeout> | undefined;

    const detach = () => {
      clearTimeout(stallTimer);
      worker.removeEventListener('message', onMessage);
      for (const w of workers) {
        w.removeEventListener('error', onError);
        w.removeEventListener('messageerror', onMessageError);
      }
      job.signal?.removeEventListener('abort', onAbort);
    };
    // The workers cannot be trusted any more: end them; the next job gets fresh ones.
    const fail = (reason: unknown) => {
      detach();
      for (const w of workers) this.discard(w);
      job.reject(reason);
    };
    const armStall = () => {
      clearTimeout(stallTimer);
      stallTimer = setTimeout(
        () => fail(new HashError(`The hash worker went silent for ${this.stallTimeout} ms while hashing ${what}; it was replaced.`)),
        this.stallTimeout,
      );
    };
    const onMessage = (event: MessageEvent<HashReply>) => {
      const reply = event.data;
      if (reply.jobID !== jobID) return;
      armStall();
      if (reply.type === 'progress') {
        job.onProgress?.({loaded: reply.loaded, total: job.blob.size});
        return;
      }
      detach();
      for (const w of workers) this.release(w);
      if (reply.type === 'done') {
        job.onProgress?.({loaded: job.blob.size, total: job.blob.size});
        job.resolve(reply);
      } else {
        job.reject(new HashError(`Hashing ${what} failed: ${reply.message}`));
      }
    };
    const onError = (event: Event) => {
      event.preventDefault();
      // A plain Event (no message) is what a worker whose script could not load fires: most often a
      // Content-Security-Policy whose worker-src refuses it, so say which directive to check.
      const detail =
        event instanceof ErrorEvent && event.message
          ? event.message
          : `its script could not load (${CSP_HINT}), or it ran out of memory`;
      fail(new HashError(`The hash worker died while hashing ${what} (${detail}); it was replaced.`, {cause: event}));
    };
    const onMessageError = (event: Event) =>
      fail(new HashError(`The hash worker sent a message that could not be read while hashing ${what}; it was replaced.`, {cause: event}));
    // Ending the workers is the only way to stop a read or a hash already under way, and it is immediate.
    const onAbort = () => fail(job.signal!.reason);

    worker.addEventListener('message', onMessage);
    for (const w of workers) {
      w.addEventListener('error', onError);
      w.addEventListener('messageerror', onMessageError);
    }
    job.signal?.addEventListener('abort', onAbort, {once: true});
    let port: MessagePort | undefined;
    if (helper) {
      const channel = new MessageChannel();
      helper.postMessage({type: 'slices', port: channel.port2} satisfies SliceHelperRequest, [channel.port2]);
      port = channel.port1;
    }
    const request: HashRequest = {
      type: 'hash',
      jobID,
      blob: job.blob,
      sliceSize: job.sliceSize,
      engine: job.engine,
      helper: port,
      ...this.tuning,
    };
    worker.postMessage(request, port ? [port] : []);
    armStall();
  }

  private release(worker: Worker): void {
    this.idle.set(
      worker,
      setTimeout(() => this.discard(worker), this.idleTimeout),
    );
    this.pump();
  }

  private discard(worker: Worker): void {
    clearTimeout(this.idle.get(worker));
    this.idle.delete(worker);
    worker.terminate();
    this.live.delete(worker);
    this.pump();
  }
}

/** One worker per core, at most four: the page's thread only relays messages, and more files at once gain nothing. */
function defaultPoolSize(): number {
  const cores = typeof navigator !== 'undefined' && navigator.hardwareConcurrency > 0 ? navigator.hardwareConcurrency : 2;
  return Math.min(4, cores);
}
