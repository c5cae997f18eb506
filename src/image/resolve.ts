/** The image options in effect for a target: the image host's defaults filled in (loaded with the image code). */
import {imagesOn, type ImageOptions, type ImageType} from './options.ts';

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

/** The options in effect for a target, or null when images go as they are. */
export function resolveImageOptions(o: ImageOptions, target: 'drive' | 'image'): ResolvedImageOptions | null {
  if (!imagesOn(o, target)) return null;
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
