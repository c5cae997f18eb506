// Deterministic test bytes, the same in Node and the browser: byte i depends on i alone, so any range can be rebuilt.

export const MiB = 1024 * 1024;

/** Bytes [start, start + length) of the endless fixture sequence. */
export function fixtureBytes(length: number, start = 0): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.imul(start + i, 2654435761) >>> 24;
  return bytes;
}

/** The sizes the hash tests cover, each hashed whole and in slices of `sliceSize`. */
export const fixtureCases = [
  {name: 'empty', size: 0, sliceSize: MiB},
  {name: 'one byte', size: 1, sliceSize: MiB},
  {name: 'exactly one slice', size: MiB, sliceSize: MiB},
  {name: 'one slice and one byte', size: MiB + 1, sliceSize: MiB},
  {name: 'several slices', size: 3 * MiB + 12_345, sliceSize: MiB},
  {name: 'many slices per read chunk', size: 3 * MiB + 12_345, sliceSize: 64 * 1024 + 3},
] as const;
