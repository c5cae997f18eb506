// npm run bench:upload [-- --browser chromium|firefox|webkit] — the engine in the browser against the emulator's Node server over loopback:
// (1) an on-disk file of UPLOAD_BENCH_MIB (default 1024) MiB to the drive (v2 slices), and the largest image
// the image host takes (96 MiB) to the image host; (2) 500 files of 100–300 KB to the drive.
// Beside each big upload, the floor measured in the same run: md5sum of the file + the same slices sent with
// the same concurrency and completed (the emulator's verification included, which any client waits for); for
// the drive by bare XHR from the page (ratio_big), and by curl as a second reference. The drive file is uploaded
// twice: timed with nothing else running, then again for the browser's memory (sampling it costs CPU here).
// UPLOAD_BENCH_LINK_MBIT=n reads the upload servers' request bodies no faster than an n Mbit/s link (all
// connections together), for engine and floors alike: the wait when the network, not this machine's two
// cores, is the bottleneck (on loopback the emulator and the page share the cores; the JSON says `link_mbit`).
// Prints a table; the last line is one JSON object.
import {execFile} from 'node:child_process';
import {createHash} from 'node:crypto';
import {closeSync, existsSync, mkdirSync, openSync, readFileSync, readSync, statSync, writeFileSync, writeSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import {promisify} from 'node:util';
import {build, preview} from 'vite';
import {startEmulatorServer} from '../src/emulator/node.ts';
import {engineFromArgs, openBenchPage} from './engine.ts';
import {processTree, treeCpuMs} from './process-memory.ts';
import type {RawRun, UploadRun, UploadRunResult} from './upload/page.ts';

const engine = engineFromArgs();

const run = promisify(execFile);
const MiB = 1024 * 1024;
const bigMiB = Number(process.env.UPLOAD_BENCH_MIB ?? 1024);
const imageMiB = 96;
const smallCount = Number(process.env.UPLOAD_BENCH_SMALL ?? 500);
const smallQps = Number(process.env.UPLOAD_BENCH_QPS ?? 20);
const concurrency = Number(process.env.UPLOAD_BENCH_CONCURRENCY ?? 3);
/**
 * What the client is told the limit is: by default the server's own, as a site would configure the published
 * QPS. The client's sliding window keeps 50 ms of headroom for arrival jitter; a rare 429 beyond that is
 * absorbed by its retry (the table counts them).
 */
const clientQps = Number(process.env.UPLOAD_BENCH_CLIENT_QPS ?? smallQps);
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = fileURLToPath(new URL('./.data/', import.meta.url));
const SINGLE_CREATE = '/upload/v2/file/single/create';
/** For iterating on one part: UPLOAD_BENCH_ONLY=small (or drive, image). The JSON line then lacks the others. */
const only = process.env.UPLOAD_BENCH_ONLY;
const wanted = (name: string) => !only || only.split(',').includes(name);

/** Pseudo-random bytes (xorshift): MD5's speed does not depend on content, but compression and dedup could. */
function ensureFile(path: string, bytes: number, seed: number): string {
  if (existsSync(path) && statSync(path).size === bytes) return path;
  mkdirSync(dataDir, {recursive: true});
  const fd = openSync(path, 'w');
  const block = new Uint32Array(MiB / 4);
  let x = seed;
  for (let left = bytes; left > 0; left -= MiB) {
    for (let i = 0; i < block.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      block[i] = x >>> 0;
    }
    writeSync(fd, new Uint8Array(block.buffer, 0, Math.min(MiB, left)));
  }
  closeSync(fd);
  return path;
}

function ensureSmallFiles(): string[] {
  const dir = `${dataDir}small-${smallCount}/`;
  mkdirSync(dir, {recursive: true});
  const paths: string[] = [];
  let x = 88172645;
  for (let i = 0; i < smallCount; i++) {
    const size = 100_000 + ((i * 7919) % 200_001);
    const path = `${dir}file-${String(i).padStart(4, '0')}.bin`;
    if (!existsSync(path) || statSync(path).size !== size) {
      const data = new Uint8Array(size);
      for (let j = 0; j < size; j++) {
        x ^= x << 13;
        x ^= x >>> 17;
        x ^= x << 5;
        data[j] = x & 255;
      }
      writeFileSync(path, data);
    }
    paths.push(path);
  }
  return paths;
}

/** What kind of process it is: Chromium's --type (renderer, utility = the network service, gpu-process), else its name. */
function processKind(pid: number): string {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split(/[\0 ]/);
    const type = cmdline.find((a) => a.startsWith('--type='))?.slice(7);
    const sub = cmdline.find((a) => a.startsWith('--utility-sub-type='))?.slice(19);
    return type ? (sub ? `${type}:${sub.split('.').at(-2) ?? sub}` : type) : readFileSync(`/proc/${pid}/comm`, 'utf8').trim();
  } catch {
    return 'gone';
  }
}

