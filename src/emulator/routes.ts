/**
 * Every endpoint the emulator answers, as 123pan documents it: which origin, which method, which
 * fields, what comes back. The pipeline in emulator.ts adds auth, faults, limits, CORS and the envelope.
 */
import {bodyChunks, BodyTooLarge, readAll} from './body.ts';
import {ApiError, Code} from './codes.ts';
import {
  checkKeys,
  checkName,
  extensionOf,
  type Fields,
  IMAGE_EXTENSIONS,
  optionalBoolean,
  optionalDuplicate,
  optionalInteger,
  requireEtag,
  requireInteger,
  requireString,
  requireTypeOne,
  splitPath,
  typedFormFields,
} from './fields.ts';
import {MultipartError, multipartBoundary, parseMultipart} from './multipart.ts';
import {type ID, type Node, type Settings, type State, type Target, type Upload} from './state.ts';
import type {BlobWriter, StoredBlob} from './store.ts';

export type OriginName = 'api' | 'upload' | 'storage';

export interface Ctx {
  request: Request;
  url: URL;
  state: State;
  settings: Settings;
  /** Captures of a RegExp path. */
  params: string[];
  issueToken(lifetimeMs?: number): {accessToken: string; expiredAt: string};
}

export interface Route {
  origin: OriginName;
  method: 'GET' | 'POST' | 'PUT';
  path: string | RegExp;
  /** token: Bearer token and Platform; platform: Platform only; none: no headers required. */
  auth: 'token' | 'platform' | 'none';
  /** Returns the envelope's `data`, or a whole Response for answers that are not JSON. */
  run(ctx: Ctx): Promise<unknown>;
}

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const DRIVE_LIMIT = 10 * GiB;
const SINGLE_LIMIT = GiB;
const IMAGE_LIMIT = 100 * MiB;
const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';
const JSON_LIMIT = 1 * MiB;

const bad = (message: string) => new ApiError(Code.BAD_PARAM, message);

export async function readJson(request: Request): Promise<Fields> {
  let bytes: Uint8Array;
  try {
    bytes = await readAll(request, JSON_LIMIT);
  } catch (error) {
    if (error instanceof BodyTooLarge) throw bad(error.message);
    throw error;
  }
  let body: unknown;
  try {
    body = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw bad('the body must be JSON (Content-Type: application/json)');
  }
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw bad('the body must be a JSON object');
  return body as Fields;
}

export function query(ctx: Ctx, known: readonly string[]): Fields {
  const fields: Fields = Object.fromEntries(ctx.url.searchParams);
  checkKeys(fields, known);
  return fields;
}

function serverURL(settings: Settings, origin = settings.uploadOrigin): string {
  const host = settings.serverHost && origin === settings.uploadOrigin ? settings.serverHost : origin.includes('://') ? new URL(origin).host : origin;
  return settings.serverScheme === 'none' ? host : `${settings.serverScheme}://${host}`;
}

/** Content review: a rejected file keeps a `status` above 100 and cannot be downloaded. */
export const reviewStatus = (settings: Settings, node: Node): number => (!node.dir && settings.reviewRejects.includes(node.md5) ? 101 : 0);

/** 123pan's time format: 'YYYY-MM-DD HH:mm:ss' in China time. */
export function chinaTime(ms: number): string {
  return new Date(ms + 8 * 3600_000).toISOString().slice(0, 19).replace('T', ' ');
}

function presignedURL(settings: Settings, upload: Upload, sliceNo: number): string {
  return `${settings.storageOrigin}/presigned/${upload.storageKey}/${sliceNo}?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=86400&X-Amz-Signature=${upload.signature}${sliceNo}`;
}

function driveDownloadURL(settings: Settings, node: Node): string {
  return `${settings.storageOrigin}/file/${node.id}/${encodeURIComponent(node.name)}`;
}

function imageURL(settings: Settings, node: Node): string {
  const ext = extensionOf(node.name);
  return `${settings.storageOrigin}/oss/${node.id}${ext ? `.${ext}` : ''}`;
}

// ---- create: the checks shared by drive v1, v2 and single-step

interface DriveCreate {
  parentID: number;
  name: string;
  etag: string;
  size: number;
  duplicate?: 1 | 2;
}

