// `npm start`: the demo page on Vite's dev server, with the backend hook from `pan-uploader/server`
// mounted beside it: the token endpoint (/pan/token, token mode) and the same-origin proxy (/pan-api,
// proxy mode). Against the local 123pan emulator by default; with PAN123_CLIENT_ID and
// PAN123_CLIENT_SECRET in the environment, against the real 123pan, the secret staying in this process.
//
// Environment: PORT (demo, default 5173; 0 = any free port), EMULATOR_PORT (emulator API, default any),
// PAN123_CLIENT_ID + PAN123_CLIENT_SECRET (real 123pan), PAN123_API_BASE (its API, default
// https://open-api.123pan.com; only read with the credentials), EMULATOR_CORS (the emulator's CORS on
// its API, upload and storage origins: all (default) or none).
import {register} from 'tsx/esm/api';
import {createServer} from 'vite';

register();
const {createProxy, createTokenBroker, createTokenHandler, DEFAULT_API_BASE, URL_IMPORT_ENDPOINTS} = await import('../src/server/index.ts');

/** The credentials the emulator accepts at /api/v1/access_token: the broker mints with them like with real ones. */
const EMULATOR_CREDENTIALS = {clientID: 'test-client', clientSecret: 'test-secret'};
const PROXY_PREFIX = '/pan-api';

const setting = readEnvironment(process.env);
/** The demo's own origin, once it listens: the proxy's upload addresses name it, and its page may use the emulator's control API. */
let demoOrigin;
let emulator;
let config;
if (setting.real) {
  config = {mode: '123pan', apiOrigin: setting.apiBase, proxyBase: PROXY_PREFIX, credentials: 'proxy'};
} else {
  const {startEmulatorServer} = await import('../src/emulator/node.ts');
  emulator = await startEmulatorServer({
    port: Number(process.env.EMULATOR_PORT ?? 0),
    ...EMULATOR_CREDENTIALS,
    // Open by default so both credential modes can be tried; EMULATOR_CORS=none shows the strict case
    // (README, "Deploying against the real 123pan"): proxy mode still uploads, token mode says to use it.
    cors: readCors(process.env.EMULATOR_CORS),
    // The fault panel calls the control API from the demo page, at 127.0.0.1 or localhost.
    controlOrigins: (origin) => demoOrigin !== undefined && [demoOrigin, demoOrigin.replace('127.0.0.1', 'localhost')].includes(origin),
  });
  config = {
    mode: 'emulator',
    apiOrigin: emulator.apiOrigin,
    proxyBase: PROXY_PREFIX,
    credentials: 'token',
    uploadOrigin: emulator.uploadOrigin,
    storageOrigin: emulator.storageOrigin,
    control: `${emulator.apiOrigin}/__emulator`,
    // Nothing is fetched from the web: these are the addresses the image host's URL import can "download".
    remotes: registerDemoRemotes(emulator.emulator),
  };
}

const broker = createTokenBroker({
  ...(setting.real ? {clientID: setting.clientID, clientSecret: setting.clientSecret} : EMULATOR_CREDENTIALS),
  apiBase: config.apiOrigin,
});
// Loopback only, like the dev server: a page reached under another host name (DNS rebinding) gets
// neither the token nor the proxy, whatever Vite's own host check allows.
const authorize = (req) => /^(127\.0\.0\.1|localhost|\[::1\])(:\d+)?$/.test(req.headers?.host ?? '');
const tokens = createTokenHandler(broker, {authorize});
// Made once the demo listens (below), so the upload addresses it hands out name the demo's own origin.
let proxy;

