/**
 * Folder paths of a folder upload, each folder found or made once per page: the files of one folder wait
 * on the same find-or-make, in flight or done. Shared by the drive's and the image host's folders.
 */
import {isAbort} from './errors.ts';
import {raceAbort} from '../shared/abort.ts';

export class FolderPaths<ID> {
  /** `${parentID}/${name}` → the folder's ID. */
  private readonly known = new Map<string, Promise<ID>>();
  constructor(private readonly findOrMake: (parentID: ID, name: string) => Promise<ID>) {}

  /**
   * The ID of the last folder of `names` under `parentID`, each found or made in turn. A failure at
   * `depth` (0 for the first name) is passed through `failed`, which may name the file and the folder.
   */
  async resolve(parentID: ID, names: readonly string[], signal: AbortSignal, failed: (error: unknown, depth: number) => unknown = (error) => error): Promise<ID> {
    let at = parentID;
    for (const [depth, name] of names.entries()) {
      const key = `${String(at)}/${name}`;
      let id = this.known.get(key);
      if (!id) {
        // Without the file's signal: the files of this folder share the work, and one paused must not fail the rest.
        id = this.findOrMake(at, name);
        this.known.set(key, id);
        // A failure must not stick: the next file of this folder tries again.
        id.catch(() => this.known.delete(key));
      }
      try {
        at = await raceAbort(id, signal);
      } catch (error) {
        throw isAbort(error, signal) ? error : failed(error, depth);
      }
    }
    return at;
  }
}
