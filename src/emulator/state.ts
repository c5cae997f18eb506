/**
 * What the emulated 123pan holds: files and folders of both targets, uploads in progress, tokens.
 * The rules about names (clash, duplicate 1/2, image replacement) and completion live here.
 */
import {ApiError, Code} from './codes.ts';
import {OssTasks} from './oss-tasks.ts';
import type {BlobStore, StoredBlob} from './store.ts';
import type {EmulatorSettings} from './types.ts';

export type Target = 'drive' | 'image';
export type ID = number | string;
export type Settings = EmulatorSettings;

export interface Node {
  id: ID;
  target: Target;
  parentID: ID;
  name: string;
  dir: boolean;
  size: number;
  md5: string;
  blob?: string;
  createdAt: number;
  updatedAt: number;
}

export interface Upload {
  preuploadID: string;
  flow: 'v2' | 'v1' | 'oss';
  target: Target;
  parentID: ID;
  name: string;
  duplicate?: 1 | 2;
  etag: string;
  size: number;
  sliceSize: number;
  sliceCount: number;
  slices: Map<number, StoredBlob>;
  /** Path segment and signature of this upload's presigned URLs. */
  storageKey: string;
  signature: string;
  notYet: number;
  lastPollAt?: number;
  verification?: Promise<Node>;
}

export type PollResult = {done: false; variant: 'false' | '20103'} | {done: true; node: Node};

export const rootOf = (target: Target): ID => (target === 'drive' ? 0 : '');

const ALNUM = 'abcdefghijklmnopqrstuvwxyz0123456789';
const BASE64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';

export function randomString(length: number, alphabet = ALNUM): string {
  const bytes = crypto.getRandomValues(new Uint8Array(length));
  let out = '';
  for (const byte of bytes) out += alphabet[byte % alphabet.length];
  return out;
}

export class State {
  nodes = new Map<string, Node>();
  uploads = new Map<string, Upload>();
  byStorageKey = new Map<string, Upload>();
  tokens = new Map<string, number>();
  /** The image host's offline-migration and copy tasks. */
  readonly ossTasks = new OssTasks(this);
  private blobRefs = new Map<string, number>();
  private nextDriveID = 10_000_001;

  store: BlobStore;

  constructor(
    readonly settings: Settings,
    store: BlobStore,
  ) {
    this.store = store;
  }

  async clear(): Promise<void> {
    this.nodes.clear();
    this.uploads.clear();
    this.byStorageKey.clear();
    this.tokens.clear();
    this.ossTasks.clear();
    this.blobRefs.clear();
    await this.store.clear();
  }

  // ---- files and folders

  get(target: Target, id: ID): Node | undefined {
    return this.nodes.get(`${target}:${id}`);
  }

  children(target: Target, parentID: ID): Node[] {
    return [...this.nodes.values()].filter((n) => n.target === target && n.parentID === parentID);
  }

  folderExists(target: Target, id: ID): boolean {
    return id === rootOf(target) || this.get(target, id)?.dir === true;
  }

  requireFolder(target: Target, id: ID, field: string): void {
    if (!this.folderExists(target, id)) throw new ApiError(Code.NOT_FOUND, `${field} ${JSON.stringify(id)}: no such folder`);
  }

  pathOf(node: Node): string {
    const names = [node.name];
    let parent = this.get(node.target, node.parentID);
    while (parent) {
      names.unshift(parent.name);
      parent = this.get(parent.target, parent.parentID);
    }
    return `/${names.join('/')}`;
  }

  private newID(target: Target): ID {
    return target === 'drive' ? this.nextDriveID++ : randomString(52);
  }

  private add(node: Omit<Node, 'id' | 'createdAt' | 'updatedAt'>): Node {
    const now = Date.now();
    const full: Node = {...node, id: this.newID(node.target), createdAt: now, updatedAt: now};
    this.nodes.set(`${full.target}:${full.id}`, full);
    if (full.blob) this.blobRefs.set(full.blob, (this.blobRefs.get(full.blob) ?? 0) + 1);
    return full;
  }

  remove(node: Node): void {
    if (node.dir) for (const child of this.children(node.target, node.id)) this.remove(child);
    this.nodes.delete(`${node.target}:${node.id}`);
    if (node.blob) this.release(node.blob);
  }

  /** Drops a blob once no file refers to it. */
  release(key: string): void {
    const refs = (this.blobRefs.get(key) ?? 0) - 1;
    if (refs > 0) {
      this.blobRefs.set(key, refs);
    } else {
      this.blobRefs.delete(key);
      void this.store.delete(key);
    }
  }

