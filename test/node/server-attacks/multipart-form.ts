import {md5} from './fixture.ts';

/** A single/create body written by hand, so each part's header lines can be anything an attacker writes. */
export interface RawPart {
  /** The header block as sent, without the blank line that ends it. */
  head: string;
  value: string | Uint8Array;
}

export const BOUNDARY = '----pan-attack-boundary';
export const FILE = new TextEncoder().encode('hello from an attacker\n');

export const field = (name: string, value: string): RawPart => ({head: `Content-Disposition: form-data; name="${name}"`, value});

/** The parts the element sends, in its order: the folder first, the file last. */
export function validParts(parentFileID: number | string, filename = 'attack.txt'): RawPart[] {
  return [
    field('parentFileID', String(parentFileID)),
    field('filename', filename),
    field('etag', md5(FILE)),
    field('size', String(FILE.length)),
    field('duplicate', '1'),
    {head: `Content-Disposition: form-data; name="file"; filename="${filename}"\r\nContent-Type: text/plain`, value: FILE},
  ];
}

export function multipartBody(parts: RawPart[], {boundary = BOUNDARY, epilogue = ''}: {boundary?: string; epilogue?: string} = {}): Uint8Array<ArrayBuffer> {
  const chunks: Uint8Array[] = [];
  const text = (s: string) => chunks.push(new TextEncoder().encode(s));
  for (const part of parts) {
    text(`--${boundary}\r\n${part.head}\r\n\r\n`);
    if (typeof part.value === 'string') text(part.value);
    else chunks.push(part.value);
    text('\r\n');
  }
  text(`--${boundary}--\r\n${epilogue}`);
  return new Uint8Array(Buffer.concat(chunks));
}

export const multipartType = (boundary = BOUNDARY) => `multipart/form-data; boundary=${boundary}`;
