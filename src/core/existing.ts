/**
 * Files a record already has (an edit form's attachments): checked entries, and the one pass that asks
 * 123pan for the details the page did not give (drive `file/detail`, image host `oss/file/detail`).
 */
import type {PanClient} from '../api/client.ts';
import {sleep} from '../shared/abort.ts';
import {PanError} from '../shared/errors.ts';
import type {UploadTarget} from '../shared/words.ts';
import {UploadStatus} from './status.ts';
import type {UploadManagerOptions, UploadTask} from './types.ts';

/** What listing existing files needs of the queue. */
export interface ExistingHost {
  readonly options: UploadManagerOptions;
  existing(): UploadTask[];
  remove(id: string): void;
  /** Puts tasks at the head of the list and tells of them. */
  prepend(tasks: UploadTask[]): void;
  newTask(name: string, size: number): UploadTask;
  changed(task: UploadTask): void;
  client(): Promise<PanClient>;
  /** A signal for a new lookup, aborting the one before (a new list, or clearing it, stops the old one). */
  lookupSignal(): AbortSignal;
}

/** See UploadManager.setExisting. */
export function listExisting(host: ExistingHost, entries: readonly unknown[] | string): UploadTask[] {
  const list = typeof entries === 'string' ? parseState(entries) : entries;
  if (!Array.isArray(list)) {
    console.error(`<pan-uploader>: existing files are an array of fileIDs or {fileID, name?, size?, url?, thumbnail?}, got ${String(list)}`);
    return [];
  }
  const {target} = host.options;
  for (const task of host.existing()) host.remove(task.id);
  const added: UploadTask[] = [];
  const unknown: UploadTask[] = [];
  for (const entry of list) {
    const checked = checkExisting(entry, target);
    if ('error' in checked) {
      console.error(`<pan-uploader>: existing file refused: ${checked.error}`);
      continue;
    }
    const task = host.newTask(checked.name ?? String(checked.fileID), checked.size ?? 0);
    task.status = UploadStatus.DONE;
    task.size = task.total = task.loaded = checked.size ?? 0;
    task.fileID = checked.fileID;
    task.existing = true;
    if (checked.url) task.downloadURL = checked.url;
    if (checked.thumbnail) task.thumbnailURL = checked.thumbnail;
    added.push(task);
    if (checked.name === undefined || checked.size === undefined) unknown.push(task);
  }
  host.prepend(added);
  if (unknown.length) lookUp(host, unknown);
  return added;
}

/** A form state: our JSON entries, or fileIDs separated by commas (autofill). */
function parseState(state: string): unknown {
  try {
    return state.trim().startsWith('[') ? JSON.parse(state) : state.split(',').map((id) => id.trim()).filter(Boolean);
  } catch {
    return [];
  }
}

function lookUp(host: ExistingHost, tasks: UploadTask[]): void {
  const signal = host.lookupSignal();
  host
    .client()
    .then((client) =>
      fetchDetails(client, host.options.target, tasks.map((t) => t.fileID!), (fileID, detail) => {
        for (const task of tasks.filter((t) => String(t.fileID) === String(fileID))) {
          if (detail === 'not-found') task.missing = true;
          else {
            if (task.name === String(task.fileID)) task.name = detail.name;
            if (!task.size) task.size = task.total = task.loaded = detail.size;
            if (!task.downloadURL && detail.url) task.downloadURL = detail.url;
          }
          host.changed(task);
        }
      }, signal),
    )
    .catch((error: unknown) => {
      if (!signal.aborted) console.error(`<pan-uploader>: existing files' details could not be read: ${(error as Error).message}`);
    });
}

/** One existing file: its fileID, and what the page knows of it (the rest is looked up). */
export interface ExistingFile {
  /** Drive: a number (or its digits); image host: a string. */
  fileID: number | string;
  name?: string;
  size?: number;
  /** A preview (an image's link or a thumbnail the page keeps). */
  thumbnail?: string;
  /** Where the file opens. */
  url?: string;
}

