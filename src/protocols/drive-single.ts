/**
 * Drive v2, single-step: the whole file in one multipart request to the upload domain.
 * One request instead of create + slice + complete (and its ≥ 1 s polls), so it is what
 * small files take; it cannot resume and 123pan caps it at 1 GB.
 */
import {SINGLE_STEP_MAX_SIZE} from './choose-flow.ts';
import {DriveFolders, intoFolder} from './drive-folders.ts';
import {resolveDriveLink} from './drive-link.ts';
import {UploadError, isAbort} from './errors.ts';
import {PanApiError} from '../api/index.ts';
import {raceAbort, sleep} from '../shared/abort.ts';
import type {CreateResult, FileInfo, ProtocolDeps, RequestOptions, WholeBodyProtocol} from './types.ts';

/** How long an answer of /upload/v2/file/domain is used before asking again. */
export const DOMAIN_TTL_MS = 10 * 60_000;

/** How far this clock may run ahead of 123pan's when telling a file made by this upload from an older one. */
const CLOCK_SLACK_MS = 2 * 60_000;

/** Keep-both names chosen in a row and still refused as taken before leaving the naming to 123pan. */
const MAX_NAME_CLASHES = 3;

/** 123pan publishes no code for a name taken; its message says so (the emulator's: "already exists"). */
const NAME_TAKEN = /已存在|重名|同名|already exists/i;

const isNameTaken = (error: unknown) => error instanceof PanApiError && NAME_TAKEN.test(error.message);

type ListEntry = {fileId: number; filename: string; etag: string; size: number; parentFileId: number; type: number; trashed?: number; createAt?: string};

function splitName(filename: string): {base: string; ext: string} {
  const dot = filename.lastIndexOf('.');
  return dot > 0 ? {base: filename.slice(0, dot), ext: filename.slice(dot)} : {base: filename, ext: ''};
}

export class DriveSingleProtocol implements WholeBodyProtocol {
  readonly flow = 'single' as const;
  readonly sends = 'whole' as const;
  private readonly deps: ProtocolDeps;
  /** The upload domain, asked once per client and shared by every file until it expires or fails an upload. */
  private domain?: Promise<string>;
  private domainAt = 0;
  private readonly folders: DriveFolders;
  constructor(deps: ProtocolDeps, folders = new DriveFolders(deps.client)) {
    this.deps = deps;
    this.folders = folders;
  }

  /** Asked as a file starts hashing, so that its create does not wait for the lookup afterwards; a failure is met again there. */
  prefetch(): void {
    this.lookupDomain().catch(() => {});
  }

  private uploadDomain(signal: AbortSignal): Promise<string> {
    return raceAbort(this.lookupDomain(), signal);
  }

  private lookupDomain(): Promise<string> {
    // 123pan may retire a domain: an old answer is asked again after DOMAIN_TTL_MS.
    if (this.domain && Date.now() - this.domainAt > DOMAIN_TTL_MS) this.domain = undefined;
    if (!this.domain) this.domainAt = Date.now();
    // Without a signal: the answer is shared, and one file paused must not fail the others' lookup.
    this.domain ??= this.deps.client.call<string[]>('/upload/v2/file/domain', {method: 'GET'}).then((list) => {
      if (!Array.isArray(list) || !list[0]) throw new UploadError('server', 'upload/v2/file/domain answered no upload domain');
      // Kept as given: postForm upgrades http on an https page and explains when that fails.
      return list[0];
    });
    // A failed lookup must not stick for the next file.
    const asked = this.domain;
    asked.catch(() => {
      if (this.domain === asked) this.domain = undefined;
    });
    return asked;
  }

  async create(file: Blob, given: FileInfo, {signal, onProgress}: RequestOptions): Promise<Extract<CreateResult, {kind: 'done'}>> {
    if (given.size > SINGLE_STEP_MAX_SIZE) throw new UploadError('refused', `single-step upload takes at most 1 GiB; "${given.filename}" has ${given.size} bytes`);
    // A folder upload's folders are made first, so the file goes into an ID its retries can list.
    const info = await intoFolder(this.folders, given, signal);
    const firstTry = Date.now();
    // Keep-both without duplicate=1: a browser sends a POST again by itself when a reused keep-alive connection
    // closes before any byte of the answer (Chromium's ShouldResendRequest; Firefox on a reused connection too),
    // and page code never learns of it. With duplicate=1 that replay is a second copy, "name(1)". So each send
    // names a name, and leaves duplicate out so that 123pan refuses a clash ("不能重名") rather than suffixing:
    // a replay then lands on the file its first send stored. The keep-both name is chosen here.
    let strict = info.duplicate === 1 && !info.containDir;
    let filename = info.filename;
    let clashes = 0;
    for (let retries = 0; ; ) {
      const domain = await this.uploadDomain(signal);
      const asked = this.domain;
      try {
        const data = await this.send(domain, file, {...info, filename}, strict, signal, onProgress);
        if (!data?.completed || !data.fileID) throw new UploadError('server', `single/create did not complete the upload of "${info.filename}"`);
        // The answer does not say whether 123pan already held the file.
        return {kind: 'done', fileID: data.fileID, reused: false};
      } catch (error) {
        if (strict && isNameTaken(error)) {
          // A listing refused (a proxy that does not forward it) leaves the naming to 123pan, as before.
          const next = await this.nextName(info, filename, signal).catch((lookup: unknown) => {
            if (isAbort(lookup, signal)) throw lookup;
            return undefined;
          });
          if (next?.fileID !== undefined) return {kind: 'done', fileID: next.fileID, reused: false};
          // So does a name taken that the listing did not show (a listing that hides other files).
          if (!next || ++clashes > MAX_NAME_CLASHES || next.name === filename) strict = false;
          filename = strict && next ? next.name : info.filename;
          continue;
        }
        const delay = error instanceof PanApiError ? this.deps.client.retryDelay(error, retries++) : null;
        if (delay === null) throw error;
        // The domain may have been retired: the next try asks for it again.
        if (this.domain === asked) this.domain = undefined;
        await sleep(delay, signal);
        // The answer may have been lost after 123pan stored the file: sending again with duplicate=1 would
        // leave a copy named "name(1)", so look for it first.
        // A listing refused (a proxy that does not forward it) leaves the old way: send again.
        const stored = await this.findStored(info, firstTry, signal).catch((lookup: unknown) => {
          if (isAbort(lookup, signal)) throw lookup;
          return undefined;
        });
        if (stored !== undefined) return {kind: 'done', fileID: stored, reused: false};
      }
    }
  }

