/** Which folder kind a parent id belongs to: drive ids are numbers (0 = root), image-host ids strings ("" = root). */
export type FolderKind = 'drive' | 'image';

/** How the proxy treats one 123pan endpoint. */
export interface EndpointRule {
  method: string;
  path: string;
  /** `api`: 123pan's API base; `upload`: an upload server handed out by create/domain. */
  host: 'api' | 'upload';
  /** The request field naming the destination folder, checked against the pinned folder. */
  pin?: {field: string; kind: FolderKind; body: 'json' | 'multipart'};
  /** The answer names upload servers the browser must reach through the proxy. */
  rewrite?: 'servers' | 'domain';
  /** The answer may carry a new `fileID` the browser may then read links of. */
  yieldsFileID?: boolean;
  /** The query parameter naming the file this read is about. */
  readsFileID?: string;
}

const rule = (spec: string, extra: Omit<EndpointRule, 'method' | 'path' | 'host'> & {host?: 'api' | 'upload'} = {}): EndpointRule => {
  const [method, path] = spec.split(' ') as [string, string];
  return {method, path, host: extra.host ?? 'api', ...extra};
};

const drivePin = {field: 'parentFileID', kind: 'drive', body: 'json'} as const;
const imagePin = {field: 'parentFileID', kind: 'image', body: 'json'} as const;

/** What an upload needs, and nothing more: forwarded by default. */
export const UPLOAD_ENDPOINTS: readonly EndpointRule[] = [
  // drive v2, sliced and single-step
  rule('POST /upload/v2/file/create', {pin: drivePin, rewrite: 'servers', yieldsFileID: true}),
  rule('POST /upload/v2/file/slice', {host: 'upload'}),
  rule('POST /upload/v2/file/upload_complete', {yieldsFileID: true}),
  rule('GET /upload/v2/file/domain', {rewrite: 'domain'}),
  rule('POST /upload/v2/file/single/create', {host: 'upload', pin: {field: 'parentFileID', kind: 'drive', body: 'multipart'}, yieldsFileID: true}),
  rule('POST /upload/v2/file/sha1_reuse', {pin: drivePin, yieldsFileID: true}),
  // drive v1, presigned: the bytes go straight to storage, never through here
  rule('POST /upload/v1/file/create', {pin: drivePin, yieldsFileID: true}),
  rule('POST /upload/v1/file/get_upload_url'),
  rule('POST /upload/v1/file/list_upload_parts'),
  rule('POST /upload/v1/file/upload_complete', {yieldsFileID: true}),
  rule('POST /upload/v1/file/upload_async_result', {yieldsFileID: true}),
  // image host, presigned
  rule('POST /upload/v1/oss/file/create', {pin: imagePin, yieldsFileID: true}),
  rule('POST /upload/v1/oss/file/get_upload_url'),
  rule('POST /upload/v1/oss/file/list_upload_parts'),
  rule('POST /upload/v1/oss/file/upload_complete', {yieldsFileID: true}),
  rule('POST /upload/v1/oss/file/upload_async_result', {yieldsFileID: true}),
  // links of what was just uploaded
  rule('GET /api/v1/oss/file/detail', {readsFileID: 'fileID'}),
  rule('GET /api/v1/file/download_info', {readsFileID: 'fileId'}),
];

/** Folder creation, listing and file management: refused unless a host lists them in `allow`. */
export const MANAGEMENT_ENDPOINTS: readonly EndpointRule[] = [
  rule('POST /upload/v1/file/mkdir', {pin: {field: 'parentID', kind: 'drive', body: 'json'}}),
  rule('POST /upload/v1/oss/file/mkdir', {pin: {field: 'parentID', kind: 'image', body: 'json'}}),
  rule('POST /api/v1/oss/file/list', {pin: {field: 'parentFileId', kind: 'image', body: 'json'}}),
  rule('GET /api/v1/file/detail', {readsFileID: 'fileID'}),
  rule('GET /api/v1/direct-link/url', {readsFileID: 'fileID'}),
  rule('POST /api/v1/direct-link/enable'),
  rule('POST /api/v1/oss/file/move'),
  rule('POST /api/v1/oss/file/delete'),
  // image host tasks: URL import (offline migration) and copy from the drive
  rule('POST /api/v1/oss/offline/download', {pin: {field: 'businessDirID', kind: 'image', body: 'json'}}),
  rule('GET /api/v1/oss/offline/download/process'),
  rule('POST /api/v1/oss/source/copy', {pin: {field: 'toParentFileID', kind: 'image', body: 'json'}}),
  rule('GET /api/v1/oss/source/copy/process'),
  rule('GET /api/v1/oss/source/copy/fail'),
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
