import type {HashTuning} from './types.ts';

/** Only in worker scopes, so not in the DOM lib this project compiles against. */
declare const FileReaderSync: {new (): {readAsArrayBuffer(blob: Blob): ArrayBuffer}};

/**
 * Yields `blob` as consecutive chunks, reading ahead while the caller hashes the current one.
 * At most `readAhead + 1` chunks are held at once, so memory stays flat whatever the blob's size.
 */
export function readChunks(blob: Blob, tuning: HashTuning): AsyncGenerator<Uint8Array> | Generator<Uint8Array> {
  switch (tuning.readMethod) {
    case 'slices':
      return readSlices(blob, tuning.chunkSize, tuning.readAhead);
    case 'stream':
      return readStream(blob);
    case 'sync':
      return readSync(blob, tuning.chunkSize);
    case 'byob':
      return readIntoBuffer(blob, tuning.chunkSize);
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
 * The blob's byte stream read into one reused buffer (BYOB): no allocation per chunk. The yielded view is
 * valid until the next step; a consumer that transfers its buffer away gets a fresh one for the next chunk.
 */
async function* readIntoBuffer(blob: Blob, chunkSize: number): AsyncGenerator<Uint8Array> {
  const reader = blob.stream().getReader({mode: 'byob'});
  let buffer = new ArrayBuffer(Math.min(chunkSize, Math.max(blob.size, 1)));
  try {
    for (;;) {
      if (buffer.byteLength === 0) buffer = new ArrayBuffer(Math.min(chunkSize, Math.max(blob.size, 1)));
      let filled = 0;
      let done = false;
      while (filled < buffer.byteLength) {
        const result = await reader.read(new Uint8Array(buffer, filled));
        if (result.done) {
          done = true;
          if (result.value) buffer = result.value.buffer as ArrayBuffer;
          break;
        }
        buffer = result.value.buffer as ArrayBuffer;
        filled += result.value.byteLength;
      }
      if (filled > 0) yield new Uint8Array(buffer, 0, filled);
      if (done) return;
    }
  } finally {
    reader.releaseLock();
  }
}

/** FileReaderSync: no read-ahead (the worker blocks on each read); kept to measure against. */
function* readSync(blob: Blob, chunkSize: number): Generator<Uint8Array> {
  const reader = new FileReaderSync();
  for (let offset = 0; offset < blob.size; offset += chunkSize) {
    yield new Uint8Array(reader.readAsArrayBuffer(blob.slice(offset, offset + chunkSize)));
  }
}
