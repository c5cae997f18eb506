/**
 * 123pan's upload flows as the engine sees them: each says how its bytes travel and what it can do
 * (resume, list parts, a guessed sliceSize), so the engine runs them by capability, not by name.
 */
import type {PanClient} from '../api/index.ts';
import type {UploadFlow} from '../shared/words.ts';

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
  /** Folders ("a/b") to find or make under parentID (mkdir), the file going into the last one. */
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

/** What every flow does once the file is in 123pan. */
interface FlowBase {
  readonly flow: UploadFlow;
  /** A download link for the new file, or why there is none. Never throws but on abort. */
  resolveURL(fileID: number | string, options: RequestOptions): Promise<LinkResult>;
}

/** The whole body goes in create itself (single-step): no slices, no session, nothing to resume. */
export interface WholeBodyProtocol extends FlowBase {
  readonly sends: 'whole';
  /** Bytes of the body are reported through `onProgress`; 'done' when 123pan holds the file. */
  create(file: Blob, info: FileInfo, options: RequestOptions): Promise<Extract<CreateResult, {kind: 'done'}>>;
  /** Starts what every create needs and no file decides (an upload domain), while the file is still hashing. */
  prefetch?(): void;
}

/** create opens a session (or reuses the file at once), slices go one by one, complete joins them. */
export interface SlicedProtocol extends FlowBase {
  readonly sends: 'slices';
  /** A session outlives the page: the engine keeps resume records and continues it after a reload. */
  readonly resumable: boolean;
  /** Opens the upload; 'done' when 123pan already holds the file (reuse). The bytes are not read. */
  create(file: Blob, info: FileInfo, options: RequestOptions): Promise<CreateResult>;
  /**
   * Where the server can say which slices it holds: sliceNo → their MD5 ('' when it does not say), or
   * null when it would not tell (the record's own list then stands). Absent: a flow with no listing.
   */
  listParts?(session: UploadSession, options: RequestOptions): Promise<Map<number, string> | null>;
  sendSlice(session: UploadSession, slice: SliceInput, options: RequestOptions): Promise<void>;
  /** Asks 123pan to join and verify the slices, polling until it has; resolves the new fileID. */
  complete(session: UploadSession, options: RequestOptions): Promise<number | string>;
}

/** A file 123pan fetches itself from an address: nothing is hashed or sent from the browser. */
export interface RemoteSource {
  url: string;
  fileName: string;
  /** Destination folder; '' = the flow's default. */
  parentID: string;
  callBackUrl?: string;
  /** The server's task, once made (kept across pause and resume, so a resumed import polls it again). */
  taskID?: number;
}

export interface RemoteResult {
  fileID: number | string;
  size: number;
  etag: string;
  downloadURL?: string;
  userSelfURL?: string;
}

export interface RemoteProtocol {
  readonly flow: UploadFlow;
  readonly sends: 'none';
  /** Progress is in percent (0..100); `onTask` fires once the server's task exists. */
  fetch(
    source: RemoteSource,
    options: {signal: AbortSignal; onTask: (taskID: number) => void; onProgress: (percent: number) => void},
  ): Promise<RemoteResult>;
}

/** The flows, told apart by how their bytes travel (`sends`), never by name. */
export type UploadProtocol = WholeBodyProtocol | SlicedProtocol | RemoteProtocol;

export interface ProtocolDeps {
  client: PanClient;
  /** Overall deadline for completion, ms. */
  completeTimeoutMs: number;
  /** Between completion polls, ms (at least 1000). */
  pollIntervalMs: number;
  driveLink: 'download_info' | 'direct-link' | 'none';
}
