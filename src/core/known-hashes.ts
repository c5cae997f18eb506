/**
 * MD5s already computed, so a retry, the same file picked again, or a resume after a reload is not
 * hashed twice. A file is known by its name, size and date plus the MD5 of a sample of its bytes
 * (blocks spread over the whole file), so one edited in place under the same date is hashed again.
 * 123pan checks the whole-file MD5 against the bytes it receives, and an `etag-mismatch` drops the
 * entry; the sample is what keeps 秒传, which sends no bytes, from reusing a stale MD5.
 */

/** Below this a file is simply hashed again: it costs less than the sample's worker round trip. */
export const SAMPLE_MIN_SIZE = 4 * 1024 * 1024;
const SAMPLE_BLOCKS = 16;
const SAMPLE_BLOCK_SIZE = 64 * 1024;

/** The bytes the sample MD5 is taken of: 16 blocks of 64 KiB, the first at the start and the last at the end. */
export function sampleOf(file: Blob): Blob {
  const step = (file.size - SAMPLE_BLOCK_SIZE) / (SAMPLE_BLOCKS - 1);
  const blocks: Blob[] = [];
  for (let i = 0; i < SAMPLE_BLOCKS; i++) {
    const start = Math.round(i * step);
    blocks.push(file.slice(start, start + SAMPLE_BLOCK_SIZE));
  }
  return new Blob(blocks);
}

/** Name, size and date: the same file wherever it goes (another folder, the other target). */
export function fileKeyOf(file: File): string {
  return JSON.stringify([file.name, file.size, file.lastModified]);
}

/** What the engine remembers of a file it hashed, for as long as it lives (by fileKeyOf). */
export interface KnownHash {
  sample: string;
  md5: string;
}

/** The MD5 remembered for these bytes, when their sample still matches. */
export function knownMD5Of(known: ReadonlyMap<string, KnownHash>, fileKey: string, sample: string): string | undefined {
  const entry = known.get(fileKey);
  return entry?.sample === sample ? entry.md5 : undefined;
}
