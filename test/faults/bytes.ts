/**
 * Deterministic file contents, made the same way in the page (to build Files) and in Node (to know their MD5):
 * the emulator's copy is checked against bytes the browser's own hashing never touched.
 */
export function fileBytes(size: number, seed: number): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(size);
  const words = new Uint32Array(out.buffer, 0, size >>> 2);
  let x = seed >>> 0 || 0x9e3779b9;
  for (let i = 0; i < words.length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    words[i] = x >>> 0;
  }
  for (let i = words.length * 4; i < size; i++) out[i] = (seed + i) & 255;
  return out;
}

/** One file a case hands to the element, described so both sides can make it. */
export interface FileSpec {
  name: string;
  size: number;
  seed: number;
  type?: string;
  /** The folder path ('album', 'a/b') it is handed with, as a picked or dropped folder's file: it lands there under the case's place. */
  folder?: string;
  /** Fixed, so the same file added after a reload is recognised as the same (resume records key on it). */
  lastModified?: number;
}
