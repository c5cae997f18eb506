/**
 * Previews of image files as object URLs, made on first render of a row and revoked when the file leaves the
 * list or the element leaves the page (an object URL holds the file in memory until revoked).
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import {UploadStatus, type UploadTarget, type UploadTask} from '../../core/types.ts';

/** Larger images get a generic tile: decoding them for a 40 px preview is not worth the memory. */
const THUMBNAIL_MAX_BYTES = 25 * 1024 * 1024;

export class ThumbnailController implements ReactiveController {
  private readonly urls = new Map<string, string>();

  constructor(host: ReactiveControllerHost) {
    host.addController(this);
  }

  /** The preview's URL, or undefined when the row shows a tile with the extension (or, with `later`, until one is made). */
  urlFor(task: UploadTask, target: UploadTarget, later?: boolean): string | undefined {
    // A URL import has no local bytes: its preview is the image host's own link, once there is one.
    if (task.url) return task.status === UploadStatus.DONE && target === 'image' ? task.downloadURL : undefined;
    if (!task.file.type.startsWith('image/') || task.size > THUMBNAIL_MAX_BYTES) return undefined;
    let url = this.urls.get(task.id);
    if (!url && !later) {
      url = URL.createObjectURL(task.file);
      this.urls.set(task.id, url);
    }
    return url;
  }

  revoke(id: string): void {
    const url = this.urls.get(id);
    if (url) URL.revokeObjectURL(url);
    this.urls.delete(id);
  }

  /** Revokes the previews of files no longer in the list. */
  prune(tasks: readonly UploadTask[]): void {
    const live = new Set(tasks.map((task) => task.id));
    for (const id of [...this.urls.keys()]) if (!live.has(id)) this.revoke(id);
  }

  hostDisconnected(): void {
    for (const url of this.urls.values()) URL.revokeObjectURL(url);
    this.urls.clear();
  }
}
