// npm run bench:instant — what 秒传 first costs against what single-step sends, for files the drive already holds.
// The emulator's Node server over loopback with 123pan's free-tier limits; the API client paces itself as it
// does in a page (create 1/s). For each size: 10 files sent single-step one after another, then the same 10
// asked for by v2 create (each answered reuse). The break-even speed is the upload speed below which asking
// first was quicker here: size / (ask time per file). Prints a table; the last line is one JSON object.
import {createHash} from 'node:crypto';
import {PanClient} from '../src/api/client.ts';
import {FetchTransport} from '../src/api/transport.ts';
import {startEmulatorServer} from '../src/emulator/node.ts';
import {DriveSingleProtocol} from '../src/protocols/drive-single.ts';
import {DriveV2Protocol} from '../src/protocols/drive-v2.ts';

const KiB = 1024;
const sizes = [256 * KiB, 1024 * KiB, 4096 * KiB, 16384 * KiB];
const files = 10;
const pan = await startEmulatorServer({limits: 'free'});
const {accessToken} = pan.emulator.issueToken();
const client = new PanClient({apiBase: pan.apiOrigin, tokenProvider: async () => ({accessToken, expiredAt: new Date(Date.now() + 3600_000).toISOString()}), transport: new FetchTransport()});
const deps = {client, completeTimeoutMs: 60_000, pollIntervalMs: 1000, driveLink: 'none' as const};
const single = new DriveSingleProtocol(deps);
const v2 = new DriveV2Protocol(deps);
const signal = new AbortController().signal;

const rows: {size: number; single_ms: number; ask_first_ms: number; single_mb_s: number; break_even_mb_s: number}[] = [];
let seed = 1;
for (const size of sizes) {
  const blobs = Array.from({length: files}, () => {
    const bytes = new Uint8Array(size);
    for (let i = 0; i < size; i += 4096) bytes[i] = (seed * 2654435761 + i) & 255;
    seed++;
    return {blob: new Blob([bytes]), etag: createHash('md5').update(bytes).digest('hex')};
  });
  const info = (i: number, name: string) => ({filename: name, containDir: false, parentID: 0, etag: blobs[i]!.etag, size, duplicate: 1 as const});
  let started = performance.now();
  for (let i = 0; i < files; i++) await single.create(blobs[i]!.blob, info(i, `s-${size}-${i}.bin`), {signal});
  const singleMs = (performance.now() - started) / files;
  started = performance.now();
  for (let i = 0; i < files; i++) {
    const created = await v2.create(blobs[i]!.blob, info(i, `again-${size}-${i}.bin`), {signal});
    if (created.kind !== 'done' || !created.reused) throw new Error('create did not answer reuse');
  }
  const askMs = (performance.now() - started) / files;
  rows.push({size, single_ms: Math.round(singleMs), ask_first_ms: Math.round(askMs), single_mb_s: +(size / singleMs / 1000).toFixed(1), break_even_mb_s: +(size / askMs / 1000).toFixed(2)});
}
await pan.close();
console.log('size     | single-step per file | ask first (reuse) per file | single-step speed | break-even speed');
for (const r of rows) console.log(`${String(r.size / KiB).padStart(5)} KiB | ${String(r.single_ms).padStart(17)} ms | ${String(r.ask_first_ms).padStart(23)} ms | ${String(r.single_mb_s).padStart(12)} MB/s | ${String(r.break_even_mb_s).padStart(11)} MB/s`);
console.log(JSON.stringify({files_per_size: files, limits: 'free', rows}));
