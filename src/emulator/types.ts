/**
 * The emulator's public shapes: options, injected faults, what the inspector reports.
 * Browser-safe: no Node imports.
 */
import type {RequestHandler} from 'msw';
import type {BlobStore} from './store.ts';

/** Whether an origin lets browser pages in: `all` answers preflights and sends CORS headers; `none` does neither. */
export type CorsPolicy = 'all' | 'none';

/** The CORS policy of each of 123pan's origins: the API, the upload servers, the presigned storage hosts. */
export interface CorsOrigins {
  api: CorsPolicy;
  upload: CorsPolicy;
  storage: CorsPolicy;
}

export interface EmulatorOptions {
  /** Where the API lives. Default 'https://open-api.123pan.com'. */
  apiOrigin?: string;
  /** The v2 upload servers (`servers`) and the single-step domain. Default 'https://openapi-upload.123pan.com'. */
  uploadOrigin?: string;
  /** Where presigned PUT URLs and download links point. Default 'https://storage.123pan.example'. */
  storageOrigin?: string;
  /** Drive `sliceSize`. Default 16 MiB. */
  sliceSize?: number;
  /** Image host `sliceSize`. Default 100 MiB. */
  ossSliceSize?: number;
  /** Polls of upload_complete answering not-yet (alternately `completed: false` and code 20103) before success. Default 0. */
  completePolls?: number;
  /** Completion calls for one upload (upload_complete and upload_async_result alike) closer than this are refused with code 429. Default 1000. */
  minPollIntervalMs?: number;
  /** Lifetime of tokens minted by /api/v1/access_token and issueToken(). Default 30 days, as 123pan's. */
  tokenLifetimeMs?: number;
  /** Live tokens per client ID; minting one more logs the oldest out (its next call gets 401). Default 3, as 123pan's. */
  maxTokens?: number;
  /** Credentials /api/v1/access_token accepts. Defaults 'test-client' / 'test-secret'. */
  clientID?: string;
  clientSecret?: string;
  /**
   * Requests per second allowed per endpoint path, e.g. {'/upload/v2/file/create': 5}; beyond it: code 429.
   * A key ending in '*' ('/presigned/*') is one limit shared by every path under it.
   */
  qps?: Record<string, number>;
  /**
   * The account's tier, whose published QPS table applies under `qps` (which overrides it path by path):
   * 'free' (default: create 1/s, upload_complete 5/s, mkdir 5/s, access_token 8/s, download_info 2/s …),
   * 'vip', or 'none' (no limits but `qps`). Limits count every request of the account, whichever token sent it.
   */
  limits?: 'free' | 'vip' | 'none';
  /**
   * What /upload/v2/file/domain answers, as an origin or bare host on the upload server's port (the Node server
   * answers any host name of its address, e.g. 'http://localhost:PORT'). Default '': the upload origin.
   */
  singleDomain?: string;
  /**
   * The host `servers` and the single-step domain name instead of the upload server's own, e.g.
   * 'openapi-upload.123242.com' as 123pan's example names it (written in serverScheme, without a port).
   * The Node server answers whatever Host a request carries; a client must map the name to it. Default ''.
   */
  serverHost?: string;
  /** Hosts ('host:port') of retired upload domains: requests to them fail as a dead host does (no answer). Default []. */
  retiredHosts?: string[];
  /** Etags of files content review rejects: they are stored with `status` 101 and cannot be downloaded. Default []. */
  reviewRejects?: string[];
  /**
   * How `servers` and the single-step domain are written: 'https://host', 'http://host', or bare 'host'.
   * Default: the scheme of uploadOrigin.
   */
  serverScheme?: 'https' | 'http' | 'none';
  /**
   * Which origins let browser pages in: one policy for all three, or per origin (unnamed ones keep theirs).
   * Default `none` everywhere, the one that hurts: 123pan does not document CORS, so nothing may rely on it.
   * A refused cross-origin request fails as a browser sees it: in the page (msw) a network error; on the
   * Node server a preflight answered 403 without CORS headers, other requests without them.
   */
  cors?: CorsPolicy | Partial<CorsOrigins>;
  /** Where uploaded bytes live. Default: in memory. */
  store?: BlobStore;
  /** How long an image-host offline migration or copy task runs once started (copy tasks run one at a time). Default 2000. */
  ossTaskMs?: number;
}

/** The options in force, every one filled in. */
export type EmulatorSettings = Required<Omit<EmulatorOptions, 'store' | 'cors'>> & {cors: CorsOrigins};

