/**
 * Request bodies as streams of chunks, from either host.
 * msw clones every request it sees (a tee that would buffer a whole upload in memory), so the Node
 * adapter hands the socket stream over here instead, keyed by the very Request object the resolver receives.
 */

const attached = new WeakMap<Request, AsyncIterable<Uint8Array>>();

/** Node adapter: the body of `request` is read from `source`, not from `request.body`. */
export function attachBody(request: Request, source: AsyncIterable<Uint8Array>): void {
  attached.set(request, source);
}

/** The request's body, chunk by chunk; readable once. */
export function bodyChunks(request: Request): AsyncIterable<Uint8Array> {
  const side = attached.get(request);
  if (side) {
    attached.delete(request);
    return side;
  }
  if (request.body) return streamChunks(request.body);
  // Firefox has no Request.body (undefined, not null): a body it holds is only readable whole.
  return request.body === undefined ? wholeBody(request) : emptyChunks();
}

async function* emptyChunks(): AsyncIterable<Uint8Array> {}

async function* wholeBody(request: Request): AsyncIterable<Uint8Array> {
  const bytes = new Uint8Array(await request.arrayBuffer());
  if (bytes.byteLength) yield bytes;
}

async function* streamChunks(stream: ReadableStream<Uint8Array>): AsyncIterable<Uint8Array> {
  const reader = stream.getReader();
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

/** The whole body, refusing anything longer than `limit` bytes (JSON bodies are small). */
export async function readAll(request: Request, limit: number): Promise<Uint8Array> {
  const parts: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of bodyChunks(request)) {
    size += chunk.byteLength;
    if (size > limit) throw new BodyTooLarge(limit);
    parts.push(chunk);
  }
  const out = new Uint8Array(size);
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.byteLength;
  }
  return out;
}

export class BodyTooLarge extends Error {
  constructor(readonly limit: number) {
    super(`request body is larger than ${limit} bytes`);
  }
}
