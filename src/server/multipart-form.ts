/**
 * Checks a multipart/form-data body (single/create) WHILE it streams through, and passes on a body
 * rebuilt from what was parsed: each part's header block is written anew from its name, filename and
 * type, so whatever the server behind reads, it reads what this check read.
 *
 * The shape is the one the element sends, and nothing else: no preamble; text fields first, each named
 * exactly as the endpoint names it and given once, the pinned folder among them; the file part last;
 * after it only the closing boundary. Every part header is read as RFC 7578 / 2183 write it, and
 * anything a looser or stricter parser could read otherwise is refused (a second Content-Disposition,
 * `x-name=`, `name*=`, a quoted-pair, a space before the colon, a bare LF, a delimiter followed by
 * anything but CRLF or "--", a byte after the closing boundary).
 *
 * Nothing is passed on until the file part's header has been read and the pinned field accepted, so
 * a refusal up to there sends nothing upstream; the closing boundary is passed on only once the body
 * has ended cleanly, so a body refused later never reaches the upstream whole.
 */
import {parseHeaderValue} from './media-type.ts';

const MAX_HEADER_BYTES = 8 * 1024;
const MAX_VALUE_BYTES = 1024;
const HEADER_LINE = /^([!#$%&'*+.^_`|~0-9A-Za-z-]+):[ \t]*(.*?)[ \t]*$/;

export class MultipartFieldError extends Error {
  override readonly name = 'MultipartFieldError';
  /** 403 for the pinned folder refused, 400 for a body that is not the expected shape. */
  constructor(
    message: string,
    readonly status: 400 | 403 = 400,
  ) {
    super(message);
  }
}

export interface FormRule {
  /** The text fields the endpoint takes, by exact name. */
  fields: readonly string[];
  /** The file part's name. */
  file: string;
  /** A field that must come before the file part, once; `check` returns a reason to refuse its value. */
  pin?: {field: string; check: (value: string) => string | undefined | Promise<string | undefined>};
}

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

const startsWith = (data: Uint8Array, at: number, prefix: Uint8Array): boolean => prefix.every((byte, k) => data[at + k] === byte);

interface PartHead {
  name: string;
  filename?: string;
  type?: string;
}

/** One part's header block, or the reason it is refused (`{refusal}`: refused as an attempt on the pin, 403). */
function parsePartHead(block: string, rule: FormRule): PartHead | string | {refusal: string} {
  let disposition: string | undefined;
  let type: string | undefined;
  for (const line of block.split('\r\n')) {
    if (/[\r\n]/.test(line)) return 'a header line ends in a bare CR or LF';
    const match = HEADER_LINE.exec(line);
    if (!match) return `a part header line is not "Name: value": ${JSON.stringify(line.slice(0, 80))}`;
    const name = match[1]!.toLowerCase();
    if (name === 'content-disposition' && disposition === undefined) disposition = match[2]!;
    else if (name === 'content-type' && type === undefined) type = match[2]!;
    else return `a part has ${name === 'content-disposition' || name === 'content-type' ? 'two' : 'an unexpected'} ${match[1]} header`;
  }
  if (disposition === undefined) return 'a part has no Content-Disposition';
  const parsed = parseHeaderValue(disposition);
  if (typeof parsed === 'string') return `Content-Disposition: ${parsed}`;
  if (parsed.value !== 'form-data') return `Content-Disposition is ${parsed.value}, expected form-data`;
  const name = parsed.params.get('name');
  const filename = parsed.params.get('filename');
  for (const key of parsed.params.keys()) if (key !== 'name' && key !== 'filename') return `Content-Disposition has an unexpected parameter ${key}`;
  if (name === undefined) return 'a part has no name';
  if (name !== rule.file && !rule.fields.includes(name)) {
    const meant = [...rule.fields, rule.file].find((field) => field.toLowerCase() === name.toLowerCase());
    // Another spelling of a field is an attempt on a case-insensitive reader upstream: refused as one.
    if (meant) return {refusal: `field ${JSON.stringify(name)} is another spelling of ${meant}`};
    return `field ${JSON.stringify(name)} is not one this endpoint takes (${[...rule.fields, rule.file].join(', ')})`;
  }
  if (name !== rule.file && (filename !== undefined || type !== undefined)) return `field ${name} is text: it takes neither a filename nor a Content-Type`;
  if (type !== undefined) {
    const media = parseHeaderValue(type);
    if (typeof media === 'string' || !media.value.includes('/')) return `the file part's Content-Type is not type/subtype`;
    type = media.value;
  }
  return {name, filename, type};
}

/**
 * A stream that passes on the rebuilt body, or errors with a {@link MultipartFieldError}. Its first
 * chunk comes only once everything before the file's bytes has been accepted.
 */
export function checkedForm(boundary: string, rule: FormRule): TransformStream<Uint8Array, Uint8Array> {
  const encoder = new TextEncoder();
  const decoder = new TextDecoder('utf-8', {fatal: true});
  const opening = encoder.encode(`--${boundary}\r\n`);
  const delimiter = encoder.encode(`\r\n--${boundary}`);
  const CRLF_CRLF = encoder.encode('\r\n\r\n');
  const refuse = (message: string, status: 400 | 403 = 400): never => {
    throw new MultipartFieldError(`multipart body: ${message}`, status);
  };

  let state: 'open' | 'head' | 'value' | 'file' | 'after' | 'closing' = 'open';
  let carry: Uint8Array = new Uint8Array(0);
  let part: PartHead | undefined;
  let afterFile = false;
  let closingBytes = 0;
  const seen = new Set<string>();
  // Until the file part, output is kept here: nothing leaves before the pin has been checked.
  let pending: Uint8Array[] | undefined = [];
  let pinSeen = rule.pin === undefined;
  // A check that has to ask (the drive pin learning a folder): awaited before anything held is passed on.
  let pinCheck: Promise<string | undefined> | undefined;
  let releaseAfterCheck = false;

  const emit = (bytes: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>) => {
    if (bytes.length === 0) return;
    if (pending) pending.push(bytes);
    else controller.enqueue(bytes);
  };
  const release = (controller: TransformStreamDefaultController<Uint8Array>) => {
    const held = pending ?? [];
    pending = undefined;
    for (const bytes of held) controller.enqueue(bytes);
  };

  const scan = (data: Uint8Array, controller: TransformStreamDefaultController<Uint8Array>): Uint8Array => {
    let pos = 0;
    for (;;) {
      if (state === 'open') {
        if (data.length < opening.length) return data;
        if (!startsWith(data, 0, opening)) refuse('the body must begin with its boundary and CRLF (no preamble)');
        pos = opening.length;
        state = 'head';
      }
      if (state === 'head') {
        if (data.length - pos >= 2 && data[pos] === 13 && data[pos + 1] === 10) refuse('a part has no headers');
        const end = indexOf(data, CRLF_CRLF, pos);
        if ((end === -1 ? data.length : end) - pos > MAX_HEADER_BYTES) refuse('a part header is too long');
        if (end === -1) return data.subarray(pos);
        let block: string;
        try {
          block = decoder.decode(data.subarray(pos, end));
        } catch {
          refuse('a part header is not UTF-8');
        }
        const head = parsePartHead(block!, rule);
        if (typeof head === 'string') return refuse(head);
        if ('refusal' in head) return refuse(head.refusal, 403);
        part = head;
        if (seen.has(part.name)) refuse(`field ${part.name} is given twice`);
        seen.add(part.name);
        const file = part.name === rule.file;
        if (file && !pinSeen) refuse(`field ${rule.pin!.field} is missing: it must come before the file part`, 403);
        const rebuilt =
          `--${boundary}\r\nContent-Disposition: form-data; name="${part.name}"` +
          (part.filename === undefined ? '' : `; filename="${part.filename}"`) +
          (part.type === undefined ? '' : `\r\nContent-Type: ${part.type}`) +
          '\r\n\r\n';
        emit(encoder.encode(rebuilt), controller);
        if (file && pinCheck) releaseAfterCheck = true;
        else if (file) release(controller);
        pos = end + 4;
        state = file ? 'file' : 'value';
      }
      if (state === 'value') {
        const end = indexOf(data, delimiter, pos);
        if ((end === -1 ? data.length - delimiter.length : end) - pos > MAX_VALUE_BYTES) refuse(`field ${part!.name} is too long`);
        if (end === -1) return data.subarray(pos);
        let value: string;
        try {
          value = decoder.decode(data.subarray(pos, end));
        } catch {
          refuse(`field ${part!.name} is not UTF-8`);
        }
        if (part!.name === rule.pin?.field) {
          const refusal = rule.pin.check(value!);
          if (refusal instanceof Promise) pinCheck = refusal;
          else if (refusal !== undefined) refuse(refusal, 403);
          pinSeen = true;
        }
        emit(data.slice(pos, end), controller);
        pos = end + delimiter.length;
        state = 'after';
      }
      if (state === 'file') {
        const end = indexOf(data, delimiter, pos);
        if (end === -1) {
          // Keep what may be the start of a delimiter split across chunks.
          const keep = Math.max(pos, data.length - (delimiter.length - 1));
          emit(data.subarray(pos, keep), controller);
          return data.subarray(keep);
        }
        emit(data.subarray(pos, end), controller);
        pos = end + delimiter.length;
        afterFile = true;
        state = 'after';
      }
      if (state === 'after') {
        if (data.length - pos < 2) return data.subarray(pos);
        if (data[pos] === 45 && data[pos + 1] === 45) {
          pos += 2;
          state = 'closing';
        } else if (data[pos] === 13 && data[pos + 1] === 10) {
          if (afterFile) refuse('the file part must be the last part');
          emit(encoder.encode('\r\n'), controller);
          pos += 2;
          state = 'head';
          continue;
        } else {
          refuse('a boundary must be followed by CRLF or "--"');
        }
      }
      // state === 'closing': at most a CRLF, then the end.
      for (; pos < data.length; pos++, closingBytes++) {
        if (closingBytes > 1 || data[pos] !== (closingBytes === 0 ? 13 : 10)) refuse('bytes after the closing boundary');
      }
      return new Uint8Array(0);
    }
  };

  const settlePin = async (controller: TransformStreamDefaultController<Uint8Array>) => {
    if (!pinCheck) return;
    const refusal = await pinCheck;
    pinCheck = undefined;
    if (refusal !== undefined) refuse(refusal, 403);
    if (releaseAfterCheck) release(controller);
  };

  return new TransformStream<Uint8Array, Uint8Array>({
    async transform(chunk, controller) {
      // The carry is copied: it outlives the chunk it came from.
      carry = scan(concat(carry, chunk), controller).slice();
      await settlePin(controller);
    },
    async flush(controller) {
      await settlePin(controller);
      if (state !== 'closing' || closingBytes === 1) refuse('the body ends before its closing boundary');
      if (!pinSeen) refuse(`field ${rule.pin!.field} is missing`, 403);
      release(controller);
      controller.enqueue(encoder.encode(`\r\n--${boundary}--\r\n`));
    },
  });
}