function driveCreateFields(state: State, body: Fields, limit: number, limitName: string): DriveCreate {
  checkKeys(body, ['parentFileID', 'filename', 'etag', 'size', 'duplicate', 'containDir', 'file']);
  let parentID = requireInteger(body, 'parentFileID');
  const filename = requireString(body, 'filename', {allowEmpty: true});
  const etag = requireEtag(body);
  const size = requireInteger(body, 'size');
  const duplicate = optionalDuplicate(body);
  const containDir = optionalBoolean(body, 'containDir') ?? false;
  if (size > limit) throw new ApiError(Code.TOO_LARGE, `size ${size} is over the ${limitName} limit of ${limit} bytes`);
  if (size === 0 && etag !== EMPTY_MD5) throw bad(`etag ${etag} cannot be the MD5 of an empty file (${EMPTY_MD5})`);
  state.requireFolder('drive', parentID, 'parentFileID');
  let name = filename;
  if (containDir) {
    const {dirs, name: last} = splitPath(filename);
    parentID = state.ensureDirs('drive', parentID, dirs) as number;
    name = last;
  } else {
    checkName(filename);
  }
  return {parentID, name, etag, size, duplicate};
}

/** 秒传: the drive already holds these bytes (or they are empty), so the file is created at once. */
async function instantDrive(state: State, c: DriveCreate): Promise<Node | undefined> {
  const spec = {target: 'drive' as const, parentID: c.parentID, name: c.name, duplicate: c.duplicate, md5: c.etag, size: c.size};
  if (c.size === 0) {
    const empty = await state.store.writer().close();
    return state.place(spec, empty);
  }
  const source = state.findContent('drive', c.etag, c.size);
  if (!source) return undefined;
  state.place(spec); // a refused name refuses before sharing anything
  return state.place(spec, state.share(source));
}

async function driveCreate(ctx: Ctx, flow: 'v1' | 'v2'): Promise<unknown> {
  const body = await readJson(ctx.request);
  const c = driveCreateFields(ctx.state, body, DRIVE_LIMIT, '10 GB');
  const spec = {target: 'drive' as const, parentID: c.parentID, name: c.name, duplicate: c.duplicate, md5: c.etag, size: c.size};
  const sliceSize = ctx.settings.sliceSize;
  const reused = await instantDrive(ctx.state, c);
  if (reused) {
    return flow === 'v2'
      ? {fileID: reused.id, reuse: true, sliceSize, servers: [serverURL(ctx.settings)]}
      : {fileID: reused.id, reuse: true, sliceSize};
  }
  ctx.state.place(spec); // refuse a clash now rather than after the bytes were sent
  const upload = ctx.state.startUpload({flow, target: 'drive', parentID: c.parentID, name: c.name, duplicate: c.duplicate, etag: c.etag, size: c.size, sliceSize});
  return flow === 'v2'
    ? {fileID: 0, reuse: false, preuploadID: upload.preuploadID, sliceSize, servers: [serverURL(ctx.settings)]}
    : {fileID: 0, reuse: false, preuploadID: upload.preuploadID, sliceSize};
}

async function requireUploadFromBody(ctx: Ctx, flows: Upload['flow'][]): Promise<{upload: Upload; body: Fields}> {
  const body = await readJson(ctx.request);
  checkKeys(body, ['preuploadID', 'sliceNo']);
  return {upload: ctx.state.requireUpload(requireString(body, 'preuploadID'), flows), body};
}

const emptyID = (target: Target): ID => (target === 'drive' ? 0 : '');

// ---- streaming bodies into the store

/** At most how many bytes a part may hold, and the refusal when it holds more. */
interface Cap {
  bytes: number;
  refusal: ApiError;
}

/** Writes a part into the store, refusing it as soon as it grows past its cap. */
async function writeCapped(ctx: Ctx, source: AsyncIterable<Uint8Array>, cap: Cap): Promise<StoredBlob> {
  const writer: BlobWriter = ctx.state.store.writer();
  try {
    for await (const chunk of source) {
      if (writer.size + chunk.byteLength > cap.bytes) throw cap.refusal;
      await writer.write(chunk);
    }
  } catch (error) {
    await writer.abort();
    throw error;
  }
  return writer.close();
}

