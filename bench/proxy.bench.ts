/**
 * Upload throughput through the same-origin proxy vs. straight to the emulator, in the same run.
 *
 * The emulator runs in this process (its three loopback servers); the proxy runs in a child process
 * so its memory can be read on its own. Each run uploads a fresh file (different bytes, so no
 * instant upload) as v2 slices, 3 in flight like the element, and times the slice phase.
 * Direct and proxy runs alternate. Last line: one JSON object.
 *
 * `--floor` adds a third mode: slices through a bare `req.pipe(upstream)` in the same proxy process
 * (no checks), the cost of node:http itself, so the proxy's own share of the gap can be read off.
 *
 *   npm run bench:proxy [-- --size-mib 256 --runs 5 --concurrency 3 --floor]
 */
import {createHash, randomBytes} from 'node:crypto';
import {request} from 'node:http';
import {availableParallelism, loadavg} from 'node:os';
import {startEmulatorServer} from '../src/emulator/node.ts';
import {startProxyProcess} from './proxy/spawn-proxy.ts';

const MiB = 1 << 20;
const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  const value = i === -1 ? fallback : Number(process.argv[i + 1]);
  if (!Number.isFinite(value) || value <= 0) throw new Error(`proxy.bench: --${name} must be a positive number`);
  return value;
};
const sizeMiB = arg('size-mib', 256);
const runs = arg('runs', 5);
const concurrency = arg('concurrency', 3);
const withFloor = process.argv.includes('--floor');
const sliceSize = 16 * MiB;

type Envelope<T = any> = {code: number; message: string; data: T};

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

/** A file of `sizeMiB`: one random block, every slice stamped with the run and its number. */
function makeFile(run: number): {slices: Buffer[]; sliceMD5s: string[]; etag: string; size: number} {
  const block = randomBytes(sliceSize);
  const slices: Buffer[] = [];
  const whole = createHash('md5');
  let left = sizeMiB * MiB;
  for (let n = 0; left > 0; n++) {
    const slice = Buffer.from(block.subarray(0, Math.min(sliceSize, left)));
    slice.writeUInt32BE(run, 0);
    slice.writeUInt32BE(n, 4);
    slices.push(slice);
    whole.update(slice);
    left -= slice.length;
  }
  return {slices, sliceMD5s: slices.map(md5), etag: whole.digest('hex'), size: sizeMiB * MiB};
}

async function api(base: string, path: string, json: unknown, token?: string): Promise<Envelope> {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: {'content-type': 'application/json', platform: 'open_platform', ...(token ? {authorization: `Bearer ${token}`} : {})},
    body: JSON.stringify(json),
  });
  const body = (await res.json()) as Envelope;
  if (body.code !== 0) throw new Error(`${path}: code ${body.code}: ${body.message}`);
  return body;
}

/** One v2 slice as multipart, written straight from memory (same client cost both ways). */
function postSlice(server: string, preuploadID: string, sliceNo: number, sliceMD5: string, slice: Buffer, token?: string): Promise<void> {
  const boundary = `----pan-bench-${sliceNo}-${Date.now()}`;
  const field = (name: string, value: string) => `--${boundary}\r\nContent-Disposition: form-data; name="${name}"\r\n\r\n${value}\r\n`;
  const head = Buffer.from(
    field('preuploadID', preuploadID) + field('sliceNo', String(sliceNo)) + field('sliceMD5', sliceMD5) +
      `--${boundary}\r\nContent-Disposition: form-data; name="slice"; filename="part${sliceNo}"\r\nContent-Type: application/octet-stream\r\n\r\n`,
  );
  const tail = Buffer.from(`\r\n--${boundary}--\r\n`);
  return new Promise((resolve, reject) => {
    const req = request(`${server}/upload/v2/file/slice`, {
      method: 'POST',
      headers: {
        'content-type': `multipart/form-data; boundary=${boundary}`,
        'content-length': String(head.length + slice.length + tail.length),
        platform: 'open_platform',
        ...(token ? {authorization: `Bearer ${token}`} : {}),
      },
    }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        const body = JSON.parse(text) as Envelope;
        if (body.code === 0) resolve();
        else reject(new Error(`slice ${sliceNo}: HTTP ${res.statusCode}, code ${body.code}: ${body.message}`));
      });
    });
    req.on('error', reject);
    req.write(head);
    req.write(slice);
    req.end(tail);
  });
}