const panDev = {
  name: 'pan-dev',
  configureServer(server) {
    // Added before Vite's own middlewares, so no body parser touches a streamed slice.
    server.middlewares.use((req, res, next) => {
      const path = (req.url ?? '').split('?')[0];
      if (path === '/pan/config.json') {
        res.setHeader('Content-Type', 'application/json');
        res.setHeader('Cache-Control', 'no-store');
        res.end(JSON.stringify(config));
      } else if (path === '/pan/token') {
        tokens.handle(req, res, next);
      } else {
        next();
      }
    });
    server.middlewares.use((req, res, next) => (proxy ? proxy.handle(req, res, next) : next()));
  },
  // The real 123pan's upload, storage and image hosts are https origins the page cannot know in advance:
  // token mode calls them, and pictures and presigned PUTs reach them in either mode.
  transformIndexHtml(html) {
    if (!setting.real) return html;
    return html.replace(/(img-src|connect-src) /g, '$1 https: ');
  },
};

const vite = await createServer({plugins: [panDev], server: {port: Number(process.env.PORT ?? 5173), host: '127.0.0.1'}});
await vite.listen();
const address = vite.httpServer?.address();
const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : vite.config.server.port}/`;
demoOrigin = new URL(url).origin;
// No folder pin: this is the account owner's own tool. URL import and the image-host panel's listing need
// three management endpoints on top of the upload ones; everything else stays refused.
proxy = createProxy({broker, apiBase: config.apiOrigin, prefix: PROXY_PREFIX, allow: URL_IMPORT_ENDPOINTS, authorize, publicOrigin: demoOrigin});
console.log(`pan-uploader demo:  ${url}`);
if (setting.real) {
  console.log(`mode:               real 123pan at ${config.apiOrigin} (PAN123_CLIENT_ID and PAN123_CLIENT_SECRET are set; the secret stays in this process)`);
  console.log('                    proxy mode by default: a browser may not reach 123pan across origins; fault injection is off');
} else {
  console.log('mode:               emulator (set PAN123_CLIENT_ID and PAN123_CLIENT_SECRET to use the real 123pan)');
  console.log(`123pan emulator:    API ${config.apiOrigin}  upload ${config.uploadOrigin}  storage ${config.storageOrigin}`);
  console.log(`emulator control:   ${config.control}/files`);
}
console.log(`backend hook:       token mode GET ${url}pan/token · proxy mode ${url}${PROXY_PREFIX.slice(1)}/…`);
// Mint once now, so wrong credentials show here rather than on the first upload. Errors never carry the secret.
broker.getToken().then(
  () => console.log('credentials:        accepted, token minted'),
  (error) => console.error(`credentials:        123pan did not give a token: ${error?.message ?? error}`),
);

/** Which 123pan to use, from the environment; a half-configured environment is refused by name. */
function readEnvironment(env) {
  const clientID = env.PAN123_CLIENT_ID?.trim() ?? '';
  const clientSecret = env.PAN123_CLIENT_SECRET ?? '';
  if (!clientID && !clientSecret) {
    if (env.PAN123_API_BASE) console.warn('PAN123_API_BASE is ignored: it applies only with PAN123_CLIENT_ID and PAN123_CLIENT_SECRET');
    return {real: false};
  }
  if (!clientID || !clientSecret) {
    const missing = clientID ? 'PAN123_CLIENT_SECRET' : 'PAN123_CLIENT_ID';
    console.error(`npm start: ${missing} is not set. Set both PAN123_CLIENT_ID and PAN123_CLIENT_SECRET for the real 123pan, or neither for the emulator.`);
    process.exit(1);
  }
  const apiBase = (env.PAN123_API_BASE || DEFAULT_API_BASE).replace(/\/+$/, '');
  let parsed;
  try {
    parsed = new URL(apiBase);
  } catch {
    parsed = undefined;
  }
  if (!parsed || !/^https?:$/.test(parsed.protocol) || parsed.pathname !== '/') {
    console.error(`npm start: PAN123_API_BASE ${JSON.stringify(env.PAN123_API_BASE)} must be an http(s) origin such as ${DEFAULT_API_BASE}`);
    process.exit(1);
  }
  return {real: true, clientID, clientSecret, apiBase};
}

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
  await emulator?.close();
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);

function readCors(value) {
  if (value === undefined || value === '') return 'all';
  if (value === 'all' || value === 'none') return value;
  console.error(`EMULATOR_CORS must be "all" or "none", got ${JSON.stringify(value)}`);
  process.exit(2);
}
