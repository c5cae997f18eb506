import {readFileSync} from 'node:fs';
import {createRequire} from 'node:module';
import {esbuildPlugin} from '@web/dev-server-esbuild';
import {engineOf} from './scripts/browsers.mjs';
import {browserLauncher} from './scripts/wtr-browsers.mjs';
import {strictCspMiddleware} from './test/browser/hash/csp-middleware.mjs';
import {reactEsm} from './test/browser/react/react-esm.mjs';
import {cdnMiddleware} from './test/browser/image/cdn-middleware.mjs';

const require = createRequire(import.meta.url);
const FETCH_LISTENER = "addEventListener('fetch', function (event) {";
/**
 * msw's worker, letting worker scripts through untouched: it asks clients.get() for the requesting client, which
 * Firefox resolves only once a module worker has loaded, so the worker never starts (mswjs/msw#2654).
 */
const mswWorker = readFileSync(require.resolve('msw/mockServiceWorker.js'), 'utf8').replace(FETCH_LISTENER, (listener) => {
  return `${listener}\n  if (event.request.destination === 'worker' || event.request.destination === 'sharedworker') return\n`;
});
if (!mswWorker.includes("destination === 'worker'")) throw new Error(`msw's mockServiceWorker.js no longer has ${FETCH_LISTENER}`);

/** Serves msw's service worker at the site root, where its scope covers every test page. */
const mswWorkerMiddleware = (ctx, next) => {
  if (ctx.path === '/mockServiceWorker.js') {
    ctx.type = 'application/javascript';
    ctx.body = mswWorker;
    return undefined;
  }
  return next();
};

/** spark-md5 ships only as UMD: wrap it as an ES module for the dev server. */
const sparkMd5AsModule = {
  name: 'spark-md5-as-module',
  transform(context) {
    if (/\/node_modules\/spark-md5\/spark-md5(\.min)?\.js$/.test(context.path)) {
      return {
        body: `const module = {exports: {}}; const exports = module.exports;\n${context.body}\nexport default module.exports;`,
      };
    }
    return undefined;
  },
};

export default {
  files: ['test/browser/**/*.test.ts'],
  nodeResolve: {exportConditions: ['browser', 'development']},
  concurrency: 1,
  testsFinishTimeout: 300_000,
  testFramework: {config: {timeout: 20_000}},
  middleware: [mswWorkerMiddleware, strictCspMiddleware, cdnMiddleware],
  plugins: [sparkMd5AsModule, reactEsm, esbuildPlugin({ts: true, target: 'es2022', tsconfig: 'tsconfig.json'})],
  // One engine per run (scripts/test-browsers.mjs runs them one after another): PAN_BROWSER, default chromium.
  browsers: [browserLauncher(engineOf(process.env.PAN_BROWSER ?? 'chromium'))],
};
