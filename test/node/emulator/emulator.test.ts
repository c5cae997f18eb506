// The emulator's strictness, rule by rule, through the real Node server over loopback: each rule refuses
// a bad request and accepts a good one, and the inspector shows what the server really holds.
import assert from 'node:assert/strict';
import {describe, it, mock} from 'node:test';
import {createEmulator, EmulatorCode as Code} from '../../../src/emulator/index.ts';
import type {EmulatorServer} from '../../../src/emulator/node.ts';
import {md5, useEmulatorServer} from '../support/emulator-server.ts';
import {xorshiftBytes} from '../../support/bytes.ts';
import {checkName as checkClientName} from '../../../src/shared/rules.ts';

const SLICE = 1024;
const OSS_SLICE = 2048;
const defaults = {sliceSize: SLICE, ossSliceSize: OSS_SLICE, minPollIntervalMs: 0, completePolls: 0, qps: {}, limits: 'none' as const, tokenLifetimeMs: 3600_000, serverScheme: 'http' as const, singleDomain: '', retiredHosts: [], reviewRejects: []};

let server: EmulatorServer;
let token: string;
useEmulatorServer(defaults, (s, t) => {
  server = s;
  token = t;
});

const bytes = (length: number, seed = 1): Bytes => xorshiftBytes(length, seed);
type Bytes = Uint8Array<ArrayBuffer>;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

interface Envelope {
  code: number;
  message: string;
  data: any;
  'x-traceID': string;
}

function headers(extra: Record<string, string | undefined> = {}): Record<string, string> {
  const all: Record<string, string | undefined> = {Authorization: `Bearer ${token}`, Platform: 'open_platform', 'Content-Type': 'application/json', ...extra};
  return Object.fromEntries(Object.entries(all).filter(([, v]) => v !== undefined)) as Record<string, string>;
}