interface Form {
  fields: Record<string, string>;
  file?: StoredBlob;
}

/**
 * Reads a multipart body: text fields, and the one file part streamed to the store. `capFor` may use
 * the fields that came before the file part to cap it exactly.
 */
async function readForm(ctx: Ctx, fileField: string, capFor: (fields: Record<string, string>) => Cap): Promise<Form> {
  const boundary = multipartBoundary(ctx.request.headers.get('content-type'));
  if (!boundary) throw bad('Content-Type must be multipart/form-data with a boundary');
  const fields: Record<string, string> = {};
  let file: StoredBlob | undefined;
  try {
    for await (const part of parseMultipart(bodyChunks(ctx.request), boundary)) {
      if (part.name === fileField) {
        if (file) throw bad(`${fileField} appears twice`);
        file = await writeCapped(ctx, part.body, capFor(fields));
      } else {
        const bytes: Uint8Array[] = [];
        let length = 0;
        for await (const chunk of part.body) {
          length += chunk.byteLength;
          if (length > 64 * 1024) throw bad(`form field ${part.name} is too long`);
          bytes.push(chunk);
        }
        fields[part.name] = new TextDecoder().decode(concat(bytes, length));
      }
    }
  } catch (error) {
    if (file) await ctx.state.store.delete(file.key);
    if (error instanceof MultipartError) throw bad(error.message);
    throw error;
  }
  return {fields, file};
}

