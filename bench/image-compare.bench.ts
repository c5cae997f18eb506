// npm run bench:image-compare [-- --browser chromium|firefox|webkit] — the libraries the image step could use,
// measured against what it uses, on the same inputs as bench:image (24 MP JPEG, 12 MP HEIC):
//   HEIC: libheif-js (used) against heic-to and heic2any: HEIC → full-size JPEG q0.85, in a worker if it can;
//   encoding: OffscreenCanvas.convertToBlob (used) against MozJPEG and libwebp (@jsquash): bytes, time and SSIM
//   of a 2560 px image at equal quality settings;
//   scaling: createImageBitmap's resize (used) against drawImage and pica (lanczos3): time to 2560 px, SSIM
//   against an exact box reduction at 1500 px.
// Plus each library's licence and gzip size. Median of IMAGE_BENCH_RUNS (default 3). Installs nothing: the
// candidates are dev dependencies. The last line is one JSON object.
import {readFileSync} from 'node:fs';
import {loadavg} from 'node:os';
import {join} from 'node:path';
import {fileURLToPath} from 'node:url';
import {gzipSync} from 'node:zlib';
import {createServer} from 'vite';
import {engineFromArgs, openBenchPage} from './engine.ts';
import type {Row} from './image-compare/page.ts';

const engine = engineFromArgs();
const runs = Number(process.env.IMAGE_BENCH_RUNS ?? 3);
const root = fileURLToPath(new URL('..', import.meta.url));

/** Each library's licence and the gzip size of the files a page would load for the job measured. */
const libraries: Record<string, string[]> = {
  'libheif-js': ['libheif-wasm/libheif-bundle.mjs'],
  'heic-to': ['dist/heic-to.js'],
  heic2any: ['dist/heic2any.min.js'],
  '@jsquash/jpeg': ['encode.js', 'codec/enc/mozjpeg_enc.js', 'codec/enc/mozjpeg_enc.wasm'],
  '@jsquash/webp': ['encode.js', 'codec/enc/webp_enc_simd.js', 'codec/enc/webp_enc_simd.wasm'],
  pica: ['dist/pica.min.mjs'],
};
const sizes = Object.entries(libraries).map(([name, files]) => {
  const dir = join(root, 'node_modules', name);
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {version: string; license: string};
  const gzip = files.reduce((sum, f) => sum + gzipSync(readFileSync(join(dir, f)), {level: 9}).length, 0);
  return {name, version: pkg.version, license: pkg.license, gzipBytes: gzip};
});

const server = await createServer({
  configFile: false,
  root,
  logLevel: 'error',
  server: {port: 0, host: '127.0.0.1', hmr: false, watch: null},
  worker: {format: 'es'},
  // The wasm codecs find their .wasm beside their own module: pre-bundling would move them away from it.
  optimizeDeps: {entries: ['bench/image-compare/index.html'], exclude: ['@jsquash/jpeg', '@jsquash/webp', 'libheif-js']},
});
await server.listen();
const address = server.httpServer!.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const page = await openBenchPage(engine, 1_200_000);
const load = loadavg().map((n) => Math.round(n * 100) / 100);
console.log(`${page.label}; load average ${load.join(' ')}; ${runs} runs each, median`);

try {
  await page.goto(`${origin}/bench/image-compare/index.html`, 'runCompare');
  const rows = await page.call<Row[]>('runCompare', {runs});
  console.log(`\n${'library'.padEnd(16)} ${'version'.padEnd(8)} ${'licence'.padEnd(12)} gzip`);
  for (const s of sizes) console.log(`${s.name.padEnd(16)} ${s.version.padEnd(8)} ${s.license.padEnd(12)} ${(s.gzipBytes / 1024).toFixed(1)} KB`);
  console.log(`\n${'candidate'.padEnd(34)} ${'ms'.padStart(6)} ${'bytes'.padStart(10)} ${'SSIM'.padStart(7)}  in a worker`);
  for (const r of rows) {
    const where = r.worker === true ? 'yes' : `no: ${r.worker}`;
    const figures = r.error ? `failed: ${r.error}` : `${String(r.ms).padStart(6)} ${String(r.bytes ?? '').padStart(10)} ${(r.ssim?.toFixed(4) ?? '').padStart(7)}`;
    console.log(`${`${r.group}: ${r.name}`.padEnd(34)} ${figures}  ${where}`);
  }
  console.log(JSON.stringify({engine, runs, load_average: load, libraries: sizes, rows}));
} finally {
  await page.close();
  await server.close();
}
