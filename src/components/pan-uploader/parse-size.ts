/**
 * Reads the `max-size` attribute: bytes, or a number with a unit ("500KB", "20 MB", "1.5GiB").
 * Units are binary (1 KB = 1024 B), as 123pan's own limits are.
 */
const units: Record<string, number> = {
  '': 1,
  b: 1,
  k: 1024,
  kb: 1024,
  kib: 1024,
  m: 1024 ** 2,
  mb: 1024 ** 2,
  mib: 1024 ** 2,
  g: 1024 ** 3,
  gb: 1024 ** 3,
  gib: 1024 ** 3,
  t: 1024 ** 4,
  tb: 1024 ** 4,
  tib: 1024 ** 4,
};

/** Returns the size in bytes, undefined for an absent or empty value; throws naming the attribute for anything else. */
export function parseSize(value: string | null | undefined, field = 'max-size'): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*([a-z]*)\s*$/i.exec(value);
  const factor = match ? units[match[2].toLowerCase()] : undefined;
  if (!match || factor === undefined) {
    throw new RangeError(`<pan-uploader> ${field}="${value}" is not a size: use bytes or a number with KB, MB, GB or TB.`);
  }
  return Math.floor(Number(match[1]) * factor);
}

/** Reads a positive whole number attribute (`max-files`, `concurrency`). */
export function parseCount(value: string | null | undefined, field: string): number | undefined {
  if (value == null || value.trim() === '') return undefined;
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) {
    throw new RangeError(`<pan-uploader> ${field}="${value}" must be a whole number of at least 1.`);
  }
  return n;
}
