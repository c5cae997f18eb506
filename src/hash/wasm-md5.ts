/**
 * MD5 in WebAssembly, written here as the module's bytes: one function, `blocks(at, count)`, runs MD5's 64 steps
 * over whole 64-byte blocks in the module's memory, the state kept at its start. Made by code, not shipped as an
 * opaque binary, so this file is the whole source. Measured in Node on 8 MiB buffers through `update()` (the copy
 * into the module's memory included): 645–653 MB/s, against hash-wasm's 465–485 (it replaced hash-wasm) and
 * OpenSSL's 652–658; `npm run bench:hash` shows it in the browser. The gain is in how each step is written: the
 * sum that does not wait on the step before (a + K + word) comes first,
 * and round 2's function is the additive form (c & ~d) + (b & d), so that one `and` and one `add` wait on b.
 * Like any WebAssembly it needs 'wasm-unsafe-eval' under a Content-Security-Policy; the caller falls back to spark-md5.
 */
import type {MD5Hasher} from './md5-hasher.ts';

/** Per-step left rotations and the table of sines, as RFC 1321 gives them. */
const SHIFTS = [7, 12, 17, 22, 5, 9, 14, 20, 4, 11, 16, 23, 6, 10, 15, 21];
const K = Array.from({length: 64}, (_, i) => Math.floor(Math.abs(Math.sin(i + 1)) * 2 ** 32) | 0);

/** Where the bytes are copied in: the state is at 0, the data from here; 64 KiB of data at a time (two pages). */
const DATA = 64;
const SPACE = 64 * 1024;

// The few opcodes the function uses (WebAssembly core spec, binary format).
const op = {
  block: 0x02, loop: 0x03, br: 0x0c, brIf: 0x0d, end: 0x0b, get: 0x20, set: 0x21, load: 0x28, store: 0x36, const: 0x41,
  geU: 0x4f, add: 0x6a, and: 0x71, or: 0x72, xor: 0x73, shl: 0x74, rotl: 0x77,
};

function unsigned(n: number): number[] {
  const out: number[] = [];
  do {
    let byte = n & 0x7f;
    n >>>= 7;
    if (n) byte |= 0x80;
    out.push(byte);
  } while (n);
  return out;
}

function signed(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const byte = n & 0x7f;
    n >>= 7;
    if ((n === 0 && !(byte & 0x40)) || (n === -1 && byte & 0x40)) return [...out, byte];
    out.push(byte | 0x80);
  }
}

const section = (id: number, bytes: number[]) => [id, ...unsigned(bytes.length), ...bytes];
const vector = (items: number[][]) => [...unsigned(items.length), ...items.flat()];
const name = (text: string) => {
  const bytes = [...new TextEncoder().encode(text)];
  return [...unsigned(bytes.length), ...bytes];
};

/** The body of `blocks(at, count)`. Locals: 0 at, 1 count, 2–5 a b c d, 6 end. */
function blocksBody(): number[] {
  const [AT, COUNT, END] = [0, 1, 6];
  const get = (local: number) => [op.get, local];
  const i32 = (n: number) => [op.const, ...signed(n)];
  const load = (offset: number, address: number[]) => [...address, op.load, 2, ...unsigned(offset)];
  const code: number[] = [];
  // a b c d from memory; end = at + count * 64
  for (let r = 0; r < 4; r++) code.push(...load(r * 4, i32(0)), op.set, 2 + r);
  code.push(...get(AT), ...get(COUNT), ...i32(6), op.shl, op.add, op.set, END);
  code.push(op.block, 0x40, op.loop, 0x40);
  code.push(...get(AT), ...get(END), op.geU, op.brIf, 1);
  for (let i = 0; i < 64; i++) {
    // The registers' roles turn each step: the step's a is the one that was d the step before.
    const [a, b, c, d] = [0, 1, 2, 3].map((k) => 2 + ((k - i + 64) % 4));
    const round = i >> 4;
    const word = [i % 16, (5 * i + 1) % 16, (3 * i + 5) % 16, (7 * i) % 16][round]!;
    const f = [
      [...get(d), ...get(b), ...get(c), ...get(d), op.xor, op.and, op.xor], // d ^ (b & (c ^ d))
      [...get(c), ...get(d), ...i32(-1), op.xor, op.and, ...get(b), ...get(d), op.and, op.add], // (c & ~d) + (b & d)
      [...get(b), ...get(c), ...get(d), op.xor, op.xor], // b ^ c ^ d
      [...get(c), ...get(b), ...get(d), ...i32(-1), op.xor, op.or, op.xor], // c ^ (b | ~d)
    ][round]!;
    // a = b + rotl(a + K[i] + word + f, s)
    code.push(...get(b), ...get(a), ...i32(K[i]!), op.add, ...load(word * 4, get(AT)), op.add, ...f, op.add);
    code.push(...i32(SHIFTS[round * 4 + (i % 4)]!), op.rotl, op.add, op.set, a);
  }
  // Add this block's result to the state in memory, and keep the sum as the next block's start.
  for (let r = 0; r < 4; r++) {
    code.push(...i32(r * 4), ...get(2 + r), ...load(r * 4, i32(0)), op.add, op.set, 2 + r, ...get(2 + r), op.store, 2, 0);
  }
  code.push(...get(AT), ...i32(64), op.add, op.set, AT, op.br, 0, op.end, op.end, op.end);
  const locals = vector([[5, 0x7f]]); // five i32 locals: a b c d end
  const body = [...locals, ...code];
  return [...unsigned(body.length), ...body];
}

