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
      // Whitespace too (see the bundle below): the code is inlined as a string, nothing shakes it afterwards.
      rollupOptions: {output: {minify: true}},
    },
  });
  const outputs = (Array.isArray(result) ? result : [result]).flatMap((r) => r.output);
  const chunks = outputs.filter((o) => o.type === 'chunk');
  if (chunks.length !== 1) throw new Error(`the worker build should give one file, gave ${chunks.length}`);
  if (/^\s*import\s|\bimport\(/m.test(chunks[0].code)) throw new Error('the inlined worker must not import other files');
  return chunks[0].code;
}

/**
 * A plugin that replaces `pattern` in one source file (`file`, from the repository root) with `replacement`
 * and appends `helper`; the build fails when the file no longer holds the pattern or is never bundled.
 */
function rewrite({name, file, pattern, shape, replacement, helper = ''}) {
  let replaced = false;
  return {
    name,
    enforce: 'pre',
    transform(source, id) {
      if (!id.endsWith(`/${file}`)) return undefined;
      if (!pattern.test(source)) throw new Error(`${id}: no longer holds ${shape}; update scripts/build-cms.mjs`);
      replaced = true;
      return {code: source.replace(pattern, replacement) + helper, map: null};
    },
    buildEnd() {
      if (!replaced) this.error(`${file} was never bundled: ${name} did nothing`);
    },
  };
}

/** Swaps the worker's file URL for a blob: URL built from its inlined code. */
const inlineWorker = (code) =>
  rewrite({
    name: 'pan-inline-md5-worker',
    file: 'src/hash/pool.ts',
    pattern: workerPattern,
    shape: "new URL('./md5.worker.ts', import.meta.url)",
    replacement: 'panInlineMD5WorkerURL()',
    helper: `\nlet panMD5WorkerURL;\nfunction panInlineMD5WorkerURL() {\n  panMD5WorkerURL ??= URL.createObjectURL(new Blob([${JSON.stringify(code)}], {type: 'text/javascript'}));\n  return panMD5WorkerURL;\n}\n`,
  });

const imageWorkerPattern = /new Worker\(\s*new URL\(\s*['"]\.\/image\.worker\.ts['"]\s*,\s*import\.meta\.url\s*\)\s*,\s*\{\s*type:\s*['"]module['"]\s*\}\s*\)/;

/** The package build's image worker, in dist/assets/ (it loads libheif's chunk beside itself). */
function packageImageWorker() {
  const files = readdirSync('dist/assets').filter((f) => /^image\.worker-[\w-]+\.js$/.test(f));
  if (files.length !== 1) throw new Error(`dist/assets should hold one image worker from \`vite build\`, holds ${files.length}: run the package build first`);
  return files[0];
}

/**
 * Starts the image worker from dist/assets/, beside the bundle, instead of building a second copy. The file's
 * own `Worker` (src/shared/module-worker.ts) starts it from another origin too (a CDN serving dist/ with CORS),
 * and the worker's own import() of libheif resolves against its real URL. The comment keeps Vite from taking
 * the URL for a worker to build.
 */
const imageWorkerBesideBundle = (file) =>
  rewrite({
    name: 'pan-image-worker-beside-bundle',
    file: 'src/image/prepare-image.ts',
    pattern: imageWorkerPattern,
    shape: "new Worker(new URL('./image.worker.ts', import.meta.url), {type: 'module'})",
    replacement: `new Worker(new URL(/* @vite-ignore */ ${JSON.stringify(`./assets/${file}`)}, import.meta.url), {type: 'module'})`,
  });

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
    // Vite keeps whitespace in an ES library build (to keep pure annotations for tree-shaking); this file is
    // final, loaded as is by a page, so the output is minified outright.
    rollupOptions: {output: {codeSplitting: false, minify: true}},
  },
});
