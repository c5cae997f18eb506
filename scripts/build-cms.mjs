// The single-file build for CMS pages: dist/pan-uploader.bundle.js, Lit bundled and the hashing
// worker inlined, so ONE <script type="module"> works with no other file beside it.
//
// The worker is built first, then its code replaces `new URL('./md5.worker.ts', import.meta.url)` in
// src/hash/pool.ts with a blob: URL made once from that code. A page whose CSP lacks `blob:` in
// worker-src cannot start it: hashing then fails with a HashError (there is no main-thread fallback),
// so such a page must use the package build with its worker file instead.
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

const workerCode = await buildWorker();
await build({
  configFile: false,
  logLevel: 'warn',
  plugins: [inlineWorker(workerCode), minifyLitCSS()],
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
