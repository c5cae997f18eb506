/**
 * A streaming multipart/form-data reader: file parts flow through chunk by chunk, so a slice can be
 * written and hashed as it arrives instead of being held whole. Browser-safe (no Buffer).
 */

export interface Part {
  name: string;
  filename?: string;
  contentType?: string;
  /** The part's bytes. Read it (or not) before asking for the next part. */
  body: AsyncIterable<Uint8Array>;
}

export class MultipartError extends Error {}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const CRLF = encoder.encode('\r\n');
const HEADER_END = encoder.encode('\r\n\r\n');
const MAX_HEADER_BYTES = 16 * 1024;

/** The boundary from a Content-Type header, or undefined when it is not multipart/form-data. */
export function multipartBoundary(contentType: string | null): string | undefined {
  if (!contentType || !/^multipart\/form-data\s*(;|$)/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match ? (match[1] ?? match[2]) : undefined;
}

export async function* parseMultipart(source: AsyncIterable<Uint8Array>, boundary: string): AsyncGenerator<Part> {
  const input = new Input(source);
  const dashBoundary = encoder.encode(`--${boundary}`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);

  // Skip any preamble up to the first boundary line.
  const first = await input.find(dashBoundary, 64 * 1024);
  if (first < 0) throw new MultipartError('multipart body has no opening boundary');
  input.skip(first + dashBoundary.length);

  for (;;) {
    if (!(await input.ensure(2))) throw new MultipartError('multipart body ended after a boundary');
    if (input.buf[0] === 0x2d && input.buf[1] === 0x2d) return; // "--": closing boundary
    if (input.buf[0] !== CRLF[0] || input.buf[1] !== CRLF[1]) throw new MultipartError('malformed multipart boundary line');
    input.skip(2);

    const headerEnd = await input.find(HEADER_END, MAX_HEADER_BYTES);
    if (headerEnd < 0) throw new MultipartError('multipart part headers are missing or too long');
    const headers = parseHeaders(decoder.decode(input.buf.subarray(0, headerEnd)));
    input.skip(headerEnd + HEADER_END.length);

    let finished = false;
    const body = (async function* () {
      for (;;) {
        const at = indexOf(input.buf, delimiter);
        if (at >= 0) {
          const out = input.buf.subarray(0, at);
          input.skip(at + delimiter.length);
          finished = true;
          if (out.byteLength) yield out;
          return;
        }
        // Keep a tail that may be the start of a delimiter split across chunks.
        const keep = delimiter.length - 1;
        if (input.buf.length > keep) {
          const out = input.buf.subarray(0, input.buf.length - keep);
          input.skip(out.length);
          yield out;
        }
        if (!(await input.more())) throw new MultipartError('multipart body ended inside a part');
      }
    })();

    yield {...headers, body};
    if (!finished) for await (const _ of body); // drain what the consumer left unread
  }
}

function parseHeaders(text: string): Omit<Part, 'body'> {
  let name: string | undefined;
  let filename: string | undefined;
  let contentType: string | undefined;
  for (const line of text.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon < 0) continue;
    const key = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    if (key === 'content-disposition') {
      name = param(value, 'name');
      filename = param(value, 'filename');
    } else if (key === 'content-type') {
      contentType = value;
    }
  }
  if (name === undefined) throw new MultipartError('multipart part without a Content-Disposition name');
  return {name, filename, contentType};
}

function param(header: string, key: string): string | undefined {
  const match = new RegExp(`(?:^|;)\\s*${key}=(?:"((?:[^"\\\\]|\\\\.)*)"|([^;\\s]*))`, 'i').exec(header);
  if (!match) return undefined;
  return match[1] !== undefined ? match[1].replace(/\\(.)/g, '$1') : match[2];
}

/** Index of `needle` in `haystack`, or -1. Scans for the first byte natively, then compares. */
export function indexOf(haystack: Uint8Array, needle: Uint8Array, from = 0): number {
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(needle[0], from); i !== -1 && i <= last; i = haystack.indexOf(needle[0], i + 1)) {
    let k = 1;
    while (k < needle.length && haystack[i + k] === needle[k]) k++;
    if (k === needle.length) return i;
  }
  return -1;
}

/** A pull buffer over the chunk stream. */
class Input {
  buf: Uint8Array = new Uint8Array(0);
  private iterator: AsyncIterator<Uint8Array>;
  private ended = false;

  constructor(source: AsyncIterable<Uint8Array>) {
    this.iterator = source[Symbol.asyncIterator]();
  }

  async more(): Promise<boolean> {
    if (this.ended) return false;
    const next = await this.iterator.next();
    if (next.done) {
      this.ended = true;
      return false;
    }
    const chunk = next.value;
    if (this.buf.length === 0) {
      this.buf = chunk;
    } else {
      const joined = new Uint8Array(this.buf.length + chunk.length);
      joined.set(this.buf);
      joined.set(chunk, this.buf.length);
      this.buf = joined;
    }
    return true;
  }

  async ensure(n: number): Promise<boolean> {
    while (this.buf.length < n) if (!(await this.more())) return false;
    return true;
  }

  /** Position of `needle` in the buffer, pulling more input until found or `limit` bytes are buffered. */
  async find(needle: Uint8Array, limit: number): Promise<number> {
    for (;;) {
      const at = indexOf(this.buf, needle);
      if (at >= 0) return at;
      if (this.buf.length > limit || !(await this.more())) return -1;
    }
  }

  skip(n: number): void {
    this.buf = this.buf.subarray(n);
  }
}
