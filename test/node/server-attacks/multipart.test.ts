import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {rawRequest, settle, useAttackBench} from './fixture.ts';
import {BOUNDARY, field, multipartBody, multipartType, validParts, type RawPart} from './multipart-form.ts';

const PATH = '/upload/v2/file/single/create';

describe('attacks: the folder pin of single/create (multipart)', () => {
  const bench = useAttackBench();

  const send = async (body: Uint8Array, contentType = multipartType()) =>
    rawRequest(await bench.singleCreateURL(), {method: 'POST', headers: {'content-type': contentType}, body});

  /** Refused by the proxy, and the emulator never saw the request at all. */
  const refusedUnseen = async (body: Uint8Array, contentType?: string) => {
    const res = await send(body, contentType);
    assert.ok(res.status >= 400, `expected a refusal, got HTTP ${res.status}: ${res.text}`);
    assert.notEqual(res.json().code, 0);
    await settle();
    assert.deepEqual(bench.sent(PATH), [], 'the proxy started the request upstream');
    assert.deepEqual(bench.upstream(PATH), [], 'the emulator saw the request');
    assert.deepEqual(bench.stored(), [], 'a file was stored');
    return res.json();
  };

  /** `first`, then after a pause `second`, on one request. */
  const sendInTwo = async (first: Uint8Array, second: Uint8Array) => {
    const url = await bench.singleCreateURL();
    const body = new ReadableStream<Uint8Array>({
      async start(controller) {
        controller.enqueue(first);
        await new Promise((resolve) => setTimeout(resolve, 400));
        controller.enqueue(second);
        controller.close();
      },
    });
    const res = await fetch(url, {method: 'POST', headers: {'content-type': multipartType()}, body, duplex: 'half'} as RequestInit);
    const text = await res.text();
    return {status: res.status, text};
  };

  /** The pinned parentFileID first, then a second one hidden from a regex that reads names loosely. */
  const withHidden = (head: string): RawPart[] => {
    const parts = validParts(bench.pinned);
    parts.splice(1, 0, {head, value: String(bench.elsewhere)});
    return parts;
  };

  it('a valid body, in the element\'s order, stores into the pinned folder', async () => {
    const res = await send(multipartBody(validParts(bench.pinned)));
    assert.equal(res.json().code, 0, res.text);
    const [file] = bench.stored();
    assert.equal(file?.parentID, bench.pinned);
    assert.equal(file?.name, 'attack.txt');
  });

  it('refuses a second parentFileID behind another parameter (x-name="a"; name="parentFileID")', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition: form-data; x-name="a"; name="parentFileID"')));
  });

  it('refuses a quoted-pair in the name (name="parentFile\\ID")', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition: form-data; name="parentFile\\ID"')));
  });

  it('refuses a space before the colon (Content-Disposition : …)', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition : form-data; name="parentFileID"')));
  });

  it('refuses two Content-Disposition lines in one part', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition: form-data; name="note"\r\nContent-Disposition: form-data; name="parentFileID"')));
  });

  it('refuses header lines split by a bare LF', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition: form-data; name="note"\nContent-Disposition: form-data; name="parentFileID"')));
  });

  it('refuses name*= (RFC 2231) beside name=', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition: form-data; name="note"; name*=UTF-8\'\'parentFileID')));
  });

  it('refuses a part whose name is another spelling of a field (parentfileid)', async () => {
    await refusedUnseen(multipartBody(withHidden('Content-Disposition: form-data; name="parentfileid"')));
  });

  it('refuses a body whose only parentFileID is hidden, even with an epilogue past the old hold-back window', async () => {
    const parts = validParts(bench.pinned).slice(1);
    parts.unshift({head: 'Content-Disposition: form-data; x-name="a"; name="parentFileID"', value: String(bench.elsewhere)});
    // The epilogue comes a moment later: time for the upstream to act on a body it already has whole.
    const res = await sendInTwo(multipartBody(parts), new TextEncoder().encode('x'.repeat(200)));
    assert.ok(res.status >= 400, res.text);
    await settle();
    assert.deepEqual(bench.stored(), [], 'a file was stored');
    assert.deepEqual(bench.sent(PATH), [], 'the proxy started the request upstream');
  });

  it('refuses any byte after the closing boundary, and the upstream never gets a complete body', async () => {
    const res = await sendInTwo(multipartBody(validParts(bench.pinned)), new TextEncoder().encode('trailing bytes'));
    assert.ok(res.status >= 400, res.text);
    await settle();
    assert.deepEqual(bench.stored(), []);
    assert.ok(bench.upstream(PATH).every((r) => r.status === 0 || r.status >= 400), 'the upstream answered a complete body');
  });

  it('refuses a part after the file part (the file must come last), storing nothing', async () => {
    const parts = validParts(bench.pinned);
    parts.push(field('parentFileID', String(bench.elsewhere)));
    const res = await send(multipartBody(parts));
    assert.ok(res.status >= 400, res.text);
    await settle();
    assert.deepEqual(bench.stored(), []);
    assert.ok(bench.upstream(PATH).every((r) => r.status === 0 || r.status >= 400), 'the upstream answered a complete body');
  });

  it('refuses a file part before parentFileID, before anything is sent on', async () => {
    const parts = validParts(bench.pinned);
    parts.unshift(parts.pop()!);
    const refusal = await refusedUnseen(multipartBody(parts));
    assert.match(refusal.message, /parentFileID/);
  });

  it('refuses a quoted "; boundary=" inside another Content-Type parameter', async () => {
    const body = multipartBody(withHidden('Content-Disposition: form-data; name="parentFileID"'), {boundary: 'real'});
    await refusedUnseen(body, `multipart/form-data; x="; boundary=${BOUNDARY}"; boundary=real`);
  });

  it('refuses two boundary parameters', async () => {
    await refusedUnseen(multipartBody(validParts(bench.pinned)), `multipart/form-data; boundary=other; boundary=${BOUNDARY}`);
  });

  it('refuses a delimiter followed by anything but CRLF or "--"', async () => {
    for (const after of ['X', ' ', '\t', '\n', '\r', '-x']) {
      const text = new TextDecoder().decode(multipartBody(validParts(bench.pinned)));
      // The second delimiter (after the first field) gets the odd byte.
      const at = text.indexOf(`\r\n--${BOUNDARY}\r\n`) + BOUNDARY.length + 4;
      const body = new TextEncoder().encode(`${text.slice(0, at)}${after}${text.slice(at)}`);
      await refusedUnseen(body);
    }
  });

  it('refuses a preamble before the first boundary', async () => {
    const body = multipartBody(validParts(bench.pinned));
    await refusedUnseen(Buffer.concat([Buffer.from(`--${BOUNDARY}x\r\nContent-Disposition: form-data; name="parentFileID"\r\n\r\n${bench.elsewhere}\r\n`), body]));
  });

  it('refuses a wrong or missing pinned folder before anything is sent on', async () => {
    await refusedUnseen(multipartBody(validParts(bench.elsewhere)));
    await refusedUnseen(multipartBody(validParts(bench.pinned).slice(1)));
    await refusedUnseen(multipartBody(validParts(` ${bench.pinned}`)));
  });

  it('refuses an over-long text field or part header, even when it arrives in one chunk', async () => {
    const longValue = validParts(bench.pinned);
    longValue[1] = field('filename', 'x'.repeat(2048));
    await refusedUnseen(multipartBody(longValue));
    const longHead = validParts(bench.pinned);
    longHead[1] = {head: `Content-Disposition: form-data; name="filename"; filename="${'x'.repeat(9000)}"`, value: 'a.txt'};
    await refusedUnseen(multipartBody(longHead));
  });

  it('still passes a body split into one-byte chunks', async () => {
    const body = multipartBody(validParts(bench.pinned));
    const url = await bench.singleCreateURL();
    const stream = new ReadableStream<Uint8Array>({
      start(controller) {
        for (const byte of body) controller.enqueue(Uint8Array.of(byte));
        controller.close();
      },
    });
    const res = await fetch(url, {method: 'POST', headers: {'content-type': multipartType()}, body: stream, duplex: 'half'} as RequestInit);
    assert.equal(((await res.json()) as {code: number}).code, 0);
    assert.equal(bench.stored()[0]?.parentID, bench.pinned);
  });
});