/** The module's bytes: memory of two pages exported as "memory", the function as "blocks". */
export function md5ModuleBytes(): Uint8Array {
  const i32 = 0x7f;
  const bytes = [
    0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00,
    ...section(1, vector([[0x60, 2, i32, i32, 0]])), // type: (i32, i32) -> ()
    ...section(3, vector([[0]])), // function 0 has type 0
    ...section(5, vector([[0x00, 2]])), // memory: at least 2 pages
    ...section(7, vector([[...name('memory'), 0x02, 0], [...name('blocks'), 0x00, 0]])), // exports: memory 0, function 0
    ...section(10, vector([blocksBody()])),
  ];
  return new Uint8Array(bytes);
}

let compiled: Promise<WebAssembly.Module> | undefined;

/** An incremental MD5 on the module, compiled once per thread; each hasher has its own instance (its own memory). */
export async function createWasmMD5(): Promise<MD5Hasher> {
  compiled ??= WebAssembly.compile(md5ModuleBytes() as BufferSource);
  const instance = await WebAssembly.instantiate(await compiled);
  const blocks = instance.exports.blocks as (at: number, count: number) => void;
  const heap = new Uint8Array((instance.exports.memory as WebAssembly.Memory).buffer);
  const state = new DataView(heap.buffer, 0, 16);
  let pending = 0; // bytes at DATA not yet a whole block (< 64)
  let length = 0;
  const reset = () => {
    [0x67452301, 0xefcdab89, 0x98badcfe, 0x10325476].forEach((word, i) => state.setUint32(i * 4, word, true));
    pending = 0;
    length = 0;
  };
  reset();
  return {
    engine: 'wasm',
    update(bytes) {
      length += bytes.length;
      for (let offset = 0; offset < bytes.length; ) {
        const take = Math.min(bytes.length - offset, SPACE - pending);
        heap.set(bytes.subarray(offset, offset + take), DATA + pending);
        offset += take;
        pending += take;
        const whole = pending & ~63;
        blocks(DATA, whole >> 6);
        heap.copyWithin(DATA, DATA + whole, DATA + pending);
        pending -= whole;
      }
    },
    digest() {
      // 0x80, zeros to 56 bytes past a block's start, then the length in bits, 64-bit little-endian.
      const padded = pending < 56 ? 64 : 128;
      heap.fill(0, DATA + pending, DATA + padded);
      heap[DATA + pending] = 0x80;
      const tail = new DataView(heap.buffer, DATA + padded - 8, 8);
      tail.setUint32(0, (length * 8) >>> 0, true);
      tail.setUint32(4, Math.floor(length / 2 ** 29), true);
      blocks(DATA, padded >> 6);
      let hex = '';
      for (let i = 0; i < 16; i++) hex += heap[i]!.toString(16).padStart(2, '0');
      reset();
      return hex;
    },
  };
}
