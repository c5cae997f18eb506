/**
 * The image transform as a prepare step: it applies to files that look like images (by name or type) when
 * the options turn transforms on for the target, and loads the image code and its worker on first use.
 */
import {resolveImageOptions, type ImageOptions} from '../image/options.ts';
import {PanError} from '../shared/errors.ts';
import {formatBytes} from '../shared/format-bytes.ts';
import {extensionOf, IMAGE_MAX_SIZE} from '../shared/rules.ts';
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
      return !task.url && resolveImageOptions(options(), task.target) !== null && looksLikeImage(task.name, task.file.type);
    },
    async run(task: UploadTask, signal: AbortSignal) {
      const resolved = resolveImageOptions(options(), task.target);
      if (!resolved) return;
      const {prepareImage} = await import('../image/prepare-image.ts');
      const outcome = await prepareImage({file: task.file, name: task.name, target: task.target}, resolved, signal);
      // A file let in over the image host's limit because it might shrink, that did not: refused, by name.
      const size = (outcome.file ?? task.file).size;
      if (task.target === 'image' && size > IMAGE_MAX_SIZE) {
        throw new PanError('image-refused', `"${task.name}": ${formatBytes(size)} is above the image host's limit of ${formatBytes(IMAGE_MAX_SIZE)} even after compression`, {code: 'target-too-large'});
      }
      return outcome;
    },
  };
}
