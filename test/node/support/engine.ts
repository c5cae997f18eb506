/** An UploadManager on a scripted transport, an MD5 hasher on the main thread and records in memory. */
import {createHash} from 'node:crypto';
import {PanClient} from '../../../src/api/client.ts';
import {DEFAULT_RATE_LIMITS} from '../../../src/api/rate-limit.ts';
import type {PrepareStep} from '../../../src/core/prepare.ts';
import type {ResumeRecord} from '../../../src/core/resume-store.ts';
import type {ResumeStorage} from '../../../src/core/resume-recorder.ts';
import type {Hasher} from '../../../src/core/upload-context.ts';
import {UploadManager, type UploadManagerOptions, type UploadStatus} from '../../../src/core/index.ts';
import type {HashFileOptions} from '../../../src/hash/types.ts';
import {ScriptedTransport} from './scripted-transport.ts';

export {next, drained} from '../../browser/support/events.ts';
export {makeFile} from '../../browser/support/files.ts';

export const API = 'https://api.test';
export const UPLOAD_SERVER = 'https://upload.test';

export const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** Every limit lifted: the tests are about order, not pacing. */
const UNLIMITED = Object.fromEntries(Object.keys(DEFAULT_RATE_LIMITS).map((path) => [path, Infinity]));

export class MemoryResumeStorage implements ResumeStorage {
  readonly records = new Map<string, ResumeRecord>();
  async get(key: string) {
    return this.records.get(key);
  }
  async put(record: ResumeRecord) {
    this.records.set(record.key, structuredClone(record));
  }
  async delete(key: string) {
    this.records.delete(key);
  }
  close() {}
}

/** MD5 by node:crypto; `gate` (when set) holds every hashFile until it resolves or the signal aborts. */
export class TestHasher implements Hasher {
  readonly files: {name: string; sliceSize?: number; signal?: AbortSignal}[] = [];
  blobs = 0;
  gate?: Promise<void>;

  async hashFile(file: Blob, options: HashFileOptions) {
    this.files.push({name: (file as File).name, sliceSize: options.sliceSize, signal: options.signal});
    if (this.gate) await raceSignal(this.gate, options.signal);
    options.signal?.throwIfAborted();
    const bytes = new Uint8Array(await file.arrayBuffer());
    const sliceMD5s: string[] = [];
    if (options.sliceSize) for (let at = 0; at < bytes.length; at += options.sliceSize) sliceMD5s.push(md5(bytes.subarray(at, at + options.sliceSize)));
    options.onProgress?.({loaded: bytes.length, total: bytes.length});
    return {md5: md5(bytes), sliceMD5s};
  }

  async hashBlob(blob: Blob) {
    this.blobs++;
    return md5(new Uint8Array(await blob.arrayBuffer()));
  }
}

function raceSignal(gate: Promise<void>, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    signal?.addEventListener('abort', () => reject(signal.reason), {once: true});
    gate.then(resolve);
  });
}

export interface Rig {
  manager: UploadManager;
  transport: ScriptedTransport;
  hasher: TestHasher;
  storage: MemoryResumeStorage;
  /** Every token the hook handed out, and whether each was forced. */
  tokens: boolean[];
  /** Each task's statuses in order, from queued. */
  statuses: (id: string) => UploadStatus[];
  events: string[];
}

export function rig(options: Partial<UploadManagerOptions> = {}, storage = new MemoryResumeStorage(), prepareSteps: PrepareStep[] = []): Rig {
  const transport = new ScriptedTransport();
  const hasher = new TestHasher();
  const tokens: boolean[] = [];
  const client = new PanClient({
    apiBase: API,
    transport,
    retryDelays: [1, 1, 1],
    rateLimits: UNLIMITED,
    tokenProvider: async ({forceRefresh}) => {
      tokens.push(forceRefresh);
      return `token-${tokens.length}`;
    },
  });
  const manager = new UploadManager({driveFlow: 'v2', progressIntervalMs: 0, ...options}, {client, hasher, resumeStorage: storage, prepareSteps});
  const seen = new Map<string, UploadStatus[]>();
  const events: string[] = [];
  manager.addEventListener('file-added', (e) => seen.set(e.detail.task.id, [e.detail.task.status]));
  manager.addEventListener('status-change', (e) => seen.get(e.detail.task.id)?.push(e.detail.task.status));
  for (const type of ['upload-start', 'upload-success', 'upload-error', 'queue-complete'] as const) manager.addEventListener(type, () => events.push(type));
  return {manager, transport, hasher, storage, tokens, statuses: (id) => seen.get(id) ?? [], events};
}
