/**
 * One interface over 123pan's four upload flows, so the engine drives them all the same way:
 * create (which may finish at once), send the slices not yet held, complete, resolve a link.
 */
import type {PanClient} from '../api/index.ts';
import type {UploadFlow} from '../core/types.ts';

/** What `create` needs to know about the file. */
export interface FileInfo {
  /** The name as sent: with its folder path (`/a/b/name.txt`) when `containDir`. */
  filename: string;
  containDir: boolean;
  /** Drive: a number (0 = root). Image host: a string ('' = root). */
  parentID: number | string;
  /** Whole-file MD5. */
  etag: string;
  size: number;
  /** 1 = keep both (the new one gets a suffix), 2 = overwrite. */
  duplicate: 1 | 2;
  /** Image host: folders ("a/b") to find or make under parentID, which has no containDir. */
  relativePath?: string;
}

/** An upload 123pan has opened: what the slices and the completion are sent against. */
export interface UploadSession {
  flow: UploadFlow;
  preuploadID: string;
  /** Exactly as the server gave it: slices are this long, the last one shorter. */
  sliceSize: number;
  /** v2: the upload server (from `servers`) the slices go to. */
  server?: string;
}

export type CreateResult =
  | {kind: 'done'; fileID: number | string; reused: boolean}
  | {kind: 'session'; session: UploadSession};

export interface SliceInput {
  /** From 1. */
  sliceNo: number;
  blob: Blob;
  /** The slice's MD5, computed only when the flow needs it. */
  md5: () => Promise<string>;
}

export interface RequestOptions {
  signal: AbortSignal;
  /** Bytes of the body sent so far. */
  onProgress?: (loaded: number) => void;
}

export interface LinkResult {
  downloadURL?: string;
  userSelfURL?: string;
  /** Why there is no downloadURL. */
  downloadURLError?: string;
}

export interface UploadProtocol {
  readonly flow: UploadFlow;
  /** Opens the upload; 'done' when 123pan already holds the file (reuse) or the flow sent it whole. `file` is only read by flows that send it whole. */
  create(file: Blob, info: FileInfo, options: RequestOptions): Promise<CreateResult>;
  /** Slices the server already holds, sliceNo → their MD5 ('' when it does not say); null when the flow cannot list them. */
  listParts(session: UploadSession, options: RequestOptions): Promise<Map<number, string> | null>;
  sendSlice(session: UploadSession, slice: SliceInput, options: RequestOptions): Promise<void>;
  /** Asks 123pan to join and verify the slices, polling until it has; resolves the new fileID. */
  complete(session: UploadSession, options: RequestOptions): Promise<number | string>;
  /** A download link for the new file, or why there is none. Never throws. */
  resolveURL(fileID: number | string, options: RequestOptions): Promise<LinkResult>;
}

export interface ProtocolDeps {
  client: PanClient;
  /** Overall deadline for completion, ms. */
  completeTimeoutMs: number;
  /** Between completion polls, ms (at least 1000). */
  pollIntervalMs: number;
  driveLink: 'download_info' | 'direct-link' | 'none';
}
