/**
 * Drive folders inside the pinned one: a folder upload makes its folders under the pin (mkdir) and sends
 * each file into its folder's ID, so the pin accepts a folder the pin holds at any depth. Which folders
 * those are is asked of 123pan itself (a folder's parents, by detail), never taken from the page; what was
 * learnt is kept, so a folder is asked about once per process. Several instances each learn on their own.
 */

/** The drive detail fields the walk reads. */
export interface FolderDetail {
  type: number;
  parentFileID: number | string;
  trashed?: number;
}

/** Folder IDs kept at most; past it the set starts again (each is then asked about once more). */
const MAX_KNOWN = 10_000;
/** Folders deeper than this below the pin are refused. */
const MAX_DEPTH = 32;

export class DriveFolderPin {
  private readonly known = new Set<string>();
  constructor(
    private readonly pinned: number,
    /** A drive entry's detail, undefined when 123pan says it does not exist; throws when 123pan cannot tell. */
    private readonly detail: (fileID: string, signal: AbortSignal) => Promise<FolderDetail | undefined>,
  ) {}

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
  }

  /**
   * Learns whether `value` (as the request gave it) is a folder inside the pin, walking up its parents;
   * afterwards `holds` answers. Anything but a plain folder ID is left for `holds` to refuse.
   */
  async learn(value: unknown, signal: AbortSignal): Promise<void> {
    const text = typeof value === 'number' ? String(value) : typeof value === 'string' ? value : '';
    if (!/^[1-9]\d{0,15}$/.test(text) || this.holds(text)) return;
    const chain: string[] = [];
    let at = text;
    for (let depth = 0; depth < MAX_DEPTH; depth++) {
      const entry = await this.detail(at, signal);
      // A file is no folder to upload into; nor is a folder in the trash.
      if (!entry || entry.type !== 1 || entry.trashed) return;
      chain.push(at);
      const parent = String(entry.parentFileID);
      if (this.holds(parent)) {
        for (const id of chain) this.remember(id);
        return;
      }
      if (!/^[1-9]\d*$/.test(parent)) return;
      at = parent;
    }
  }
}