function concat(parts: Uint8Array[], length: number): Uint8Array {
  const out = new Uint8Array(length);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

/** Runs `check`; on refusal the received file is thrown away. */
async function withFile<T>(ctx: Ctx, file: StoredBlob | undefined, check: () => T | Promise<T>): Promise<T> {
  try {
    return await check();
  } catch (error) {
    if (file) await ctx.state.store.delete(file.key);
    throw error;
  }
}

// ---- storage answers (S3-like: XML errors, empty success)

export function s3Error(status: number, code: string, message: string): Response {
  return new Response(`<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${code}</Code><Message>${message}</Message></Error>`, {
    status,
    headers: {'Content-Type': 'application/xml'},
  });
}

function contentTypeOf(name: string): string {
  const types: Record<string, string> = {
    png: 'image/png', gif: 'image/gif', jpeg: 'image/jpeg', jpg: 'image/jpeg', tiff: 'image/tiff', tif: 'image/tiff',
    webp: 'image/webp', svg: 'image/svg+xml', bmp: 'image/bmp', txt: 'text/plain; charset=utf-8', json: 'application/json',
  };
  return types[extensionOf(name)] ?? 'application/octet-stream';
}

function download(ctx: Ctx, node: Node | undefined): Response {
  if (!node || node.dir || !node.blob) return s3Error(404, 'NoSuchKey', 'The specified key does not exist.');
  if (reviewStatus(ctx.settings, node) > 100) return s3Error(403, 'AccessDenied', 'This file was rejected by content review.');
  const source = ctx.state.store.read(node.blob);
  const iterator = source[Symbol.asyncIterator]();
  const body = new ReadableStream<Uint8Array>({
    async pull(controller) {
      const next = await iterator.next();
      if (next.done) controller.close();
      else controller.enqueue(next.value);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
  return new Response(body, {status: 200, headers: {'Content-Type': contentTypeOf(node.name), 'Content-Length': String(node.size), ETag: `"${node.md5}"`}});
}

// ---- image host

function imageView(ctx: Ctx, node: Node) {
  const parent = ctx.state.get('image', node.parentID);
  const url = node.dir ? '' : imageURL(ctx.settings, node);
  return {
    fileId: node.id,
    filename: node.name,
    parentFileId: node.parentID,
    type: node.dir ? 1 : 0,
    etag: node.md5,
    size: node.size,
    status: node.dir ? 0 : reviewStatus(ctx.settings, node) || 2,
    s3KeyFlag: '',
    storageNode: '',
    createAt: chinaTime(node.createdAt),
    updateAt: chinaTime(node.updatedAt),
    downloadURL: url,
    ossIndex: 0,
    totalTraffic: 0,
    parentFilename: parent?.name ?? 'img_oss',
    extension: node.dir ? '' : extensionOf(node.name),
    userSelfURL: url,
  };
}

function imageIDs(body: Fields, field: string): string[] {
  const ids = body[field];
  if (!Array.isArray(ids) || ids.length === 0) throw bad(`${field} must be a non-empty array of file ids`);
  if (ids.length > 100) throw bad(`${field} holds ${ids.length} ids; at most 100 are allowed`);
  for (const id of ids) if (typeof id !== 'string') throw bad(`${field} must hold strings (image ids), got ${JSON.stringify(id)}`);
  return ids as string[];
}

// ---- the routes

export const routes: Route[] = [
  {
    origin: 'api', method: 'POST', path: '/api/v1/access_token', auth: 'platform',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['clientID', 'clientSecret']);
      const clientID = requireString(body, 'clientID');
      const clientSecret = requireString(body, 'clientSecret');
      if (clientID !== ctx.settings.clientID || clientSecret !== ctx.settings.clientSecret) {
        throw new ApiError(Code.UNAUTHORIZED, 'clientID or clientSecret is wrong');
      }
      return ctx.issueToken();
    },
  },

  // drive v2
  {origin: 'api', method: 'POST', path: '/upload/v2/file/create', auth: 'token', run: (ctx) => driveCreate(ctx, 'v2')},
  {
    origin: 'upload', method: 'POST', path: '/upload/v2/file/slice', auth: 'token',
    async run(ctx) {
      const maxSlice = Math.max(ctx.settings.sliceSize, ctx.settings.ossSliceSize);
      const form = await readForm(ctx, 'slice', (fields) => {
        // When the fields come first the slice is capped at its exact size as it streams in.
        const upload = ctx.state.uploads.get(fields.preuploadID ?? '');
        const sliceNo = Number(fields.sliceNo);
        if (upload && sliceNo >= 1 && sliceNo <= upload.sliceCount) {
          const expected = ctx.state.expectedSliceSize(upload, sliceNo);
          return {bytes: expected, refusal: bad(`slice ${sliceNo} is more than ${expected} bytes; it must be exactly ${expected} (sliceSize ${upload.sliceSize}, only the last slice is shorter)`)};
        }
        return {bytes: maxSlice, refusal: bad(`slice is more than ${maxSlice} bytes, larger than any sliceSize`)};
      });
      const slice = form.file;
      await withFile(ctx, slice, () => {
        const body = typedFormFields(form.fields, ['sliceNo'], []);
        checkKeys(body, ['preuploadID', 'sliceNo', 'sliceMD5', 'slice']);
        const upload = ctx.state.requireUpload(requireString(body, 'preuploadID'), ['v2']);
        const sliceNo = requireInteger(body, 'sliceNo');
        const sliceMD5 = requireEtag(body, 'sliceMD5');
        if (!slice) throw bad('slice (the file part with the bytes) is required');
        ctx.state.checkSliceNo(upload, sliceNo);
        return ctx.state.acceptSlice(upload, sliceNo, slice, sliceMD5);
      });
      return null;
    },
  },
  {
    origin: 'api', method: 'POST', path: '/upload/v2/file/upload_complete', auth: 'token',
    async run(ctx) {
      const {upload} = await requireUploadFromBody(ctx, ['v2']);
      const result = await ctx.state.poll(upload);
      if (!result.done) {
        if (result.variant === '20103') throw new ApiError(Code.VERIFYING, 'file is being verified, retry after 1 second');
        return {completed: false, fileID: 0};
      }
      return {completed: true, fileID: result.node.id};
    },
  },
  {
    origin: 'api', method: 'GET', path: '/upload/v2/file/domain', auth: 'token',
    async run(ctx) {
      return [serverURL(ctx.settings, ctx.settings.singleDomain || ctx.settings.uploadOrigin)];
    },
  },
  {
    origin: 'upload', method: 'POST', path: '/upload/v2/file/single/create', auth: 'token',
    async run(ctx) {
      const form = await readForm(ctx, 'file', (fields) => {
        const size = Number(fields.size);
        if (/^\d+$/.test(fields.size ?? '') && size <= SINGLE_LIMIT) return {bytes: size, refusal: bad(`the file part holds more than the ${size} bytes size says`)};
        return {bytes: SINGLE_LIMIT, refusal: new ApiError(Code.TOO_LARGE, `the file is over the 1 GB single-step upload limit of ${SINGLE_LIMIT} bytes`)};
      });
      const file = form.file;
      return withFile(ctx, file, async () => {
        const body = typedFormFields(form.fields, ['parentFileID', 'size', 'duplicate'], ['containDir']);
        const c = driveCreateFields(ctx.state, body, SINGLE_LIMIT, '1 GB single-step upload');
        if (!file) throw bad('file (the file part with the bytes) is required');
        if (file.size !== c.size) throw bad(`size says ${c.size} bytes but the file part holds ${file.size}`);
        if (file.md5 !== c.etag) throw new ApiError(Code.MD5_MISMATCH, `etag ${c.etag} does not match the file, whose MD5 is ${file.md5}`);
        const node = ctx.state.place({target: 'drive', parentID: c.parentID, name: c.name, duplicate: c.duplicate, md5: c.etag, size: c.size}, file)!;
        return {fileID: node.id, completed: true};
      });
    },
  },

  // drive v1 (presigned)
  {origin: 'api', method: 'POST', path: '/upload/v1/file/create', auth: 'token', run: (ctx) => driveCreate(ctx, 'v1')},
  {origin: 'api', method: 'POST', path: '/upload/v1/file/get_upload_url', auth: 'token', run: (ctx) => getUploadURL(ctx, 'v1')},
  {origin: 'api', method: 'POST', path: '/upload/v1/file/list_upload_parts', auth: 'token', run: (ctx) => listUploadParts(ctx, 'v1')},
  {origin: 'api', method: 'POST', path: '/upload/v1/file/upload_complete', auth: 'token', run: (ctx) => asyncComplete(ctx, 'v1')},
  {origin: 'api', method: 'POST', path: '/upload/v1/file/upload_async_result', auth: 'token', run: (ctx) => asyncResult(ctx, 'v1')},
  {
    origin: 'storage', method: 'PUT', path: /^\/presigned\/([a-z0-9]+)\/(\d+)$/, auth: 'none',
    async run(ctx) {
      const headers = ctx.request.headers;
      if (headers.has('authorization') || headers.has('platform')) {
        return s3Error(403, 'AccessDenied', 'A presigned URL request must not carry Authorization or Platform headers.');
      }
      const upload = ctx.state.byStorageKey.get(ctx.params[0]);
      const sliceNo = Number(ctx.params[1]);
      if (!upload || ctx.url.searchParams.get('X-Amz-Signature') !== `${upload.signature}${sliceNo}`) {
        return s3Error(403, 'SignatureDoesNotMatch', 'The request signature does not match this URL.');
      }
      if (sliceNo < 1 || sliceNo > upload.sliceCount || upload.verification) {
        return s3Error(400, 'InvalidPart', `Part ${sliceNo} is not part of this upload.`);
      }
      const expected = ctx.state.expectedSliceSize(upload, sliceNo);
      let blob: StoredBlob;
      try {
        blob = await writeCapped(ctx, bodyChunks(ctx.request), {bytes: expected, refusal: bad(`part ${sliceNo} is too long`)});
      } catch (error) {
        if (error instanceof ApiError) return s3Error(400, 'EntityTooLarge', `Part ${sliceNo} must be exactly ${expected} bytes.`);
        throw error;
      }
      try {
        await ctx.state.acceptSlice(upload, sliceNo, blob);
      } catch (error) {
        if (error instanceof ApiError) return s3Error(400, 'IncompleteBody', error.message);
        throw error;
      }
      return new Response(null, {status: 200, headers: {ETag: `"${blob.md5}"`}});
    },
  },

  // drive: folders, details, download links
  {
    origin: 'api', method: 'POST', path: '/upload/v1/file/mkdir', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['name', 'parentID']);
      const name = requireString(body, 'name', {allowEmpty: true});
      const parentID = requireInteger(body, 'parentID');
      checkName(name, 'name');
      ctx.state.requireFolder('drive', parentID, 'parentID');
      // The drive's mkdir answers a taken name with code 1, as a sync tool of 123pan reports (API-NOTES): not a
      // code of its own, so a client that retries code 1 as passing meets the same refusal again.
      if (ctx.state.children('drive', parentID).some((n) => n.name === name)) throw new ApiError(Code.INTERNAL, `该目录下已存在同名文件夹 "${name}" (already exists in this folder)`);
      return {dirID: ctx.state.mkdir('drive', parentID, name).id};
    },
  },
  {
    origin: 'api', method: 'GET', path: '/api/v1/file/detail', auth: 'token',
    async run(ctx) {
      const fields = query(ctx, ['fileID']);
      const id = requireString(fields, 'fileID');
      if (!/^\d+$/.test(id)) throw bad(`fileID must be a number, got "${id}"`);
      const node = ctx.state.get('drive', Number(id));
      if (!node) throw new ApiError(Code.NOT_FOUND, `fileID ${id}: file does not exist`);
      return {
        fileID: node.id, filename: node.name, type: node.dir ? 1 : 0, size: node.size, etag: node.md5,
        status: reviewStatus(ctx.settings, node), parentFileID: node.parentID, createAt: chinaTime(node.createdAt), trashed: 0,
      };
    },
  },
  {
    // The drive's listing, 123pan's v2 shape: one folder, a page of `limit` (at most 100) after `lastFileId`.
    origin: 'api', method: 'GET', path: '/api/v2/file/list', auth: 'token',
    async run(ctx) {
      const fields = query(ctx, ['parentFileId', 'limit', 'searchData', 'searchMode', 'lastFileId']);
      const parent = requireString(fields, 'parentFileId');
      const limitText = requireString(fields, 'limit');
      if (!/^\d+$/.test(parent)) throw bad(`parentFileId must be a number, got "${parent}"`);
      if (!/^\d+$/.test(limitText) || Number(limitText) < 1 || Number(limitText) > 100) throw bad(`limit must be 1..100, got "${limitText}"`);
      const limit = Number(limitText);
      const search = fields.searchData === undefined ? '' : String(fields.searchData);
      const last = fields.lastFileId === undefined ? '' : String(fields.lastFileId);
      ctx.state.requireFolder('drive', Number(parent), 'parentFileId');
      let list = ctx.state.children('drive', Number(parent)).filter((n) => search === '' || n.name.includes(search));
      list.sort((a, b) => Number(a.id) - Number(b.id));
      if (last && last !== '-1') list = list.filter((n) => Number(n.id) > Number(last));
      const page = list.slice(0, limit);
      return {
        lastFileId: list.length > limit ? Number(page[page.length - 1].id) : -1,
        fileList: page.map((n) => ({
          fileId: n.id, filename: n.name, type: n.dir ? 1 : 0, size: n.size, etag: n.md5, status: reviewStatus(ctx.settings, n),
          parentFileId: n.parentID, category: 0, trashed: 0, createAt: chinaTime(n.createdAt), updateAt: chinaTime(n.updatedAt),
        })),
      };
    },
  },
  {
    origin: 'api', method: 'GET', path: '/api/v1/file/download_info', auth: 'token',
    async run(ctx) {
      const fields = query(ctx, ['fileId']);
      const id = requireString(fields, 'fileId');
      if (!/^\d+$/.test(id)) throw bad(`fileId must be a number, got "${id}"`);
      const node = ctx.state.get('drive', Number(id));
      if (!node || node.dir) throw new ApiError(Code.NOT_FOUND, `fileId ${id}: file does not exist`);
      return {downloadUrl: driveDownloadURL(ctx.settings, node)};
    },
  },
  {
    origin: 'storage', method: 'GET', path: /^\/file\/(\d+)\/[^/]*$/, auth: 'none',
    async run(ctx) {
      return download(ctx, ctx.state.get('drive', Number(ctx.params[0])));
    },
  },

  // image host
  {
    origin: 'api', method: 'POST', path: '/upload/v1/oss/file/mkdir', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['name', 'parentID', 'type']);
      requireTypeOne(body);
      const parentID = requireString(body, 'parentID', {allowEmpty: true});
      // Documented as []string, shown as a string in the example: both are accepted.
      const names = Array.isArray(body.name) ? body.name : [requireString(body, 'name', {allowEmpty: true})];
      if (names.length === 0) throw bad('name must not be an empty array');
      for (const name of names) {
        if (typeof name !== 'string') throw bad(`name must hold strings, got ${JSON.stringify(name)}`);
        checkName(name, 'name');
      }
      ctx.state.requireFolder('image', parentID, 'parentID');
      return {list: (names as string[]).map((name) => ({filename: name, dirID: ctx.state.mkdir('image', parentID, name).id}))};
    },
  },
  {
    origin: 'api', method: 'POST', path: '/upload/v1/oss/file/create', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['parentFileID', 'filename', 'etag', 'size', 'type']);
      const parentID = requireString(body, 'parentFileID', {allowEmpty: true});
      const name = requireString(body, 'filename', {allowEmpty: true});
      const etag = requireEtag(body);
      const size = requireInteger(body, 'size');
      requireTypeOne(body);
      checkName(name);
      const ext = extensionOf(name);
      if (!IMAGE_EXTENSIONS.includes(ext)) {
        throw bad(`filename "${name}" is not an image the image host accepts (${IMAGE_EXTENSIONS.join(', ')})`);
      }
      if (size > IMAGE_LIMIT) throw new ApiError(Code.TOO_LARGE, `size ${size} is over the image host's limit of ${IMAGE_LIMIT} bytes (100 MB)`);
      if (size === 0) throw bad('size must be above 0: an empty file is not an image');
      ctx.state.requireFolder('image', parentID, 'parentFileID');
      const spec = {target: 'image' as const, parentID, name, md5: etag, size};
      ctx.state.place(spec);
      const sliceSize = ctx.settings.ossSliceSize;
      const source = ctx.state.findContent('image', etag, size);
      if (source) return {fileID: ctx.state.place(spec, ctx.state.share(source))!.id, reuse: true, sliceSize};
      const upload = ctx.state.startUpload({flow: 'oss', target: 'image', parentID, name, etag, size, sliceSize});
      return {fileID: '', reuse: false, preuploadID: upload.preuploadID, sliceSize};
    },
  },
  {origin: 'api', method: 'POST', path: '/upload/v1/oss/file/get_upload_url', auth: 'token', run: (ctx) => getUploadURL(ctx, 'oss')},
  {origin: 'api', method: 'POST', path: '/upload/v1/oss/file/list_upload_parts', auth: 'token', run: (ctx) => listUploadParts(ctx, 'oss')},
  {origin: 'api', method: 'POST', path: '/upload/v1/oss/file/upload_complete', auth: 'token', run: (ctx) => asyncComplete(ctx, 'oss')},
  {origin: 'api', method: 'POST', path: '/upload/v1/oss/file/upload_async_result', auth: 'token', run: (ctx) => asyncResult(ctx, 'oss')},
  {
    origin: 'api', method: 'POST', path: '/api/v1/oss/file/list', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['parentFileId', 'limit', 'startTime', 'endTime', 'lastFileId', 'type']);
      const parentID = body.parentFileId === undefined ? '' : requireString(body, 'parentFileId', {allowEmpty: true});
      const limit = requireInteger(body, 'limit');
      if (limit < 1 || limit > 100) throw bad(`limit must be 1..100, got ${limit}`);
      requireTypeOne(body);
      const startTime = optionalInteger(body, 'startTime');
      const endTime = optionalInteger(body, 'endTime');
      const lastFileId = body.lastFileId === undefined ? '' : requireString(body, 'lastFileId', {allowEmpty: true});
      ctx.state.requireFolder('image', parentID, 'parentFileId');
      let list = ctx.state
        .children('image', parentID)
        .filter((n) => (startTime === undefined || n.createdAt >= startTime * 1000) && (endTime === undefined || n.createdAt <= endTime * 1000));
      if (lastFileId && lastFileId !== '-1') {
        const at = list.findIndex((n) => n.id === lastFileId);
        if (at < 0) throw bad(`lastFileId "${lastFileId}" is not in this listing`);
        list = list.slice(at + 1);
      }
      const page = list.slice(0, limit);
      return {lastFileId: list.length > limit ? String(page[page.length - 1].id) : '-1', fileList: page.map((n) => imageView(ctx, n))};
    },
  },
  {
    origin: 'api', method: 'GET', path: '/api/v1/oss/file/detail', auth: 'token',
    async run(ctx) {
      const id = requireString(query(ctx, ['fileID']), 'fileID');
      const node = ctx.state.get('image', id);
      if (!node) throw new ApiError(Code.NOT_FOUND, `fileID ${id}: file does not exist`);
      return imageView(ctx, node);
    },
  },
  {
    origin: 'api', method: 'POST', path: '/api/v1/oss/file/move', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['fileIDs', 'toParentFileID']);
      const ids = imageIDs(body, 'fileIDs');
      const to = requireString(body, 'toParentFileID', {allowEmpty: true});
      ctx.state.requireFolder('image', to, 'toParentFileID');
      const nodes = ids.map((id) => {
        const node = ctx.state.get('image', id);
        if (!node) throw new ApiError(Code.NOT_FOUND, `fileIDs: ${id} does not exist`);
        return node;
      });
      for (const node of nodes) {
        // A folder cannot go into itself or below itself.
        for (let at: ID = to; at !== ''; at = ctx.state.get('image', at)?.parentID ?? '') {
          if (at === node.id) throw bad(`toParentFileID: "${node.name}" cannot be moved into itself or one of its own folders`);
        }
        if (ctx.state.children('image', to).some((n) => n.name === node.name && n !== node)) {
          throw new ApiError(Code.NAME_EXISTS, `"${node.name}" already exists in the destination folder`);
        }
        node.parentID = to;
        node.updatedAt = Date.now();
      }
      return null;
    },
  },
  {
    origin: 'api', method: 'POST', path: '/api/v1/oss/file/delete', auth: 'token',
    async run(ctx) {
      const body = await readJson(ctx.request);
      checkKeys(body, ['fileIDs']);
      for (const id of imageIDs(body, 'fileIDs')) {
        const node = ctx.state.get('image', id);
        if (node) ctx.state.remove(node);
      }
      return null;
    },
  },
  {
    origin: 'storage', method: 'GET', path: /^\/oss\/([A-Za-z0-9]+)(?:\.[A-Za-z0-9]+)?$/, auth: 'none',
    async run(ctx) {
      return download(ctx, ctx.state.get('image', ctx.params[0]));
    },
  },
];

