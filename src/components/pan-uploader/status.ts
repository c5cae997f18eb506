/** How the element groups the engine's statuses: which buttons a row offers, what keeps the form invalid. */
import {UploadStatus} from '../../core/types.ts';

const RUNNING: ReadonlySet<UploadStatus> = new Set([
  UploadStatus.PREPARING,
  UploadStatus.HASHING,
  UploadStatus.CREATING,
  UploadStatus.UPLOADING,
  UploadStatus.COMPLETING,
]);

/** Being prepared (page hook, image step), hashed, or talking to 123pan. */
export function isRunning(status: UploadStatus): boolean {
  return RUNNING.has(status);
}

/** Running or waiting for its turn. */
export function isPending(status: UploadStatus): boolean {
  return status === UploadStatus.QUEUED || RUNNING.has(status);
}

/** Ended without the file on 123pan: retry applies. */
export function isFailed(status: UploadStatus): boolean {
  return status === UploadStatus.ERROR || status === UploadStatus.CANCELED;
}
