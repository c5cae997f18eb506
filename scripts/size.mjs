// Size budget of the element entry: src/index.ts (what dist/index.js ships) bundled the way a site
// would ship it, Lit included and minified. What a page pays up front is the entry chunk and every
// chunk it imports statically; chunks behind a dynamic import() (the image-host client used by URL
// import, the zh-CN strings), the hashing worker, and the image worker with libheif load later and are listed apart. Prints min+gzip
// per module and in total, and exits 1 when the up-front total is over the budget.
import {gzipSync} from 'node:zlib';
import {build, minifySync} from 'vite';
import {minifyLitCSS} from './build-css.mjs';

/** The goal for the element entry, Lit included. */
export const TARGET = 30 * 1024;

/**
 * min+gzip bytes the entry (with its static imports) may weigh: the target itself. The entry holds what
 * renders the element and accepts files (Lit, the element, the en strings but their error texts, the
 * styles, the engine's queue and validation); the API client, the upload protocols, each file's pipeline
 * and the hashing pool load with one import() when the first file is queued, as do the English error
 * texts, and on first use the image-host client, the image code, list editing, page hooks, existing
 * files and the zh-CN and zh-TW strings.
 */
export const BUDGET = TARGET;

const entry = 'src/index.ts';

const result = await build({
  configFile: false,
  logLevel: 'silent',
  worker: {format: 'es'},
  // The styles minified as the package build ships them.
  plugins: [minifyLitCSS()],
  // Not lib mode: that inlines the worker as a data: URL. An app build keeps it a separate file and
  // splits dynamic imports into their own chunks, the entry's exports kept as a library's are.
  build: {
    write: false,
    target: 'es2022',
    minify: true,
    assetsInlineLimit: 0,
    modulePreload: false,
    // Everything the entry needs up front in one file (as a site's initial bundle would be); what it
    // imports dynamically stays in chunks of its own.
    rollupOptions: {input: entry, preserveEntrySignatures: 'strict', output: {codeSplitting: {groups: [{name: 'index', tags: ['$initial']}]}}},
  },
});
const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
const chunks = new Map(outputs.filter((o) => o.type === 'chunk').map((o) => [o.fileName, o]));
const main = [...chunks.values()].find((o) => o.isEntry);
const worker = outputs.find((o) => /md5\.worker/.test(o.fileName));
// The image worker and the chunks it imports (libheif, for a HEIC) are emitted as files of their own.
const workerFile = (pattern) => {
  const found = outputs.find((o) => pattern.test(o.fileName));
  if (!found) throw new Error(`the size build emitted no file matching ${pattern}: the image worker's files changed; update scripts/size.mjs`);
  return found;
};
const imageFiles = [
  ['image worker', workerFile(/image\.worker[-\w]*\.js$/)],
  ['HEIC decoding (loads libheif)', workerFile(/heif-decode[-\w]*\.js$/)],
  ['libheif (first HEIC only)', workerFile(/libheif[-\w]*\.js$/)],
];
if (!main) throw new Error('the size build produced no entry chunk');
if (!worker) throw new Error('the hashing worker was not emitted as its own file: it would count against the entry');

// Up front: the entry and, transitively, what it imports statically.
const upfront = [];
const pending = [main.fileName];
while (pending.length) {
  const name = pending.shift();
  if (upfront.some((c) => c.fileName === name)) continue;
  const chunk = chunks.get(name);
  if (!chunk) throw new Error(`the entry imports ${name}, which the build did not emit`);
  upfront.push(chunk);
  pending.push(...chunk.imports);
}
const lazy = [...chunks.values()].filter((c) => !upfront.includes(c) && c !== worker);

const gz = (text) => gzipSync(text, {level: 9}).length;
const kb = (bytes) => `${(bytes / 1024).toFixed(1)} KB`;
const moduleKey = (id) => {
  const path = id.replace(/\\/g, '/');
  return path.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/)?.[1] ?? path.match(/\/(src\/.+)$/)?.[1] ?? path;
};

// Each module minified and gzipped on its own: an estimate of its share (gzip of the whole is smaller).
const groups = new Map();
for (const chunk of upfront) {
  for (const [id, info] of Object.entries(chunk.modules)) {
    const key = moduleKey(id);
    // No compress: a module's top-level names look unused on their own and would be dropped.
    const min = info.code ? minifySync(id, info.code, {compress: false}).code : '';
    groups.set(key, (groups.get(key) ?? '') + min);
  }
}

// Up-front chunks are fetched as separate files, each gzipped on its own.
const total = upfront.reduce((sum, c) => ({min: sum.min + c.code.length, gzip: sum.gzip + gz(c.code)}), {min: 0, gzip: 0});
const rows = [...groups].map(([name, code]) => ({name, min: code.length, gzip: gz(code)})).sort((a, b) => b.gzip - a.gzip);
const lazyRows = lazy.map((c) => ({
  name: `${Object.keys(c.modules).filter((id) => !id.startsWith('\0')).map(moduleKey).join(', ')}`,
  min: c.code.length,
  gzip: gz(c.code),
}));
const workerCode = worker.code ?? worker.source;
const width = Math.max(...rows.map((r) => r.name.length), 28);
const line = (name, min, gzip) => console.log(`${name.padEnd(width)}  ${kb(min).padStart(9)}  ${kb(gzip).padStart(10)}`);
console.log(`${'module (up front)'.padEnd(width)}  ${'min'.padStart(9)}  ${'gzip alone'.padStart(10)}`);
for (const r of rows) line(r.name, r.min, r.gzip);
line(`element entry (${upfront.length} file${upfront.length === 1 ? '' : 's'}, total)`, total.min, total.gzip);
console.log(`\n${'loaded later (dynamic import)'.padEnd(width)}  ${'min'.padStart(9)}  ${'gzip'.padStart(10)}`);
for (const r of lazyRows) console.log(`${r.name}\n${''.padEnd(width)}  ${kb(r.min).padStart(9)}  ${kb(r.gzip).padStart(10)}`);
line('hashing worker (separate)', workerCode.length, gz(workerCode));
console.log(`\n${'images (loaded on first image)'.padEnd(width)}  ${'min'.padStart(9)}  ${'gzip'.padStart(10)}`);
const imageCode = lazy.find((c) => Object.keys(c.modules).some((id) => id.endsWith('/src/image/prepare-image.ts')));
if (!imageCode) throw new Error('the image code (src/image/prepare-image.ts) is not a lazy chunk of its own');
line('image code (main thread)', imageCode.code.length, gz(imageCode.code));
const imageRows = imageFiles.map(([name, file]) => {
  const code = file.code ?? file.source;
  line(name, code.length, gz(code));
  return {name, file: file.fileName, gzipBytes: gz(code)};
});
const over = total.gzip > BUDGET;
console.log(`\nbudget ${kb(BUDGET)} min+gzip up front (target ${kb(TARGET)}): ${over ? 'EXCEEDED' : 'ok'}`);
console.log(
  JSON.stringify({
    entryMinBytes: total.min,
    entryGzipBytes: total.gzip,
    budgetBytes: BUDGET,
    targetBytes: TARGET,
    lazyChunks: lazyRows.map((r) => ({modules: r.name, gzipBytes: r.gzip})),
    workerGzipBytes: gz(workerCode),
    imageCodeGzipBytes: gz(imageCode.code),
    imageWorker: imageRows,
    ok: !over,
  }),
);
if (over) process.exitCode = 1;
