// readChunks with BYOB reads: the bytes come out whole and in order, and buffers handed back are filled again,
// so a file many times the chunk size is read without allocating a buffer per chunk (what kept the renderer
// hundreds of MB above its idle size while a big file was hashed). Node's Blob streams are byte streams, as Chromium's are.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, it} from 'node:test';
import {readChunks} from '../../../src/hash/read-chunks.ts';

const chunkSize = 64 * 1024;

function bytesOf(size: number): Uint8Array<ArrayBuffer> {
  const bytes = new Uint8Array(size);
  for (let i = 0; i < size; i++) bytes[i] = (i * 31 + (i >> 8)) & 255;
  return bytes;
}

/** A spare list that counts the times it was asked for a buffer and had none (each one a new allocation). */
class CountingSpare extends Array<ArrayBuffer> {
  misses = 0;
  override pop(): ArrayBuffer | undefined {
    const buffer = super.pop();
    if (buffer === undefined) this.misses++;
    return buffer;
  }
}

describe('readChunks (byob)', () => {
  it('fills the buffers handed back instead of allocating: 10 chunks read through one buffer', async () => {
    const bytes = bytesOf(10 * chunkSize + 123);
    const spare = new CountingSpare();
    spare.push(new ArrayBuffer(chunkSize));
    const md5 = createHash('md5');
    let chunks = 0;
    for await (const chunk of readChunks(new Blob([bytes]), {chunkSize, readAhead: 2, readMethod: 'byob'}, spare)) {
      assert.equal(chunk.buffer.byteLength, chunkSize, 'every chunk is read into a buffer of the chunk size');
      md5.update(chunk);
      chunks++;
      spare.push(chunk.buffer as ArrayBuffer); // done with it: the next read may fill it
    }
    assert.equal(chunks, 11);
    assert.equal(md5.digest('hex'), createHash('md5').update(bytes).digest('hex'));
    assert.equal(spare.misses, 0, 'no buffer was allocated while one was handed back each time');
  });

  it('allocates only while no buffer comes back', async () => {
    const bytes = bytesOf(4 * chunkSize);
    const spare = new CountingSpare();
    const held: Uint8Array[] = [];
    for await (const chunk of readChunks(new Blob([bytes]), {chunkSize, readAhead: 2, readMethod: 'byob'}, spare)) held.push(chunk);
    // One per chunk the caller kept, and one more for the read that found the end (left in spare for next time).
    assert.equal(spare.misses, 5);
    assert.equal(spare.length, 1);
    assert.deepEqual(Buffer.concat(held), Buffer.from(bytes));
  });

  it('gives a stalled stream read up and reads the rest by slices, every byte once and in order', async () => {
    const bytes = bytesOf(6 * chunkSize + 77);
    const real = new Blob([bytes]);
    let sent = 0;
    // A byte stream that answers 2.5 chunks' worth, then never again (as Chromium's blob stream now and then does).
    const stalling = {
      size: real.size,
      slice: (start?: number, end?: number) => real.slice(start, end),
      stream: () =>
        new ReadableStream({
          type: 'bytes',
          pull(controller) {
            if (sent >= 2.5 * chunkSize) return new Promise<void>(() => {});
            const piece = bytes.slice(sent, sent + chunkSize / 4);
            sent += piece.length;
            controller.enqueue(piece);
          },
        }),
    } as unknown as Blob;
    const started = performance.now();
    const md5 = createHash('md5');
    let total = 0;
    for await (const chunk of readChunks(stalling, {chunkSize, readAhead: 2, readMethod: 'byob'}, [], 100)) {
      md5.update(chunk);
      total += chunk.length;
    }
    assert.equal(total, bytes.length);
    assert.equal(md5.digest('hex'), createHash('md5').update(bytes).digest('hex'));
    assert.ok(performance.now() - started < 2000, 'given up after the stall timeout, not hung');
  });
});