  /**
   * After `taken` was refused as taken: the file there when it holds these very bytes (an earlier send of
   * this upload stored it; or the same bytes were already there under this name, which keep-both has no
   * reason to copy), else the first "name(k).ext" free in the folder, as 123pan's keep-both names it.
   */
  private async nextName(info: FileInfo, taken: string, signal: AbortSignal): Promise<{fileID?: number; name: string}> {
    const entries = await this.listNamed(info, signal);
    const there = entries.find((f) => f.filename === taken);
    if (there && there.type === 0 && there.etag === info.etag && there.size === info.size) return {fileID: there.fileId, name: taken};
    const names = new Set(entries.map((f) => f.filename));
    const {base, ext} = splitName(info.filename);
    for (let k = 1; ; k++) {
      const name = `${base}(${k})${ext}`;
      if (!names.has(name)) return {name};
    }
  }

  /**
   * The file a lost answer may have made: in the folder, same etag and size, named as sent or as keep-both
   * names it ("name(2).ext"), created since the first try (less CLOCK_SLACK_MS: a copy of the same bytes
   * made minutes before is the user's, not ours). A containDir name lives in folders the first try may have
   * made: not looked for, so such a retry may copy it.
   */
  private async findStored(info: FileInfo, since: number, signal: AbortSignal): Promise<number | undefined> {
    if (info.containDir) return undefined;
    const {base, ext} = splitName(info.filename);
    const named = (name: string) => name === info.filename || (name.startsWith(`${base}(`) && name.endsWith(`)${ext}`) && /^\(\d+\)$/.test(name.slice(base.length, name.length - ext.length)));
    const recent = (createAt?: string) => {
      // 123pan writes 'YYYY-MM-DD HH:mm:ss' in China time.
      const at = createAt ? Date.parse(`${createAt.replace(' ', 'T')}+08:00`) : NaN;
      return Number.isNaN(at) || at >= since - CLOCK_SLACK_MS;
    };
    const entries = await this.listNamed(info, signal);
    return entries.find((f) => f.type === 0 && named(f.filename) && f.etag === info.etag && f.size === info.size && recent(f.createAt))?.fileId;
  }

  /** The folder's entries whose names contain the base name (searchData narrows the listing; a few pages at most). */
  private async listNamed(info: FileInfo, signal: AbortSignal): Promise<ListEntry[]> {
    const {base} = splitName(info.filename);
    const found: ListEntry[] = [];
    let lastFileId: number | undefined;
    for (let page = 0; page < 5; page++) {
      const query: Record<string, string | number> = {parentFileId: Number(info.parentID), limit: 100, searchData: base};
      if (lastFileId !== undefined) query.lastFileId = lastFileId;
      const list = await this.deps.client.call<{lastFileId: number; fileList: ListEntry[]}>('/api/v2/file/list', {method: 'GET', query, signal});
      // searchData may search the whole drive: keep this folder's, not in the trash.
      found.push(...list.fileList.filter((f) => Number(f.parentFileId) === Number(info.parentID) && !f.trashed));
      if (list.lastFileId === -1 || list.fileList.length === 0) break;
      lastFileId = list.lastFileId;
    }
    return found;
  }

  /** One try of the single-step upload (retries are create's, which looks for a stored copy first); strict: no `duplicate`, a clash refused. */
  private send(domain: string, file: Blob, info: FileInfo, strict: boolean, signal: AbortSignal, onProgress: RequestOptions['onProgress']) {
    return this.deps.client.postForm<{fileID: number; completed: boolean}>(
      domain,
      '/upload/v2/file/single/create',
      () => {
        const form = new FormData();
        form.append('parentFileID', String(Number(info.parentID)));
        form.append('filename', info.filename);
        form.append('etag', info.etag);
        form.append('size', String(info.size));
        if (!strict) form.append('duplicate', String(info.duplicate));
        if (info.containDir) form.append('containDir', 'true');
        form.append('file', file, info.filename.split('/').pop() || 'file');
        return form;
      },
      {signal, onProgress, retry: false},
    );
  }

  resolveURL(fileID: number | string, options: RequestOptions) {
    return resolveDriveLink(this.deps.client, this.deps.driveLink, fileID, options);
  }
}