async function call(path: string, body?: unknown, opts: {method?: string; headers?: Record<string, string | undefined>; origin?: string} = {}) {
  const res = await fetch(`${opts.origin ?? server.apiOrigin}${path}`, {
    method: opts.method ?? (body === undefined ? 'GET' : 'POST'),
    headers: headers(opts.headers),
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  let json: Envelope | undefined;
  try {
    json = JSON.parse(text);
  } catch {}
  return {status: res.status, json: json!, text};
}

/** Calls and insists on code 0. */
async function ok(path: string, body?: unknown, opts?: Parameters<typeof call>[2]) {
  const {json} = await call(path, body, opts);
  assert.equal(json.code, 0, `${path}: ${json.message}`);
  return json.data;
}

async function refused(path: string, body: unknown, code: number, pattern?: RegExp, opts?: Parameters<typeof call>[2]) {
  const {json} = await call(path, body, opts);
  assert.equal(json.code, code, `${path} answered ${json.code}: ${json.message}`);
  assert.equal(json.data, null);
  if (pattern) assert.match(json.message, pattern);
  return json;
}

function sliceForm(fields: Record<string, string>, slice?: Bytes, sliceField = 'slice'): FormData {
  const form = new FormData();
  for (const [k, v] of Object.entries(fields)) form.append(k, v);
  if (slice) form.append(sliceField, new Blob([slice]), 'part');
  return form;
}

async function postForm(path: string, form: FormData, extraHeaders: Record<string, string> = {}): Promise<Envelope> {
  const res = await fetch(`${server.uploadOrigin}${path}`, {
    method: 'POST',
    headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform', ...extraHeaders},
    body: form,
  });
  return res.json() as Promise<Envelope>;
}

async function sendSlice(preuploadID: string, sliceNo: number, slice: Bytes, sliceMD5 = md5(slice)): Promise<Envelope> {
  return postForm('/upload/v2/file/slice', sliceForm({preuploadID, sliceNo: String(sliceNo), sliceMD5}, slice));
}

function slicesOf(data: Bytes, size = SLICE): Bytes[] {
  const out: Bytes[] = [];
  for (let at = 0; at < data.length; at += size) out.push(data.subarray(at, at + size));
  return out;
}

async function createV2(data: Bytes, extra: Record<string, unknown> = {}) {
  return ok('/upload/v2/file/create', {parentFileID: 0, filename: 'a.bin', etag: md5(data), size: data.length, ...extra});
}

/** A whole v2 sliced upload; returns the fileID. */
async function uploadV2(data: Bytes, extra: Record<string, unknown> = {}): Promise<number> {
  const created = await createV2(data, extra);
  if (created.reuse) return created.fileID;
  const parts = slicesOf(data);
  for (let i = 0; i < parts.length; i++) assert.equal((await sendSlice(created.preuploadID, i + 1, parts[i])).code, 0);
  const done = await ok('/upload/v2/file/upload_complete', {preuploadID: created.preuploadID});
  assert.equal(done.completed, true);
  return done.fileID;
}

describe('options', () => {
  it('defaults as documented, and refuses bad values naming the option', () => {
    const {options} = createEmulator();
    assert.deepEqual(options, {
      apiOrigin: 'https://open-api.123pan.com',
      uploadOrigin: 'https://openapi-upload.123pan.com',
      storageOrigin: 'https://storage.123pan.example',
      sliceSize: 16 * 1024 * 1024,
      ossSliceSize: 100 * 1024 * 1024,
      completePolls: 0,
      minPollIntervalMs: 1000,
      tokenLifetimeMs: 30 * 24 * 3600_000,
      maxTokens: 3,
      clientID: 'test-client',
      clientSecret: 'test-secret',
      qps: {},
      limits: 'free',
      serverScheme: 'https',
      ossTaskMs: 2000,
      cors: {api: 'none', upload: 'none', storage: 'none'},
      singleDomain: '',
      serverHost: '',
      retiredHosts: [],
      reviewRejects: [],
    });
    assert.throws(() => createEmulator({limits: 'gold' as never}), /limits/);
    assert.throws(() => createEmulator({maxTokens: 0}), /maxTokens/);
    assert.throws(() => createEmulator({sliceSize: 0}), /sliceSize/);
    assert.throws(() => createEmulator({cors: 'some' as 'all'}), /cors must be 'all' or 'none', got "some"/);
    assert.throws(() => createEmulator({cors: {cdn: 'all'} as never}), /cors names api, upload and storage, got "cdn"/);
    assert.deepEqual(createEmulator({cors: {storage: 'all'}}).options.cors, {api: 'none', upload: 'none', storage: 'all'});
    assert.throws(() => createEmulator({apiOrigin: 'https://x.example/api'}), /apiOrigin/);
  });
});

describe('authentication', () => {
  it('refuses a missing, malformed, unknown or expired token with 401 and accepts a live one', async () => {
    await refused('/upload/v2/file/domain', undefined, 401, /Authorization header is missing/, {headers: {Authorization: undefined}});
    await refused('/upload/v2/file/domain', undefined, 401, /Bearer/, {headers: {Authorization: token}});
    await refused('/upload/v2/file/domain', undefined, 401, /invalid/, {headers: {Authorization: 'Bearer nope'}});
    const short = server.emulator.issueToken(5).accessToken;
    await sleep(10);
    await refused('/upload/v2/file/domain', undefined, 401, /expired/, {headers: {Authorization: `Bearer ${short}`}});
    assert.deepEqual(await ok('/upload/v2/file/domain'), [server.uploadOrigin]);
  });

  it('expireTokens() invalidates every live token', async () => {
    await ok('/upload/v2/file/domain');
    server.emulator.expireTokens();
    await refused('/upload/v2/file/domain', undefined, 401);
  });

  it('requires Platform: open_platform, refusing a missing one with code 1 as 123pan does', async () => {
    await refused('/upload/v2/file/domain', undefined, Code.INTERNAL, /^Please include the platform field/, {headers: {Platform: undefined}});
    await refused('/upload/v2/file/domain', undefined, Code.BAD_PARAM, /Platform/, {headers: {Platform: 'web'}});
    await ok('/upload/v2/file/domain');
  });

  it('keeps at most 3 live tokens per client ID: a 4th logs the oldest out', async () => {
    const noAuth = {headers: {Authorization: undefined}};
    const mint = async () => (await ok('/api/v1/access_token', {clientID: 'test-client', clientSecret: 'test-secret'}, noAuth)).accessToken as string;
    const first = token; // minted by the test setup
    const second = await mint();
    const third = await mint();
    for (const t of [first, second, third]) await ok('/upload/v2/file/domain', undefined, {headers: {Authorization: `Bearer ${t}`}});
    const fourth = await mint();
    await refused('/upload/v2/file/domain', undefined, 401, /invalid/, {headers: {Authorization: `Bearer ${first}`}});
    for (const t of [second, third, fourth]) await ok('/upload/v2/file/domain', undefined, {headers: {Authorization: `Bearer ${t}`}});
    // An expired token no longer counts as live: minting after it ran out logs nobody else out.
    server.emulator.reset();
    const short = server.emulator.issueToken(5).accessToken;
    const a = server.emulator.issueToken().accessToken;
    const b = server.emulator.issueToken().accessToken;
    await sleep(10);
    const c = server.emulator.issueToken().accessToken;
    for (const t of [a, b, c]) await ok('/upload/v2/file/domain', undefined, {headers: {Authorization: `Bearer ${t}`}});
    await refused('/upload/v2/file/domain', undefined, 401, /expired|invalid/, {headers: {Authorization: `Bearer ${short}`}});
  });

  it('tokens last 30 days by default', async () => {
    const emulator = createEmulator();
    const {expiredAt} = emulator.issueToken();
    const lifetime = Date.parse(expiredAt) - Date.now();
    assert.ok(Math.abs(lifetime - 30 * 24 * 3600_000) < 60_000, `lifetime ${lifetime}`);
  });

  it('access_token accepts only the configured credentials, and its token works', async () => {
    const noAuth = {headers: {Authorization: undefined}};
    await refused('/api/v1/access_token', {clientID: 'test-client', clientSecret: 'wrong'}, 401, /clientSecret/, noAuth);
    await refused('/api/v1/access_token', {clientId: 'test-client', clientSecret: 'test-secret'}, Code.BAD_PARAM, /"clientID"/, noAuth);
    await refused('/api/v1/access_token', {clientID: 'test-client', clientSecret: 'test-secret'}, Code.INTERNAL, /platform field/, {headers: {Authorization: undefined, Platform: undefined}});
    const minted = await ok('/api/v1/access_token', {clientID: 'test-client', clientSecret: 'test-secret'}, noAuth);
    assert.match(minted.expiredAt, /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+08:00$/);
    const lifetime = Date.parse(minted.expiredAt) - Date.now();
    assert.ok(Math.abs(lifetime - 3600_000) < 60_000, `lifetime ${lifetime} follows tokenLifetimeMs`);
    await ok('/upload/v2/file/domain', undefined, {headers: {Authorization: `Bearer ${minted.accessToken}`}});
  });
});

describe('envelope', () => {
  it('wraps every JSON answer, success or failure, with a fresh x-traceID', async () => {
    const a = await call('/upload/v2/file/domain');
    const b = await call('/upload/v2/file/create', {});
    const c = await call('/upload/v2/file/domain', undefined, {headers: {Authorization: undefined}});
    const traces = new Set<string>();
    for (const {json} of [a, b, c]) {
      assert.deepEqual(Object.keys(json).sort(), ['code', 'data', 'message', 'x-traceID']);
      assert.ok(json['x-traceID'].length > 10);
      traces.add(json['x-traceID']);
    }
    assert.equal(traces.size, 3);
    assert.equal(a.json.message, 'ok');
  });

  it('answers an unknown endpoint, or a slice sent to the API origin, with HTTP 404 and code 404', async () => {
    const unknown = await call('/upload/v2/file/nope', {});
    assert.equal(unknown.status, 404);
    assert.equal(unknown.json.code, Code.NO_ENDPOINT);
    const res = await fetch(`${server.apiOrigin}/upload/v2/file/slice`, {method: 'POST', headers: headers(), body: '{}'});
    assert.equal(res.status, 404);
  });
});

describe('fields', () => {
  it('refuses a misspelt field name and names the right one', async () => {
    const created = await createV2(bytes(10));
    await refused('/upload/v2/file/upload_complete', {preuploadId: created.preuploadID}, Code.BAD_PARAM, /"preuploadId".*"preuploadID"/);
    await refused('/upload/v2/file/create', {parentFileId: 0, filename: 'a', etag: md5('a'), size: 1}, Code.BAD_PARAM, /parentFileID/);
  });

  it('checks types: drive parentFileID a number, size an integer, etag 32 hex digits, duplicate 1 or 2, containDir a boolean', async () => {
    const good = {parentFileID: 0, filename: 'a.txt', etag: md5('abc'), size: 3};
    await refused('/upload/v2/file/create', {...good, parentFileID: '0'}, Code.BAD_PARAM, /parentFileID must be a number/);
    await refused('/upload/v2/file/create', {...good, size: '3'}, Code.BAD_PARAM, /size must be a number/);
    await refused('/upload/v2/file/create', {...good, size: 1.5}, Code.BAD_PARAM, /size must be a non-negative integer/);
    await refused('/upload/v2/file/create', {...good, etag: 'xyz'}, Code.BAD_PARAM, /etag must be an MD5/);
    await refused('/upload/v2/file/create', {...good, filename: undefined}, Code.BAD_PARAM, /filename is required/);
    await refused('/upload/v2/file/create', {...good, duplicate: 3}, Code.BAD_PARAM, /duplicate must be 1/);
    await refused('/upload/v2/file/create', {...good, containDir: 'true'}, Code.BAD_PARAM, /containDir must be a boolean/);
    await refused('/upload/v2/file/create', {...good, parentFileID: 424242}, Code.NOT_FOUND, /no such folder/);
    const data = await ok('/upload/v2/file/create', good);
    assert.equal(data.reuse, false);
    assert.equal(typeof data.preuploadID, 'string');
    assert.equal(data.sliceSize, SLICE);
    assert.deepEqual(data.servers, [server.uploadOrigin]);
  });

  it('refuses a body that is not a JSON object', async () => {
    const res = await fetch(`${server.apiOrigin}/upload/v2/file/create`, {method: 'POST', headers: headers(), body: 'parentFileID=0'});
    const json = (await res.json()) as Envelope;
    assert.equal(json.code, Code.BAD_PARAM);
    assert.match(json.message, /JSON/);
  });
});

describe('filenames', () => {
  const create = (filename: string) => call('/upload/v2/file/create', {parentFileID: 0, filename, etag: md5('x'), size: 1});

  it('accepts 255 characters and refuses 256', async () => {
    assert.equal((await create('a'.repeat(251) + '.txt')).json.code, 0);
    const long = await create('a'.repeat(252) + '.txt');
    assert.equal(long.json.code, Code.BAD_PARAM);
    assert.match(long.json.message, /256 characters/);
    assert.equal((await create('字'.repeat(255))).json.code, 0, 'characters are counted, not bytes');
  });

  it('counts an emoji as one character, as the client rules do', async () => {
    const emoji = '😀'.repeat(251) + '.txt'; // 255 code points, 506 UTF-16 units
    assert.equal(emoji.length, 506);
    assert.equal(checkClientName(emoji), null);
    assert.equal((await create(emoji)).json.code, 0);
    const over = '😀' + emoji;
    assert.equal(checkClientName(over)?.key, 'name-too-long');
    assert.equal((await create(over)).json.code, Code.BAD_PARAM);
  });

  it('refuses each of "\\/:*?|>< and names that are only spaces or empty', async () => {
    for (const ch of ['"', '\\', '/', ':', '*', '?', '|', '>', '<']) {
      const {json} = await create(`bad${ch}name.txt`);
      assert.equal(json.code, Code.BAD_PARAM, ch);
      assert.match(json.message, /forbidden character/);
    }
    assert.match((await create('   ')).json.message, /only spaces/);
    assert.match((await create('')).json.message, /empty/);
    assert.equal((await create(' spaced name (1).txt')).json.code, 0);
  });
});

describe('size limits', () => {
  it('create accepts 10 GB and refuses a byte more', async () => {
    const tenGB = 10 * 1024 ** 3;
    const big = await ok('/upload/v2/file/create', {parentFileID: 0, filename: 'big.iso', etag: md5('big'), size: tenGB});
    assert.equal(big.reuse, false);
    await refused('/upload/v2/file/create', {parentFileID: 0, filename: 'big2.iso', etag: md5('big'), size: tenGB + 1}, Code.TOO_LARGE, /10 GB/);
  });

  it('single-step refuses more than 1 GB', async () => {
    const form = sliceForm({parentFileID: '0', filename: 'x.bin', etag: md5('x'), size: String(1024 ** 3 + 1)}, new TextEncoder().encode('x'), 'file');
    const json = await postForm('/upload/v2/file/single/create', form);
    assert.equal(json.code, Code.TOO_LARGE);
    assert.match(json.message, /1 GB/);
    assert.equal(server.emulator.files().length, 0);
  });

  it('image host refuses more than 100 MB, and files that are not images', async () => {
    const image = {parentFileID: '', filename: 'p.png', etag: md5('p'), size: 100 * 1024 ** 2, type: 1};
    assert.equal((await ok('/upload/v1/oss/file/create', image)).reuse, false);
    await refused('/upload/v1/oss/file/create', {...image, size: image.size + 1}, Code.TOO_LARGE, /100 MB/);
    await refused('/upload/v1/oss/file/create', {...image, filename: 'notes.txt'}, Code.BAD_PARAM, /not an image/);
    for (const ext of ['png', 'gif', 'jpeg', 'jpg', 'tiff', 'tif', 'webp', 'svg', 'BMP']) {
      assert.equal((await call('/upload/v1/oss/file/create', {...image, filename: `i.${ext}`})).json.code, 0, ext);
    }
  });
});

describe('v2 slices', () => {
  it('numbers slices from 1 and refuses sliceNo 0 or past the last', async () => {
    const data = bytes(2500);
    const {preuploadID} = await createV2(data);
    const [first] = slicesOf(data);
    assert.match((await sendSlice(preuploadID, 0, first)).message, /sliceNo 0 is out of range.*1\.\.3/);
    assert.equal((await sendSlice(preuploadID, 4, first)).code, Code.BAD_PARAM);
    assert.equal((await sendSlice(preuploadID, 1, first)).code, 0);
  });

  it('wants every slice exactly sliceSize except the last', async () => {
    const data = bytes(2500);
    const {preuploadID} = await createV2(data);
    const parts = slicesOf(data);
    const short = await sendSlice(preuploadID, 1, parts[0].subarray(0, 1000));
    assert.equal(short.code, Code.BAD_PARAM);
    assert.match(short.message, /slice 1 is 1000 bytes; it must be exactly 1024/);
    const long = await sendSlice(preuploadID, 3, data.subarray(2048, 2500 + 0).slice(0, 400));
    assert.match(long.message, /slice 3 is 400 bytes; it must be exactly 452/);
    assert.equal((await sendSlice(preuploadID, 3, parts[2])).code, 0);
  });

  it('checks sliceMD5 against the bytes', async () => {
    const data = bytes(1500);
    const {preuploadID} = await createV2(data);
    const [first] = slicesOf(data);
    const bad = await sendSlice(preuploadID, 1, first, md5('other'));
    assert.equal(bad.code, Code.MD5_MISMATCH);
    assert.match(bad.message, /sliceMD5/);
    assert.equal((await sendSlice(preuploadID, 1, first)).code, 0);
  });

  it('refuses misspelt or missing multipart fields and a non-multipart body', async () => {
    const data = bytes(100);
    const {preuploadID} = await createV2(data);
    const misspelt = await postForm('/upload/v2/file/slice', sliceForm({preuploadId: preuploadID, sliceNo: '1', sliceMD5: md5(data)}, data));
    assert.match(misspelt.message, /"preuploadId".*"preuploadID"/);
    const noSlice = await postForm('/upload/v2/file/slice', sliceForm({preuploadID, sliceNo: '1', sliceMD5: md5(data)}));
    assert.match(noSlice.message, /slice .*required/);
    const notNumber = await postForm('/upload/v2/file/slice', sliceForm({preuploadID, sliceNo: 'one', sliceMD5: md5(data)}, data));
    assert.match(notNumber.message, /sliceNo must be a number/);
    const res = await fetch(`${server.uploadOrigin}/upload/v2/file/slice`, {method: 'POST', headers: headers(), body: JSON.stringify({preuploadID})});
    assert.match(((await res.json()) as Envelope).message, /multipart\/form-data/);
    const unknown = await sendSlice('nope', 1, data);
    assert.equal(unknown.code, Code.NOT_FOUND);
  });

  it('accepts fields after the slice part, and a re-sent slice replaces the first', async () => {
    const data = bytes(1500);
    const {preuploadID} = await createV2(data);
    const parts = slicesOf(data);
    const form = new FormData();
    form.append('slice', new Blob([parts[0]]), 'p');
    form.append('preuploadID', preuploadID);
    form.append('sliceNo', '1');
    form.append('sliceMD5', md5(parts[0]));
    assert.equal((await postForm('/upload/v2/file/slice', form)).code, 0);
    assert.equal((await sendSlice(preuploadID, 1, parts[0])).code, 0);
    assert.equal((await sendSlice(preuploadID, 2, parts[1])).code, 0);
    assert.equal((await ok('/upload/v2/file/upload_complete', {preuploadID})).completed, true);
    assert.equal(server.emulator.files()[0].md5, md5(data));
  });

  it('a full upload leaves exactly the bytes, and the download link serves them', async () => {
    const data = bytes(5000, 7);
    const fileID = await uploadV2(data, {filename: 'five.bin'});
    assert.equal(typeof fileID, 'number');
    const [file] = server.emulator.files();
    assert.deepEqual({fileID: file.fileID, name: file.name, path: file.path, size: file.size, md5: file.md5, target: file.target, parentID: file.parentID}, {
      fileID, name: 'five.bin', path: '/five.bin', size: 5000, md5: md5(data), target: 'drive', parentID: 0,
    });
    const {downloadUrl} = await ok(`/api/v1/file/download_info?fileId=${fileID}`);
    assert.ok(downloadUrl.startsWith(server.storageOrigin));
    const body = new Uint8Array(await (await fetch(downloadUrl)).arrayBuffer());
    assert.equal(md5(body), md5(data));
    const missing = await fetch(`${server.storageOrigin}/file/99999/x.bin`);
    assert.equal(missing.status, 404);
    assert.match(await missing.text(), /NoSuchKey/);
  });
});

describe('completion', () => {
  it('refuses completion while a slice is missing, then completes', async () => {
    const data = bytes(2100);
    const {preuploadID} = await createV2(data);
    const parts = slicesOf(data);
    await sendSlice(preuploadID, 1, parts[0]);
    await sendSlice(preuploadID, 3, parts[2]);
    await refused('/upload/v2/file/upload_complete', {preuploadID}, Code.SLICES_MISSING, /slice 2 of 3/);
    await sendSlice(preuploadID, 2, parts[1]);
    assert.equal((await ok('/upload/v2/file/upload_complete', {preuploadID})).completed, true);
  });

  it('joins the slices and fails the upload when their MD5 is not the etag', async () => {
    const data = bytes(1500);
    const {preuploadID} = await ok('/upload/v2/file/create', {parentFileID: 0, filename: 'lie.bin', etag: md5('something else'), size: 1500});
    for (const [i, part] of slicesOf(data).entries()) assert.equal((await sendSlice(preuploadID, i + 1, part)).code, 0);
    await refused('/upload/v2/file/upload_complete', {preuploadID}, Code.MD5_MISMATCH, new RegExp(md5(data)));
    assert.equal(server.emulator.files().length, 0);
  });

  it('answers not-yet completePolls times, alternating completed:false and 20103, then succeeds', async () => {
    server.emulator.configure({completePolls: 3});
    const data = bytes(100);
    const {preuploadID} = await createV2(data);
    await sendSlice(preuploadID, 1, data);
    const answers = [];
    for (let i = 0; i < 4; i++) answers.push((await call('/upload/v2/file/upload_complete', {preuploadID})).json);
    assert.deepEqual(answers.map((a) => [a.code, a.data?.completed]), [[0, false], [Code.VERIFYING, undefined], [0, false], [0, true]]);
    assert.equal(answers[3].data.fileID, server.emulator.files()[0].fileID);
  });

  it('refuses polls closer than minPollIntervalMs with 429, and accepts them once spaced', async () => {
    server.emulator.configure({completePolls: 1, minPollIntervalMs: 300});
    const data = bytes(100);
    const {preuploadID} = await createV2(data);
    await sendSlice(preuploadID, 1, data);
    assert.equal((await ok('/upload/v2/file/upload_complete', {preuploadID})).completed, false);
    await refused('/upload/v2/file/upload_complete', {preuploadID}, Code.TOO_MANY_REQUESTS, /at least 300 ms apart/);
    await sleep(320);
    assert.equal((await ok('/upload/v2/file/upload_complete', {preuploadID})).completed, true);
  });
});

describe('reuse and names', () => {
  it('answers reuse:true with the existing fileID for content it holds, and places copies elsewhere', async () => {
    const data = bytes(3000);
    const first = await uploadV2(data);
    const again = await createV2(data);
    assert.deepEqual([again.reuse, again.fileID], [true, first]);
    assert.equal(again.preuploadID, undefined);
    const copy = await createV2(data, {filename: 'copy.bin'});
    assert.equal(copy.reuse, true);
    assert.notEqual(copy.fileID, first);
    assert.deepEqual(server.emulator.files().map((f) => [f.name, f.md5]).sort(), [['a.bin', md5(data)], ['copy.bin', md5(data)]]);
    const image = await ok('/upload/v1/oss/file/create', {parentFileID: '', filename: 'a.png', etag: md5(data), size: 3000, type: 1});
    assert.equal(image.reuse, false, 'reuse stays within a target');
  });

  it('refuses a name clash without duplicate and leaves the file alone', async () => {
    const original = bytes(100, 1);
    const fileID = await uploadV2(original);
    await refused('/upload/v2/file/create', {parentFileID: 0, filename: 'a.bin', etag: md5(bytes(100, 2)), size: 100}, Code.NAME_EXISTS, /duplicate/);
    assert.deepEqual(server.emulator.files().map((f) => [f.fileID, f.md5]), [[fileID, md5(original)]]);
  });

  it('decides the name again at completion: a clash that appeared meanwhile fails an upload without duplicate', async () => {
    const slow = bytes(100, 1);
    const {preuploadID} = await createV2(slow);
    await sendSlice(preuploadID, 1, slow);
    const winner = await uploadV2(bytes(100, 2));
    await refused('/upload/v2/file/upload_complete', {preuploadID}, Code.NAME_EXISTS);
    assert.deepEqual(server.emulator.files().map((f) => [f.fileID, f.md5]), [[winner, md5(bytes(100, 2))]]);
  });

  it('duplicate 1 keeps both with a suffix; duplicate 2 overwrites', async () => {
    await uploadV2(bytes(100, 1));
    await uploadV2(bytes(100, 2), {duplicate: 1});
    await uploadV2(bytes(100, 3), {duplicate: 1});
    assert.deepEqual(server.emulator.files().map((f) => f.name).sort(), ['a(1).bin', 'a(2).bin', 'a.bin']);
    const newer = bytes(100, 4);
    const id = await uploadV2(newer, {duplicate: 2});
    const named = server.emulator.files().filter((f) => f.name === 'a.bin');
    assert.deepEqual(named.map((f) => [f.fileID, f.md5]), [[id, md5(newer)]]);
  });

  it('containDir creates the folders of the path', async () => {
    const data = bytes(50);
    const fileID = await uploadV2(data, {filename: '/photos/2024/trip.bin', containDir: true});
    const [file] = server.emulator.files();
    assert.equal(file.path, '/photos/2024/trip.bin');
    assert.equal(file.fileID, fileID);
    assert.deepEqual(server.emulator.folders().map((f) => f.name).sort(), ['2024', 'photos']);
    await uploadV2(bytes(60), {filename: '/photos/2024/other.bin', containDir: true});
    assert.equal(server.emulator.folders().length, 2, 'existing folders are reused');
    await refused('/upload/v2/file/create', {parentFileID: 0, filename: '/ok/b:ad/x.bin', etag: md5('x'), size: 1, containDir: true}, Code.BAD_PARAM, /forbidden/);
  });

  it('an empty file completes at once when its etag is the empty MD5', async () => {
    await refused('/upload/v2/file/create', {parentFileID: 0, filename: 'e.txt', etag: md5('x'), size: 0}, Code.BAD_PARAM, /empty file/);
    const created = await ok('/upload/v2/file/create', {parentFileID: 0, filename: 'e.txt', etag: md5(''), size: 0});
    assert.equal(created.reuse, true);
    assert.equal(server.emulator.files()[0].size, 0);
  });
});

describe('single-step upload', () => {
  const single = (data: Bytes, fields: Record<string, string> = {}) =>
    postForm('/upload/v2/file/single/create', sliceForm({parentFileID: '0', filename: 's.bin', etag: md5(data), size: String(data.length), ...fields}, data, 'file'));

  it('stores the file in one request and checks etag and size against it', async () => {
    const data = bytes(3000);
    assert.equal((await single(data, {etag: md5('no')})).code, Code.MD5_MISMATCH);
    assert.match((await single(data, {size: '2999'})).message, /more than the 2999 bytes size says/);
    assert.match((await single(data, {size: '3001'})).message, /size says 3001 bytes but the file part holds 3000/);
    assert.match((await single(data, {parentFileID: 'root'})).message, /parentFileID must be a number/);
    assert.equal(server.emulator.files().length, 0);
    const done = await single(data);
    assert.equal(done.code, 0);
    assert.deepEqual(done.data, {fileID: server.emulator.files()[0].fileID, completed: true});
    assert.equal(server.emulator.files()[0].md5, md5(data));
  });

  it('the domain endpoint and v2 servers honour serverScheme', async () => {
    const host = new URL(server.uploadOrigin).host;
    assert.deepEqual(await ok('/upload/v2/file/domain'), [`http://${host}`]);
    server.emulator.configure({serverScheme: 'none'});
    assert.deepEqual(await ok('/upload/v2/file/domain'), [host]);
    assert.deepEqual((await createV2(bytes(10))).servers, [host]);
    server.emulator.configure({serverScheme: 'https'});
    assert.deepEqual(await ok('/upload/v2/file/domain'), [`https://${host}`]);
  });
});

describe('v1 presigned drive upload', () => {
  it('create → get_upload_url → PUT without headers → list_upload_parts → complete (async) → async_result', async () => {
    server.emulator.configure({completePolls: 2});
    const data = bytes(2500, 5);
    const created = await ok('/upload/v1/file/create', {parentFileID: 0, filename: 'v1.bin', etag: md5(data), size: data.length});
    assert.deepEqual([created.reuse, created.sliceSize, created.fileID], [false, SLICE, 0]);
    const parts = slicesOf(data);
    for (const [i, part] of parts.entries()) {
      const {presignedURL} = await ok('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: i + 1});
      assert.ok(presignedURL.startsWith(server.storageOrigin));
      const put = await fetch(presignedURL, {method: 'PUT', body: part, headers: {'Content-Type': 'application/octet-stream'}});
      assert.equal(put.status, 200);
      assert.equal(await put.text(), '');
      assert.equal(put.headers.get('etag'), `"${md5(part)}"`);
    }
    const {parts: listed} = await ok('/upload/v1/file/list_upload_parts', {preuploadID: created.preuploadID});
    assert.deepEqual(listed, parts.map((p, i) => ({partNumber: String(i + 1), size: p.length, etag: md5(p)})));
    const first = await ok('/upload/v1/file/upload_complete', {preuploadID: created.preuploadID});
    assert.deepEqual(first, {async: true, completed: false, fileID: 0});
    const second = await call('/upload/v1/file/upload_async_result', {preuploadID: created.preuploadID});
    assert.equal(second.json.code, Code.VERIFYING);
    const third = await ok('/upload/v1/file/upload_async_result', {preuploadID: created.preuploadID});
    assert.equal(third.completed, true);
    assert.equal(server.emulator.files()[0].md5, md5(data));
    assert.equal(third.fileID, server.emulator.files()[0].fileID);
  });

  it('refuses a presigned PUT carrying Authorization or Platform, a wrong size, or a forged URL', async () => {
    const data = bytes(1500);
    const created = await ok('/upload/v1/file/create', {parentFileID: 0, filename: 'v1.bin', etag: md5(data), size: data.length});
    const {presignedURL} = await ok('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
    const part = data.subarray(0, SLICE);
    const withAuth = await fetch(presignedURL, {method: 'PUT', body: part, headers: {Authorization: `Bearer ${token}`}});
    assert.equal(withAuth.status, 403);
    assert.match(await withAuth.text(), /Authorization or Platform/);
    assert.equal((await fetch(presignedURL, {method: 'PUT', body: part, headers: {Platform: 'open_platform'}})).status, 403);
    assert.equal((await fetch(presignedURL, {method: 'PUT', body: part.subarray(0, 1000)})).status, 400);
    assert.equal((await fetch(presignedURL.replace(/Signature=\w/, 'Signature=Z'), {method: 'PUT', body: part})).status, 403);
    assert.equal((await fetch(presignedURL, {method: 'PUT', body: part})).status, 200);
    await refused('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 0}, Code.BAD_PARAM, /from 1/);
    await refused('/upload/v1/file/upload_async_result', {preuploadID: created.preuploadID}, Code.BAD_PARAM, /upload_complete/);
  });

  it('lists no parts for a file smaller than one slice, as documented', async () => {
    const data = bytes(100);
    const created = await ok('/upload/v1/file/create', {parentFileID: 0, filename: 'small.bin', etag: md5(data), size: 100});
    const {presignedURL} = await ok('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
    await fetch(presignedURL, {method: 'PUT', body: data});
    assert.deepEqual(await ok('/upload/v1/file/list_upload_parts', {preuploadID: created.preuploadID}), {parts: []});
    assert.deepEqual(await ok('/upload/v1/file/upload_complete', {preuploadID: created.preuploadID}), {async: false, completed: true, fileID: server.emulator.files()[0].fileID});
  });
});

describe('drive folders and details', () => {
  it('mkdir, detail and download_info check their fields', async () => {
    const {dirID} = await ok('/upload/v1/file/mkdir', {name: 'docs', parentID: 0});
    assert.equal(typeof dirID, 'number');
    // A taken name is code 1 on the drive (API-NOTES), the image host's own refusal elsewhere.
    await refused('/upload/v1/file/mkdir', {name: 'docs', parentID: 0}, Code.INTERNAL, /已存在.*already exists/);
    await refused('/upload/v1/file/mkdir', {name: 'a/b', parentID: 0}, Code.BAD_PARAM, /forbidden/);
    await refused('/upload/v1/file/mkdir', {name: 'x', parentID: '0'}, Code.BAD_PARAM, /parentID must be a number/);
    const data = bytes(10);
    const fileID = await uploadV2(data, {parentFileID: dirID});
    const detail = await ok(`/api/v1/file/detail?fileID=${fileID}`);
    assert.deepEqual([detail.fileID, detail.filename, detail.type, detail.size, detail.etag, detail.parentFileID], [fileID, 'a.bin', 0, 10, md5(data), dirID]);
    await refused('/api/v1/file/detail?fileID=999', undefined, Code.NOT_FOUND);
    await refused(`/api/v1/file/detail?fileId=${fileID}`, undefined, Code.BAD_PARAM, /"fileID"/);
    await refused(`/api/v1/file/download_info?fileID=${fileID}`, undefined, Code.BAD_PARAM, /"fileId"/);
    assert.equal(server.emulator.files()[0].path, '/docs/a.bin');
  });
});

describe('image host', () => {
  async function uploadImage(data: Bytes, name: string, parentFileID = '') {
    const created = await ok('/upload/v1/oss/file/create', {parentFileID, filename: name, etag: md5(data), size: data.length, type: 1});
    if (created.reuse) return created.fileID as string;
    assert.equal(created.sliceSize, OSS_SLICE);
    for (const [i, part] of slicesOf(data, OSS_SLICE).entries()) {
      const {presignedURL} = await ok('/upload/v1/oss/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: i + 1});
      assert.equal((await fetch(presignedURL, {method: 'PUT', body: part})).status, 200);
    }
    const done = await ok('/upload/v1/oss/file/upload_complete', {preuploadID: created.preuploadID});
    assert.equal(done.completed, true);
    return done.fileID as string;
  }

  it('mkdir, create, PUT, complete; detail has downloadURL and userSelfURL serving the bytes', async () => {
    const {list} = await ok('/upload/v1/oss/file/mkdir', {name: 'gallery', parentID: '', type: 1});
    const dirID = list[0].dirID;
    assert.equal(typeof dirID, 'string');
    await refused('/upload/v1/oss/file/mkdir', {name: 'other', parentID: ''}, Code.BAD_PARAM, /type/);
    await refused('/upload/v1/oss/file/create', {parentFileID: 0, filename: 'p.png', etag: md5('p'), size: 1, type: 1}, Code.BAD_PARAM, /parentFileID must be a string/);
    const data = bytes(5000, 9);
    const id = await uploadImage(data, 'photo.png', dirID);
    assert.equal(typeof id, 'string');
    const detail = await ok(`/api/v1/oss/file/detail?fileID=${id}`);
    assert.deepEqual([detail.fileId, detail.filename, detail.parentFileId, detail.type, detail.size, detail.etag, detail.extension, detail.parentFilename], [id, 'photo.png', dirID, 0, 5000, md5(data), 'png', 'gallery']);
    assert.ok(detail.userSelfURL);
    const served = await fetch(detail.downloadURL);
    assert.equal(served.headers.get('content-type'), 'image/png');
    assert.equal(md5(new Uint8Array(await served.arrayBuffer())), md5(data));
    assert.deepEqual(server.emulator.files().map((f) => [f.target, f.path]), [['image', '/gallery/photo.png']]);
  });

  it('the same etag and size in the same folder replaces; a clash of names with other bytes is refused', async () => {
    const data = bytes(300, 2);
    const id = await uploadImage(data, 'one.png');
    const again = await ok('/upload/v1/oss/file/create', {parentFileID: '', filename: 'renamed.png', etag: md5(data), size: 300, type: 1});
    assert.deepEqual([again.reuse, again.fileID], [true, id]);
    assert.deepEqual(server.emulator.files().map((f) => [f.fileID, f.name]), [[id, 'renamed.png']]);
    await refused('/upload/v1/oss/file/create', {parentFileID: '', filename: 'renamed.png', etag: md5('x'), size: 1, type: 1}, Code.NAME_EXISTS);
  });

  it('list pages with lastFileId, move and delete take arrays of string ids', async () => {
    const ids: string[] = [];
    for (let i = 0; i < 3; i++) ids.push(await uploadImage(bytes(100, i + 20), `i${i}.jpg`));
    const page1 = await ok('/api/v1/oss/file/list', {parentFileId: '', limit: 2, type: 1});
    assert.equal(page1.fileList.length, 2);
    assert.equal(page1.lastFileId, page1.fileList[1].fileId);
    const page2 = await ok('/api/v1/oss/file/list', {limit: 2, type: 1, lastFileId: page1.lastFileId});
    assert.deepEqual([page2.fileList.length, page2.lastFileId], [1, '-1']);
    await refused('/api/v1/oss/file/list', {limit: 101, type: 1}, Code.BAD_PARAM, /limit/);
    await refused('/api/v1/oss/file/list', {parentFileID: '', limit: 10, type: 1}, Code.BAD_PARAM, /parentFileId/);
    const {list} = await ok('/upload/v1/oss/file/mkdir', {name: ['dest'], parentID: '', type: 1});
    await refused('/api/v1/oss/file/move', {fileIDs: [1], toParentFileID: list[0].dirID}, Code.BAD_PARAM, /strings/);
    await ok('/api/v1/oss/file/move', {fileIDs: [ids[0]], toParentFileID: list[0].dirID});
    assert.equal(server.emulator.files().find((f) => f.fileID === ids[0])!.path, '/dest/i0.jpg');
    await ok('/api/v1/oss/file/delete', {fileIDs: [ids[1]]});
    assert.deepEqual(server.emulator.files().map((f) => f.fileID).sort(), [ids[0], ids[2]].sort());
  });

  it('image upload_complete answers async and upload_async_result polls to the fileID', async () => {
    server.emulator.configure({completePolls: 1});
    const data = bytes(100, 3);
    const created = await ok('/upload/v1/oss/file/create', {parentFileID: '', filename: 'a.webp', etag: md5(data), size: 100, type: 1});
    const {presignedURL} = await ok('/upload/v1/oss/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
    await fetch(presignedURL, {method: 'PUT', body: data});
    assert.deepEqual(await ok('/upload/v1/oss/file/upload_complete', {preuploadID: created.preuploadID}), {async: true, completed: false, fileID: ''});
    const result = await ok('/upload/v1/oss/file/upload_async_result', {preuploadID: created.preuploadID});
    assert.equal(result.completed, true);
    assert.equal(result.fileID, server.emulator.files()[0].fileID);
  });
});

describe('knobs', () => {
  it('per-endpoint QPS: beyond the limit code 429, within a second later accepted', async () => {
    server.emulator.configure({qps: {'/upload/v2/file/domain': 2}});
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call('/upload/v2/file/domain')).json.code);
    assert.deepEqual(codes, [0, 0, Code.TOO_MANY_REQUESTS]);
    assert.equal((await call('/upload/v2/file/create', {})).json.code, Code.BAD_PARAM, 'other endpoints are not limited');
    await sleep(1010);
    assert.equal((await call('/upload/v2/file/domain')).json.code, 0);
  });

  it('a QPS key ending in * limits every path under it together; storage answers HTTP 503 SlowDown as S3 does', async () => {
    server.emulator.configure({qps: {'/presigned/*': 1}});
    const data = bytes(2000);
    const created = await ok('/upload/v1/file/create', {parentFileID: 0, filename: 'q.bin', etag: md5(data), size: data.length});
    const urls = [];
    for (const n of [1, 2]) urls.push((await ok('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: n})).presignedURL);
    const parts = slicesOf(data);
    assert.equal((await fetch(urls[0], {method: 'PUT', body: parts[0]})).status, 200);
    const limited = await fetch(urls[1], {method: 'PUT', body: parts[1]});
    assert.equal(limited.status, 503);
    assert.match(await limited.text(), /<Code>SlowDown<\/Code>/);
  });

  it('token lifetime: a token expires mid-upload and a fresh one continues it', async () => {
    server.emulator.configure({tokenLifetimeMs: 150});
    token = server.emulator.issueToken().accessToken;
    const data = bytes(2000);
    const {preuploadID} = await createV2(data);
    const parts = slicesOf(data);
    assert.equal((await sendSlice(preuploadID, 1, parts[0])).code, 0);
    await sleep(200);
    assert.equal((await sendSlice(preuploadID, 2, parts[1])).code, 401);
    token = server.emulator.issueToken(60_000).accessToken;
    assert.equal((await sendSlice(preuploadID, 2, parts[1])).code, 0);
    assert.equal((await ok('/upload/v2/file/upload_complete', {preuploadID})).completed, true);
  });
});

describe('faults', () => {
  it('drop: the connection closes and nothing changes', async () => {
    const data = bytes(100);
    const {preuploadID} = await createV2(data);
    server.emulator.fault({path: '/upload/v2/file/slice', kind: 'drop', times: 1});
    await assert.rejects(sendSlice(preuploadID, 1, data));
    await refused('/upload/v2/file/upload_complete', {preuploadID}, Code.SLICES_MISSING);
    assert.equal((await sendSlice(preuploadID, 1, data)).code, 0, 'times: 1 fails once');
  });

  it('reset: the request takes effect but the answer never arrives', async () => {
    const data = bytes(100);
    const {preuploadID} = await createV2(data);
    server.emulator.fault({path: '/upload/v2/file/slice', kind: 'reset', times: 1});
    await assert.rejects(sendSlice(preuploadID, 1, data));
    assert.equal((await ok('/upload/v2/file/upload_complete', {preuploadID})).completed, true, 'the slice was stored');
    const log = server.emulator.requests.filter((r) => r.path === '/upload/v2/file/slice');
    assert.equal(log[0].status, 0);
  });

  it('reset whenOk: a refused request is answered and leaves the fault armed; the first that succeeds is reset', async () => {
    const data = bytes(100);
    const {preuploadID} = await createV2(data);
    server.emulator.fault({path: '/upload/v2/file/upload_complete', kind: 'reset', times: 1, whenOk: true});
    await refused('/upload/v2/file/upload_complete', {preuploadID}, Code.SLICES_MISSING);
    assert.equal((await sendSlice(preuploadID, 1, data)).code, 0);
    await assert.rejects(call('/upload/v2/file/upload_complete', {preuploadID}));
    const log = server.emulator.requests.filter((r) => r.path === '/upload/v2/file/upload_complete').map((r) => r.status);
    assert.deepEqual(log, [200, 0]);
    assert.throws(() => server.emulator.fault({path: '*', kind: 'drop', whenOk: true}), /whenOk/);
  });

  it('http500, code1, 429, 401 answer as their names say; slow answers late; rate 0 never fires', async () => {
    const answers: Record<string, {status: number; code?: number}> = {};
    for (const kind of ['http500', 'code1', '429', '401'] as const) {
      server.emulator.clearFaults();
      server.emulator.fault({path: '/upload/v2/file/domain', kind});
      const {status, json} = await call('/upload/v2/file/domain');
      answers[kind] = {status, code: json?.code};
    }
    assert.deepEqual(answers, {http500: {status: 500, code: undefined}, code1: {status: 200, code: 1}, '429': {status: 429, code: 429}, '401': {status: 401, code: 401}});
    server.emulator.clearFaults();
    server.emulator.fault({path: '/upload/v2/*', kind: 'slow', delayMs: 250});
    const started = Date.now();
    assert.equal((await call('/upload/v2/file/domain')).json.code, 0);
    assert.ok(Date.now() - started >= 240);
    server.emulator.clearFaults();
    server.emulator.fault({path: '*', kind: 'code1', rate: 0});
    assert.equal((await call('/upload/v2/file/domain')).json.code, 0);
    assert.throws(() => server.emulator.fault({path: '*', kind: 'boom' as never}), /fault.kind/);
  });

  it('on the storage origin, envelope faults fail as S3 does: never HTTP 200', async () => {
    const data = bytes(100);
    const created = await ok('/upload/v1/file/create', {parentFileID: 0, filename: 's.bin', etag: md5(data), size: 100});
    const {presignedURL} = await ok('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
    const statuses = [];
    for (const kind of ['code1', '429', '401'] as const) {
      server.emulator.fault({path: '/presigned/*', kind, times: 1});
      statuses.push((await fetch(presignedURL, {method: 'PUT', body: data})).status);
    }
    assert.deepEqual(statuses, [500, 503, 403]);
    assert.equal((await fetch(presignedURL, {method: 'PUT', body: data})).status, 200);
  });

  it('times counts matching requests; clearFaults removes the rest', async () => {
    server.emulator.fault({path: '/upload/v2/file/domain', kind: 'code1', times: 2});
    const codes = [];
    for (let i = 0; i < 3; i++) codes.push((await call('/upload/v2/file/domain')).json.code);
    assert.deepEqual(codes, [1, 1, 0]);
    server.emulator.fault({path: '/upload/v2/file/domain', kind: 'code1'});
    assert.equal((await call('/upload/v2/file/domain')).json.code, 1);
    server.emulator.clearFaults();
    assert.equal((await call('/upload/v2/file/domain')).json.code, 0);
  });
});

describe('inspector', () => {
  it('requests logs every answer in order with status and code; files() excludes folders; reset drops all', async () => {
    await ok('/upload/v1/file/mkdir', {name: 'd', parentID: 0});
    await uploadV2(bytes(10));
    await call('/upload/v2/file/domain', undefined, {headers: {Authorization: undefined}});
    const log = server.emulator.requests.map((r) => [r.method, r.path, r.status, r.code]);
    assert.deepEqual(log, [
      ['POST', '/upload/v1/file/mkdir', 200, 0],
      ['POST', '/upload/v2/file/create', 200, 0],
      ['POST', '/upload/v2/file/slice', 200, 0],
      ['POST', '/upload/v2/file/upload_complete', 200, 0],
      ['GET', '/upload/v2/file/domain', 200, 401],
    ]);
    assert.ok(server.emulator.requests.every((r) => !r.url.includes(token)), 'no token in the log');
    assert.deepEqual(server.emulator.files().map((f) => f.name), ['a.bin']);
    assert.deepEqual(server.emulator.folders().map((f) => [f.name, f.target, f.parentID]), [['d', 'drive', 0]]);
    server.emulator.reset();
    assert.deepEqual([server.emulator.files().length, server.emulator.folders().length, server.emulator.requests.length], [0, 0, 0]);
    await refused('/upload/v2/file/domain', undefined, 401, /invalid/);
  });
});

describe('as strict as 123pan', () => {
  const single = (data: Bytes, origin: string, name = 's.bin') =>
    fetch(`${origin}/upload/v2/file/single/create`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform'},
      body: sliceForm({parentFileID: '0', filename: name, etag: md5(data), size: String(data.length)}, data, 'file'),
    });

  it('the free tier limits are on by default and count every token of the account together', async () => {
    server.emulator.configure({limits: 'free'});
    const other = server.emulator.issueToken().accessToken;
    const create = (t: string, i: number) => call('/upload/v2/file/create', {parentFileID: 0, filename: `l${i}.bin`, etag: md5(`l${i}`), size: 2}, {headers: {Authorization: `Bearer ${t}`}});
    // create is 1/s for the account: a second token does not get a second allowance.
    assert.equal((await create(token, 1)).json.code, 0);
    assert.equal((await create(other, 2)).json.code, Code.TOO_MANY_REQUESTS);
    const folders = [];
    for (let i = 0; i < 6; i++) folders.push((await call('/upload/v1/file/mkdir', {name: `d${i}`, parentID: 0}, {headers: {Authorization: `Bearer ${i % 2 ? other : token}`}})).json.code);
    assert.deepEqual(folders, [0, 0, 0, 0, 0, Code.TOO_MANY_REQUESTS], 'mkdir 5/s');
    const domain = [];
    for (let i = 0; i < 6; i++) domain.push((await call('/upload/v2/file/domain')).json.code);
    assert.deepEqual(domain, [0, 0, 0, 0, 0, 0], 'endpoints the tables leave out are not limited');
    await sleep(1010);
    assert.equal((await create(other, 3)).json.code, 0, 'a second later the account may create again');
  });

  it("the 'vip' preset raises the limits, 'none' lifts them, and qps overrides one path", async () => {
    server.emulator.configure({limits: 'vip'});
    const create = (i: number) => call('/upload/v2/file/create', {parentFileID: 0, filename: `v${i}.bin`, etag: md5(`v${i}`), size: 2});
    const codes = [];
    // The clock is held still so that the 21 calls fall in one second however slow the machine is.
    mock.timers.enable({apis: ['Date'], now: Date.now()});
    try {
      for (let i = 0; i < 21; i++) codes.push((await create(i)).json.code);
    } finally {
      mock.timers.reset();
    }
    assert.deepEqual(codes.filter((c) => c === 0).length, 20);
    assert.equal(codes[20], Code.TOO_MANY_REQUESTS);
    server.emulator.reset();
    server.emulator.configure({limits: 'none'});
    token = server.emulator.issueToken().accessToken;
    for (let i = 0; i < 25; i++) assert.equal((await create(100 + i)).json.code, 0);
    server.emulator.configure({limits: 'free', qps: {'/upload/v2/file/create': Infinity}});
    for (let i = 0; i < 5; i++) assert.equal((await create(200 + i)).json.code, 0);
    server.emulator.configure({qps: {}});
  });

  it("the 'free' access_token limit is 8/s", async () => {
    server.emulator.configure({limits: 'free'});
    const codes = [];
    for (let i = 0; i < 9; i++) codes.push((await call('/api/v1/access_token', {clientID: 'test-client', clientSecret: 'test-secret'}, {headers: {Authorization: undefined}})).json.code);
    assert.deepEqual(codes, [0, 0, 0, 0, 0, 0, 0, 0, Code.TOO_MANY_REQUESTS]);
  });

  it('a retired single-step domain is a dead host; domain then names the live one', async () => {
    const data = bytes(500, 7);
    const port = new URL(server.uploadOrigin).port;
    const live = `http://localhost:${port}`;
    server.emulator.configure({retiredHosts: [new URL(server.uploadOrigin).host], singleDomain: live});
    await assert.rejects(single(data, server.uploadOrigin), TypeError, 'the retired host does not answer');
    assert.equal(server.emulator.files().length, 0);
    assert.deepEqual(await ok('/upload/v2/file/domain'), [live]);
    const stored = await (await single(data, live)).json();
    assert.equal(stored.code, 0, stored.message);
    assert.equal(server.emulator.files()[0].md5, md5(data));
  });

  it('upload_async_result can answer a passing code 1 "preuploadID must not be empty"', async () => {
    const data = bytes(100, 3);
    const created = await ok('/upload/v1/oss/file/create', {parentFileID: '', filename: 'h.png', etag: md5(data), size: 100, type: 1});
    const {presignedURL} = await ok('/upload/v1/oss/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
    await fetch(presignedURL, {method: 'PUT', body: data});
    server.emulator.configure({completePolls: 1});
    await ok('/upload/v1/oss/file/upload_complete', {preuploadID: created.preuploadID});
    server.emulator.fault({path: '/upload/v1/oss/file/upload_async_result', kind: 'code1', message: 'preuploadID must not be empty', times: 1});
    await refused('/upload/v1/oss/file/upload_async_result', {preuploadID: created.preuploadID}, Code.INTERNAL, /^preuploadID must not be empty$/);
    assert.equal((await ok('/upload/v1/oss/file/upload_async_result', {preuploadID: created.preuploadID})).completed, true);
    assert.throws(() => server.emulator.fault({path: '*', kind: 'drop', message: 'x'}), /code1/);
  });

  it('the image host refuses mkdir of an existing name', async () => {
    await ok('/upload/v1/oss/file/mkdir', {name: ['album'], parentID: '', type: 1});
    await refused('/upload/v1/oss/file/mkdir', {name: ['album'], parentID: '', type: 1}, Code.NAME_EXISTS, /already exists/);
    assert.equal(server.emulator.folders().length, 1);
  });

  it('content review: a rejected file has status above 100 and cannot be downloaded', async () => {
    const bad = bytes(300, 11);
    const good = bytes(300, 12);
    server.emulator.configure({reviewRejects: [md5(bad)]});
    const badID = await uploadV2(bad);
    const goodID = await uploadV2(good, {filename: 'b.bin'});
    assert.ok((await ok(`/api/v1/file/detail?fileID=${badID}`)).status > 100);
    assert.equal((await ok(`/api/v1/file/detail?fileID=${goodID}`)).status, 0);
    const {downloadUrl} = await ok(`/api/v1/file/download_info?fileId=${badID}`);
    assert.equal((await fetch(downloadUrl)).status, 403);
  });

  it('/api/v2/file/list lists one folder by pages, with name, etag and size', async () => {
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push(await uploadV2(bytes(50 + i, 20 + i), {filename: `f${i}.bin`}));
    const {dirID} = await ok('/upload/v1/file/mkdir', {name: 'sub', parentID: 0});
    await uploadV2(bytes(10, 30), {filename: 'inner.bin', parentFileID: dirID});
    const first = await ok('/api/v2/file/list?parentFileId=0&limit=2');
    assert.deepEqual(first.fileList.map((f: any) => [f.filename, f.size, f.etag, f.type]), [
      ['f0.bin', 50, md5(bytes(50, 20)), 0],
      ['f1.bin', 51, md5(bytes(51, 21)), 0],
    ]);
    assert.equal(first.lastFileId, ids[1]);
    const second = await ok(`/api/v2/file/list?parentFileId=0&limit=2&lastFileId=${first.lastFileId}`);
    assert.deepEqual(second.fileList.map((f: any) => f.filename), ['f2.bin', 'sub']);
    assert.equal(second.lastFileId, -1);
    assert.deepEqual((await ok('/api/v2/file/list?parentFileId=0&limit=100&searchData=f1')).fileList.map((f: any) => f.fileId), [ids[1]]);
    await refused('/api/v2/file/list?parentFileId=0&limit=101', undefined, Code.BAD_PARAM, /limit/);
    await refused('/api/v2/file/list?parentFileId=abc&limit=10', undefined, Code.BAD_PARAM, /parentFileId/);
    await refused('/api/v2/file/list?parentFileId=0&limit=10&parentFileID=0', undefined, Code.BAD_PARAM, /parentFileID/);
  });
});
