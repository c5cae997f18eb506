// The fault suite's judge can fail: deliberately broken clients upload to the emulator's Node host, and
// each is caught by the counter named for its fault; an honest client in the same setting is caught by none.
import assert from 'node:assert/strict';
import {after, before, beforeEach, describe, it} from 'node:test';
import {type EmulatorServer, startEmulatorServer} from '../../src/emulator/node.ts';
import {fileBytes} from '../faults/bytes.ts';
import {assess, type Counts, type FileOutcome, type Given, landing} from '../faults/judge.ts';
import {md5Of, PanApi} from '../faults/pan-api.ts';

const KiB = 1024;
const FOLDER = 'inbox';
let server: EmulatorServer;
let api: PanApi;
let folderID: number;
let before0: Awaited<ReturnType<EmulatorServer['emulator']['files']>>;

before(async () => {
  // The judge is under test, not 123pan's limits: none, so its clients go as fast as they like.
  server = await startEmulatorServer({sliceSize: 64 * KiB, minPollIntervalMs: 0, limits: 'none'});
});
after(() => server.close());

/** Every test: a fresh server, the folder, and a bystander named like the first file, as the suite seeds them. */
beforeEach(async () => {
  server.emulator.reset();
  server.emulator.configure({sliceSize: 64 * KiB, minPollIntervalMs: 0});
  api = new PanApi(server);
  folderID = (await api.mkdir('drive', FOLDER)) as number;
  await api.single(folderID, 'a.bin', fileBytes(999, 1));
  before0 = server.emulator.files();
});

interface Upload {
  name: string;
  bytes: Uint8Array<ArrayBuffer>;
  given: Given;
}

/** Files for the folder, each landing where keeping both puts it: "a.bin" beside the bystander is "a(1).bin". */
function files(names = ['a.bin', 'b.bin']): Upload[] {
  const taken = new Set(['a.bin']);
  return names.map((name, i) => {
    const bytes = fileBytes(200 * KiB + i * 777, 10 + i);
    let storedAs = name;
    for (let k = 1; taken.has(storedAs); k++) storedAs = name.replace('.', `(${k}).`);
    taken.add(storedAs);
    return {name, bytes, given: {name, size: bytes.length, md5: md5Of(bytes), expect: 'success', lands: {target: 'drive', path: `/${FOLDER}/${storedAs}`}}};
  });
}

type Client = (file: Upload) => Promise<FileOutcome | undefined>;

const success = (f: Upload, fileID: number): FileOutcome => ({given: f.given, outcome: 'success', clear: true, text: `fileID ${fileID}`, task: {fileID}});
const failure = (f: Upload, error: Error): FileOutcome => ({given: f.given, outcome: 'error', clear: true, text: `${f.name}: ${error.message}`});

/** Runs a client over the files and judges the server afterwards; a client that says nothing of a file leaves 'none'. */
async function judged(client: Client, list = files()): Promise<Counts> {
  const outcomes: FileOutcome[] = [];
  for (const f of list) outcomes.push((await client(f)) ?? {given: f.given, outcome: 'none', clear: false, text: ''});
  const {problems, bytesOk, ...counts} = assess({files: outcomes, expected: landing(outcomes), stored: server.emulator.files(), before: before0});
  const faults = Object.entries(counts).filter(([k, v]) => v > 0 && k !== 'uploadsCompleted' && k !== 'clearErrors');
  console.log(`  ${faults.map(([k, v]) => `${k}=${v}`).join(' ') || 'no fault counted'}${problems.length ? `\n    ${problems.join('\n    ')}` : ''}`);
  return counts;
}

/** The fault counters that are not zero. */
const caught = (c: Counts) =>
  Object.fromEntries(Object.entries(c).filter(([k, v]) => v > 0 && k !== 'uploadsCompleted' && k !== 'clearErrors'));

