// npm run bench:hash [-- --browser chromium|firefox|webkit] — MD5 throughput in the browser against md5sum on the
// same on-disk file: the whole-file MD5 alone (what the engine hashes before create; a big file is read by one
// worker and hashed by another), and with 16 MiB slice MD5s from the same read (hashFile's sliceSize). Prints a table; the last line is one JSON object.
// Options: HASH_BENCH_MIB (file size, default 512), HASH_BENCH_RUNS (default 3), HASH_BENCH_TUNE=1 (also try read settings),
// HASH_BENCH_ONLY=text (only the variants whose label contains it; the JSON line then needs the default variant).
import {execFileSync} from 'node:child_process';
import {closeSync, existsSync, mkdirSync, openSync, readdirSync, readFileSync, statSync, writeSync} from 'node:fs';
import {availableParallelism} from 'node:os';
import {fileURLToPath} from 'node:url';
import {createServer} from 'vite';
import {engineFromArgs, openBenchPage} from './engine.ts';
import type {BenchResult, BenchRun} from './hash/page.ts';

const engine = engineFromArgs();

const MiB = 1024 * 1024;
const sizeMiB = Number(process.env.HASH_BENCH_MIB ?? 512);
const runs = Number(process.env.HASH_BENCH_RUNS ?? 3);
const tune = process.env.HASH_BENCH_TUNE === '1';
const only = process.env.HASH_BENCH_ONLY; // run just the variants whose label contains this
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

function md5sum(): {ms: number; cpu: number; md5: string} {
  const cpuBefore = childrenCPU();
  const started = performance.now();
  const out = execFileSync('md5sum', [dataFile], {encoding: 'utf8'});
  return {ms: performance.now() - started, cpu: childrenCPU() - cpuBefore, md5: out.split(' ')[0]!};
}

/** Resident memory (bytes, not counting mapped files) and CPU time used so far (s) by a process and all its descendants, from Linux /proc. */
function treeStats(rootPid: number): {rss: number; cpu: number} {
  const children = new Map<number, number[]>();
  const own = new Map<number, {rss: number; cpu: number}>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      // Fields after the command name, which may hold spaces: state is field 3, so field n is at n - 3.
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
      // Anonymous and shared memory only: pages of the file itself, mapped by the browser to read it, are page cache.
      const status = readFileSync(`/proc/${entry}/status`, 'utf8');
      const kB = (field: string) => Number(new RegExp(`^${field}:\\s+(\\d+)`, 'm').exec(status)?.[1] ?? 0) * 1024;
      own.set(Number(entry), {rss: kB('RssAnon') + kB('RssShmem'), cpu: (fields[11]! + fields[12]!) / ticksPerSecond});
      children.set(fields[1]!, [...(children.get(fields[1]!) ?? []), Number(entry)]);
    } catch {
      // the process ended while we looked
    }
  }
  const total = {rss: 0, cpu: 0};
  const pending = [rootPid];
  while (pending.length > 0) {
    const pid = pending.pop()!;
    total.rss += own.get(pid)?.rss ?? 0;
    total.cpu += own.get(pid)?.cpu ?? 0;
    pending.push(...(children.get(pid) ?? []));
  }
  return total;
}

const ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], {encoding: 'utf8'}));

/** CPU seconds of this process's finished children (cutime + cstime). */
function childrenCPU(): number {
  const stat = readFileSync('/proc/self/stat', 'utf8');
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ').map(Number);
  return (fields[13]! + fields[14]!) / ticksPerSecond;
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
  optimizeDeps: {include: ['spark-md5'], entries: ['bench/hash/index.html']},
});
await server.listen();
const address = server.httpServer!.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const page = await openBenchPage(engine, 600_000);

