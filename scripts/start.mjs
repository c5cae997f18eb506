// `npm start`: the 123pan emulator on loopback and the demo page on Vite's dev server, wired together.
import {register} from 'tsx/esm/api';
import {createServer} from 'vite';

register();
const {startEmulatorServer} = await import('../src/emulator/node.ts');

const emulator = await startEmulatorServer({port: Number(process.env.EMULATOR_PORT ?? 0)});
// Nothing is fetched from the web: these are the addresses the image host's URL import can "download".
const remotes = registerDemoRemotes(emulator.emulator);
const config = {
  apiOrigin: emulator.apiOrigin,
  uploadOrigin: emulator.uploadOrigin,
  storageOrigin: emulator.storageOrigin,
  control: `${emulator.apiOrigin}/__emulator`,
  remotes,
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

/** A few SVG pictures, one address that answers 404 and one that needs retries, for URL import. */
function registerDemoRemotes(target) {
  const picture = (sky, ground, sun) =>
    `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 320 200"><rect width="320" height="200" fill="${sky}"/>` +
    `<circle cx="240" cy="70" r="34" fill="${sun}"/><path d="M0 150 L90 90 L170 150 L240 110 L320 160 L320 200 L0 200 Z" fill="${ground}"/></svg>`;
  const base = 'https://images.example.com';
  const list = [
    {url: `${base}/sunrise.svg`, source: {bytes: picture('#ffd9a8', '#8c5a3c', '#ff7b3a'), contentType: 'image/svg+xml'}},
    {url: `${base}/forest.svg`, source: {bytes: picture('#cfe8ff', '#2f6b3a', '#fff3b0'), contentType: 'image/svg+xml'}},
    {url: `${base}/night.svg`, source: {bytes: picture('#1b2240', '#0d1326', '#e8e8f0'), contentType: 'image/svg+xml', retries: 1}},
    {url: `${base}/missing.png`, source: {status: 404}},
  ];
  for (const {url, source} of list) target.addRemote(url, source);
  return list.map(({url}) => url);
}

const stop = async () => {
  await vite.close();
  await emulator.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