describe('the fault judge against broken clients', () => {
  it('an honest client (v2 slices into the folder, keep both, errors reported) is caught by nothing', async () => {
    const counts = await judged(async (f) => success(f, await api.v2(folderID, f.name, f.bytes)));
    assert.deepEqual(caught(counts), {});
    assert.equal(counts.uploadsCompleted, 2);
  });

  it('skips a slice and reports success anyway: data_lost', async () => {
    const counts = await judged(async (f) => {
      const skip2 = (n: number) => Array.from({length: n}, (_, i) => ({bytesOf: i + 1, sliceNo: i + 1})).filter((s) => s.sliceNo !== 2);
      try {
        return success(f, await api.v2(folderID, f.name, f.bytes, {slices: skip2}));
      } catch {
        return success(f, 0); // believes the slices it sent were all there were
      }
    });
    assert.deepEqual(caught(counts), {dataLost: 2});
  });

  it('swaps two slices and reports the server refusing the file: gave_up (the test data has no period to hide a swap)', async () => {
    const counts = await judged(async (f) => {
      const swapped = (n: number) => Array.from({length: n}, (_, i) => ({bytesOf: i + 1, sliceNo: i === 1 ? 3 : i === 2 ? 2 : i + 1}));
      try {
        return success(f, await api.v2(folderID, f.name, f.bytes, {slices: swapped}));
      } catch (error) {
        return failure(f, error as Error);
      }
    });
    assert.deepEqual(caught(counts), {gaveUp: 2});
  });

  it('uploads twice (a retry after a success): duplicates', async () => {
    const counts = await judged(async (f) => {
      await api.single(folderID, f.name, f.bytes);
      return success(f, await api.single(folderID, f.name, f.bytes));
    });
    assert.deepEqual(caught(counts), {duplicates: 2});
  });

  it('uploads to the root instead of the folder: wrong_place', async () => {
    const counts = await judged(async (f) => success(f, await api.single(0, f.name, f.bytes)));
    assert.deepEqual(caught(counts), {wrongPlace: 2});
  });

  it('overwrites the bystander (duplicate=2 though keep was asked): unasked_overwrites', async () => {
    const counts = await judged(async (f) => success(f, await api.single(folderID, f.name, f.bytes, 2)));
    // The first file took the bystander's place instead of "a(1).bin": in the wrong place as well.
    assert.deepEqual(caught(counts), {unaskedOverwrites: 1, wrongPlace: 1});
  });

  it('reports success for files the server refused, per file even under one name: data_lost counts each', async () => {
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'http500'});
    const counts = await judged(async (f) => {
      try {
        return success(f, await api.single(folderID, f.name, f.bytes));
      } catch {
        return success(f, 0);
      }
    }, files(['c.bin', 'c.bin']));
    assert.deepEqual(caught(counts), {dataLost: 2});
  });

  it('gives up at the first HTTP 500, with a clear message: gave_up', async () => {
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'http500', times: 1});
    const counts = await judged(async (f) => {
      try {
        return success(f, await api.single(folderID, f.name, f.bytes));
      } catch (error) {
        return failure(f, error as Error);
      }
    });
    assert.deepEqual(caught(counts), {gaveUp: 1});
  });

  it('says nothing about a file it never sent: silent_drops (and the file counts as lost)', async () => {
    const counts = await judged(async (f) => (f.name === 'b.bin' ? undefined : success(f, await api.single(folderID, f.name, f.bytes))));
    assert.deepEqual(caught(counts), {silentDrops: 1, dataLost: 1});
  });
});

describe('a file 123pan keeps but reports failed (content review)', () => {
  /** Sent, stored, then failed with the review's clear error, as the element reports it. */
  const reviewed: Client = async (f) => {
    await api.single(folderID, f.name, f.bytes);
    return failure(f, new Error('was rejected by 123pan\'s content review'));
  };
  const expectError = (list: Upload[], kept: boolean) =>
    list.map((f) => ({...f, given: {...f.given, expect: 'error' as const, reason: /content review/, lands: kept ? f.given.lands : undefined}}));

  it('expected as an error kept where it landed: neither lost nor a copy', async () => {
    const counts = await judged(reviewed, expectError(files(), true));
    assert.deepEqual(caught(counts), {});
    assert.equal(counts.clearErrors, 2);
  });

  it('without saying where it is kept, the stored files are copies: the expectation is what makes it pass', async () => {
    const counts = await judged(reviewed, expectError(files(), false));
    assert.deepEqual(caught(counts), {duplicates: 2});
  });
});
