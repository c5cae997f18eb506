// The demo page (index.html) in development, and the library build of src/index.ts.
import {defineConfig} from 'vite';

export default defineConfig({
  // Relative URLs, so the hashing worker emitted beside the library resolves wherever the package is installed.
  base: './',
  worker: {format: 'es'},
  build: {
    target: 'es2022',
    sourcemap: true,
    lib: {
      entry: 'src/index.ts',
      formats: ['es'],
      fileName: 'index',
    },
    rollupOptions: {
      // Lit stays a peer for whoever bundles the package; the hashing engines are bundled in.
      external: [/^lit($|\/)/, /^@lit\//],
    },
  },
});
