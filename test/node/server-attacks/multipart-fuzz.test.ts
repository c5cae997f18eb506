import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {getResponse} from 'msw';
import {createEmulator} from '../../../src/emulator/index.ts';
import {createProxy, createTokenBroker} from '../../../src/server/index.ts';
import type {Envelope} from './fixture.ts';
import {BOUNDARY, multipartBody, validParts, type RawPart} from './multipart-form.ts';

const CASES = 3000;

/** A small seeded generator (mulberry32): the same cases every run, so a failure can be replayed. */
function random(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Bytes and phrases parsers disagree on. */
const PIECES = [
  '"', '\\', ';', '=', ' ', '\t', '\r', '\n', '\r\n', '*', ':', '-', "'", '%', '\0', 'ſ', 'K',
  'name=', 'name="parentFileID"', '; name="parentFileID"', 'x-', 'filename=', "name*=UTF-8''parentFileID",
  'Content-Disposition: form-data; name="parentFileID"', 'parentFileID', 'PARENTFILEID', 'form-data',
];

interface Case {
  contentType: string;
  body: Uint8Array<ArrayBuffer>;
}

function mutate(rand: () => number, pinned: number, elsewhere: number): Case {
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const at = (text: string) => Math.floor(rand() * (text.length + 1));
  const parts: RawPart[] = validParts(pinned);
  let boundary = BOUNDARY;
  let contentType = `multipart/form-data; boundary=${BOUNDARY}`;
  let epilogue = '';
  let preamble = '';
  let tamper: ((text: string) => string) | undefined;
  const textParts = () => parts.filter((p) => typeof p.value === 'string' || rand() < 0.3);

  for (let n = 1 + Math.floor(rand() * 3); n > 0; n--) {
    switch (Math.floor(rand() * 10)) {
      case 0: { // insert a piece into a part's header block
        const part = pick(textParts());
        const i = at(part.head);
        part.head = part.head.slice(0, i) + pick(PIECES) + part.head.slice(i);
        break;
      }
      case 1: { // delete a few characters of a header block
        const part = pick(textParts());
        const i = at(part.head);
        part.head = part.head.slice(0, i) + part.head.slice(i + 1 + Math.floor(rand() * 5));
        break;
      }
      case 2: { // flip the case of one character
        const part = pick(textParts());
        const i = Math.floor(rand() * part.head.length);
        const c = part.head[i] ?? '';
        part.head = part.head.slice(0, i) + (c === c.toLowerCase() ? c.toUpperCase() : c.toLowerCase()) + part.head.slice(i + 1);
        break;
      }
      case 3: // a second folder part somewhere, in a random disguise
      case 4: {
        const heads = [
          'Content-Disposition: form-data; name="parentFileID"',
          'content-disposition: form-data; name=parentFileID',
          'Content-Disposition: form-data; name="parentFileID"\r\nContent-Type: text/plain',
          'Content-Disposition: form-data; x-name="a"; name="parentFileID"',
          'Content-Disposition: form-data; name="parentFile\\ID"',
          'Content-Disposition : form-data; name="parentFileID"',
          'Content-Disposition: form-data; name="note"\r\nContent-Disposition: form-data; name="parentFileID"',
        ];
        parts.splice(Math.floor(rand() * (parts.length + 1)), 0, {head: pick(heads), value: String(elsewhere)});
        break;
      }
      case 5: { // the folder part's value
        parts[0]!.value = pick([String(elsewhere), ` ${pinned}`, `${pinned} `, `0${pinned}`, `${pinned}\r\n`, `${pinned}\0`, `${pinned}\r\n--${BOUNDARY}\r\nContent-Disposition: form-data; name="parentFileID"\r\n\r\n${elsewhere}`]);
        break;
      }
      case 6: { // the Content-Type's boundary parameter
        contentType = pick([
          `multipart/form-data; boundary="${BOUNDARY}"`,
          `multipart/form-data; BOUNDARY=${BOUNDARY}`,
          `multipart/form-data;boundary=${BOUNDARY}`,
          `multipart/form-data; boundary=${BOUNDARY}; boundary=other`,
          `multipart/form-data; x="; boundary=other"; boundary=${BOUNDARY}`,
          `multipart/form-data; boundary=${BOUNDARY}; charset=utf-8`,
          `multipart/form-data; boundary=${BOUNDARY} `,
          `Multipart/Form-Data; boundary=${BOUNDARY}`,
          `multipart/mixed; boundary=${BOUNDARY}`,
          `multipart/form-data; boundary=${BOUNDARY.slice(0, -1)}`,
        ]);
        break;
      }
      case 7: { // what follows one delimiter
        const odd = pick([' ', '\t', 'X', '\n', '\r', '-', '--', ' \r\n']);
        const k = 1 + Math.floor(rand() * parts.length);
        tamper = (text) => {
          let from = 0;
          for (let i = 0; i < k; i++) from = text.indexOf(`--${boundary}\r\n`, from) + 1;
          if (from <= 0) return text;
          const cut = from - 1 + boundary.length + 2;
          return text.slice(0, cut) + odd + text.slice(rand() < 0.5 ? cut : cut + 2);
        };
        break;
      }
      case 8: // bytes before the first or after the last boundary
        if (rand() < 0.5) epilogue = pick(['\r\n', 'x', `--${BOUNDARY}\r\nContent-Disposition: form-data; name="parentFileID"\r\n\r\n${elsewhere}\r\n--${BOUNDARY}--`]);
        else preamble = pick(['\r\n', 'preamble\r\n', `--${BOUNDARY}x\r\n`]);
        break;
      default: { // parts in another order
        const i = Math.floor(rand() * parts.length);
        const [part] = parts.splice(i, 1);
        parts.splice(Math.floor(rand() * (parts.length + 1)), 0, part!);
      }
    }
  }
  let body = multipartBody(parts, {boundary, epilogue});
  if (tamper || preamble) {
    const text = preamble + Buffer.from(body).toString('latin1');
    body = new Uint8Array(Buffer.from(tamper ? tamper(text) : text, 'latin1'));
  }
  return {contentType, body};
}

describe('attacks: fuzzed single/create bodies', () => {
  it(`${CASES} mutations of part headers and boundaries: each stores into the pinned folder or is refused`, {timeout: 120_000}, async () => {
    // Emulator and proxy in one process (msw handlers, no sockets), so thousands of cases take seconds.
    const emulator = createEmulator();
    const upstream = (input: string | URL, init?: RequestInit) =>
      getResponse(emulator.handlers, new Request(input, init)).then((r) => r ?? new Response('no handler', {status: 404}));
    const token = emulator.issueToken().accessToken;
    const mkdir = async (name: string) => {
      const res = await upstream('https://open-api.123pan.com/upload/v1/file/mkdir', {method: 'POST', headers: {authorization: `Bearer ${token}`, platform: 'open_platform', 'content-type': 'application/json'}, body: JSON.stringify({name, parentID: 0})});
      return ((await res.json()) as Envelope).data.dirID as number;
    };
    const pinned = await mkdir('pinned');
    const elsewhere = await mkdir('elsewhere');
    const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', fetch: upstream as typeof fetch});
    const proxy = createProxy({broker, prefix: '/pan-api', pinParentID: {drive: pinned}, fetch: upstream, publicOrigin: 'https://site.test'});
    const domain = (await (await proxy.fetch(new Request('https://site.test/pan-api/upload/v2/file/domain'))).json()) as Envelope<string[]>;
    const target = `${new URL(domain.data[0]!, 'https://site.test').href}/upload/v2/file/single/create`;

    // A refusal that comes after the file's bytes reaches the emulator as a body cut short, which it reports.
    const report = console.error;
    console.error = (...args: unknown[]) => {
      if (!String(args[0]).startsWith('[pan emulator]')) report(...args);
    };
    const rand = random(18);
    const started = performance.now();
    let stored = 0;
    try {
      for (let n = 0; n < CASES; n++) {
        const {contentType, body} = mutate(rand, pinned, elsewhere);
        const before = emulator.files().length;
        const res = await proxy.fetch(new Request(target, {method: 'POST', headers: {'content-type': contentType}, body}));
        const answer = (await res.json()) as Envelope;
        const added = emulator.files().slice(before);
        const replay = () => `case ${n}: ${contentType}\n${Buffer.from(body).toString('latin1').slice(0, 1200)}`;
        for (const file of added) assert.equal(file.parentID, pinned, `stored outside the pinned folder; ${replay()}`);
        if (answer.code === 0) {
          // An identical file already in the folder may be answered again instead of stored twice.
          const file = emulator.files().find((f) => f.fileID === answer.data.fileID);
          assert.equal(file?.parentID, pinned, `answered ok for a file outside the pinned folder; ${replay()}`);
        } else {
          assert.equal(added.length, 0, `refused but stored; ${replay()}`);
        }
        stored += added.length;
      }
    } finally {
      console.error = report;
    }
    const seconds = (performance.now() - started) / 1000;
    console.log(`multipart fuzz: ${CASES} cases in ${seconds.toFixed(1)} s, ${stored} stored into the pinned folder, ${CASES - stored} refused`);
    assert.ok(stored > 0 && stored < CASES, 'the cases reach both outcomes');
  });
});