/** A checked entry, or why it was refused (naming it). */
export function checkExisting(entry: unknown, target: UploadTarget): ExistingFile | {error: string} {
  const raw = typeof entry === 'object' && entry !== null ? (entry as Record<string, unknown>) : {fileID: entry};
  const shown = JSON.stringify(entry) ?? String(entry);
  let id = raw.fileID;
  if (target === 'drive') {
    if (typeof id === 'string' && /^\d+$/.test(id.trim())) id = Number(id.trim());
    if (typeof id !== 'number' || !Number.isSafeInteger(id) || id <= 0) return {error: `${shown}: a drive fileID is a positive whole number`};
  } else if (typeof id === 'number' && Number.isFinite(id)) {
    id = String(id);
  }
  if (target === 'image' && (typeof id !== 'string' || id.trim() === '')) return {error: `${shown}: an image-host fileID is a non-empty string`};
  const file: ExistingFile = {fileID: target === 'image' ? (id as string).trim() : (id as number)};
  for (const key of ['name', 'thumbnail', 'url'] as const) {
    if (raw[key] === undefined) continue;
    if (typeof raw[key] !== 'string') return {error: `${shown}: ${key} must be a string`};
    file[key] = raw[key] as string;
  }
  if (raw.size !== undefined) {
    if (typeof raw.size !== 'number' || !Number.isSafeInteger(raw.size) || raw.size < 0) return {error: `${shown}: size must be a whole number of bytes`};
    file.size = raw.size;
  }
  return file;
}

/** What a detail call told about one file, or that 123pan does not know it. */
export type Detail = {name: string; size: number; url?: string} | 'not-found';

/** Lookups in flight at once, and the least time between two starts: 123pan publishes no limit for `detail`. */
const AT_ONCE = 2;
const SPACING_MS = 200;

/**
 * Looks up each fileID once (duplicates share one call), at most two at a time and five a second; `found` is told as each
 * answers. A 'not found' answer (or a fileID the server refuses to read) is told as 'not-found'; any other
 * failure leaves that file as the page described it.
 */
export async function fetchDetails(
  client: PanClient,
  target: UploadTarget,
  fileIDs: readonly (number | string)[],
  found: (fileID: number | string, detail: Detail) => void,
  signal: AbortSignal,
): Promise<void> {
  const queue = [...new Set(fileIDs)];
  const path = target === 'drive' ? '/api/v1/file/detail' : '/api/v1/oss/file/detail';
  let nextStart = 0;
  const worker = async () => {
    for (let id = queue.shift(); id !== undefined; id = queue.shift()) {
      // The spacing counts from when a look-up really starts: a timer that fires late must not
      // bring the next start closer.
      for (let wait = nextStart - Date.now(); wait > 0; wait = nextStart - Date.now()) await sleep(wait, signal);
      signal.throwIfAborted();
      nextStart = Date.now() + SPACING_MS;
      try {
        const data = await client.call<Record<string, unknown>>(path, {method: 'GET', query: {fileID: String(id)}, signal});
        const size = Number(data.size ?? 0);
        const name = String(data.filename ?? data.fileName ?? data.name ?? id);
        const url = typeof data.downloadURL === 'string' ? data.downloadURL : typeof data.userSelfURL === 'string' ? data.userSelfURL : undefined;
        found(id, url ? {name, size, url} : {name, size});
      } catch (error) {
        if (signal.aborted) throw error;
        if (error instanceof PanError && (error.key === 'not-found' || error.key === 'refused')) found(id, 'not-found');
        else console.error(`<pan-uploader>: the details of fileID ${id} could not be read: ${(error as Error).message}`);
      }
    }
  };
  await Promise.all(Array.from({length: Math.min(AT_ONCE, queue.length)}, worker));
}
