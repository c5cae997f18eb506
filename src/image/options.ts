/** The image options: their words, the image host's defaults, and the checks that refuse a bad one by name. */

export type ImageType = 'keep' | 'jpeg' | 'webp' | 'png';

export interface ImageOptions {
  /** auto: on for the image host, on for the drive only when an image option is set; off: never. */
  transform?: 'auto' | 'on' | 'off';
  /** Longest width and height in pixels (larger images are scaled down, keeping their shape). */
  maxWidth?: number;
  maxHeight?: number;
  /** 0–1, for JPEG and WebP. */
  quality?: number;
  type?: ImageType;
  /** Carry the original EXIF over into a re-encoded JPEG (orientation reset), and leave GPS in a file sent as is. */
  keepMetadata?: boolean;
}

/** What the image host gets when the page sets nothing: a 2560 px photo at quality 0.85 in its own format. */
export const IMAGE_HOST_DEFAULTS = {maxWidth: 2560, maxHeight: 2560, quality: 0.85, type: 'keep'} as const;
/** On the drive, an unset bound means no resizing; quality applies only when re-encoding is asked for. */
export const DRIVE_DEFAULT_QUALITY = 0.9;
/** Above this many pixels the browser is not asked to decode the image (it would need 4 bytes each). */
export const MAX_PIXELS = 80_000_000;

export interface ResolvedImageOptions {
  maxWidth: number;
  maxHeight: number;
  quality: number;
  type: ImageType;
  keepMetadata: boolean;
  /** Whether HEIC is converted (image host: always; drive: when a type is asked for). */
  convertHeif: boolean;
}

/** Refuses a bad image option by name. */
export function checkImageOptions(o: ImageOptions): void {
  if (o.transform !== undefined && !['auto', 'on', 'off'].includes(o.transform)) throw new RangeError(`image.transform must be "auto", "on" or "off", got ${JSON.stringify(o.transform)}`);
  for (const key of ['maxWidth', 'maxHeight'] as const) {
    const v = o[key];
    if (v !== undefined && (!Number.isInteger(v) || v < 1)) throw new RangeError(`image.${key} must be a whole number of pixels ≥ 1, got ${JSON.stringify(v)}`);
  }
  if (o.quality !== undefined && !(o.quality > 0 && o.quality <= 1)) throw new RangeError(`image.quality must be above 0 and at most 1, got ${JSON.stringify(o.quality)}`);
  if (o.type !== undefined && !['keep', 'jpeg', 'webp', 'png'].includes(o.type)) throw new RangeError(`image.type must be "keep", "jpeg", "webp" or "png", got ${JSON.stringify(o.type)}`);
}

/** The options in effect for a target, or null when images go as they are. */
export function resolveImageOptions(o: ImageOptions, target: 'drive' | 'image'): ResolvedImageOptions | null {
  const mode = o.transform ?? 'auto';
  if (mode === 'off') return null;
  const anySet = o.maxWidth !== undefined || o.maxHeight !== undefined || o.quality !== undefined || (o.type !== undefined && o.type !== 'keep');
  if (target === 'drive' && mode === 'auto' && !anySet) return null;
  const host = target === 'image';
  const bound = (v: number | undefined, fallback: number) => v ?? (host ? fallback : Infinity);
  return {
    maxWidth: bound(o.maxWidth, IMAGE_HOST_DEFAULTS.maxWidth),
    maxHeight: bound(o.maxHeight, IMAGE_HOST_DEFAULTS.maxHeight),
    quality: o.quality ?? (host ? IMAGE_HOST_DEFAULTS.quality : DRIVE_DEFAULT_QUALITY),
    type: o.type ?? 'keep',
    keepMetadata: o.keepMetadata ?? false,
    convertHeif: host || (o.type !== undefined && o.type !== 'keep'),
  };
}
