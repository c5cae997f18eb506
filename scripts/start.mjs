// `npm start`: the 123pan emulator on loopback and the demo page on Vite's dev server, wired together.
import {register} from 'tsx/esm/api';
import {createServer} from 'vite';

register();
const {startEmulatorServer} = await import('../src/emulator/node.ts');

const emulator = await startEmulatorServer({port: Number(process.env.EMULATOR_PORT ?? 0)});
const config = {
  apiOrigin: emulator.apiOrigin,
  uploadOrigin: emulator.uploadOrigin,
  storageOrigin: emulator.storageOrigin,
  control: `${emulator.apiOrigin}/__emulator`,
};

/** Dev-only endpoints beside the page: the emulator's origins, and a token as a backend hook would hand it over. */
const panDev = {
  name: 'pan-dev',
  configureServer(server) {
    server.middlewares.use((req, res, next) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/pan/config.json') {
        res.setHeader('Content-Type', 'application/json');
        res.end(JSON.stringify(config));
      } else if (path === '/pan/token') {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(emulator.emulator.issueToken()));
      } else {
        next();
      }
    });
  },
};

const vite = await createServer({plugins: [panDev], server: {port: Number(process.env.PORT ?? 5173), host: '127.0.0.1'}});
await vite.listen();
const url = vite.resolvedUrls?.local[0] ?? `http://127.0.0.1:${vite.config.server.port}/`;
console.log(`pan-uploader demo:  ${url}`);
console.log(`123pan emulator:    API ${config.apiOrigin}  upload ${config.uploadOrigin}  storage ${config.storageOrigin}`);
console.log(`emulator control:   ${config.control}/files`);

const stop = async () => {
  await vite.close();
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
