/**
 * Checks run before anything is sent: a file refused here never reaches 123pan.
 * Rules are 123pan's own (filename, 10 GB through create, image host formats and 100 MB)
 * plus the page's (accept, maxSize, maxFiles).
 */
import {formatBytes} from '../shared/format-bytes.ts';
import {checkName, DRIVE_MAX_SIZE, extensionOf, IMAGE_EXTENSIONS, IMAGE_MAX_SIZE, isImageName} from '../shared/rules.ts';
import type {RejectKey, UploadTarget} from '../shared/words.ts';
import type {RejectedFile} from './types.ts';

export {checkName, DRIVE_MAX_SIZE, IMAGE_EXTENSIONS, IMAGE_MAX_SIZE, MAX_NAME_LENGTH, type NameProblem} from '../shared/rules.ts';

export interface ValidationRules {
  target: UploadTarget;
  accept?: string;
  maxSize?: number;
  maxFiles?: number;
  /**
   * Image transforms are on: on the image host a HEIC (converted to JPEG) and an image over 100 MB that
   * may fit once compressed are let through; the prepare step checks them again.
   */
  imagesShrink?: boolean;
}

/** Images that may come out of the image transform small enough, or in a format the image host takes. */
const SHRINKABLE = new Set(['jpg', 'jpeg', 'png', 'webp', 'bmp', 'tif', 'tiff', 'heic', 'heif', 'hif']);

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

/** A size over `limit`, with its bytes when rounding would show the two the same ("10.0 GB (10737418241 bytes)"). */
function over(size: number, limit: number): string {
  const shown = formatBytes(size);
  return shown === formatBytes(limit) ? `${shown} (${size} bytes)` : shown;
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
    const shrinks = rules.imagesShrink === true && SHRINKABLE.has(extensionOf(file.name));
    if (!isImageName(file.name) && !shrinks)
      return reject('not-image', `${label}: the image host takes only ${IMAGE_EXTENSIONS.join(', ')} files${rules.imagesShrink ? ' (HEIC is converted to JPEG)' : ''}`);
    if (file.size > IMAGE_MAX_SIZE && !shrinks)
      return reject('target-too-large', `${label}: ${over(file.size, IMAGE_MAX_SIZE)} is above the image host's limit of ${formatBytes(IMAGE_MAX_SIZE)}`);
  } else if (file.size > DRIVE_MAX_SIZE) {
    return reject('target-too-large', `${label}: ${over(file.size, DRIVE_MAX_SIZE)} is above 123pan's limit of ${formatBytes(DRIVE_MAX_SIZE)} per file`);
  }
  if (rules.maxSize !== undefined && file.size > rules.maxSize)
    return reject('too-large', `${label}: ${over(file.size, rules.maxSize)} is above the limit of ${formatBytes(rules.maxSize)}`);
  return null;
}
