/**
 * The emulator on real sockets: three loopback HTTP servers (API, upload servers, presigned storage),
 * each request turned into a Fetch Request and answered by the same msw handlers the browser uses.
 * Bodies stream from the socket into the handlers; bytes are kept on disk.
 *
 * Control API on the API origin (JSON; a browser page may call it only from the API origin itself or
 * from an origin in `controlOrigins`, since it can wipe the store and hand out tokens):
 *   GET  /__emulator/files          → {files: StoredFile[], folders: StoredFolder[]}
 *   GET  /__emulator/requests       → {requests: RequestLogEntry[]}
 *   GET  /__emulator/options        → the emulator's options
 *   POST /__emulator/configure      body: Partial<EmulatorOptions> → {options}
 *   POST /__emulator/fault          body: Fault
 *   POST /__emulator/clear-faults
 *   POST /__emulator/reset
 *   POST /__emulator/token          body: {lifetimeMs?} → {accessToken, expiredAt}
 *   POST /__emulator/expire-tokens
 *   POST /__emulator/remote         body: {url, text? | base64?, contentType?, status?, retries?} (what a URL serves to URL import)
 *   GET  /__emulator/callbacks      → {callbacks: OfflineCallback[]}
 */
import {once} from 'node:events';
import {mkdir, mkdtemp, rm} from 'node:fs/promises';
import {createServer, type IncomingMessage, type Server, type ServerResponse} from 'node:http';
import {createServer as createTlsServer} from 'node:https';
import {createServer as createNetServer, type AddressInfo, type Server as NetServer, type Socket} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {getResponse} from 'msw';
import {attachBody} from './body.ts';
import {Uplink} from './uplink.ts';
import {DiskBlobStore} from './disk-store.ts';
import {createEmulator} from './emulator.ts';
import type {Emulator, EmulatorOptions} from './types.ts';

export {DiskBlobStore} from './disk-store.ts';

export interface EmulatorServerOptions extends EmulatorOptions {
  /** Loopback by default. */
  host?: string;
  /** The API port; 0 (default) picks a free one. The upload and storage servers always take free ports. */
  port?: number;
  /** Where uploaded bytes are kept; default a fresh temporary folder, removed by close(). */
  dataDir?: string;
  /** Page origins (besides the API origin) allowed to call the control API, e.g. a demo page's. Default none. */
  controlOrigins?: readonly string[] | ((origin: string) => boolean);
  /**
   * A certificate for the upload server: its port then answers https as well as plain http (told apart by
   * the first byte a connection sends), so a test can see on the wire which scheme a request came by
   * (`requests[].url`). Default none: plain http only.
   */
  tls?: {key: string | Buffer; cert: string | Buffer};
  /** Reads request bodies to the upload and storage servers at most this fast, all together, as a client's link (`uplink.ts`). Default: as fast as they come. */
  uplinkBytesPerSecond?: number;
}

export interface EmulatorServer {
  emulator: Emulator;
  apiOrigin: string;
  uploadOrigin: string;
  storageOrigin: string;
  close(): Promise<void>;
}

export async function startEmulatorServer(options: EmulatorServerOptions = {}): Promise<EmulatorServer> {
  const {host = '127.0.0.1', port = 0, dataDir, controlOrigins = [], tls, uplinkBytesPerSecond, ...emulatorOptions} = options;
  const uplink = uplinkBytesPerSecond === undefined ? undefined : new Uplink(uplinkBytesPerSecond);
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'pan-emulator-')));
  if (dataDir) await mkdir(dataDir, {recursive: true});
  const emulator = createEmulator({...emulatorOptions, store: emulatorOptions.store ?? new DiskBlobStore(dir)});

  const servers = [createServer(), createServer(), createServer()];
  const [api, upload, storage] = servers;
  // With a certificate, one port answers both schemes: a front that hands each connection to one server.
  const front = tls ? bothSchemes(upload, createTlsServer(tls)) : undefined;
  await listen(api, port, host);
  await listen(front?.server ?? upload, 0, host);
  await listen(storage, 0, host);
  const urlHost = host.includes(':') ? `[${host}]` : host;
  const originOf = (server: NetServer) => `http://${urlHost}:${(server.address() as AddressInfo).port}`;
  const [apiOrigin, uploadOrigin, storageOrigin] = [api, front?.server ?? upload, storage].map(originOf);
  emulator.configure({apiOrigin, uploadOrigin, storageOrigin});

  const controlFrom = (origin: string) =>
    origin === apiOrigin || (typeof controlOrigins === 'function' ? controlOrigins(origin) : controlOrigins.includes(origin));
  api.on('request', (req, res) => void handle(emulator, req, res, apiOrigin, controlFrom));
  upload.on('request', (req, res) => void handle(emulator, req, res, uploadOrigin, undefined, uplink));
  storage.on('request', (req, res) => void handle(emulator, req, res, storageOrigin, undefined, uplink));
  front?.secure.on('request', (req, res) => void handle(emulator, req, res, uploadOrigin.replace(/^http:/, 'https:'), undefined, uplink));

  return {
    emulator,
    apiOrigin,
    uploadOrigin,
    storageOrigin,
    async close() {
      await Promise.all(
        [...servers, ...(front ? [front.secure] : [])].map((server) => {
          const closed = new Promise<void>((resolve) => server.close(() => resolve()));
          server.closeAllConnections();
          return closed;
        }),
      );
      if (front) await new Promise<void>((resolve) => front.server.close(() => resolve()));
      if (!dataDir) await rm(dir, {recursive: true, force: true});
    },
  };
}

