/**
 * Test bytes from xorshift32, the same in Node and the browser. A sequence with a short period (i * k % 256)
 * makes every slice of a multiple of that size identical, so a swapped or misnumbered slice would go unseen.
 */
export function xorshiftBytes(length: number, seed = 1): Uint8Array<ArrayBuffer> {
  const out = new Uint8Array(length);
  let x = (Math.imul(seed, 2654435761) >>> 0) || 1;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x >>> 24;
  }
  return out;
}