// ---- presigned flows shared by drive v1 and the image host

async function getUploadURL(ctx: Ctx, flow: 'v1' | 'oss'): Promise<unknown> {
  const {upload, body} = await requireUploadFromBody(ctx, [flow]);
  const sliceNo = requireInteger(body, 'sliceNo');
  ctx.state.checkSliceNo(upload, sliceNo);
  return {presignedURL: presignedURL(ctx.settings, upload, sliceNo), isMultipart: upload.sliceCount > 1};
}

async function listUploadParts(ctx: Ctx, flow: 'v1' | 'oss'): Promise<unknown> {
  const {upload} = await requireUploadFromBody(ctx, [flow]);
  // As documented: empty when the file is smaller than one slice.
  if (upload.size < upload.sliceSize) return {parts: []};
  const parts = [...upload.slices.entries()]
    .sort(([a], [b]) => a - b)
    .map(([n, blob]) => ({partNumber: String(n), size: blob.size, etag: blob.md5}));
  return {parts};
}

async function asyncComplete(ctx: Ctx, flow: 'v1' | 'oss'): Promise<unknown> {
  const {upload} = await requireUploadFromBody(ctx, [flow]);
  const result = await ctx.state.poll(upload);
  if (!result.done) return {async: true, completed: false, fileID: emptyID(upload.target)};
  return {async: false, completed: true, fileID: result.node.id};
}

async function asyncResult(ctx: Ctx, flow: 'v1' | 'oss'): Promise<unknown> {
  const {upload} = await requireUploadFromBody(ctx, [flow]);
  if (!upload.verification) throw bad('call upload_complete before upload_async_result');
  const result = await ctx.state.poll(upload);
  if (!result.done) {
    if (result.variant === '20103') throw new ApiError(Code.VERIFYING, 'file is being verified, retry after 1 second');
    return {completed: false, fileID: emptyID(upload.target)};
  }
  return {completed: true, fileID: result.node.id};
}