/**
 * Memory of a process and all its descendants (Chromium's browser, renderer, GPU, utility processes), as PSS:
 * summing RSS would count the pages they share once per process.
 * Split by kind too, to see which process grew.
 */
function treePss(rootPid: number): {total: number; byKind: Record<string, number>; privateMB: number} {
  const byKind: Record<string, number> = {};
  let kB = 0;
  // Pages no other process maps: unlike PSS, not lowered when other browsers on the machine map the same binary.
  let privateKB = 0;
  for (const pid of processTree(rootPid)) {
    try {
      const rollup = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
      const field = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+)`, 'm').exec(rollup)?.[1] ?? 0);
      const pss = field('Pss');
      kB += pss;
      privateKB += field('Private_Clean') + field('Private_Dirty');
      const kind = processKind(pid);
      byKind[kind] = (byKind[kind] ?? 0) + pss / 1024;
    } catch {
      // ended
    }
  }
  return {total: kB / 1024, byKind, privateMB: privateKB / 1024};
}

/** The peak of the tree's PSS while `work` runs, and how it was split between the processes at that moment. */
async function withPeakRss<T>(pid: number, work: () => Promise<T>): Promise<{result: T; peakMB: number; peakByKind: Record<string, number>; peakPrivateMB: number}> {
  let peak = treePss(pid);
  let peakPrivateMB = peak.privateMB;
  const sample = () => {
    const now = treePss(pid);
    if (now.total > peak.total) peak = now;
    peakPrivateMB = Math.max(peakPrivateMB, now.privateMB);
  };
  const timer = setInterval(sample, 200);
  try {
    const result = await work();
    sample();
    return {result, peakMB: peak.total, peakByKind: peak.byKind, peakPrivateMB};
  } finally {
    clearInterval(timer);
  }
}

/** CPU seconds spent during `work` by the browser's processes and by this one (the emulator's server runs here). */
async function cpuOf<T>(pid: number, work: () => Promise<T>): Promise<{result: T; browserS: number; serverS: number}> {
  const browser = treeCpuMs(pid);
  const server = process.cpuUsage();
  const result = await work();
  const used = process.cpuUsage(server);
  return {result, browserS: (treeCpuMs(pid) - browser) / 1000, serverS: (used.user + used.system) / 1e6};
}

const byKindNote = (byKind: Record<string, number>) =>
  Object.entries(byKind).sort((a, b) => b[1] - a[1]).map(([k, mb]) => `${k} ${Math.round(mb)}`).join(', ');

const round = (n: number, digits = 2) => Math.round(n * 10 ** digits) / 10 ** digits;
const seconds = (ms: number) => round(ms / 1000, 2);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

// ---- the server and the floor ----

// Said outright, not left to the emulator's defaults (which refuse browser pages and apply 123pan's free tier):
// the page calls the emulator's origins straight (CORS open, as behind a proxy that allows them), and the only
// limit in force is the one this bench measures against (single/create's QPS for the small files).
const linkMbit = process.env.UPLOAD_BENCH_LINK_MBIT ? Number(process.env.UPLOAD_BENCH_LINK_MBIT) : undefined;
const server = await startEmulatorServer({cors: 'all', limits: 'none', uplinkBytesPerSecond: linkMbit === undefined ? undefined : (linkMbit * 1e6) / 8});
const {emulator, apiOrigin} = server;

async function api<T>(path: string, token: string, json?: unknown): Promise<T> {
  const response = await fetch(`${apiOrigin}${path}`, {
    method: json === undefined ? 'GET' : 'POST',
    headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform', 'Content-Type': 'application/json'},
    body: json === undefined ? undefined : JSON.stringify(json),
  });
  const body = (await response.json()) as {code: number; message: string; data: T};
  if (body.code !== 0) throw new Error(`${path}: code ${body.code} ${body.message}`);
  return body.data;
}

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({length: Math.min(limit, items.length)}, async () => {
    while (next < items.length) await work(items[next++]!);
  }));
}

/**
 * Flushes dirty pages (the emulator's last joined file) so that writeback does not slow the next timed run,
 * and reads the file once so that md5sum and the page both find it in the page cache.
 */
async function settle(warm?: string): Promise<void> {
  await run('sync');
  if (warm) await run('sh', ['-c', 'cat "$1" > /dev/null', 'sh', warm]);
  await sleep(1000);
}

/**
 * The slice phase as the emulator saw it (answered v2 slices only, so a preflight does not count): from the
 * first slice's arrival to the last one's answer, the mean number in flight, and the median slice's time.
 * Engine and bare XHR side by side show whether the engine's slices are slower or merely fewer in flight.
 */
function slicePhase(): {ms: number; inFlight: number; medianMs: number; slices: number; completeMs: number} {
  const slices = emulator.requests.filter((r) => r.method === 'POST' && r.path.endsWith('/file/slice'));
  if (!slices.length) return {ms: 0, inFlight: 0, medianMs: 0, slices: 0, completeMs: 0};
  const first = Math.min(...slices.map((r) => r.time));
  const last = Math.max(...slices.map((r) => r.ended));
  const ms = last - first;
  const times = slices.map((r) => r.ended - r.time).sort((a, b) => a - b);
  // From the last slice's answer to the answer that confirmed the file (the emulator's verification included).
  const completes = emulator.requests.filter((r) => r.path.endsWith('/upload_complete') && r.status === 200 && r.code === 0);
  const completeMs = completes.length ? Math.max(...completes.map((r) => r.ended)) - last : 0;
  return {ms, inFlight: times.reduce((a, b) => a + b, 0) / ms, medianMs: times[times.length >> 1]!, slices: slices.length, completeMs};
}
const phaseNote = (p: ReturnType<typeof slicePhase>) =>
  `${p.slices} slices in ${seconds(p.ms)} s, ${round(p.inFlight, 2)} in flight, median slice ${Math.round(p.medianMs)} ms, then ${seconds(p.completeMs)} s to the confirming upload_complete`;

async function md5sum(path: string): Promise<{ms: number; md5: string}> {
  const started = performance.now();
  const {stdout} = await run('md5sum', [path]);
  return {ms: performance.now() - started, md5: stdout.split(' ')[0]!};
}

/** Cuts the file into slice files for curl (not timed: curl cannot send a byte range as a form part). */
function cutSlices(path: string, sliceSize: number): {path: string; md5: string}[] {
  const dir = `${path}.slices-${sliceSize}/`;
  mkdirSync(dir, {recursive: true});
  const size = statSync(path).size;
  const fd = openSync(path, 'r');
  const slices: {path: string; md5: string}[] = [];
  try {
    const buffer = Buffer.alloc(sliceSize);
    for (let n = 1, offset = 0; offset < size; n++, offset += sliceSize) {
      const length = Math.min(sliceSize, size - offset);
      const slicePath = `${dir}${n}`;
      const md5File = `${slicePath}.md5`;
      if (existsSync(md5File) && existsSync(slicePath) && statSync(slicePath).size === length) {
        slices.push({path: slicePath, md5: readFileSync(md5File, 'utf8')});
        continue;
      }
      const read = readAt(fd, buffer, length, offset);
      writeFileSync(slicePath, read);
      const md5 = createHash('md5').update(read).digest('hex');
      writeFileSync(md5File, md5);
      slices.push({path: slicePath, md5});
    }
  } finally {
    closeSync(fd);
  }
  return slices;
}

function readAt(fd: number, buffer: Buffer, length: number, offset: number): Buffer {
  let got = 0;
  while (got < length) got += readSync(fd, buffer, got, length - got, offset + got);
  return buffer.subarray(0, length);
}

async function pollComplete(path: string, token: string, preuploadID: string, asyncPath?: string): Promise<void> {
  for (let stage = path; ; await sleep(1000)) {
    const data = await api<{completed: boolean; async?: boolean; fileID: unknown}>(stage, token, {preuploadID});
    if (data.completed && data.fileID) return;
    if (data.async && asyncPath) stage = asyncPath;
  }
}

/** md5sum, then curl sends the slices to the same upload server, `concurrency` at a time, then upload_complete. */
async function floorDrive(path: string): Promise<{ms: number; md5Ms: number; sendMs: number; requests: number}> {
  emulator.reset();
  const {accessToken} = emulator.issueToken();
  const size = statSync(path).size;
  await settle(path);
  const hashed = await md5sum(path);
  const started = performance.now();
  const created = await api<{preuploadID: string; sliceSize: number; servers: string[]}>('/upload/v2/file/create', accessToken, {
    parentFileID: 0, filename: 'floor.bin', etag: hashed.md5, size, duplicate: 1,
  });
  const cutStarted = performance.now();
  const slices = cutSlices(path, created.sliceSize);
  const cutMs = performance.now() - cutStarted;
  const server = /^https?:/.test(created.servers[0]!) ? created.servers[0]! : `http://${created.servers[0]}`;
  await pool(slices.map((s, i) => ({...s, sliceNo: i + 1})), concurrency, async (s) => {
    await run('curl', ['-sS', '--fail', '-o', '/dev/null', '-H', `Authorization: Bearer ${accessToken}`, '-H', 'Platform: open_platform',
      '-F', `preuploadID=${created.preuploadID}`, '-F', `sliceNo=${s.sliceNo}`, '-F', `sliceMD5=${s.md5}`, '-F', `slice=@${s.path}`,
      `${server}/upload/v2/file/slice`]);
  });
  await pollComplete('/upload/v2/file/upload_complete', accessToken, created.preuploadID);
  const sendMs = performance.now() - started - cutMs;
  if (!emulator.files().some((f) => f.md5 === hashed.md5)) throw new Error('floor: the emulator does not hold the file');
  return {ms: hashed.ms + sendMs, md5Ms: hashed.ms, sendMs, requests: emulator.requests.length};
}

/** md5sum, then create → get_upload_url → curl PUT per slice → upload_complete (→ async result) on the image host. */
async function floorImage(path: string, name: string): Promise<{ms: number; md5Ms: number; sendMs: number; requests: number}> {
  emulator.reset();
  const {accessToken} = emulator.issueToken();
  const size = statSync(path).size;
  await settle(path);
  const hashed = await md5sum(path);
  const started = performance.now();
  const created = await api<{preuploadID: string; sliceSize: number}>('/upload/v1/oss/file/create', accessToken, {
    parentFileID: '', filename: name, etag: hashed.md5, size, type: 1,
  });
  const cutStarted = performance.now();
  const slices = created.sliceSize >= size ? [{path, md5: hashed.md5}] : cutSlices(path, created.sliceSize);
  const cutMs = performance.now() - cutStarted;
  await pool(slices.map((s, i) => ({...s, sliceNo: i + 1})), concurrency, async (s) => {
    const {presignedURL} = await api<{presignedURL: string}>('/upload/v1/oss/file/get_upload_url', accessToken, {preuploadID: created.preuploadID, sliceNo: s.sliceNo});
    await run('curl', ['-sS', '--fail', '-o', '/dev/null', '-X', 'PUT', '-H', 'Content-Type: application/octet-stream', '-T', s.path, presignedURL]);
  });
  await pollComplete('/upload/v1/oss/file/upload_complete', accessToken, created.preuploadID, '/upload/v1/oss/file/upload_async_result');
  const sendMs = performance.now() - started - cutMs;
  if (!emulator.files().some((f) => f.md5 === hashed.md5)) throw new Error('floor: the image host does not hold the image');
  return {ms: hashed.ms + sendMs, md5Ms: hashed.ms, sendMs, requests: emulator.requests.length};
}

// ---- the page ----

const bigPath = ensureFile(`${dataDir}upload-${bigMiB}MiB.bin`, bigMiB * MiB, 2463534242);
const imagePath = ensureFile(`${dataDir}upload-image-${imageMiB}MiB.png`, imageMiB * MiB, 123456789);
const smallPaths = ensureSmallFiles();
const smallBytes = smallPaths.reduce((sum, p) => sum + statSync(p).size, 0);

// The page as a site ships it: built (minified, the worker bundled), not the dev server's module-per-request
// waterfall, which cost the first file about 400 ms of module loading no built page has.
const outDir = `${dataDir}page-build`;
await build({
  configFile: false,
  root,
  logLevel: 'error',
  worker: {format: 'es'},
  build: {outDir, emptyOutDir: true, rollupOptions: {input: `${root}bench/upload/index.html`}},
});
const vite = await preview({configFile: false, root, logLevel: 'error', build: {outDir}, preview: {port: 0, host: '127.0.0.1'}});
const address = vite.httpServer.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const page = await openBenchPage(engine, 1_200_000);
const browserPid = page.pid;
// Stopped early (Ctrl-C, kill): take the browser and the servers down with us.
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.once(signal, () => {
    void Promise.allSettled([page.close(), vite.close(), server.close()]).then(() => process.exit(130));
  });
}