/** A listener for both schemes: a connection whose first byte starts a TLS handshake (0x16) goes to `secure`. */
function bothSchemes(plain: Server, secure: ReturnType<typeof createTlsServer>): {server: NetServer; secure: ReturnType<typeof createTlsServer>} {
  const server = createNetServer((socket: Socket) => {
    socket.once('data', (first: Buffer) => {
      socket.pause();
      socket.unshift(first);
      (first[0] === 0x16 ? secure : plain).emit('connection', socket);
      process.nextTick(() => socket.resume());
    });
  });
  return {server, secure};
}

function listen(server: NetServer, port: number, host: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

async function handle(emulator: Emulator, req: IncomingMessage, res: ServerResponse, origin: string, controlFrom?: (origin: string) => boolean, uplink?: Uplink): Promise<void> {
  try {
    const url = new URL(req.url ?? '/', origin);
    // Another name of this address on this port (e.g. localhost) is kept: the emulator tells upload domains apart by host.
    const named = req.headers.host ? new URL(`http://${req.headers.host}`) : undefined;
    if (named && named.port === url.port && ['localhost', '127.0.0.1', '[::1]'].includes(named.hostname)) url.hostname = named.hostname;
    if (controlFrom && url.pathname.startsWith('/__emulator/')) return await controlApi(emulator, req, res, url, controlFrom);

    const headers = new Headers();
    for (let i = 0; i < req.rawHeaders.length; i += 2) headers.append(req.rawHeaders[i], req.rawHeaders[i + 1]);
    const aborted = new AbortController();
    res.on('close', () => {
      if (!res.writableFinished) aborted.abort();
    });
    const method = req.method ?? 'GET';
    const request = new Request(url, {method, headers, signal: aborted.signal});
    // The socket itself is the body: msw would tee request.body and hold a whole upload in memory.
    if (method !== 'GET' && method !== 'HEAD') attachBody(request, uplink ? uplink.carry(req) : req);

    const response = await getResponse(emulator.handlers, request);
    if (!response) {
      res.writeHead(404, {'Content-Type': 'text/plain'}).end('not found');
      return;
    }
    if (response.type === 'error') {
      // A dropped or reset connection, as the client would see it.
      req.socket.destroy();
      return;
    }
    const out: Record<string, string> = {};
    response.headers.forEach((value, key) => {
      out[key] = value;
    });
    res.writeHead(response.status, out);
    if (response.body) {
      for await (const chunk of response.body) {
        if (!res.write(chunk)) await once(res, 'drain');
      }
    }
    res.end();
    // A request refused before its body was read: discard the rest so the connection can be reused.
    if (!req.complete) req.resume();
  } catch (error) {
    if (!res.headersSent) res.writeHead(500, {'Content-Type': 'text/plain'}).end(`emulator adapter error: ${(error as Error).message}`);
    else res.destroy();
  }
}

async function controlApi(emulator: Emulator, req: IncomingMessage, res: ServerResponse, url: URL, controlFrom: (origin: string) => boolean): Promise<void> {
  // Any page could otherwise reset the store or take a token (a form post needs no preflight):
  // a request from a browser page is answered only for the origins allowed.
  const origin = req.headers.origin;
  if (origin !== undefined && !controlFrom(origin)) {
    res.writeHead(403, {'Content-Type': 'application/json; charset=utf-8', Vary: 'Origin'}).end(JSON.stringify({error: `the control API does not answer pages from ${origin}`}));
    req.resume();
    return;
  }
  const cors: Record<string, string> = origin === undefined ? {} : {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, POST, OPTIONS',
    'Access-Control-Allow-Headers': 'Content-Type',
    Vary: 'Origin',
  };
  const reply = (status: number, body: unknown) => {
    res.writeHead(status, {...cors, 'Content-Type': 'application/json; charset=utf-8'}).end(JSON.stringify(body));
  };
  if (req.method === 'OPTIONS') {
    res.writeHead(204, cors).end();
    return;
  }
  let body: any = {};
  if (req.method === 'POST') {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    try {
      body = text ? JSON.parse(text) : {};
    } catch {
      return reply(400, {error: 'the body must be JSON'});
    }
  }
  const route = `${req.method} ${url.pathname.slice('/__emulator'.length)}`;
  try {
    switch (route) {
      case 'GET /files':
        return reply(200, {files: emulator.files(), folders: emulator.folders()});
      case 'GET /requests':
        return reply(200, {requests: emulator.requests});
      case 'GET /options':
        return reply(200, emulator.options);
      case 'POST /configure':
        delete body.store;
        emulator.configure(body);
        return reply(200, {options: emulator.options});
      case 'POST /fault':
        emulator.fault(body);
        return reply(200, {ok: true});
      case 'POST /clear-faults':
        emulator.clearFaults();
        return reply(200, {ok: true});
      case 'POST /reset':
        emulator.reset();
        return reply(200, {ok: true});
      case 'POST /token':
        return reply(200, emulator.issueToken(body.lifetimeMs));
      case 'POST /expire-tokens':
        emulator.expireTokens();
        return reply(200, {ok: true});
      case 'POST /remote': {
        const {url, text, base64, contentType, status, retries} = body;
        if (status !== undefined) emulator.addRemote(url, {status, retries});
        else emulator.addRemote(url, {bytes: base64 !== undefined ? new Uint8Array(Buffer.from(String(base64), 'base64')) : text, contentType, retries});
        return reply(200, {ok: true});
      }
      case 'GET /callbacks':
        return reply(200, {callbacks: emulator.callbacks});
      default:
        return reply(404, {error: `no control endpoint ${route}`});
    }
  } catch (error) {
    return reply(400, {error: (error as Error).message});
  }
}
