// The demo page (index.html) in development, and the library build: the element entry, the React wrapper and
// the image host's management client (its own entry, so the element does not ship it up front).
import {defineConfig} from 'vite';
import {minifyLitCSS} from './scripts/build-css.mjs';

export default defineConfig({
  // Relative URLs, so the hashing worker emitted beside the library resolves wherever the package is installed.
  base: './',
  worker: {format: 'es'},
  // Build only: the dev server (the demo page) keeps the styles as written.
  plugins: [{...minifyLitCSS(), apply: 'build'}],
  // The dev server pre-bundles what the demo pages import. Left to itself it scans every HTML file under the
  // root, and examples/ import the package by name (resolved to dist/ by their own configs): the scan fails.
  // The scan does not follow `new Worker(…)`: the hashing worker's engines are named, or the first upload
  // would find them late and reload the page.
  optimizeDeps: {entries: ['index.html', 'demo/**/*.html'], include: ['spark-md5']},
  build: {
    target: 'es2022',
    sourcemap: true,
    lib: {
      // The wrapper imports the element through a shared chunk, so a page that uses both registers it once.
      entry: {index: 'src/index.ts', 'react/index': 'src/react/index.ts', 'oss/index': 'src/oss/index.ts'},
      formats: ['es'],
    },
    rollupOptions: {
      // Lit and React stay peers for whoever bundles the package; the hashing engines are bundled in.
      external: [/^lit($|\/)/, /^@lit\//, /^react($|\/)/, /^react-dom($|\/)/],
      output: {chunkFileNames: 'chunks/[name]-[hash].js'},
    },
  },
});
