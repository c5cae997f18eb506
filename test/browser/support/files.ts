import SparkMD5 from 'spark-md5';

/** Deterministic bytes (xorshift) in a File, with their MD5, so a test knows what the server must hold. */
export function makeFile(name: string, size: number, seed: number, type = 'application/octet-stream') {
  const data = new Uint8Array(size);
  let x = seed * 2654435761 || 1;
  for (let i = 0; i < size; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    data[i] = x & 255;
  }
  return {file: new File([data], name, {type, lastModified: 1_700_000_000_000 + seed}), md5: SparkMD5.ArrayBuffer.hash(data.buffer)};
}
