/** Which folder kind a parent id belongs to: drive ids are numbers (0 = root), image-host ids strings ("" = root). */
export type FolderKind = 'drive' | 'image';

/** How the proxy treats one 123pan endpoint. */
export interface EndpointRule {
  method: string;
  path: string;
  /** `api`: 123pan's API base; `upload`: an upload server handed out by create/domain. */
  host: 'api' | 'upload';
  /** The request field naming the destination folder, checked against the pinned folder. */
  pin?: {field: string; kind: FolderKind; body: 'json' | 'multipart' | 'query'};
  /**
   * The answer names upload servers the browser must reach through the proxy (`servers`, `domain`),
   * or a presigned storage URL the proxy also offers to relay (`presigned`: adds `relayURL`).
   */
  rewrite?: 'servers' | 'domain' | 'presigned';
  /** mkdir: the answer's `dirID` is a folder inside the pinned one. */
  makesFolder?: boolean;
  /** The answer may carry a new `fileID` the browser may then read links of. */
  yieldsFileID?: boolean;
  /** The query parameter naming the file this read is about. */
  readsFileID?: string;
  /**
   * A drive listing used to find what an upload stored when its answer was lost: `searchData` is required, and
   * under `readableFileIDs: 'uploaded'` only entries whose name begins with it are passed back.
   */
  findsStored?: boolean;
  /**
   * The keys forwarded: JSON body keys of a POST, query keys of a GET, text fields of a multipart body
   * checked on its way (with its file part in `file`). Other ASCII keys are dropped; a key that is
   * another spelling of one of these (other case, non-ASCII look-alikes such as `ſ` or the Kelvin
   * sign, which Go's JSON decoder folds) is refused. Unset for endpoints added by `allow`: forwarded as sent.
   */
  fields?: readonly string[];
  /** The file part of a multipart body checked on its way. */
  file?: string;
}

const rule = (spec: string, extra: Omit<EndpointRule, 'method' | 'path' | 'host'> & {host?: 'api' | 'upload'} = {}): EndpointRule => {
  const [method, path] = spec.split(' ') as [string, string];
  return {method, path, host: extra.host ?? 'api', ...extra};
};

const drivePin = {field: 'parentFileID', kind: 'drive', body: 'json'} as const;
const imagePin = {field: 'parentFileID', kind: 'image', body: 'json'} as const;
const driveCreate = ['parentFileID', 'filename', 'etag', 'size', 'duplicate', 'containDir'];
const preupload = ['preuploadID'];
const sliceURL = ['preuploadID', 'sliceNo'];

/** What an upload needs, and nothing more: forwarded by default. */
export const UPLOAD_ENDPOINTS: readonly EndpointRule[] = [
  // drive v2, sliced and single-step
  rule('POST /upload/v2/file/create', {pin: drivePin, rewrite: 'servers', yieldsFileID: true, fields: driveCreate}),
  rule('POST /upload/v2/file/slice', {host: 'upload'}),
  rule('POST /upload/v2/file/upload_complete', {yieldsFileID: true, fields: preupload}),
  rule('GET /upload/v2/file/domain', {rewrite: 'domain', fields: []}),
  rule('POST /upload/v2/file/single/create', {host: 'upload', pin: {field: 'parentFileID', kind: 'drive', body: 'multipart'}, yieldsFileID: true, fields: driveCreate, file: 'file'}),
  rule('POST /upload/v2/file/sha1_reuse', {pin: drivePin, yieldsFileID: true, fields: ['parentFileID', 'filename', 'sha1', 'size', 'duplicate']}),
  // drive v1, presigned: the bytes go straight to storage, or through the proxy's relay when storage refuses the page
  rule('POST /upload/v1/file/create', {pin: drivePin, yieldsFileID: true, fields: driveCreate}),
  rule('POST /upload/v1/file/get_upload_url', {rewrite: 'presigned', fields: sliceURL}),
  rule('POST /upload/v1/file/list_upload_parts', {fields: preupload}),
  rule('POST /upload/v1/file/upload_complete', {yieldsFileID: true, fields: preupload}),
  rule('POST /upload/v1/file/upload_async_result', {yieldsFileID: true, fields: preupload}),
  // image host, presigned
  rule('POST /upload/v1/oss/file/create', {pin: imagePin, yieldsFileID: true, fields: ['parentFileID', 'filename', 'etag', 'size', 'type']}),
  rule('POST /upload/v1/oss/file/get_upload_url', {rewrite: 'presigned', fields: sliceURL}),
  rule('POST /upload/v1/oss/file/list_upload_parts', {fields: preupload}),
  rule('POST /upload/v1/oss/file/upload_complete', {yieldsFileID: true, fields: preupload}),
  rule('POST /upload/v1/oss/file/upload_async_result', {yieldsFileID: true, fields: preupload}),
  // a folder upload's folders, made (or found, below) before their files go in: inside the pinned folder only
  rule('POST /upload/v1/file/mkdir', {pin: {field: 'parentID', kind: 'drive', body: 'json'}, makesFolder: true, fields: ['name', 'parentID']}),
  // a single-step upload whose answer was lost, or a folder a lost mkdir answer made: is it there? (no copy from the retry)
  rule('GET /api/v2/file/list', {pin: {field: 'parentFileId', kind: 'drive', body: 'query'}, findsStored: true, fields: ['parentFileId', 'limit', 'searchData', 'lastFileId']}),
  // links of what was just uploaded
  rule('GET /api/v1/oss/file/detail', {readsFileID: 'fileID', fields: ['fileID']}),
  rule('GET /api/v1/file/download_info', {readsFileID: 'fileId', fields: ['fileId']}),
];