/**
 * What a URL serves to the image host's offline migration (there is no network: other URLs fail as an
 * unreachable host would). `bytes` is served with HTTP 200 (a string as UTF-8, e.g. an SVG); `status`
 * makes the URL answer that HTTP error; `retries` makes the task show status 3 (retrying) that many
 * rounds of ossTaskMs before it downloads.
 */
export type RemoteSource =
  | {bytes: Uint8Array | ArrayBuffer | string; contentType?: string; retries?: number}
  | {status: number; retries?: number};

/** The POST the offline migration makes to a task's callBackUrl when it ends. */
export interface OfflineCallback {
  callBackUrl: string;
  /** status 0 = downloaded, 1 = failed. */
  body: {url: string; status: 0 | 1; failReason: string; fileID: string};
}

/**
 * A failure injected into matching requests.
 * `path` is a URL pathname ('/upload/v2/file/slice'), a prefix ending in '*' ('/presigned/*' for every
 * presigned PUT), or '*' for everything. With neither `times` nor `rate`, it applies to every match until cleared.
 * - drop: the connection closes before the request is processed (a network error; nothing changes on the server)
 * - reset: the request is processed (a slice is stored, a file created), then the connection closes unanswered
 *   (a browser may send such a request again by itself when the connection was a reused one)
 * - cut: the request is processed, then the connection breaks after the first bytes of the answer
 * - http500: HTTP 500 with a plain-text body, as a failing gateway answers
 * - code1: HTTP 200 with the envelope's code 1 (internal error, or `message`)
 * - '429' / '401': HTTP 429 / 401 with the matching envelope code (the body-only variants come from
 *   the real QPS limit and real token checks, which answer HTTP 200)
 * - slow: answered normally after `delayMs` (default 2000)
 * On the storage origin (presigned PUTs, downloads) code1 / 429 / 401 answer as S3 fails: HTTP 500 / 503 / 403.
 */
export interface Fault {
  path: string;
  kind: 'drop' | 'http500' | 'code1' | '429' | '401' | 'slow' | 'reset' | 'cut';
  /** At most this many matching requests fail. */
  times?: number;
  /** Probability (0..1) that a matching request fails. */
  rate?: number;
  delayMs?: number;
  /**
   * reset and cut only: fault only a request that succeeded (code 0), counted then; one refused is answered.
   * So "the answer to the send that stored the file was lost" holds whatever the client sent before it.
   */
  whenOk?: true;
  /** code1 only: the message the envelope carries (default 'internal error'), e.g. 'preuploadID must not be empty'. */
  message?: string;
}

export interface StoredFile {
  fileID: number | string;
  target: 'drive' | 'image';
  parentID: number | string;
  name: string;
  /** Full path from the target's root, e.g. '/photos/a.jpg'. */
  path: string;
  size: number;
  md5: string;
  createdAt: number;
}

export interface StoredFolder {
  id: number | string;
  target: 'drive' | 'image';
  parentID: number | string;
  name: string;
}

export interface RequestLogEntry {
  method: string;
  url: string;
  path: string;
  /** When the request arrived. */
  time: number;
  /** When it was answered, dropped, or given up because the client went away. */
  ended: number;
  /**
   * The client went away before the answer (a cancelled upload). Only a host that sees the connection
   * (the Node server) can tell; msw in the browser never passes the client's abort on.
   */
  aborted: boolean;
  /** HTTP status; 0 when the connection was dropped or reset. */
  status: number;
  /** The envelope's code, for JSON answers. */
  code?: number;
  /** An Authorization header came with it (whether its token was good or not). */
  token: boolean;
}

export interface Emulator {
  /** msw handlers for every endpoint on the three origins. */
  readonly handlers: RequestHandler[];
  readonly options: EmulatorSettings;
  configure(patch: Partial<EmulatorOptions>): void;
  /** Mints a token directly (tests). */
  issueToken(lifetimeMs?: number): {accessToken: string; expiredAt: string};
  /** Every live token becomes invalid (code 401). */
  expireTokens(): void;
  fault(f: Fault): void;
  clearFaults(): void;
  /** What the server really holds (drive and image host; folders excluded). */
  files(): StoredFile[];
  folders(): StoredFolder[];
  /** Every request answered, in order. */
  readonly requests: RequestLogEntry[];
  /** Registers what a URL serves to the offline migration (image-host URL import). */
  addRemote(url: string, source: RemoteSource): void;
  /** Callbacks the offline migration made (to callBackUrl), in order. */
  readonly callbacks: readonly OfflineCallback[];
  /** Drops files, uploads, tasks, remote URLs, tokens, faults and the log. */
  reset(): void;
}