interface Row {
  scenario: string;
  files: number;
  bytes: number;
  ms: number;
  requests: number;
  floorMs?: number;
  peakMB: number;
  failures: number;
  note: string;
}
const rows: Row[] = [];
let rawBrowserMs: number | undefined;
/** The drive file: the client's time in 'hashing', and md5sum's on the same file, in the same run. */
let hashMs: number | undefined;
let md5sumMs: number | undefined;
let curlFloorMs: number | undefined;
/** CPU seconds of the big drive upload, engine (hashing included) and bare XHR: the browser's processes and the emulator's (this process). */
let cpu: {browser_s: number; server_s: number; bare_browser_s: number; bare_server_s: number} | undefined;
/** The big drive file's slice phase, engine and bare XHR (slicePhase). */
let slicesMs: number | undefined;
let bareSlicesMs: number | undefined;
/** The big upload's growth over the browser's size just before it. */
let bigGrowthMB: number | undefined;
let bigPrivateGrowthMB: number | undefined;

try {
  await page.goto(`${origin}/bench/upload/index.html`, 'runUpload');
  const idle = treePss(browserPid);
  const idleMB = idle.total;

  /** A fresh emulator, the files set on the page, a token, and the file in the page cache. */
  async function prepare(paths: string[]): Promise<string> {
    emulator.reset();
    await page.setFiles('input#files', paths);
    const {accessToken} = emulator.issueToken();
    await settle(paths.length === 1 ? paths[0] : undefined);
    return accessToken;
  }
  const runUpload = (options: UploadRun['options'], accessToken: string) =>
    page.call<UploadRunResult>('runUpload', {options: {apiBase: apiOrigin, concurrency, driveLink: 'none', ...options}, accessToken} as UploadRun);

  /**
   * An upload timed with nothing else running: reading the browser's PSS walks its page tables (about 40 ms a
   * sample on a 1 GiB renderer), in this process, which serves the emulator too, so memory is measured in a run
   * of its own (`upload`).
   */
  async function timedUpload(paths: string[], options: UploadRun['options']): Promise<{result: UploadRunResult; requests: number; cpu: {browserS: number; serverS: number}}> {
    const accessToken = await prepare(paths);
    const {result, browserS, serverS} = await cpuOf(browserPid, () => runUpload(options, accessToken));
    return {result, requests: emulator.requests.length, cpu: {browserS, serverS}};
  }

  async function upload(paths: string[], options: UploadRun['options']): Promise<{result: UploadRunResult; peakMB: number; peakByKind: Record<string, number>; beforeMB: number; privateGrowthMB: number; requests: number}> {
    const accessToken = await prepare(paths);
    // The browser's size just before, as the median of 5 samples: one sample at page load swung by ±80 MB.
    const samples: {total: number; privateMB: number}[] = [];
    for (let i = 0; i < 5; i++, await sleep(200)) samples.push(treePss(browserPid));
    const beforeMB = samples.map((x) => x.total).sort((a, b) => a - b)[2]!;
    const beforePrivateMB = samples.map((x) => x.privateMB).sort((a, b) => a - b)[2]!;
    const {result, peakMB, peakByKind, peakPrivateMB} = await withPeakRss(browserPid, () => runUpload(options, accessToken));
    return {result, peakMB, peakByKind, beforeMB, privateGrowthMB: peakPrivateMB - beforePrivateMB, requests: emulator.requests.length};
  }

  function checkStored(result: UploadRunResult, expected: Map<string, string>): number {
    const held = new Set(emulator.files().map((f) => `${f.name}|${f.md5}`));
    let bad = result.failed + result.files.filter((f) => f.status !== 'done').length;
    for (const [name, md5] of expected) if (!held.has(`${name}|${md5}`)) bad++;
    if (result.errors.length) console.error(result.errors.join('\n'));
    return bad;
  }

  // (1) the big file to the drive, v2 slices
  if (wanted('drive')) {
  const floor = await floorDrive(bigPath);
  process.stderr.write(`floor drive: md5sum ${seconds(floor.md5Ms)} s + curl ${seconds(floor.sendMs)} s\n`);
  const bigMd5 = (await md5sum(bigPath)).md5;
  const bigOptions: UploadRun['options'] = {target: 'drive', parentID: 0, driveFlow: 'v2'};
  const bigName = bigPath.split('/').pop()!;
  const timed = await timedUpload([bigPath], bigOptions);
  process.stderr.write(`drive v2: ${seconds(timed.result.ms)} s\n`);
  const failures = checkStored(timed.result, new Map([[bigName, bigMd5]]));
  const engineSlices = slicePhase();
  slicesMs = engineSlices.ms;
  const big = await upload([bigPath], bigOptions);
  const bigRow: Row = {
    scenario: `drive v2, ${bigMiB} MiB`, files: 1, bytes: bigMiB * MiB, ms: timed.result.ms, requests: timed.requests, floorMs: floor.ms, peakMB: big.peakMB,
    failures: failures + checkStored(big.result, new Map([[bigName, bigMd5]])),
    note: `client ms by status ${JSON.stringify(timed.result.meanMsByStatus)}; floor = md5sum ${seconds(floor.md5Ms)} s + curl ${seconds(floor.sendMs)} s (${floor.requests} requests); engine slices: ${phaseNote(engineSlices)}; memory in a second run (${seconds(big.result.ms)} s, sampled every 200 ms): PSS MB idle ${byKindNote(idle.byKind)}, at the peak ${byKindNote(big.peakByKind)}; just before ${round(big.beforeMB, 0)} MB, growth ${round(big.peakMB - big.beforeMB, 0)} MB; private memory growth ${round(big.privateGrowthMB, 0)} MB`,
  };
  rows.push(bigRow);
  bigGrowthMB = big.peakMB - big.beforeMB;
  bigPrivateGrowthMB = big.privateGrowthMB;

  // The browser's own floor: the same slices by bare XHR from the page (MD5s given), no engine.
  const accessToken = await prepare([bigPath]);
  const sliceMD5s = cutSlices(bigPath, 16 * MiB).map((s) => s.md5);
  const {result: raw, browserS: bareBrowserS, serverS: bareServerS} = await cpuOf(browserPid, () =>
    page.call<{ms: number}>('rawUpload', {apiBase: apiOrigin, accessToken, etag: bigMd5, sliceMD5s, concurrency} as RawRun),
  );
  cpu = {browser_s: round(timed.cpu.browserS, 1), server_s: round(timed.cpu.serverS, 1), bare_browser_s: round(bareBrowserS, 1), bare_server_s: round(bareServerS, 1)};
  rawBrowserMs = raw.ms;
  const bareSlices = slicePhase();
  bareSlicesMs = bareSlices.ms;
  hashMs = timed.result.meanMsByStatus.hashing ?? 0;
  md5sumMs = floor.md5Ms;
  curlFloorMs = floor.ms;
  // The floor any browser client has: md5sum (the hash 123pan needs first) + the bare upload from this page.
  bigRow.floorMs = floor.md5Ms + raw.ms;
  bigRow.note += `; CPU s: engine browser ${cpu.browser_s} + server ${cpu.server_s}; bare XHR from the page (no hashing, no engine) ${seconds(raw.ms)} s, browser ${cpu.bare_browser_s} + server ${cpu.bare_server_s} CPU s, its slices: ${phaseNote(bareSlices)}; floor = md5sum + bare XHR = ${seconds(bigRow.floorMs)} s`;
  }

  // (1b) the largest image the image host takes
  if (wanted('image')) {
  const imageName = imagePath.split('/').pop()!;
  const imageFloor = await floorImage(imagePath, imageName);
  const imageMd5 = (await md5sum(imagePath)).md5;
  const image = await upload([imagePath], {target: 'image', parentID: ''});
  rows.push({
    scenario: `image host, ${imageMiB} MiB`, files: 1, bytes: imageMiB * MiB, ms: image.result.ms, requests: image.requests, floorMs: imageFloor.ms, peakMB: image.peakMB,
    failures: checkStored(image.result, new Map([[imageName, imageMd5]])),
    note: `client ms by status ${JSON.stringify(image.result.meanMsByStatus)}; floor = md5sum ${seconds(imageFloor.md5Ms)} s + curl ${seconds(imageFloor.sendMs)} s`,
  });
  process.stderr.write(`image host: ${seconds(image.result.ms)} s\n`);
  }

  // (2) many small files: single-step, limited by the server's QPS for single/create (the client told the same limit)
  if (wanted('small')) {
  emulator.configure({qps: {[SINGLE_CREATE]: smallQps}});
  const expected = new Map(smallPaths.map((p) => [p.split('/').pop()!, createHash('md5').update(readFileSync(p)).digest('hex')]));
  const small = await upload(smallPaths, {target: 'drive', parentID: 0, rateLimits: {[SINGLE_CREATE]: clientQps}});
  const refused = emulator.requests.filter((r) => r.code === 429).length;
  const arrivals = emulator.requests.filter((r) => r.path === SINGLE_CREATE).map((r) => r.time);
  const gaps = arrivals.slice(1).map((t, i) => t - arrivals[i]!).sort((a, b) => a - b);
  const gapNote = `arrival gaps ms: p10 ${gaps[Math.floor(gaps.length * 0.1)]}, median ${gaps[gaps.length >> 1]}, p90 ${gaps[Math.floor(gaps.length * 0.9)]}, max ${gaps[gaps.length - 1]}, sum of gaps > 100 ms: ${gaps.filter((g) => g > 100).reduce((a, b) => a + b, 0)}`;
  emulator.configure({qps: {}});
  rows.push({
    scenario: `${smallCount} files of 100–300 KB`, files: smallCount, bytes: smallBytes, ms: small.result.ms, requests: small.requests, peakMB: small.peakMB,
    failures: checkStored(small.result, expected),
    note: `single-step; server allows ${smallQps}/s on single/create, the client told ${clientQps}/s; ${refused} answered 429; mean ms per file by status ${JSON.stringify(small.result.meanMsByStatus)}; ${gapNote}`,
  });
  }

  // ---- report ----
  console.log(`\nUpload benchmark: ${page.label} → emulator on loopback (concurrency ${concurrency}); idle browser memory (PSS) ${round(idleMB, 0)} MB\n`);
  const header = ['scenario', 'wall s', 'MB/s', 'files/s', 'requests', 'floor s', '× floor', 'peak PSS MB', 'failures'];
  const table = rows.map((r) => [
    r.scenario, seconds(r.ms), round(r.bytes / 1e6 / (r.ms / 1000), 1), round(r.files / (r.ms / 1000), 1), r.requests,
    r.floorMs ? seconds(r.floorMs) : '—', r.floorMs ? round(r.ms / r.floorMs, 2) : '—', round(r.peakMB, 0), r.failures,
  ].map(String));
  const widths = header.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
  console.log(header.map((h, i) => h.padEnd(widths[i]!)).join('  '));
  for (const t of table) console.log(t.map((c, i) => c.padEnd(widths[i]!)).join('  '));
  console.log('');
  for (const r of rows) console.log(`${r.scenario}: ${r.note}`);
  console.log('');
  const find = (prefix: string) => rows.find((r) => r.scenario.startsWith(prefix));
  const bigRow = find('drive') ?? ({} as Row);
  const imageRow = find('image') ?? ({} as Row);
  const smallRow = find(`${smallCount} files`) ?? ({} as Row);
  console.log(
    JSON.stringify({
      browser: engine,
      big_MiB: bigMiB,
      link_mbit: linkMbit ?? null,
      big_s: seconds(bigRow.ms),
      floor_s: seconds(bigRow.floorMs!),
      ratio_big: round(bigRow.ms / bigRow.floorMs!, 3),
      bare_xhr_s: rawBrowserMs === undefined ? null : seconds(rawBrowserMs),
      slices_s: slicesMs === undefined ? null : seconds(slicesMs),
      bare_slices_s: bareSlicesMs === undefined ? null : seconds(bareSlicesMs),
      cpu_big: cpu ?? null,
      floor_curl_s: curlFloorMs === undefined ? null : seconds(curlFloorMs),
      hash_s: hashMs === undefined ? null : seconds(hashMs),
      md5sum_s: md5sumMs === undefined ? null : seconds(md5sumMs),
      ratio_hash: hashMs === undefined || !md5sumMs ? null : round(hashMs / md5sumMs, 3),
      image_s: seconds(imageRow.ms),
      image_floor_s: seconds(imageRow.floorMs!),
      ratio_image: round(imageRow.ms / imageRow.floorMs!, 3),
      small_files: smallCount,
      small_files_per_s: round(smallCount / (smallRow.ms / 1000), 2),
      small_allowed_per_s: smallQps,
      small_client_limit_per_s: clientQps,
      failures: rows.reduce((sum, r) => sum + r.failures, 0),
      idle_rss_mb: round(idleMB, 0),
      peak_rss_mb: round(Math.max(...rows.map((r) => r.peakMB)), 0),
      peak_rss_big_mb: round(bigRow.peakMB, 0),
      growth_big_mb: bigGrowthMB === undefined ? null : round(bigGrowthMB, 0),
      private_growth_big_mb: bigPrivateGrowthMB === undefined ? null : round(bigPrivateGrowthMB, 0),
      peak_rss_image_mb: round(imageRow.peakMB, 0),
      peak_rss_small_mb: round(smallRow.peakMB, 0),
    }),
  );
} finally {
  await page.close();
  await vite.close();
  await server.close();
}
