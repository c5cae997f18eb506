// Hashes one Blob per request: the whole-file MD5 and, with a sliceSize, every slice's MD5 from the same read.
// With a helper port, the work is split over two cores (MD5 itself cannot be): with slices, this worker reads
// and hashes the whole file while the helper hashes the slices; without, this worker only reads (copying the
// file's bytes into memory costs about as much as hashing them) and the helper hashes the whole file.
import {createMD5Hasher} from './md5-hasher.ts';
import {readChunks} from './read-chunks.ts';
import {SliceHasher} from './slice-hasher.ts';
import type {HashReply, HashRequest, SliceFeed, SliceFeedReply, SliceHelperRequest} from './types.ts';

/** The dedicated-worker global, typed narrowly: the project compiles against the DOM lib. */
const scope = self as unknown as {
  postMessage(message: HashReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<HashRequest | SliceHelperRequest>) => void): void;
};

/** Chunks sent to the helper and not yet hashed there; beyond this the reader waits, so memory stays bounded. */
const maxChunksAtHelper = 2;

/**
 * Buffers BYOB reads fill, kept from job to job: a read that allocates a fresh ArrayBuffer per chunk leaves
 * the garbage collector hundreds of MiB behind (measured: the renderer grew by ~400 MB uploading 1.1 GiB).
 * At most one job's worth is kept (the one being read, and those at the helper).
 */
const spare: ArrayBuffer[] = [];
const maxSpare = maxChunksAtHelper + 1;

/** How engines fail a read of a file changed, moved or deleted since it was picked: Chromium, Firefox, either. */
const UNREADABLE = new Set(['NotReadableError', 'AbortError', 'NotFoundError']);
const describeError = (error: unknown) => {
  if (!(error instanceof Error)) return String(error);
  const raw = `${error.name}: ${error.message}`;
  // Nothing else in this worker aborts, so an AbortError is Firefox's failed read, not a cancel.
  return UNREADABLE.has(error.name) ? `the file could not be read (changed, moved or deleted since it was chosen; ${raw})` : raw;
};

/** The reading side's handle on the helper worker. */
class RemoteSlices {
  private outstanding = 0;
  private wake: (() => void) | undefined;
  private readonly result: Promise<string[]>;

  constructor(
    private readonly port: MessagePort,
    private readonly recycle: (buffer: ArrayBuffer) => void,
  ) {
    this.result = new Promise((resolve, reject) => {
      port.onmessage = ({data}: MessageEvent<SliceFeedReply>) => {
        if (data.type === 'ack') {
          this.outstanding -= 1;
          this.recycle(data.bytes);
          this.wake?.();
        } else if (data.type === 'done') {
          resolve(data.sliceMD5s);
        } else {
          reject(new Error(`the slice worker failed: ${data.message}`));
          this.wake?.();
        }
      };
    });
    this.result.catch(() => {});
  }

  /** `sliceSize` at least the blob's size: the helper's one "slice" is the whole file. */
  start(engine: 'wasm' | 'spark', sliceSize: number): void {
    this.post({type: 'start', engine, sliceSize});
  }

  /** Hands the chunk's buffer over (transferred, not copied); the caller must not touch it afterwards. */
  async send(chunk: Uint8Array): Promise<void> {
    while (this.outstanding >= maxChunksAtHelper) {
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), this.result]);
    }
    const bytes = chunk.buffer as ArrayBuffer;
    this.outstanding += 1;
    this.port.postMessage({type: 'chunk', bytes, offset: chunk.byteOffset, length: chunk.byteLength} satisfies SliceFeed, [bytes]);
  }

  finish(): Promise<string[]> {
    this.post({type: 'end'});
    return this.result.finally(() => this.port.close());
  }

  private post(message: SliceFeed): void {
    this.port.postMessage(message);
  }
}

async function hash(request: HashRequest): Promise<HashReply> {
  const {jobID, blob, sliceSize, helper} = request;
  const whole = await createMD5Hasher(request.engine);
  // A blob that fits in one slice is its own single slice: no second hash pass.
  const sliced = sliceSize !== undefined && blob.size > sliceSize;
  // Buffers the reader may fill again, handed back once both hashes are done with them (BYOB reads only); a
  // buffer of another job's chunk size is let go.
  for (let i = spare.length - 1; i >= 0; i--) if (spare[i]!.byteLength !== request.chunkSize) spare.splice(i, 1);
  const recycle = (buffer: ArrayBuffer) => {
    if (request.readMethod === 'byob' && buffer.byteLength === request.chunkSize && spare.length < maxSpare) spare.push(buffer);
  };
  const remote = helper ? new RemoteSlices(helper, recycle) : undefined;
  // Whole file only, with a helper: the helper hashes it as one slice, and this worker only reads.
  const readOnly = remote !== undefined && !sliced;
  const local = sliced && !remote ? new SliceHasher(await createMD5Hasher(whole.engine), sliceSize) : undefined;
  remote?.start(whole.engine, readOnly ? Math.max(1, blob.size) : sliceSize!);
  let loaded = 0;
  for await (const chunk of readChunks(blob, request, spare)) {
    if (!readOnly) whole.update(chunk);
    loaded += chunk.length;
    local?.update(chunk);
    if (remote) await remote.send(chunk);
    else recycle(chunk.buffer as ArrayBuffer);
    scope.postMessage({type: 'progress', jobID, loaded});
  }
  if (loaded !== blob.size) throw new Error(`read ${loaded} bytes of ${blob.size}: the file changed while it was read`);
  if (readOnly) {
    const [md5 = whole.digest()] = await remote.finish(); // a 0-byte blob has no slice: the empty MD5
    return {type: 'done', jobID, md5, sliceMD5s: sliceSize !== undefined && blob.size > 0 ? [md5] : [], engine: whole.engine};
  }
  const md5 = whole.digest();
  const sliceMD5s = remote ? await remote.finish() : local ? local.finish() : sliceSize !== undefined && blob.size > 0 ? [md5] : [];
  return {type: 'done', jobID, md5, sliceMD5s, engine: whole.engine};
}

/** The helper's side: hash the chunks in the order they come, acknowledging each so the reader may send more. */
function hashSlicesFrom(port: MessagePort): void {
  let slices: Promise<SliceHasher> | undefined;
  let failed = false;
  const reply = (message: SliceFeedReply) => port.postMessage(message);
  port.onmessage = async ({data}: MessageEvent<SliceFeed>) => {
    if (failed) return;
    try {
      if (data.type === 'start') {
        slices = createMD5Hasher(data.engine).then((hasher) => new SliceHasher(hasher, data.sliceSize));
        return;
      }
      // Messages are handled in order only if each waits for the same promise; the hasher is ready after the first.
      const hasher = await slices!;
      if (data.type === 'chunk') {
        hasher.update(new Uint8Array(data.bytes, data.offset, data.length));
        port.postMessage({type: 'ack', bytes: data.bytes} satisfies SliceFeedReply, [data.bytes]);
      } else {
        reply({type: 'done', sliceMD5s: hasher.finish()});
        port.close();
      }
    } catch (error) {
      failed = true;
      reply({type: 'error', message: describeError(error)});
    }
  };
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  if (request.type === 'slices') {
    hashSlicesFrom(request.port);
    return;
  }
  hash(request).then(
    (reply) => scope.postMessage(reply),
    (error: unknown) => scope.postMessage({type: 'error', jobID: request.jobID, message: describeError(error)}),
  );
});
