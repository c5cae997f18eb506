/**
 * Field checks as 123pan applies them: by exact name and type, filenames by its rules.
 * Every refusal names the field and says why.
 */
import {ApiError, Code} from './codes.ts';

export type Fields = Record<string, unknown>;

const bad = (message: string) => new ApiError(Code.BAD_PARAM, message);

/** Refuses keys that differ from a known field only in case ('preuploadId' for 'preuploadID'). Other extras are ignored. */
export function checkKeys(body: Fields, known: readonly string[]): void {
  for (const key of Object.keys(body)) {
    if (known.includes(key)) continue;
    const meant = known.find((k) => k.toLowerCase() === key.toLowerCase());
    if (meant) throw bad(`unknown field "${key}": the field is "${meant}"`);
  }
}

export function requireString(body: Fields, name: string, {allowEmpty = false} = {}): string {
  const value = body[name];
  if (value === undefined || value === null) throw bad(`${name} is required`);
  if (typeof value !== 'string') throw bad(`${name} must be a string, got ${typeof value}`);
  if (!allowEmpty && value === '') throw bad(`${name} must not be empty`);
  return value;
}

/** A non-negative safe integer. */
export function requireInteger(body: Fields, name: string): number {
  const value = body[name];
  if (value === undefined || value === null) throw bad(`${name} is required`);
  if (typeof value !== 'number') throw bad(`${name} must be a number, got ${typeof value}`);
  if (!Number.isSafeInteger(value) || value < 0) throw bad(`${name} must be a non-negative integer, got ${value}`);
  return value;
}

export function optionalInteger(body: Fields, name: string): number | undefined {
  return body[name] === undefined ? undefined : requireInteger(body, name);
}

export function optionalBoolean(body: Fields, name: string): boolean | undefined {
  const value = body[name];
  if (value === undefined) return undefined;
  if (typeof value !== 'boolean') throw bad(`${name} must be a boolean, got ${typeof value}`);
  return value;
}

/** `type` fields the image host requires, always the number 1. */
export function requireTypeOne(body: Fields): void {
  if (body.type !== 1) throw bad(`type is required and must be the number 1, got ${JSON.stringify(body.type)}`);
}

export function requireEtag(body: Fields, name = 'etag'): string {
  const value = requireString(body, name);
  if (!/^[0-9a-fA-F]{32}$/.test(value)) throw bad(`${name} must be an MD5 as 32 hex digits, got "${value}"`);
  return value.toLowerCase();
}

/** 1 = keep both (suffix the new name), 2 = overwrite; undefined = refuse a clash. */
export function optionalDuplicate(body: Fields): 1 | 2 | undefined {
  const value = optionalInteger(body, 'duplicate');
  if (value === undefined) return undefined;
  if (value !== 1 && value !== 2) throw bad(`duplicate must be 1 (keep both) or 2 (overwrite), got ${value}`);
  return value;
}

/** Multipart text fields typed as 123pan documents them, so the same checks apply. */
export function typedFormFields(form: Record<string, string>, numbers: readonly string[], booleans: readonly string[]): Fields {
  const out: Fields = {...form};
  for (const name of numbers) {
    const text = form[name];
    if (text === undefined) continue;
    if (!/^\d+$/.test(text)) throw bad(`${name} must be a number, got "${text}"`);
    out[name] = Number(text);
  }
  for (const name of booleans) {
    const text = form[name];
    if (text === undefined) continue;
    if (text !== 'true' && text !== 'false') throw bad(`${name} must be true or false, got "${text}"`);
    out[name] = text === 'true';
  }
  return out;
}

const FORBIDDEN = /["\\/:*?|><\r\n]/;

/** 123pan's filename rules: under 256 characters, none of "\/:*?|><, not only spaces. */
export function checkName(name: string, field = 'filename'): void {
  if (name === '') throw bad(`${field} must not be empty`);
  // Code points, as src/shared/rules.ts counts them (an emoji is one character).
  const length = [...name].length;
  if (length > 255) throw bad(`${field} is ${length} characters long; at most 255 are allowed`);
  const forbidden = FORBIDDEN.exec(name);
  if (forbidden) throw bad(`${field} "${name}" contains the forbidden character ${JSON.stringify(forbidden[0])}`);
  if (name.trim() === '') throw bad(`${field} must not be only spaces`);
}

/** A containDir filename ('/a/b/c.txt') as folder names and the file's name, each checked. */
export function splitPath(path: string): {dirs: string[]; name: string} {
  const parts = path.split('/');
  if (parts[0] === '') parts.shift();
  for (const part of parts) checkName(part, `filename path component in "${path}"`);
  const name = parts.pop()!;
  return {dirs: parts, name};
}

export const IMAGE_EXTENSIONS = ['png', 'gif', 'jpeg', 'jpg', 'tiff', 'tif', 'webp', 'svg', 'bmp'];

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}
