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

/** Refuses a bad image option by name. */
export function checkImageOptions(o: ImageOptions): void {
  const bad = (key: string, rule: string) => {
    throw new RangeError(`image.${key} must be ${rule}, got ${JSON.stringify(o[key as keyof ImageOptions])}`);
  };
  if (o.transform !== undefined && !['auto', 'on', 'off'].includes(o.transform)) bad('transform', 'auto, on or off');
  for (const key of ['maxWidth', 'maxHeight'] as const) if (o[key] !== undefined && !(Number.isInteger(o[key]) && o[key]! >= 1)) bad(key, 'a whole number of pixels ≥ 1');
  if (o.quality !== undefined && !(o.quality > 0 && o.quality <= 1)) bad('quality', 'above 0 and at most 1');
  if (o.type !== undefined && !['keep', 'jpeg', 'webp', 'png'].includes(o.type)) bad('type', 'keep, jpeg, webp or png');
}

/** Whether images are transformed for a target: the image host unless off; the drive when on, or when an image option is set. */
export function imagesOn(o: ImageOptions, target: 'drive' | 'image'): boolean {
  const mode = o.transform ?? 'auto';
  if (mode === 'off') return false;
  return target === 'image' || mode === 'on' || o.maxWidth !== undefined || o.maxHeight !== undefined || o.quality !== undefined || (o.type ?? 'keep') !== 'keep';
}
