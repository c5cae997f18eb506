/**
 * Checks one field of a multipart/form-data body WHILE it streams through, without buffering the
 * file part: bytes are passed on as they come, except the last few (the closing boundary), which are
 * held back until the field has been seen and accepted. A body whose field is missing or refused
 * therefore never reaches the upstream server complete, so it cannot be accepted there.
 */

const CRLF_CRLF = new Uint8Array([13, 10, 13, 10]);
const MAX_HEADER_BYTES = 16 * 1024;
const MAX_VALUE_BYTES = 1024;

function indexOf(haystack: Uint8Array, needle: Uint8Array, from: number): number {
  const first = needle[0]!;
  const last = haystack.length - needle.length;
  for (let i = haystack.indexOf(first, from); i !== -1 && i <= last; i = haystack.indexOf(first, i + 1)) {
    let j = 1;
    while (j < needle.length && haystack[i + j] === needle[j]) j++;
    if (j === needle.length) return i;
  }
  return -1;
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  if (a.length === 0) return b;
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}

/** The boundary of a multipart content type, or undefined. */
export function multipartBoundary(contentType: string | null): string | undefined {
  if (!contentType || !/^multipart\/form-data\b/i.test(contentType)) return undefined;
  const match = /;\s*boundary=(?:"([^"]+)"|([^;\s]+))/i.exec(contentType);
  return match?.[1] ?? match?.[2];
}

export class MultipartFieldError extends Error {
  override readonly name = 'MultipartFieldError';
}

/**
 * A pass-through stream that calls `check(value)` for every part named `field`; `check` returns an
 * error message to refuse. The stream errors with a {@link MultipartFieldError} on refusal, on a
 * missing field, or on a malformed body.
 */
export function multipartFieldCheck(
  boundary: string,
  field: string,
  check: (value: string) => string | undefined,
): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder();
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const holdBack = delimiter.length + 4; // "--" and CRLF after the last delimiter
  let state: 'body' | 'after-delimiter' | 'headers' | 'value' | 'done' = 'body';
  // The body starts with "--boundary" without a CRLF: scan as if one came first.
  let carry: Uint8Array = encoder.encode('\r\n');
  let held: Uint8Array = new Uint8Array(0);
  let seen = false;

  const scan = (chunk: Uint8Array): void => {
    const data = concat(carry, chunk);
    let pos = 0;
    for (;;) {
      if (state === 'done') {
        carry = new Uint8Array(0);
        return;
      }
      if (state === 'body') {
        const i = indexOf(data, delimiter, pos);
        if (i === -1) {
          carry = data.slice(Math.max(pos, data.length - (delimiter.length - 1)));
          return;
        }
        pos = i + delimiter.length;
        state = 'after-delimiter';
      }
      if (state === 'after-delimiter') {
        if (data.length - pos < 2) {
          carry = data.slice(pos);
          return;
        }
        state = data[pos] === 45 && data[pos + 1] === 45 ? 'done' : 'headers';
        continue;
      }
      if (state === 'headers') {
        const j = indexOf(data, CRLF_CRLF, pos);
        if (j === -1) {
          if (data.length - pos > MAX_HEADER_BYTES) throw new MultipartFieldError('multipart body: a part header is too long');
          carry = data.slice(pos);
          return;
        }
        const headers = decoder.decode(data.subarray(pos, j));
        const name = /content-disposition:[^\r\n]*?\bname=(?:"([^"]*)"|([^;\s]+))/i.exec(headers);
        pos = j + 4;
        // Any spelling of the field counts: the upstream may match names case-insensitively.
        state = (name?.[1] ?? name?.[2])?.toLowerCase() === field.toLowerCase() ? 'value' : 'body';
        continue;
      }
      // state === 'value'
      const k = indexOf(data, delimiter, pos);
      if (k === -1) {
        if (data.length - pos > MAX_VALUE_BYTES) throw new MultipartFieldError(`multipart body: field ${field} is too long`);
        carry = data.slice(pos);
        return;
      }
      const refusal = check(decoder.decode(data.subarray(pos, k)));
      if (refusal !== undefined) throw new MultipartFieldError(refusal);
      seen = true;
      pos = k;
      state = 'body';
    }
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    transform(chunk, controller) {
      scan(chunk);
      const out = concat(held, chunk);
      if (out.length > holdBack) {
        controller.enqueue(out.subarray(0, out.length - holdBack));
        held = out.slice(out.length - holdBack);
      } else {
        held = out.slice();
      }
    },
    flush(controller) {
      if (!seen) throw new MultipartFieldError(`multipart body: field ${field} is missing`);
      if (held.length > 0) controller.enqueue(held);
    },
  });
}
