/** What a FileUpload takes from the queue that runs it: options, shared limits, wiring and events. */
import type {PanClient} from '../api/client.ts';
import type {HashEngine, HashFileOptions} from '../hash/types.ts';
import type {Protocols} from '../protocols/registry.ts';
import type {UploadFlow} from '../shared/words.ts';
import type {KnownHash} from './known-hashes.ts';
import type {PrepareStep} from './prepare.ts';
import type {ResumeRecorder} from './resume-recorder.ts';
import type {Semaphore} from './semaphore.ts';
import type {UploadManagerEventMap, UploadManagerOptions, UploadTask} from './types.ts';

/** MD5s of files and slices: the worker pool in a browser, anything with these two methods elsewhere. */
export interface Hasher {
  hashFile(file: Blob, options: HashFileOptions): Promise<{md5: string; sliceMD5s: string[]}>;
  hashBlob(blob: Blob, options: {signal?: AbortSignal; engine?: HashEngine}): Promise<string>;
}

/** The client and protocols one set of options builds. */
export interface Wiring {
  client: PanClient;
  protocols: Protocols;
}

export interface UploadContext {
  readonly options: UploadManagerOptions;
  readonly slots: {
    /** Files being hashed at once. */
    hash: Semaphore;
    /** Files past hashing that may be creating or sending at once. */
    file: Semaphore;
    /** Bodies (slices, single-step files) in flight across all files. */
    slice: Semaphore;
  };
  readonly recorder: ResumeRecorder;
  /** Run in order before hashing, on the files they apply to. */
  readonly prepareSteps: readonly PrepareStep[];
  /** MD5s already taken, so a file is not hashed twice. */
  readonly knownHashes: Map<string, KnownHash>;
  chooseFlow(task: UploadTask): UploadFlow;
  wiring(): Promise<Wiring>;
  hasher(): Promise<Hasher>;
  emit<K extends keyof UploadManagerEventMap>(type: K, detail: UploadManagerEventMap[K]['detail']): void;
  /** Bytes moved at `now`: the queue's speed meter takes a sample. */
  noteSent(now: number): void;
  /** Throttled queue-progress. */
  queueProgress(): void;
  /** Starts whatever may start now. */
  pump(): void;
}
