/**
 * What the element needs from the engine: the public surface of the upload queue. `UploadManager` is the
 * real one; a test hands the element a scripted one through `createManager()`.
 */
import type {FileWithPath, QueueTotals, RejectedFile, UploadManagerOptions, UploadTask} from './types.ts';

/** The queue the element drives; it dispatches the events of `UploadManagerEventMap`. */
export interface UploadEngine extends EventTarget {
  readonly tasks: readonly UploadTask[];
  setOptions(patch: Partial<UploadManagerOptions>): void;
  totals(): QueueTotals;
  addFiles(files: Iterable<File | FileWithPath>): {added: UploadTask[]; rejected: RejectedFile[]};
  start(): unknown;
  pause(id?: string): unknown;
  resume(id?: string): unknown;
  cancel(id?: string): unknown;
  retry(id?: string): unknown;
  remove(id: string): unknown;
  clear(): unknown;
  /** Files a record already has, listed as done (UploadManager has it; see there). */
  setExisting?(entries: readonly unknown[] | string): Promise<UploadTask[]>;
  /** Renames a file that has not started; answers why not, or undefined. */
  rename?(id: string, name: string): string | undefined;
  /** Moves a file to another place in the list. */
  move?(id: string, index: number): void;
  /** Image host URL import (UploadManager has it; an engine without it gets no URL field). */
  importURL?(url: string, options?: {fileName?: string; callBackUrl?: string}): {added: UploadTask[]; rejected: RejectedFile[]};
}
