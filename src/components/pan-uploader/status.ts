/** How the element groups the engine's statuses: which buttons a row offers, what keeps the form invalid. */
import {ACTIVE} from '../../core/status.ts';
import {UploadStatus} from '../../core/types.ts';

/** Running (being prepared, hashed, or talking to 123pan: the engine's active statuses) or waiting for its turn. */
export function isPending(status: UploadStatus): boolean {
  return status === UploadStatus.QUEUED || ACTIVE.has(status);
}

/** Ended without the file on 123pan: retry applies. */
export function isFailed(status: UploadStatus): boolean {
  return status === UploadStatus.ERROR || status === UploadStatus.CANCELED;
}
