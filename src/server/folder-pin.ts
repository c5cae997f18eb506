/**
 * Drive folders inside the pinned one: a folder upload makes its folders under the pin (mkdir) and sends
 * each file into its folder's ID, so the pin accepts a folder the pin holds at any depth. Which folders
 * those are is asked of 123pan itself (a folder's parents, by detail), never taken from the page; what was
 * learnt is kept, so a folder is asked about once per process. Several instances each learn on their own.
 *
 * Each detail call spends the account's rate budget, so a page naming folders outside the pin must not
 * be able to make the proxy ask again and again: what was found outside is kept for a while too, a walk
 * stops at a folder already known either way, and requests naming the same folder at once share one walk.
 */
import {raceAbort} from '../shared/abort.ts';

/** The drive detail fields the walk reads. */
export interface FolderDetail {
  type: number;
  parentFileID: number | string;
  trashed?: number;
}

export interface DriveFolderPinOptions {
  /** How long a folder found outside the pin stays refused without asking (it may be moved in later). */
  outsideMs?: number;
  /** Longest a walk may take; requests waiting on it past that are refused as unanswered. */
  walkTimeoutMs?: number;
  now?: () => number;
}

/** Folder IDs kept at most, inside and outside each; past it the set starts again (each is then asked about once more). */
const MAX_KNOWN = 10_000;
/** Folders deeper than this below the pin are refused. */
const MAX_DEPTH = 32;
const FOLDER_ID = /^[1-9]\d{0,15}$/;

export class DriveFolderPin {
  private readonly known = new Set<string>();
  /** Folder IDs found outside the pin (or not folders at all), with when that stops being trusted. */
  private readonly outside = new Map<string, number>();
  private readonly walks = new Map<string, Promise<void>>();
  private readonly outsideMs: number;
  private readonly walkTimeoutMs: number;
  private readonly now: () => number;

  constructor(
    private readonly pinned: number,
    /** A drive entry's detail, undefined when 123pan says it does not exist; throws when 123pan cannot tell. */
    private readonly detail: (fileID: string, signal: AbortSignal) => Promise<FolderDetail | undefined>,
    options: DriveFolderPinOptions = {},
  ) {
    this.outsideMs = options.outsideMs ?? 60_000;
    this.walkTimeoutMs = options.walkTimeoutMs ?? 30_000;
    this.now = options.now ?? Date.now;
  }

  /** Whether `value` names the pinned folder or one known to be inside it. */
  holds(value: unknown): boolean {
    if (typeof value !== 'number' && typeof value !== 'string') return false;
    const text = String(value);
    return text === String(this.pinned) || this.known.has(text);
  }

  /** A folder this proxy just made under a folder the pin holds. */
  remember(id: unknown): void {
    if (typeof id !== 'number' && typeof id !== 'string') return;
    if (this.known.size >= MAX_KNOWN) this.known.clear();
    this.known.add(String(id));
    this.outside.delete(String(id));
  }

  /**
   * Learns whether `value` (as the request gave it) is a folder inside the pin, walking up its parents;
   * afterwards `holds` answers. Anything but a plain folder ID is left for `holds` to refuse.
   */
  async learn(value: unknown, signal: AbortSignal): Promise<void> {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    if (!FOLDER_ID.test(text) || this.holds(text) || this.isOutside(text)) return;
    let walk = this.walks.get(text);
    if (!walk) {
      // Not the first request's signal: a walk others wait on must not end with that request.
      walk = this.walk(text, AbortSignal.timeout(this.walkTimeoutMs)).finally(() => this.walks.delete(text));
      // Handled even when every request waiting on it gave up first: a failed walk must not crash the process.
      walk.catch(() => {});
      this.walks.set(text, walk);
    }
    await raceAbort(walk, signal);
  }

  private async walk(start: string, signal: AbortSignal): Promise<void> {
    const chain: string[] = [];
    let at = start;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const entry = await this.detail(at, signal);
      // A file is no folder to upload into; nor is a folder in the trash.
      if (!entry || entry.type !== 1 || entry.trashed) break;
      chain.push(at);
      const parent = String(entry.parentFileID);
      if (this.holds(parent)) {
        for (const id of chain) this.remember(id);
        return;
      }
      if (!FOLDER_ID.test(parent) || this.isOutside(parent)) break;
      at = parent;
    }
    // Outside the pin (under the root or a folder known outside, or too deep), or no folder: all that was looked at.
    this.markOutside([...chain, at]);
  }

  private isOutside(id: string): boolean {
    const until = this.outside.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.outside.delete(id);
    return false;
  }

  private markOutside(ids: readonly string[]): void {
    const until = this.now() + this.outsideMs;
    for (const id of ids) {
      if (this.outside.size >= MAX_KNOWN) this.outside.clear();
      this.outside.set(id, until);
    }
  }
}
