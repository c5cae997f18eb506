/**
 * Checks run before anything is sent: a file refused here never reaches 123pan.
 * Rules are 123pan's own (filename, 10 GB through create, image host formats and 100 MB)
 * plus the page's (accept, maxSize, maxFiles).
 */
import type {RejectKey, RejectedFile, UploadTarget} from './types.ts';

/** 123pan refuses files above 10 GB through create. */
export const DRIVE_MAX_SIZE = 10 * 1024 ** 3;
/** The image host takes images up to 100 MB. */
export const IMAGE_MAX_SIZE = 100 * 1024 ** 2;
export const IMAGE_EXTENSIONS = ['png', 'gif', 'jpeg', 'jpg', 'tiff', 'tif', 'webp', 'svg', 'bmp'] as const;
/** One page says "under 256", another "under 255": the stricter one wins. */
export const MAX_NAME_LENGTH = 255;
const FORBIDDEN = /["\\/:*?|><]/;

export interface ValidationRules {
  target: UploadTarget;
  accept?: string;
  maxSize?: number;
  maxFiles?: number;
}

export interface NameProblem {
  key: Extract<RejectKey, 'name-empty' | 'name-too-long' | 'name-forbidden-char' | 'name-only-spaces'>;
  reason: string;
}

/** One name (a file's or a folder's) against 123pan's filename rules. */
export function checkName(name: string, label = `"${name}"`): NameProblem | null {
  if (name.length === 0) return {key: 'name-empty', reason: `${label}: the name is empty`};
  if (name.length > MAX_NAME_LENGTH)
    return {key: 'name-too-long', reason: `${label}: the name has ${name.length} characters, at most ${MAX_NAME_LENGTH} are allowed`};
  const bad = FORBIDDEN.exec(name);
  if (bad) return {key: 'name-forbidden-char', reason: `${label}: the name contains "${bad[0]}", which 123pan does not allow (none of " \\ / : * ? | > <)`};
  if (name.trim() === '') return {key: 'name-only-spaces', reason: `${label}: the name is only spaces`};
  return null;
}

function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
}

/** Like <input accept>: ".png", "image/*", "application/pdf", comma-separated; empty accepts all. */
export function matchesAccept(file: {name: string; type: string}, accept: string | undefined): boolean {
  const patterns = (accept ?? '')
    .split(',')
    .map((p) => p.trim().toLowerCase())
    .filter(Boolean);
  if (patterns.length === 0) return true;
  const name = file.name.toLowerCase();
  const type = file.type.toLowerCase();
  return patterns.some((p) => {
    if (p.startsWith('.')) return name.endsWith(p);
    if (p.endsWith('/*')) return type.startsWith(p.slice(0, -1));
    return type === p;
  });
}

function formatBytes(n: number): string {
  const units = ['bytes', 'KiB', 'MiB', 'GiB', 'TiB'];
  let i = 0;
  let v = n;
  while (v >= 1024 && i < units.length - 1) {
    v /= 1024;
    i++;
  }
  return i === 0 ? `${n} bytes` : `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/**
 * Checks one file. `queued` is how many files the queue already holds (for maxFiles).
 * Returns the refusal, naming the file and the reason, or null when the file may go.
 */
export function validateFile(
  file: {name: string; size: number; type: string},
  relativePath: string,
  rules: ValidationRules,
  queued: number,
): RejectedFile | null {
  const shown = relativePath ? `${relativePath}/${file.name}` : file.name;
  const label = `"${shown}"`;
  const reject = (key: RejectKey, reason: string): RejectedFile => ({name: file.name, relativePath, size: file.size, key, reason});

  const nameProblem = checkName(file.name, label);
  if (nameProblem) return reject(nameProblem.key, nameProblem.reason);
  for (const folder of relativePath ? relativePath.split('/') : []) {
    const folderProblem = checkName(folder, `${label} (folder "${folder}")`);
    if (folderProblem) return reject(folderProblem.key, folderProblem.reason);
  }
  if (rules.maxFiles !== undefined && queued >= rules.maxFiles)
    return reject('too-many-files', `${label}: at most ${rules.maxFiles} file${rules.maxFiles === 1 ? '' : 's'} may be added`);
  if (!matchesAccept(file, rules.accept)) return reject('not-accepted', `${label}: this type of file is not accepted here (accepted: ${rules.accept})`);
  if (rules.target === 'image') {
    if (!(IMAGE_EXTENSIONS as readonly string[]).includes(extensionOf(file.name)))
      return reject('not-image', `${label}: the image host takes only ${IMAGE_EXTENSIONS.join(', ')} files`);
    if (file.size > IMAGE_MAX_SIZE)
      return reject('target-too-large', `${label}: ${formatBytes(file.size)} is above the image host's limit of 100 MiB`);
  } else if (file.size > DRIVE_MAX_SIZE) {
    return reject('target-too-large', `${label}: ${formatBytes(file.size)} is above 123pan's limit of 10 GiB per file`);
  }
  if (rules.maxSize !== undefined && file.size > rules.maxSize)
    return reject('too-large', `${label}: ${formatBytes(file.size)} is above the limit of ${formatBytes(rules.maxSize)}`);
  return null;
}
