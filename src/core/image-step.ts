/**
 * The image transform as a prepare step: it applies to files that look like images (by name or type) when
 * the options turn transforms on for the target, and loads the image code and its worker on first use.
 */
import {imagesOn, type ImageOptions} from '../image/options.ts';
import {extensionOf} from '../shared/rules.ts';
import type {PrepareStep} from './prepare.ts';
import type {UploadTask} from './types.ts';

/** Extensions worth a look (the bytes decide what is done; a misnamed image is caught by its type). */
const IMAGE_NAMES = new Set(['jpg', 'jpeg', 'jfif', 'png', 'webp', 'bmp', 'tif', 'tiff', 'heic', 'heif', 'hif', 'gif', 'svg']);

export function looksLikeImage(name: string, type: string): boolean {
  return IMAGE_NAMES.has(extensionOf(name)) || type.startsWith('image/');
}

export function imageStep(options: () => ImageOptions): PrepareStep {
  return {
    applies(task: UploadTask) {
      return !task.url && imagesOn(options(), task.target) && looksLikeImage(task.name, task.file.type);
    },
    async run(task: UploadTask, signal: AbortSignal) {
      const [{prepareImage}, {resolveImageOptions}] = await Promise.all([import('../image/prepare-image.ts'), import('../image/resolve.ts')]);
      const resolved = resolveImageOptions(options(), task.target);
      if (!resolved) return;
      return prepareImage({file: task.file, name: task.name, target: task.target}, resolved, signal);
    },
  };
}
