// The single-file build for CMS pages: dist/pan-uploader.bundle.js, Lit bundled and the hashing
// worker inlined, so ONE <script type="module"> uploads with no other file beside it (image transforms
// need dist/assets/ beside it, see below).
//
// The worker is built first, then its code replaces `new URL('./md5.worker.ts', import.meta.url)` in
// src/hash/pool.ts with a blob: URL made once from that code. A page whose CSP lacks `blob:` in
// worker-src cannot start it: hashing then fails with a HashError (there is no main-thread fallback),
// so such a page must use the package build with its worker file instead.
//
// The image worker and libheif are not inlined (libheif alone is 2 MB, loaded only for a HEIC): the bundle
// starts the package build's own worker, dist/assets/image.worker-*.js, by a URL relative to the bundle's
// own (import.meta.url), so one copy ships and it resolves wherever dist/ is served. The package build
// (`vite build`) must run first.
import {readdirSync} from 'node:fs';
import {build} from 'vite';
import {minifyLitCSS} from './build-css.mjs';

const workerPattern = /new URL\(\s*['"]\.\/md5\.worker\.ts['"]\s*,\s*import\.meta\.url\s*\)/;

/** Builds the worker to one ES module and returns its code. */
async function buildWorker() {
  const result = await build({
    configFile: false,
    logLevel: 'warn',
    build: {
      write: false,
      target: 'es2022',
      minify: true,
      lib: {entry: 'src/hash/md5.worker.ts', formats: ['es'], fileName: 'md5.worker'},
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`the worker build should give one file, gave ${chunks.length}`);
  if (/^\s*import\s|\bimport\(/m.test(chunks[0].code)) throw new Error('the inlined worker must not import other files');
  return chunks[0].code;
}

/** Swaps the worker's file URL for a blob: URL built from its inlined code. */
function inlineWorker(code) {
  let replaced = false;
  return {
    name: 'pan-inline-md5-worker',
    enforce: 'pre',
    transform(source, id) {
      if (!id.endsWith('/src/hash/pool.ts')) return undefined;
      if (!workerPattern.test(source)) {
        throw new Error(`${id}: the worker is no longer created as new URL('./md5.worker.ts', import.meta.url); update scripts/build-cms.mjs`);
      }
      replaced = true;
      const helper = `\nlet panMD5WorkerURL;\nfunction panInlineMD5WorkerURL() {\n  panMD5WorkerURL ??= URL.createObjectURL(new Blob([${JSON.stringify(code)}], {type: 'text/javascript'}));\n  return panMD5WorkerURL;\n}\n`;
      return {code: source.replace(workerPattern, 'panInlineMD5WorkerURL()') + helper, map: null};
    },
    buildEnd() {
      if (!replaced) this.error('src/hash/pool.ts was never bundled: the worker was not inlined');
    },
  };
}

const imageWorkerPattern = /new Worker\(\s*new URL\(\s*['"]\.\/image\.worker\.ts['"]\s*,\s*import\.meta\.url\s*\)\s*,\s*\{\s*type:\s*['"]module['"]\s*\}\s*\)/;

/** The package build's image worker, in dist/assets/ (it loads libheif's chunk beside itself). */
function packageImageWorker() {
  const files = readdirSync('dist/assets').filter((f) => /^image\.worker-[\w-]+\.js$/.test(f));
  if (files.length !== 1) throw new Error(`dist/assets should hold one image worker from \`vite build\`, holds ${files.length}: run the package build first`);
  return files[0];
}

/** Starts the image worker from dist/assets/, beside the bundle, instead of building a second copy. */
function imageWorkerBesideBundle(file) {
  let replaced = false;
  return {
    name: 'pan-image-worker-beside-bundle',
    enforce: 'pre',
    transform(source, id) {
      if (!id.endsWith('/src/image/prepare-image.ts')) return undefined;
      if (!imageWorkerPattern.test(source)) {
        throw new Error(`${id}: the image worker is no longer created as new Worker(new URL('./image.worker.ts', import.meta.url), {type: 'module'}); update scripts/build-cms.mjs`);
      }
      replaced = true;
      // A module worker must come from the page's origin. From another one (a CDN, served with CORS), a
      // blob: module of the page's origin imports the worker, whose own import() of libheif then resolves
      // against the worker's real URL.
      const helper = `
let panImageWorkerShim;
function panImageWorker() {
  const url = new URL(/* @vite-ignore */ ${JSON.stringify(`./assets/${file}`)}, import.meta.url);
  if (url.origin === location.origin) return new Worker(url, {type: 'module'});
  panImageWorkerShim ??= URL.createObjectURL(new Blob(['import ' + JSON.stringify(url.href) + ';'], {type: 'text/javascript'}));
  return new Worker(panImageWorkerShim, {type: 'module'});
}
`;
      return {code: source.replace(imageWorkerPattern, 'panImageWorker()') + helper, map: null};
    },
    buildEnd() {
      if (!replaced) this.error('src/image/prepare-image.ts was never bundled: the image worker was not pointed at dist/assets/');
    },
  };
}

const workerCode = await buildWorker();
await build({
  configFile: false,
  logLevel: 'warn',
  plugins: [inlineWorker(workerCode), imageWorkerBesideBundle(packageImageWorker()), minifyLitCSS()],
  build: {
    target: 'es2022',
    outDir: 'dist',
    emptyOutDir: false,
    minify: true,
    sourcemap: false,
    lib: {entry: 'src/index.ts', formats: ['es'], fileName: () => 'pan-uploader.bundle.js'},
    rollupOptions: {output: {codeSplitting: false}},
  },
});
