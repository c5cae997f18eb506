// npm run bench:hash — MD5 throughput in headless Chromium (whole file + 16 MiB slice MD5s, in a worker)
// against md5sum on the same on-disk file. Prints a table; the last line is one JSON object.
// Options: HASH_BENCH_MIB (file size, default 512), HASH_BENCH_RUNS (default 3), HASH_BENCH_TUNE=1 (also try read settings).
import {execFileSync} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync} from 'node:fs';
import {fileURLToPath} from 'node:url';
import puppeteer from 'puppeteer-core';
import {createServer} from 'vite';
import type {BenchResult, BenchRun} from './hash/page.ts';

// A plain-JS helper shared with the test runner; imported by URL because it ships no types.
const {chromeArgs, findChrome}: {chromeArgs: string[]; findChrome(): string | undefined} = await import(
  new URL('../scripts/chrome-path.mjs', import.meta.url).href
);

const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.HASH_BENCH_MIB ?? 512);
const runs = Number(process.env.HASH_BENCH_RUNS ?? 3);
const tune = process.env.HASH_BENCH_TUNE === '1';
const root = fileURLToPath(new URL('..', import.meta.url));
const dataDir = fileURLToPath(new URL('./.data/', import.meta.url));
const dataFile = `${dataDir}hash-${sizeMiB}MiB.bin`;

/** Pseudo-random bytes (xorshift), written once and reused: MD5's speed does not depend on content, but compression and dedup could. */
function ensureDataFile(): void {
  if (existsSync(dataFile) && statSync(dataFile).size === sizeMiB * MiB) return;
  mkdirSync(dataDir, {recursive: true});
  const fd = openSync(dataFile, 'w');
  const block = new Uint32Array(MiB / 4);
  let x = 2463534242;
  for (let m = 0; m < sizeMiB; m++) {
    for (let i = 0; i < block.length; i++) {
      x ^= x << 13;
      x ^= x >>> 17;
      x ^= x << 5;
      block[i] = x >>> 0;
    }
    writeSync(fd, new Uint8Array(block.buffer));
  }
  closeSync(fd);
}

function md5sum(): {ms: number; md5: string} {
  const started = performance.now();
  const out = execFileSync('md5sum', [dataFile], {encoding: 'utf8'});
  return {ms: performance.now() - started, md5: out.split(' ')[0]!};
}

