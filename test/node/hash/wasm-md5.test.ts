// Our WebAssembly MD5 against node:crypto (OpenSSL, an implementation independent of ours): every length around
// the block and padding edges and the 64 KiB copy area, fed in pieces of many sizes, and a hasher reused after digest.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, it} from 'node:test';
import {createWasmMD5, md5ModuleBytes} from '../../../src/hash/wasm-md5.ts';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** xorshift bytes: no short period that a wrong word order could hide in. */
function bytes(length: number, seed = 2463534242): Uint8Array {
  const out = new Uint8Array(length);
  let x = seed;
  for (let i = 0; i < length; i++) {
    x ^= x << 13;
    x ^= x >>> 17;
    x ^= x << 5;
    out[i] = x & 0xff;
  }
  return out;
}

describe('WebAssembly MD5', () => {
  it('is a valid module of one function', () => {
    const module = new WebAssembly.Module(md5ModuleBytes() as BufferSource);
    assert.deepEqual(WebAssembly.Module.exports(module).map((e) => `${e.name}:${e.kind}`).sort(), ['blocks:function', 'memory:memory']);
  });

  it('gives the known MD5s of RFC 1321', async () => {
    const hasher = await createWasmMD5();
    const cases: [string, string][] = [
      ['', 'd41d8cd98f00b204e9800998ecf8427e'],
      ['a', '0cc175b9c0f1b6a831c399e269772661'],
      ['abc', '900150983cd24fb0d6963f7d28e17f72'],
      ['message digest', 'f96b697d7cb7938d525a2f31aaf161d0'],
      ['12345678901234567890123456789012345678901234567890123456789012345678901234567890', '57edf4a22be3c955ac49da2e2107b67a'],
    ];
    for (const [text, want] of cases) {
      hasher.update(new TextEncoder().encode(text));
      assert.equal(hasher.digest(), want, JSON.stringify(text));
    }
  });

  it('matches node:crypto at every padding edge and across the copy area, in pieces of any size', async () => {
    const hasher = await createWasmMD5();
    const data = bytes(300_000);
    const lengths = [1, 55, 56, 57, 63, 64, 65, 119, 120, 121, 127, 128, 129, 65_471, 65_472, 65_535, 65_536, 65_537, 131_136, 300_000];
    let seed = 7;
    const next = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31);
    for (const length of lengths) {
      for (const pieces of ['whole', 'bytes', 'random'] as const) {
        if (pieces === 'bytes' && length > 2000) continue;
        for (let offset = 0; offset < length; ) {
          const take = pieces === 'whole' ? length : pieces === 'bytes' ? 1 : 1 + (next() % 70_000);
          hasher.update(data.subarray(offset, Math.min(length, offset + take)));
          offset += take;
        }
        assert.equal(hasher.digest(), md5(data.subarray(0, length)), `${length} bytes fed ${pieces}`);
      }
    }
  });

  it('keeps hashers apart: two at once, each its own state', async () => {
    const [one, two] = await Promise.all([createWasmMD5(), createWasmMD5()]);
    const a = bytes(100_000, 1);
    const b = bytes(100_000, 2);
    for (let offset = 0; offset < a.length; offset += 10_000) {
      one.update(a.subarray(offset, offset + 10_000));
      two.update(b.subarray(offset, offset + 10_000));
    }
    assert.equal(one.digest(), md5(a));
    assert.equal(two.digest(), md5(b));
  });

  it('counts lengths past 4 GiB in bits correctly (the length word above 32 bits)', async () => {
    // 2^29 bytes is 2^32 bits: the low length word wraps to 0 and the high one becomes 1. Fed as one 64 MiB
    // buffer eight times, checked against node:crypto fed the same.
    const hasher = await createWasmMD5();
    const chunk = bytes(64 * 1024 * 1024);
    const reference = createHash('md5');
    for (let i = 0; i < 8; i++) {
      hasher.update(chunk);
      reference.update(chunk);
    }
    hasher.update(chunk.subarray(0, 3));
    reference.update(chunk.subarray(0, 3));
    assert.equal(hasher.digest(), reference.digest('hex'));
  });
});