try {
  await page.goto(`${origin}/bench/hash/index.html`, 'runHash');
  await page.setFiles('input#file', [dataFile]);

  const reference = md5sum().md5; // also warms the page cache
  const browserPid = page.pid;
  let peakGrowth = 0;
  const hashInPage = async (run: BenchRun) => {
    // Memory must stay flat however big the file: sample the browser's footprint while it hashes.
    const before = treeStats(browserPid);
    let growth = 0;
    const sampler = setInterval(() => (growth = Math.max(growth, treeStats(browserPid).rss - before.rss)), 100);
    const result: BenchResult & {cpu?: number; rssGrowth?: number} = await page.call<BenchResult>('runHash', run).finally(() => clearInterval(sampler));
    // CPU time of the whole browser, start-up of the workers included: on a busy machine wall time is noise, CPU cost is not.
    result.cpu = treeStats(browserPid).cpu - before.cpu;
    result.rssGrowth = growth;
    peakGrowth = Math.max(peakGrowth, growth);
    if (result.md5 !== reference) throw new Error(`MD5 mismatch: ${result.md5} in the page, ${reference} from md5sum (${JSON.stringify(run)})`);
    if (run.sliceSize && result.sliceCount !== Math.ceil(bytes / run.sliceSize)) throw new Error(`got ${result.sliceCount} slice MD5s`);
    return result;
  };

  const sliceSize = 16 * MiB;
  const variants: {label: string; run: BenchRun}[] = [
    {label: 'default (auto) + slices', run: {engine: 'auto', sliceSize}},
    {label: 'auto + slices, one worker', run: {engine: 'auto', sliceSize, helpers: false}},
    {label: 'auto, whole file only', run: {engine: 'auto'}},
    {label: 'auto, whole file, one worker', run: {engine: 'auto', helpers: false}},
    {label: 'spark + slices', run: {engine: 'spark', sliceSize}},
    {label: 'spark, whole file only', run: {engine: 'spark'}},
  ];
  if (tune) {
    for (const [chunkMiB, readAhead] of [[2, 2], [4, 1], [4, 2], [4, 3], [8, 1], [8, 2], [16, 1]] as const) {
      variants.push({label: `tune slices ${chunkMiB} MiB, ${readAhead} ahead`, run: {engine: 'auto', sliceSize, tuning: {chunkSize: chunkMiB * MiB, readAhead, readMethod: 'slices'}}});
    }
    for (const chunkMiB of [4, 16]) {
      variants.push({label: `tune sync ${chunkMiB} MiB`, run: {engine: 'auto', sliceSize, tuning: {chunkSize: chunkMiB * MiB, readMethod: 'sync'}}});
    }
    variants.push({label: 'tune stream', run: {engine: 'auto', sliceSize, tuning: {readMethod: 'stream'}}});
    // The critical path: the whole file alone, one worker reading and the other hashing.
    for (const [chunkMiB, readAhead] of [[8, 2], [16, 1], [16, 2], [32, 1], [32, 2]] as const) {
      variants.push({label: `tune whole ${chunkMiB} MiB, ${readAhead} ahead`, run: {engine: 'auto', tuning: {chunkSize: chunkMiB * MiB, readAhead, readMethod: 'slices'}}});
    }
    for (const chunkMiB of [8, 16, 32]) {
      variants.push({label: `tune whole byob ${chunkMiB} MiB`, run: {engine: 'auto', tuning: {chunkSize: chunkMiB * MiB, readMethod: 'byob'}}});
    }
    for (const chunkMiB of [1, 4, 8]) {
      variants.push({label: `tune byob ${chunkMiB} MiB`, run: {engine: 'auto', sliceSize, tuning: {chunkSize: chunkMiB * MiB, readMethod: 'byob'}}});
    }
  }

  if (only) variants.splice(0, variants.length, ...variants.filter((v) => v.label.includes(only)));
  await hashInPage({engine: 'auto', sliceSize}); // warm-up, not counted
  const samples = new Map<string, {ms: number[]; cpu: number[]; rss: number[]}>();
  for (const label of ['md5sum', ...variants.map((v) => v.label)]) samples.set(label, {ms: [], cpu: [], rss: []});
  let longTasks = 0;
  let longestTask = 0;
  for (let i = 0; i < runs; i++) {
    // Alternate md5sum and each page variant, so drift in the machine's load hits all alike.
    for (const {label, run} of variants) {
      const reference = md5sum();
      samples.get('md5sum')!.ms.push(reference.ms);
      samples.get('md5sum')!.cpu.push(reference.cpu);
      const result = await hashInPage(run);
      samples.get(label)!.ms.push(result.ms);
      samples.get(label)!.cpu.push(result.cpu!);
      samples.get(label)!.rss.push(result.rssGrowth!);
      longTasks += result.longTasks;
      longestTask = Math.max(longestTask, result.longestTaskMs);
      process.stderr.write(`run ${i + 1}/${runs} ${label}: ${round(MBps(bytes, result.ms))} MB/s, ${round(result.cpu!, 2)} CPU-s\n`);
    }
  }

  // Wall-clock speed, and speed per CPU-second (bytes over CPU time): the second is what a busy machine cannot blur.
  const speed = (label: string) => MBps(bytes, median(samples.get(label)?.ms ?? []));
  const cpuSpeed = (label: string) => MBps(bytes, 1000 * median(samples.get(label)?.cpu ?? []));
  const md5sumMBps = speed('md5sum');
  const md5sumCpuMBps = cpuSpeed('md5sum');
  const rows = [...samples].map(([label, {ms, rss}]) => ({
    label,
    runs: ms.length,
    MBps: round(speed(label)),
    ratio: round(speed(label) / md5sumMBps, 2),
    range: `${round(MBps(bytes, Math.max(...ms)))}–${round(MBps(bytes, Math.min(...ms)))}`,
    cpuMBps: round(cpuSpeed(label)),
    cpuRatio: round(cpuSpeed(label) / md5sumCpuMBps, 2),
    rssMiB: rss.length ? String(round(Math.max(...rss) / MiB)) : '',
  }));
  const load = readFileSync('/proc/loadavg', 'utf8').split(' ').slice(0, 3).join(' ');
  console.log(`\nMD5 of ${sizeMiB} MiB on disk in ${page.label}, median of ${runs} runs, load average ${load} on ${availableParallelism()} cores.`);
  console.log('Page variants compute the whole-file MD5 and 16 MiB slice MD5s in workers unless noted; "whole file only" is what the engine hashes before create.\n');
  console.log(`${'variant'.padEnd(34)} ${'runs'.padStart(4)} ${'MB/s'.padStart(7)} ${'×md5sum'.padStart(8)} ${'range MB/s'.padStart(14)} ${'MB/CPU-s'.padStart(9)} ${'×md5sum'.padStart(8)} ${'RSS +MiB'.padStart(9)}`);
  for (const r of rows) {
    console.log(`${r.label.padEnd(34)} ${String(r.runs).padStart(4)} ${String(r.MBps).padStart(7)} ${String(r.ratio).padStart(8)} ${r.range.padStart(14)} ${String(r.cpuMBps).padStart(9)} ${String(r.cpuRatio).padStart(8)} ${r.rssMiB.padStart(9)}`);
  }
  console.log(`\nmain-thread long tasks (> 50 ms) while hashing, all runs (Long Tasks API: Chromium only): ${longTasks}${longTasks ? ` (longest ${round(longestTask)} ms)` : ''}`);
  console.log(`largest growth of the browser's memory (anonymous + shared, resident) while hashing: ${round(peakGrowth / MiB)} MiB\n`);
  console.log(
    JSON.stringify({
      browser: engine,
      file_MiB: sizeMiB,
      runs,
      load_average: load,
      md5sum_MBps: round(md5sumMBps),
      default_MBps: round(speed('default (auto) + slices')),
      default_one_worker_MBps: round(speed('auto + slices, one worker')),
      whole_only_MBps: round(speed('auto, whole file only')),
      spark_MBps: round(speed('spark + slices')),
      ratio_default: round(speed('default (auto) + slices') / md5sumMBps, 3),
      ratio_whole_only: round(speed('auto, whole file only') / md5sumMBps, 3),
      // The engine's critical path: the whole-file MD5 alone, read and hashed on two threads.
      ratio_whole: round(speed('auto, whole file only') / md5sumMBps, 3),
      whole_one_worker_MBps: round(speed('auto, whole file, one worker')),
      ratio_whole_one_worker: round(speed('auto, whole file, one worker') / md5sumMBps, 3),
      spark_whole_MBps: round(speed('spark, whole file only')),
      ratio_spark_whole: round(speed('spark, whole file only') / md5sumMBps, 3),
      ratio_spark: round(speed('spark + slices') / md5sumMBps, 3),
      md5sum_MB_per_cpu_s: round(md5sumCpuMBps),
      default_MB_per_cpu_s: round(cpuSpeed('default (auto) + slices')),
      whole_only_MB_per_cpu_s: round(cpuSpeed('auto, whole file only')),
      main_thread_long_tasks: longTasks,
      browser_rss_growth_MiB: round(peakGrowth / MiB),
      ...(tune ? {tuning: Object.fromEntries(rows.filter((r) => r.label.startsWith('tune')).map((r) => [r.label, {MBps: r.MBps, MB_per_cpu_s: r.cpuMBps}]))} : {}),
    }),
  );
} finally {
  await page.close();
  await server.close();
}