  mkdir(target: Target, parentID: ID, name: string): Node {
    if (this.children(target, parentID).some((n) => n.name === name)) {
      throw new ApiError(Code.NAME_EXISTS, `"${name}" already exists in this folder`);
    }
    return this.add({target, parentID, name, dir: true, size: 0, md5: ''});
  }

  /** mkdir -p for containDir paths: existing folders are reused. */
  ensureDirs(target: Target, parentID: ID, dirs: string[]): ID {
    let at = parentID;
    for (const name of dirs) {
      const existing = this.children(target, at).find((n) => n.name === name);
      if (existing && !existing.dir) throw new ApiError(Code.NAME_EXISTS, `"${name}" is a file, not a folder`);
      at = (existing ?? this.mkdir(target, at, name)).id;
    }
    return at;
  }

  findContent(target: Target, etag: string, size: number): Node | undefined {
    for (const n of this.nodes.values()) if (n.target === target && !n.dir && n.md5 === etag && n.size === size) return n;
    return undefined;
  }

  /**
   * Where a file with this content goes, by the target's rules. Returns the node the name resolves to
   * (an existing one when it already holds the same content), or throws NAME_EXISTS.
   * With `blob`, the placement happens (the blob is taken or released); without, it is only checked.
   */
  place(args: {target: Target; parentID: ID; name: string; duplicate?: 1 | 2; md5: string; size: number}, blob?: StoredBlob): Node | undefined {
    const {target, parentID, name, duplicate, md5, size} = args;
    const siblings = this.children(target, parentID);
    const clash = siblings.find((n) => n.name === name);
    const fresh = (finalName: string) => (blob ? this.add({target, parentID, name: finalName, dir: false, size, md5, blob: blob.key}) : undefined);
    const keep = (node: Node) => {
      if (blob) this.dropIncoming(blob);
      return node;
    };

    if (target === 'image') {
      // The image host replaces an image of the same etag and size in the same folder.
      const same = siblings.find((n) => !n.dir && n.md5 === md5 && n.size === size);
      if (clash && clash !== same) throw new ApiError(Code.NAME_EXISTS, `"${name}" already exists in this image folder`);
      if (same) {
        if (blob) {
          same.name = name;
          same.updatedAt = Date.now();
        }
        return keep(same);
      }
      return fresh(name);
    }

    if (!clash) return fresh(name);
    if (!clash.dir && clash.md5 === md5 && clash.size === size && duplicate !== 1) return keep(clash);
    if (duplicate === 1) return fresh(this.suffixed(siblings, name));
    if (duplicate === 2) {
      if (clash.dir) throw new ApiError(Code.NAME_EXISTS, `"${name}" is a folder; duplicate 2 overwrites files only`);
      if (blob) this.remove(clash);
      return fresh(name);
    }
    throw new ApiError(Code.NAME_EXISTS, `"${name}" already exists in this folder; send duplicate 1 (keep both) or 2 (overwrite)`);
  }

  /** A blob placed where the server already holds the file: let it go (it is deleted unless other files share it). */
  private dropIncoming(blob: StoredBlob): void {
    this.blobRefs.set(blob.key, (this.blobRefs.get(blob.key) ?? 0) + 1);
    this.release(blob.key);
  }

  /** An existing file's bytes, for an instant upload: the node placed with it refers to the same blob. */
  share(source: Node): StoredBlob {
    return {key: source.blob!, size: source.size, md5: source.md5};
  }

  private suffixed(siblings: Node[], name: string): string {
    const dot = name.lastIndexOf('.');
    const base = dot > 0 ? name.slice(0, dot) : name;
    const ext = dot > 0 ? name.slice(dot) : '';
    for (let k = 1; ; k++) {
      const candidate = `${base}(${k})${ext}`;
      if (!siblings.some((n) => n.name === candidate)) return candidate;
    }
  }

  // ---- uploads

  startUpload(args: Omit<Upload, 'preuploadID' | 'sliceCount' | 'slices' | 'storageKey' | 'signature' | 'notYet'>): Upload {
    const upload: Upload = {
      ...args,
      // Real preuploadIDs are long base64 strings with '/' and '+': clients must not put them in paths unescaped.
      preuploadID: randomString(96, BASE64),
      sliceCount: Math.ceil(args.size / args.sliceSize),
      slices: new Map(),
      storageKey: randomString(24),
      signature: randomString(40),
      notYet: 0,
    };
    this.uploads.set(upload.preuploadID, upload);
    this.byStorageKey.set(upload.storageKey, upload);
    return upload;
  }

