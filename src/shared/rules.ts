/** 123pan's own rules on names and sizes, which the engine checks before sending and the image-host client before asking. */
import type {RejectKey} from './words.ts';

/** 123pan refuses files above 10 GB through create. */
export const DRIVE_MAX_SIZE = 10 * 1024 ** 3;
/** The image host takes images up to 100 MB. */
export const IMAGE_MAX_SIZE = 100 * 1024 ** 2;
export const IMAGE_EXTENSIONS = ['png', 'gif', 'jpeg', 'jpg', 'tiff', 'tif', 'webp', 'svg', 'bmp'] as const;
/**
 * One page says "under 256", another "under 255": the stricter one wins. Counted in characters (code points),
 * as the docs say (个字符) and a public client of the API counts them (Python's len); an emoji is one, not two
 * UTF-16 units. The emulator counts the same way.
 */
export const MAX_NAME_LENGTH = 255;

/** A name's length as 123pan counts it: code points. */
export const nameLength = (name: string): number => [...name].length;
const FORBIDDEN = /["\\/:*?|><]/;

export interface NameProblem {
  key: Extract<RejectKey, 'name-empty' | 'name-too-long' | 'name-forbidden-char' | 'name-only-spaces'>;
  reason: string;
}

/** One name (a file's or a folder's) against 123pan's filename rules. */
export function checkName(name: string, label = `"${name}"`): NameProblem | null {
  if (name.length === 0) return {key: 'name-empty', reason: `${label}: the name is empty`};
  const length = nameLength(name);
  if (length > MAX_NAME_LENGTH) return {key: 'name-too-long', reason: `${label}: the name has ${length} characters, at most ${MAX_NAME_LENGTH} are allowed`};
  const bad = FORBIDDEN.exec(name);
  if (bad) return {key: 'name-forbidden-char', reason: `${label}: the name contains "${bad[0]}", which 123pan does not allow (none of " \\ / : * ? | > <)`};
  if (name.trim() === '') return {key: 'name-only-spaces', reason: `${label}: the name is only spaces`};
  return null;
}

/** The extension, lowercase, without its dot ('' when none). */
export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

export function isImageName(name: string): boolean {
  return (IMAGE_EXTENSIONS as readonly string[]).includes(extensionOf(name));
}