/** Resident memory of a process and all its descendants (Linux /proc), in bytes: the browser's whole footprint. */
function treeRSS(rootPid: number): number {
  const children = new Map<number, number[]>();
  const rss = new Map<number, number>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const ppid = Number(/^PPid:\s+(\d+)/m.exec(status)?.[1]);
      rss.set(Number(entry), Number(/^VmRSS:\s+(\d+)/m.exec(status)?.[1] ?? 0) * 1024);
      children.set(ppid, [...(children.get(ppid) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  let total = 0;
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total += rss.get(pid) ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

const MBps = (bytes: number, ms: number) => bytes / 1e6 / (ms / 1000);
const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
};
const round = (n: number, digits = 1) => Math.round(n * 10 ** digits) / 10 ** digits;

ensureDataFile();
const bytes = sizeMiB * MiB;
const server = await createServer({
  configFile: false,
  root,
  logLevel: 'error',
  // No reloads mid-run when files in the tree change.
  server: {port: 0, host: '127.0.0.1', hmr: false, watch: null},
  optimizeDeps: {include: ['spark-md5', 'hash-wasm'], entries: ['bench/hash/index.html']},
});
await server.listen();
const address = server.httpServer!.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await puppeteer.launch({executablePath: findChrome(), args: chromeArgs, protocolTimeout: 600_000});

try {
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  await page.goto(`${origin}/bench/hash/index.html`);
  await page.waitForFunction(() => typeof window.runHash === 'function');
  const input = await page.$('input#file');
  await input!.uploadFile(dataFile);

  const reference = md5sum().md5; // also warms the page cache
  const browserPid = browser.process()!.pid!;
  let peakGrowth = 0;
  const hashInPage = async (run: BenchRun) => {
    // Memory must stay flat however big the file: sample the browser's footprint while it hashes.
    const before = treeRSS(browserPid);
    const sampler = setInterval(() => (peakGrowth = Math.max(peakGrowth, treeRSS(browserPid) - before)), 100);
    const result: BenchResult = await page.evaluate((r) => window.runHash(r), run).finally(() => clearInterval(sampler));
    if (result.md5 !== reference) throw new Error(`MD5 mismatch: ${result.md5} in the page, ${reference} from md5sum (${JSON.stringify(run)})`);
    if (run.sliceSize && result.sliceCount !== Math.ceil(bytes / run.sliceSize)) throw new Error(`got ${result.sliceCount} slice MD5s`);
    return result;
  };

  const sliceSize = 16 * MiB;
  const variants: {label: string; run: BenchRun}[] = [
    {label: 'default (auto) + slices', run: {engine: 'auto', sliceSize}},
    {label: 'auto + slices, one worker', run: {engine: 'auto', sliceSize, helpers: false}},
    {label: 'auto, whole file only', run: {engine: 'auto'}},
    {label: 'spark + slices', run: {engine: 'spark', sliceSize}},
  ];
  if (tune) {
    for (const chunkMiB of [2, 4, 8, 16]) {
      for (const readAhead of [1, 2, 3]) {
        variants.push({label: `tune slices ${chunkMiB} MiB ×${readAhead}`, run: {engine: 'auto', sliceSize, tuning: {chunkSize: chunkMiB * MiB, readAhead, readMethod: 'slices'}}});
      }
      variants.push({label: `tune sync ${chunkMiB} MiB`, run: {engine: 'auto', sliceSize, tuning: {chunkSize: chunkMiB * MiB, readAhead: 0, readMethod: 'sync'}}});
    }
    variants.push({label: 'tune stream', run: {engine: 'auto', sliceSize, tuning: {readMethod: 'stream'}}});
    for (const chunkMiB of [1, 4, 16]) {
      variants.push({label: `tune byob ${chunkMiB} MiB`, run: {engine: 'auto', sliceSize, tuning: {chunkSize: chunkMiB * MiB, readMethod: 'byob'}}});
      variants.push({label: `tune byob ${chunkMiB} MiB, one worker`, run: {engine: 'auto', sliceSize, helpers: false, tuning: {chunkSize: chunkMiB * MiB, readMethod: 'byob'}}});
    }
  }

  await hashInPage({engine: 'auto', sliceSize}); // warm-up, not counted
  const times = new Map<string, number[]>([['md5sum', []], ...variants.map((v) => [v.label, []] as [string, number[]])]);
  const gaps: number[] = [];
  for (let i = 0; i < runs; i++) {
    // Alternate md5sum and each page variant, so drift in the machine's load hits all alike.
    for (const {label, run} of variants) {
      times.get('md5sum')!.push(md5sum().ms);
      const result = await hashInPage(run);
      times.get(label)!.push(result.ms);
      gaps.push(result.longestMainThreadGapMs);
      process.stderr.write(`run ${i + 1}/${runs} ${label}: ${round(MBps(bytes, result.ms))} MB/s\n`);
    }
  }

  const md5sumMBps = MBps(bytes, median(times.get('md5sum')!));
  const rows = [...times].map(([label, ms]) => {
    const speed = MBps(bytes, median(ms));
    return {label, runs: ms.length, MBps: round(speed), ratio: round(speed / md5sumMBps, 2), spread: `${round(MBps(bytes, Math.max(...ms)))}–${round(MBps(bytes, Math.min(...ms)))}`};
  });
  console.log(`\nMD5 of ${sizeMiB} MiB on disk (${bytes} bytes), median of ${runs} runs; page variants compute the whole-file MD5 and 16 MiB slice MD5s in workers unless noted\n`);
  console.log(`${'variant'.padEnd(32)} ${'runs'.padStart(4)} ${'MB/s'.padStart(8)} ${'× md5sum'.padStart(9)}   range MB/s`);
  for (const r of rows) console.log(`${r.label.padEnd(32)} ${String(r.runs).padStart(4)} ${String(r.MBps).padStart(8)} ${String(r.ratio).padStart(9)}   ${r.spread}`);
  console.log(`\nlongest main-thread timer gap while hashing: ${round(Math.max(...gaps))} ms`);
  console.log(`largest growth of the browser's resident memory while hashing: ${round(peakGrowth / MiB)} MiB\n`);
  const speed = (label: string) => MBps(bytes, median(times.get(label)!));
  console.log(
    JSON.stringify({
      file_MiB: sizeMiB,
      runs,
      md5sum_MBps: round(md5sumMBps),
      default_MBps: round(speed('default (auto) + slices')),
      default_one_worker_MBps: round(speed('auto + slices, one worker')),
      whole_only_MBps: round(speed('auto, whole file only')),
      spark_MBps: round(speed('spark + slices')),
      ratio_default: round(speed('default (auto) + slices') / md5sumMBps, 3),
      ratio_spark: round(speed('spark + slices') / md5sumMBps, 3),
      main_thread_max_gap_ms: round(Math.max(...gaps)),
      browser_rss_growth_MiB: round(peakGrowth / MiB),
      ...(tune ? {tuning: Object.fromEntries(rows.filter((r) => r.label.startsWith('tune')).map((r) => [r.label, r.MBps]))} : {}),
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