  requireUpload(preuploadID: string, flows: Upload['flow'][]): Upload {
    const upload = this.uploads.get(preuploadID);
    if (!upload || !flows.includes(upload.flow)) {
      throw new ApiError(Code.NOT_FOUND, `preuploadID "${preuploadID.slice(0, 16)}…" is unknown to this endpoint`);
    }
    return upload;
  }

  expectedSliceSize(upload: Upload, sliceNo: number): number {
    return sliceNo < upload.sliceCount ? upload.sliceSize : upload.size - (upload.sliceCount - 1) * upload.sliceSize;
  }

  checkSliceNo(upload: Upload, sliceNo: number): void {
    if (!Number.isSafeInteger(sliceNo) || sliceNo < 1 || sliceNo > upload.sliceCount) {
      throw new ApiError(Code.BAD_PARAM, `sliceNo ${sliceNo} is out of range: this upload has slices 1..${upload.sliceCount} (numbered from 1)`);
    }
    if (upload.verification) throw new ApiError(Code.BAD_PARAM, 'this upload is already completed; slices can no longer change');
  }

  /** Keeps a received slice (a re-sent slice replaces the earlier one), or refuses and discards it. */
  async acceptSlice(upload: Upload, sliceNo: number, blob: StoredBlob, sliceMD5?: string): Promise<void> {
    const expected = this.expectedSliceSize(upload, sliceNo);
    const refuse = async (code: number, message: string) => {
      await this.store.delete(blob.key);
      throw new ApiError(code, message);
    };
    if (upload.verification) await refuse(Code.BAD_PARAM, 'this upload is already completed; slices can no longer change');
    if (blob.size !== expected) {
      await refuse(Code.BAD_PARAM, `slice ${sliceNo} is ${blob.size} bytes; it must be exactly ${expected} (sliceSize ${upload.sliceSize}, only the last slice is shorter)`);
    }
    if (sliceMD5 !== undefined && sliceMD5 !== blob.md5) {
      await refuse(Code.MD5_MISMATCH, `sliceMD5 ${sliceMD5} does not match slice ${sliceNo}, whose MD5 is ${blob.md5}`);
    }
    const previous = upload.slices.get(sliceNo);
    upload.slices.set(sliceNo, blob);
    if (previous) await this.store.delete(previous.key);
  }

  /**
   * One call of upload_complete / upload_async_result. The first checks every slice arrived and starts
   * joining and verifying; `completePolls` calls answer not-yet; then the verified file is placed.
   */
  async poll(upload: Upload): Promise<PollResult> {
    const now = Date.now();
    const min = this.settings.minPollIntervalMs;
    if (upload.lastPollAt !== undefined && now - upload.lastPollAt < min) {
      // 429 rather than a new code: "too many requests" is exactly what a client must back off from.
      throw new ApiError(Code.TOO_MANY_REQUESTS, `polled ${now - upload.lastPollAt} ms after the previous poll of this upload; poll at least ${min} ms apart`);
    }
    if (!upload.verification) {
      for (let n = 1; n <= upload.sliceCount; n++) {
        if (!upload.slices.has(n)) throw new ApiError(Code.SLICES_MISSING, `slice ${n} of ${upload.sliceCount} has not been uploaded`);
      }
      upload.verification = this.verify(upload);
      upload.verification.catch(() => {}); // awaited by this and later polls; not unhandled meanwhile
    }
    upload.lastPollAt = now;
    if (upload.notYet < this.settings.completePolls) {
      const k = upload.notYet++;
      return {done: false, variant: k % 2 === 0 ? 'false' : '20103'};
    }
    return {done: true, node: await upload.verification};
  }

  private async verify(upload: Upload): Promise<Node> {
    const keys = [...upload.slices.keys()].sort((a, b) => a - b).map((n) => upload.slices.get(n)!.key);
    const joined = await this.store.join(keys);
    upload.slices.clear();
    if (joined.md5 !== upload.etag || joined.size !== upload.size) {
      await this.store.delete(joined.key);
      throw new ApiError(Code.MD5_MISMATCH, `etag ${upload.etag} does not match the uploaded file, whose MD5 is ${joined.md5} (${joined.size} bytes); the upload failed`);
    }
    try {
      return this.place({...upload, md5: upload.etag}, joined)!;
    } catch (error) {
      await this.store.delete(joined.key);
      throw error;
    }
  }

  async dropUpload(upload: Upload): Promise<void> {
    this.uploads.delete(upload.preuploadID);
    this.byStorageKey.delete(upload.storageKey);
    for (const blob of upload.slices.values()) await this.store.delete(blob.key);
  }
}
