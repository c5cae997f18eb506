// The streaming multipart reader: whatever way the bytes are split into chunks, the parts come out whole.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {MultipartError, multipartBoundary, parseMultipart} from '../../../src/emulator/multipart.ts';

const encoder = new TextEncoder();

async function* chunked(body: Uint8Array, size: number): AsyncIterable<Uint8Array> {
  for (let at = 0; at < body.length; at += size) yield body.subarray(at, at + size);
}

async function collect(source: AsyncIterable<Uint8Array>, boundary: string) {
  const parts: {name: string; filename?: string; contentType?: string; bytes: number[]}[] = [];
  for await (const part of parseMultipart(source, boundary)) {
    const bytes: number[] = [];
    for await (const chunk of part.body) bytes.push(...chunk);
    parts.push({name: part.name, filename: part.filename, contentType: part.contentType, bytes});
  }
  return parts;
}

async function encode(form: FormData): Promise<{body: Uint8Array; boundary: string}> {
  const res = new Response(form);
  const boundary = multipartBoundary(res.headers.get('content-type'))!;
  return {body: new Uint8Array(await res.arrayBuffer()), boundary};
}

describe('multipart reader', () => {
  it('reads what FormData writes, split at every chunk size from 1 byte up', async () => {
    // Payload bytes that look like the start of a delimiter ("\r\n--") must not end the part.
    const payload = Uint8Array.from({length: 700}, (_, i) => (i % 50 === 0 ? 13 : i % 50 === 1 ? 10 : i % 50 < 4 ? 45 : (i * 7) % 256));
    const form = new FormData();
    form.append('preuploadID', 'a+b/c==');
    form.append('sliceNo', '3');
    form.append('slice', new Blob([payload]), 'x.part');
    form.append('empty', '');
    const {body, boundary} = await encode(form);
    for (const size of [1, 2, 3, 7, 13, 64, 100, 333, body.length]) {
      const parts = await collect(chunked(body, size), boundary);
      assert.deepEqual(parts.map((p) => p.name), ['preuploadID', 'sliceNo', 'slice', 'empty'], `chunk ${size}`);
      assert.equal(new TextDecoder().decode(Uint8Array.from(parts[0].bytes)), 'a+b/c==');
      assert.equal(parts[2].filename, 'x.part');
      assert.deepEqual(parts[2].bytes, [...payload], `chunk ${size}`);
      assert.deepEqual(parts[3].bytes, []);
    }
  });

  it('skips a part the reader leaves unread', async () => {
    const form = new FormData();
    form.append('slice', new Blob([new Uint8Array(5000).fill(7)]));
    form.append('after', 'yes');
    const {body, boundary} = await encode(form);
    const names = [];
    for await (const part of parseMultipart(chunked(body, 100), boundary)) names.push(part.name);
    assert.deepEqual(names, ['slice', 'after']);
  });

  it("accepts unquoted names as in 123pan's own example", async () => {
    const body = encoder.encode('--B\r\nContent-Disposition: form-data; name=sliceNo;\r\nContent-Type: text/plain\r\n\r\n1\r\n--B--\r\n');
    const [part] = await collect(chunked(body, 5), 'B');
    assert.deepEqual([part.name, part.contentType, part.bytes], ['sliceNo', 'text/plain', [49]]);
  });

  it('refuses a truncated body and a missing boundary', async () => {
    const truncated = encoder.encode('--B\r\nContent-Disposition: form-data; name="slice"\r\n\r\nabcdef');
    await assert.rejects(collect(chunked(truncated, 4), 'B'), MultipartError);
    await assert.rejects(collect(chunked(encoder.encode('no boundary here'), 4), 'B'), /no opening boundary/);
  });

  it('reads the boundary from Content-Type, quoted or not, and only for form-data', () => {
    assert.equal(multipartBoundary('multipart/form-data; boundary=abc'), 'abc');
    assert.equal(multipartBoundary('multipart/form-data; boundary="a b"'), 'a b');
    assert.equal(multipartBoundary('application/json'), undefined);
    assert.equal(multipartBoundary('multipart/form-data'), undefined);
  });
});
