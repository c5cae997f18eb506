/** The element's attributes as engine options: parsed, checked, and with a neutral value for each absent one. */
import {DEFAULT_OPTIONS} from '../../core/index.ts';
import type {UploadManagerOptions, UploadTarget} from '../../core/types.ts';
import {checkImageOptions, type ImageOptions} from '../../image/options.ts';
import {parseCount, parseSize} from './parse-size.ts';

/** The attributes the engine hears about. */
export interface EngineAttributes {
  target: UploadTarget;
  parentId: string;
  tokenUrl?: string;
  apiBase?: string;
  driveFlow: string;
  duplicate: string;
  multiple: boolean;
  accept: string;
  maxSize?: string | number;
  maxFiles?: string | number;
  concurrency?: string | number;
  manual: boolean;
  imageMaxWidth?: string;
  imageMaxHeight?: string;
  imageQuality?: string;
  imageType?: string;
  imageTransform?: string;
  keepMetadata: boolean;
}

const DRIVE_FLOWS = ['auto', 'v2', 'single', 'v1'] as const;

/**
 * The engine ignores undefined in a patch, so an absent attribute is sent as its neutral value ('', Infinity or
 * the engine's default): removing an attribute then undoes it. A wrong attribute is reported on the console by
 * name and left at its neutral value; the others still apply.
 */
export function engineOptions(el: EngineAttributes): Partial<UploadManagerOptions> {
  const options: Partial<UploadManagerOptions> = {
    target: el.target === 'image' ? 'image' : 'drive',
    duplicate: el.duplicate === 'overwrite' ? 'overwrite' : 'keep',
    accept: el.accept ?? '',
    autoStart: !el.manual,
    apiBase: el.apiBase || DEFAULT_OPTIONS.apiBase,
    tokenUrl: el.tokenUrl || '',
  };
  const report = (fn: () => void) => {
    try {
      fn();
    } catch (error) {
      console.error((error as Error).message);
    }
  };
  report(() => {
    options.parentID = parentIDFor(options.target!, el.parentId);
  });
  report(() => {
    const flow = el.driveFlow || 'auto';
    options.driveFlow = 'auto';
    if (!(DRIVE_FLOWS as readonly string[]).includes(flow)) {
      throw new RangeError(`<pan-uploader>: drive-flow must be auto, v2, single or v1, got ${JSON.stringify(flow)}`);
    }
    options.driveFlow = flow as UploadManagerOptions['driveFlow'];
  });
  report(() => {
    options.maxSize = (typeof el.maxSize === 'number' ? el.maxSize : parseSize(el.maxSize)) ?? Infinity;
  });
  report(() => {
    const max = parseCount(el.maxFiles == null ? null : String(el.maxFiles), 'max-files');
    // Without `multiple`, the element holds one file at a time.
    options.maxFiles = el.multiple ? (max ?? Infinity) : 1;
  });
  report(() => {
    const n = parseCount(el.concurrency == null ? null : String(el.concurrency), 'concurrency');
    if (n !== undefined) options.concurrency = n;
  });
  Object.assign(options, imageOptions(el, report));
  return options;
}

/** The image-* attributes as one image option (sent whole, so a removed attribute is undone), each checked by name. */
function imageOptions(el: EngineAttributes, report: (fn: () => void) => void): Partial<UploadManagerOptions> {
  const image: ImageOptions = {keepMetadata: el.keepMetadata};
  const each = (attribute: string, raw: string | undefined, patch: (value: string) => ImageOptions) =>
    report(() => {
      if (raw == null || raw.trim() === '') return;
      const value = patch(raw.trim());
      try {
        checkImageOptions(value);
      } catch (error) {
        throw new RangeError(`<pan-uploader> ${attribute}="${raw}": ${(error as Error).message}`);
      }
      Object.assign(image, value);
    });
  each('image-transform', el.imageTransform, (v) => ({transform: v as ImageOptions['transform']}));
  each('image-max-width', el.imageMaxWidth, (v) => ({maxWidth: Number(v)}));
  each('image-max-height', el.imageMaxHeight, (v) => ({maxHeight: Number(v)}));
  each('image-quality', el.imageQuality, (v) => ({quality: Number(v)}));
  each('image-type', el.imageType, (v) => ({type: v as ImageOptions['type']}));
  return {image};
}

/** Compares option sets, counting an explicit undefined as a value. */
export function optionsKey(options: Partial<UploadManagerOptions>): string {
  return JSON.stringify(options, (_key, value) => (value === undefined ? null : value));
}

function parentIDFor(target: UploadTarget, parentId: string | undefined): number | string {
  const raw = (parentId ?? '').trim();
  if (target === 'image') return raw;
  if (raw === '') return 0;
  const id = Number(raw);
  if (!Number.isSafeInteger(id) || id < 0) {
    throw new RangeError(`<pan-uploader> parent-id="${raw}" is not a drive folder ID: use a whole number (0 = root).`);
  }
  return id;
}
