import type {HashTuning} from './types.ts';

/** Only in worker scopes, so not in the DOM lib this project compiles against. */
declare const FileReaderSync: {new (): {readAsArrayBuffer(blob: Blob): ArrayBuffer}};

/**
 * Yields `blob` as consecutive chunks, reading ahead while the caller hashes the current one.
 * At most `readAhead + 1` chunks are held at once, so memory stays flat whatever the blob's size.
 * With 'byob', chunks are read into buffers taken from `spare`, and the caller puts each buffer back
 * there when done with it, so no memory is allocated per chunk at all.
 */
export function readChunks(blob: Blob, tuning: HashTuning, spare: ArrayBuffer[] = [], stalledReadMs = STALLED_READ_MS): AsyncGenerator<Uint8Array> | Generator<Uint8Array> {
  switch (tuning.readMethod) {
    case 'slices':
      return readSlices(blob, tuning.chunkSize, tuning.readAhead);
    case 'stream':
      return readStream(blob);
    case 'sync':
      return readSync(blob, tuning.chunkSize);
    case 'byob':
      // A blob of one chunk is one read either way: `arrayBuffer()` skips a stream per job, and a small file's
      // garbage is small. (Chromium: one in some hundreds of streams over small files never answered.)
      return blob.size <= tuning.chunkSize ? readSlices(blob, tuning.chunkSize, 0) : readIntoBuffers(blob, tuning.chunkSize, spare, stalledReadMs);
  }
}

/** `blob.slice(…).arrayBuffer()` with a queue of reads in flight: the browser reads while the worker hashes. */
async function* readSlices(blob: Blob, chunkSize: number, readAhead: number): AsyncGenerator<Uint8Array> {
  const inFlight: Promise<ArrayBuffer>[] = [];
  let next = 0;
  const request = () => {
    while (inFlight.length <= readAhead && next < blob.size) {
      const end = Math.min(next + chunkSize, blob.size);
      const read = blob.slice(next, end).arrayBuffer();
      // Reads still queued when the consumer stops must not surface as unhandled rejections.
      read.catch(() => {});
      inFlight.push(read);
      next = end;
    }
  };
  request();
  while (inFlight.length > 0) {
    const buffer = await inFlight.shift()!;
    request();
    yield new Uint8Array(buffer);
  }
}

/** The blob's own stream, in whatever chunk sizes the browser picks. */
async function* readStream(blob: Blob): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader();
  try {
    for (;;) {
      const {done, value} = await reader.read();
      if (done) return;
      yield value;
    }
  } finally {
    reader.releaseLock();
  }
}

/**
 * A stream read of a file unanswered this long is given up, and the rest read by `arrayBuffer()`: Chromium's blob
 * stream now and then never answers a read (seen about once in some hundreds of streams, on a loaded machine).
 */
const STALLED_READ_MS = 5000;
const STALLED = Symbol('stalled');

function orStalled<T>(read: Promise<T>, ms: number): Promise<T | typeof STALLED> {
  let timer: ReturnType<typeof setTimeout> | undefined;
  const stalled = new Promise<typeof STALLED>((resolve) => (timer = setTimeout(() => resolve(STALLED), ms)));
  return Promise.race([read, stalled]).finally(() => clearTimeout(timer));
}

/** The blob's byte stream read straight into recycled buffers (BYOB): the stream itself reads ahead into its pipe. */
async function* readIntoBuffers(blob: Blob, chunkSize: number, spare: ArrayBuffer[], stalledReadMs: number): AsyncGenerator<Uint8Array> {
  let reader: ReadableStreamBYOBReader;
  try {
    reader = blob.stream().getReader({mode: 'byob'});
  } catch {
    // WebKit's blob streams are not byte streams, so they have no BYOB reader: read slices instead, and let go
    // of the buffers handed back, which slices cannot refill.
    for await (const chunk of readSlices(blob, chunkSize, 2)) {
      yield chunk;
      spare.length = 0;
    }
    return;
  }
  const size = Math.max(1, Math.min(chunkSize, blob.size));
  /** Bytes handed to the caller so far. */
  let position = 0;
  let stalled = false;
  try {
    for (;;) {
      let buffer = spare.pop() ?? new ArrayBuffer(size);
      let filled = 0;
      let done = false;
      while (filled < buffer.byteLength) {
        // A BYOB read takes the buffer and hands it back in the result, as a new ArrayBuffer object.
        const result = await orStalled(reader.read(new Uint8Array(buffer, filled)).catch(unreadable), stalledReadMs);
        if (result === STALLED) {
          stalled = true; // the buffer went with the read; what it held is read again below
          break;
        }
        if (result.value) buffer = result.value.buffer as ArrayBuffer;
        if (result.done) {
          done = true;
          break;
        }
        filled += result.value.byteLength;
      }
      if (stalled) break;
      if (filled > 0) {
        position += filled;
        yield new Uint8Array(buffer, 0, filled);
      } else spare.push(buffer);
      if (done) return;
    }
  } finally {
    if (stalled) void reader.cancel().catch(() => {});
    reader.releaseLock();
  }
  yield* readSlices(blob.slice(position), chunkSize, 2);
}

/**
 * A blob's stream fails a read of a file changed or deleted since it was picked with a bare TypeError ("network
 * error" in Chromium): named as the failed read it is, as `arrayBuffer()` names it (NotReadableError).
 */
function unreadable(error: unknown): never {
  const detail = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
  throw new DOMException(`the stream of the file failed (${detail})`, 'NotReadableError');
}

/** FileReaderSync: no read-ahead (the worker blocks on each read); kept to measure against. */
function* readSync(blob: Blob, chunkSize: number): Generator<Uint8Array> {
  const reader = new FileReaderSync();
  for (let offset = 0; offset < blob.size; offset += chunkSize) {
    yield new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + chunkSize)));
  }
}
