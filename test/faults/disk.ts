/**
 * Files on disk for the cases Chromium cannot be handed in-page Blobs for: a 1 GiB file (kept between runs,
 * its MD5 beside it) and sparse files that only have a size (refused before a byte is read).
 */
import {createHash} from 'node:crypto';
import {existsSync, mkdirSync, readFileSync, statSync, writeFileSync} from 'node:fs';
import {open} from 'node:fs/promises';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {fileBytes} from './bytes.ts';

const dir = join(tmpdir(), 'pan-uploader-faults');

export interface DiskFile {
  path: string;
  name: string;
  size: number;
  md5: string;
}

export async function bigFile(size: number): Promise<DiskFile> {
  mkdirSync(dir, {recursive: true});
  const name = `big-${size}.bin`;
  const path = join(dir, name);
  const md5Path = `${path}.md5`;
  if (existsSync(path) && existsSync(md5Path) && statSync(path).size === size) return {path, name, size, md5: readFileSync(md5Path, 'utf8')};
  const hash = createHash('md5');
  const handle = await open(path, 'w');
  const chunk = 16 * 1024 * 1024;
  for (let offset = 0, n = 1; offset < size; offset += chunk, n++) {
    const bytes = fileBytes(Math.min(chunk, size - offset), n);
    hash.update(bytes);
    await handle.write(bytes);
  }
  await handle.close();
  const md5 = hash.digest('hex');
  writeFileSync(md5Path, md5);
  return {path, name, size, md5};
}

/** A file of `size` bytes that takes no disk space. */
export async function sparseFile(name: string, size: number): Promise<DiskFile> {
  mkdirSync(dir, {recursive: true});
  const path = join(dir, name);
  const handle = await open(path, 'w');
  await handle.truncate(size);
  await handle.close();
  return {path, name, size, md5: ''};
}