async function upload(base: string, file: ReturnType<typeof makeFile>, name: string, token?: string, sliceServer = (s: string) => s): Promise<number> {
  const create = await api(base, '/upload/v2/file/create', {parentFileID: 0, filename: name, etag: file.etag, size: file.size, duplicate: 1}, token);
  if (create.data.reuse) throw new Error('create answered reuse: the bench needs fresh bytes');
  if (create.data.sliceSize !== sliceSize) throw new Error(`sliceSize ${create.data.sliceSize}, expected ${sliceSize}`);
  // The proxy names its upload addresses as paths on its own site.
  const server = sliceServer(new URL(String(create.data.servers[0]), base).href.replace(/\/$/, ''));
  const started = performance.now();
  let next = 0;
  await Promise.all(
    Array.from({length: concurrency}, async () => {
      while (next < file.slices.length) {
        const i = next++;
        await postSlice(server, create.data.preuploadID, i + 1, file.sliceMD5s[i]!, file.slices[i]!, token);
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const complete = await api(base, '/upload/v2/file/upload_complete', {preuploadID: create.data.preuploadID}, token);
  if (!complete.data.completed) throw new Error('upload_complete did not complete');
  return file.size / 1e6 / seconds;
}

// No tier limits: the runs call create back to back, and this bench measures slice throughput, not pacing
// (the emulator's default free tier answers the second create within a second with 429).
const pan = await startEmulatorServer({sliceSize, limits: 'none'});
const proxy = await startProxyProcess({apiBase: pan.apiOrigin, pipeFloor: withFloor});
const toFloor = (server: string) => server.replace('/pan-api/__upload/', '/__floor/');
try {
  const {accessToken} = pan.emulator.issueToken();
  // Warm up both paths (connections, JIT, the proxy's token) with a small file.
  await upload(pan.apiOrigin, makeFileOfSlices(1), 'warm-direct.bin', accessToken);
  await upload(`${proxy.origin}/pan-api`, makeFileOfSlices(1), 'warm-proxy.bin');
  if (withFloor) await upload(`${proxy.origin}/pan-api`, makeFileOfSlices(1), 'warm-floor.bin', undefined, toFloor);
  await proxy.resetStats();

  const rows: {run: number; mode: string; MBps: number; proxyCpuMsPerGB?: number}[] = [];
  const loadBefore = loadavg()[0]!;
  const modes = withFloor ? ['direct', 'proxy', 'floor'] : ['direct', 'proxy'];
  for (let run = 1; run <= runs; run++) {
    // Rotate the order so no mode always runs first (or right after the same neighbour).
    for (const mode of modes.map((_, i) => modes[(i + run - 1) % modes.length]!)) {
      const file = makeFile(run * modes.length + modes.indexOf(mode));
      if (mode === 'direct') {
        rows.push({run, mode, MBps: await upload(pan.apiOrigin, file, `direct-${run}.bin`, accessToken)});
      } else {
        const cpuBefore = (await proxy.stats()).cpuMs;
        const MBps = await upload(`${proxy.origin}/pan-api`, file, `${mode}-${run}.bin`, undefined, mode === 'floor' ? toFloor : undefined);
        rows.push({run, mode, MBps, proxyCpuMsPerGB: ((await proxy.stats()).cpuMs - cpuBefore) / (file.size / 1e9)});
      }
    }
  }
  const loadAfter = loadavg()[0]!;
  const stats = await proxy.stats();
  // The median: a 2-core machine shared with other work has the odd slow run either way.
  const median = (mode: string) => {
    const list = rows.filter((r) => r.mode === mode).map((r) => r.MBps).sort((a, b) => a - b);
    const mid = list.length >> 1;
    return list.length % 2 ? list[mid]! : (list[mid - 1]! + list[mid]!) / 2;
  };
  const direct = median('direct');
  const proxied = median('proxy');

  console.log(`v2 slices of ${sizeMiB} MiB files, sliceSize 16 MiB, ${concurrency} in flight, ${runs} runs each (MB = 10^6 bytes)`);
  console.log(`machine: ${availableParallelism()} cores, 1-minute load ${loadBefore.toFixed(1)} before and ${loadAfter.toFixed(1)} after (the three processes share them)`);
  console.log('run | mode   | MB/s   | proxy CPU ms per GB');
  console.log('----|--------|--------|--------------------');
  for (const r of rows) console.log(`${String(r.run).padEnd(3)} | ${r.mode.padEnd(6)} | ${r.MBps.toFixed(1).padStart(6)} | ${r.proxyCpuMsPerGB === undefined ? '' : r.proxyCpuMsPerGB.toFixed(0)}`);
  const best = (mode: string) => Math.max(...rows.filter((r) => r.mode === mode).map((r) => r.MBps));
  console.log(`best run: direct ${best('direct').toFixed(1)} MB/s, through the proxy ${best('proxy').toFixed(1)} MB/s, ratio ${(best('proxy') / best('direct')).toFixed(3)} (the least disturbed runs)`);
  console.log(`median direct ${direct.toFixed(1)} MB/s, through the proxy ${proxied.toFixed(1)} MB/s, ratio ${(proxied / direct).toFixed(3)}; proxy peak RSS ${(stats.peakRss / MiB).toFixed(0)} MiB`);
  if (withFloor) console.log(`median bare node:http pipe ${median('floor').toFixed(1)} MB/s, ratio ${(median('floor') / direct).toFixed(3)}: the floor under any node:http proxy on this machine`);
  console.log(JSON.stringify({
    direct_MBps: Number(direct.toFixed(1)),
    proxy_MBps: Number(proxied.toFixed(1)),
    ratio: Number((proxied / direct).toFixed(3)),
    proxy_peak_rss_mb: Number((stats.peakRss / MiB).toFixed(1)),
    ...(withFloor ? {pipe_floor_MBps: Number(median('floor').toFixed(1)), pipe_floor_ratio: Number((median('floor') / direct).toFixed(3))} : {}),
  }));
} finally {
  await proxy.close();
  await pan.close();
}

function makeFileOfSlices(count: number): ReturnType<typeof makeFile> {
  const slices = Array.from({length: count}, () => randomBytes(sliceSize));
  const whole = createHash('md5');
  for (const s of slices) whole.update(s);
  return {slices, sliceMD5s: slices.map(md5), etag: whole.digest('hex'), size: count * sliceSize};
}
