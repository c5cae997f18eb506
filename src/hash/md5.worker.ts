// Hashes one Blob per request: the whole-file MD5 and, with a sliceSize, every slice's MD5 from the same read.
import {createMD5Hasher} from './md5-hasher.ts';
import {readChunks} from './read-chunks.ts';
import type {HashReply, HashRequest} from './types.ts';

/** The dedicated-worker global, typed narrowly: the project compiles against the DOM lib. */
const scope = self as unknown as {
  postMessage(message: HashReply): void;
  addEventListener(type: 'message', listener: (event: MessageEvent<HashRequest>) => void): void;
};

async function hash(request: HashRequest): Promise<HashReply> {
  const {jobID, blob, sliceSize} = request;
  const whole = await createMD5Hasher(request.engine);
  // A blob that fits in one slice is its own single slice: no second hash pass.
  const slices = sliceSize !== undefined && blob.size > sliceSize ? await createMD5Hasher(whole.engine) : undefined;
  const sliceMD5s: string[] = [];
  let sliceFill = 0;
  let loaded = 0;
  for await (const chunk of readChunks(blob, request)) {
    whole.update(chunk);
    if (slices) {
      // Split the chunk at slice boundaries: views, never copies.
      for (let offset = 0; offset < chunk.length; ) {
        const take = Math.min(chunk.length - offset, sliceSize! - sliceFill);
        slices.update(chunk.subarray(offset, offset + take));
        offset += take;
        sliceFill += take;
        if (sliceFill === sliceSize) {
          sliceMD5s.push(slices.digest());
          sliceFill = 0;
        }
      }
    }
    loaded += chunk.length;
    scope.postMessage({type: 'progress', jobID, loaded});
  }
  if (loaded !== blob.size) throw new Error(`read ${loaded} bytes of a ${blob.size}-byte blob; the file changed while it was read`);
  if (slices && sliceFill > 0) sliceMD5s.push(slices.digest());
  const md5 = whole.digest();
  if (sliceSize !== undefined && !slices && blob.size > 0) sliceMD5s.push(md5);
  return {type: 'done', jobID, md5, sliceMD5s, engine: whole.engine};
}

scope.addEventListener('message', (event) => {
  const request = event.data;
  hash(request).then(
    (reply) => scope.postMessage(reply),
    (error: unknown) => {
      const message = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
      scope.postMessage({type: 'error', jobID: request.jobID, message});
    },
  );
});
