// Builds the Node-side package exports into dist/: pan-uploader/server (Node only) and
// pan-uploader/emulator (a browser-safe index of msw handlers plus the Node host in node.js).
// Runs after `vite build`, which empties dist/; this build adds to it.
import {build} from 'vite';

await build({
  configFile: false,
  logLevel: 'warn',
  build: {
    // SSR mode: Node built-ins and every package (msw, spark-md5) stay imports, resolved by the installer's node_modules.
    ssr: true,
    target: 'node20',
    outDir: 'dist',
    emptyOutDir: false,
    sourcemap: true,
    minify: false,
    rollupOptions: {
      input: {
        'server/index': 'src/server/index.ts',
        'emulator/index': 'src/emulator/index.ts',
        'emulator/node': 'src/emulator/node.ts',
      },
      output: {
        format: 'es',
        entryFileNames: '[name].js',
        chunkFileNames: 'chunks/node-[name]-[hash].js',
      },
    },
  },
});
