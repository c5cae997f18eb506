/**
 * The DOM events <pan-uploader> dispatches, with their details. All bubble and cross shadow roots (composed).
 */
import type {ErrorKey, RejectKey, UploadPhase, UploadTarget} from '../../core/types.ts';

export interface PanFileAddedDetail {
  id: string;
  name: string;
  /** Folder path inside a dropped or picked directory, '' when none. */
  relativePath: string;
  size: number;
}

export interface PanFileRejectedDetail {
  name: string;
  /** Plain English, naming the file and the reason. */
  reason: string;
  key: RejectKey;
  relativePath: string;
  size: number;
}

export interface PanUploadStartDetail {
  id: string;
  name: string;
  size: number;
}

export interface PanUploadProgressDetail {
  id: string;
  loaded: number;
  total: number;
  phase: UploadPhase;
}

export interface PanUploadSuccessDetail {
  id: string;
  name: string;
  size: number;
  etag: string;
  fileID: number | string;
  downloadURL?: string;
  /** True when 123pan already held the file (秒传). */
  reused: boolean;
  target: UploadTarget;
  relativePath: string;
}

export interface PanUploadErrorDetail {
  id: string;
  name: string;
  /** 123pan's body code, the HTTP status, or a client-side key. */
  code: number | string;
  message: string;
  traceID?: string;
  retryable: boolean;
  key: ErrorKey;
}

export interface PanQueueCompleteDetail {
  succeeded: number;
  failed: number;
}

export interface PanUploaderEventMap {
  'pan-file-added': CustomEvent<PanFileAddedDetail>;
  'pan-file-rejected': CustomEvent<PanFileRejectedDetail>;
  'pan-upload-start': CustomEvent<PanUploadStartDetail>;
  'pan-upload-progress': CustomEvent<PanUploadProgressDetail>;
  'pan-upload-success': CustomEvent<PanUploadSuccessDetail>;
  'pan-upload-error': CustomEvent<PanUploadErrorDetail>;
  'pan-queue-complete': CustomEvent<PanQueueCompleteDetail>;
}

declare global {
  interface HTMLElementEventMap extends PanUploaderEventMap {}
}