/** Folder creation, listing and file management: refused unless a host lists them in `allow`. */
export const MANAGEMENT_ENDPOINTS: readonly EndpointRule[] = [
  rule('POST /upload/v1/oss/file/mkdir', {pin: {field: 'parentID', kind: 'image', body: 'json'}, fields: ['name', 'parentID', 'type']}),
  rule('POST /api/v1/oss/file/list', {pin: {field: 'parentFileId', kind: 'image', body: 'json'}, fields: ['parentFileId', 'limit', 'startTime', 'endTime', 'lastFileId', 'type']}),
  rule('GET /api/v1/file/detail', {readsFileID: 'fileID', fields: ['fileID']}),
  rule('GET /api/v1/direct-link/url', {readsFileID: 'fileID', fields: ['fileID']}),
  rule('POST /api/v1/direct-link/enable', {fields: ['fileID']}),
  rule('POST /api/v1/oss/file/move', {fields: ['fileIDs', 'toParentFileID']}),
  rule('POST /api/v1/oss/file/delete', {fields: ['fileIDs']}),
  // image host tasks: URL import (offline migration) and copy from the drive
  rule('POST /api/v1/oss/offline/download', {pin: {field: 'businessDirID', kind: 'image', body: 'json'}, fields: ['url', 'fileName', 'businessDirID', 'callBackUrl', 'type']}),
  rule('GET /api/v1/oss/offline/download/process', {fields: ['taskID']}),
  rule('POST /api/v1/oss/source/copy', {pin: {field: 'toParentFileID', kind: 'image', body: 'json'}, fields: ['fileIDs', 'toParentFileID', 'sourceType', 'type']}),
  rule('GET /api/v1/oss/source/copy/process', {fields: ['taskID']}),
  rule('GET /api/v1/oss/source/copy/fail', {fields: ['taskID', 'limit', 'page']}),
];

/**
 * What `<pan-uploader url-import>` needs through the proxy, for `allow`: start the task, poll it, and
 * list its folder to find the image (the listing carries its links). With an image pin the import must
 * name the pinned folder (123pan imports into no root: pin a folder, not "").
 */
export const URL_IMPORT_ENDPOINTS: readonly string[] = [
  'POST /api/v1/oss/offline/download',
  'GET /api/v1/oss/offline/download/process',
  'POST /api/v1/oss/file/list',
];

/** `"METHOD /path"`, the form `allow` entries take. */
export function ruleKey(method: string, path: string): string {
  return `${method.toUpperCase()} ${path}`;
}

/**
 * The effective allow-list: the upload endpoints plus each `allow` entry (`"POST /upload/v1/file/mkdir"`).
 * Known management endpoints keep their folder pin; anything else is forwarded to the API as is.
 */
export function buildAllowList(allow: readonly string[] = []): Map<string, EndpointRule> {
  const table = new Map<string, EndpointRule>();
  for (const r of UPLOAD_ENDPOINTS) table.set(ruleKey(r.method, r.path), r);
  const known = new Map(MANAGEMENT_ENDPOINTS.map((r) => [ruleKey(r.method, r.path), r]));
  for (const entry of allow) {
    const match = /^(GET|POST|PUT|DELETE|PATCH) (\/[^\s?#]*)$/.exec(entry.trim());
    if (!match) throw new TypeError(`createProxy: allow entry ${JSON.stringify(entry)} must look like "POST /upload/v1/file/mkdir"`);
    const key = ruleKey(match[1]!, match[2]!);
    if (match[2]!.startsWith('/__upload/')) throw new TypeError(`createProxy: allow entry ${JSON.stringify(entry)} uses the proxy's reserved /__upload/ path`);
    table.set(key, known.get(key) ?? {method: match[1]!, path: match[2]!, host: 'api'});
  }
  return table;
}
