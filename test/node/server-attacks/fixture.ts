import {once} from 'node:events';
import {createServer, request, type IncomingHttpHeaders, type Server} from 'node:http';
import {after, before, beforeEach} from 'node:test';
import {createHash} from 'node:crypto';
import {startEmulatorServer, type EmulatorServer} from '../../../src/emulator/node.ts';
import {createProxy, createTokenBroker, type PanProxy, type ProxyOptions} from '../../../src/server/index.ts';
import {upstreamFetch} from '../../../src/server/upstream.ts';

export type Envelope<T = any> = {code: number; message: string; data: T; 'x-traceID': string};

export const md5 = (bytes: Uint8Array | string) => createHash('md5').update(bytes).digest('hex');

export async function listen(server: Server, host = '127.0.0.1'): Promise<string> {
  server.listen(0, host);
  await once(server, 'listening');
  return `http://${host}:${(server.address() as {port: number}).port}`;
}

export function closeServer(server: Server): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeAllConnections();
  return closed;
}

/** What a test sends byte for byte: node:http, so Host and every header go out exactly as written. */
export function rawRequest(
  url: string,
  init: {method?: string; headers?: Record<string, string>; body?: string | Uint8Array} = {},
): Promise<{status: number; headers: IncomingHttpHeaders; text: string; json: () => Envelope}> {
  const target = new URL(url);
  return new Promise((resolve, reject) => {
    const req = request(
      {host: target.hostname, port: target.port, path: `${target.pathname}${target.search}`, method: init.method ?? 'GET', headers: init.headers, setHost: !init.headers?.host},
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (chunk: Buffer) => chunks.push(chunk));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as Envelope});
        });
        res.on('error', reject);
      },
    );
    req.on('error', reject);
    req.setTimeout(10_000, () => req.destroy(new Error('rawRequest: no answer in 10 s')));
    req.end(init.body);
  });
}

export interface AttackBench {
  pan: EmulatorServer;
  proxy: PanProxy;
  /** The site the proxy is mounted on, at /pan-api. */
  origin: string;
  /** The folder uploads are pinned to, and another one an attacker would rather fill. */
  pinned: number;
  elsewhere: number;
  /** Emulator requests logged since the test began (optionally for one path). */
  upstream(path?: string): {method: string; path: string; url: string; status: number}[];
  /** Requests the proxy started towards the emulator since the test began, headers and JSON bodies included. */
  sent(path?: string): {method: string; url: string; path: string; headers: Headers; body?: string}[];
  /** As `sent`, less the proxy's own folder detail lookups (how the drive pin learns whether a folder is inside it). */
  forwarded(): {method: string; url: string; path: string; headers: Headers; body?: string}[];
  /** Drive files stored since the test began. */
  stored(): {fileID: number; parentID: number | string; name: string}[];
  /** Replaces the proxy (the site keeps its address). */
  remount(options?: Partial<ProxyOptions>): void;
  /** The single-step upload address handed out by the proxy, as an absolute URL. */
  singleCreateURL(): Promise<string>;
}

/**
 * The emulator on loopback with a proxy in front of it, pinned to a drive folder: what an attacker
 * faces. Reset between tests by marks, not by emptying the emulator, so the folders stay.
 */
export function useAttackBench(options: Partial<ProxyOptions> = {}): AttackBench {
  const bench = {} as AttackBench;
  let site: Server;
  let requestMark = 0;
  let fileMark = new Set<number>();
  let sent: ReturnType<AttackBench['sent']> = [];
  // Every upstream request the proxy starts, seen before a byte leaves: "refused before anything was
  // sent" does not depend on how fast the emulator logs a connection that was cut.
  const spy = (input: string | URL, init: RequestInit = {}) => {
    const url = new URL(String(input));
    sent.push({method: init.method ?? 'GET', url: url.href, path: url.pathname, headers: new Headers(init.headers), body: typeof init.body === 'string' ? init.body : undefined});
    return upstreamFetch(input, init);
  };
  const makeProxy = (extra: Partial<ProxyOptions>) =>
    createProxy({
      broker: createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: bench.pan.apiOrigin}),
      apiBase: bench.pan.apiOrigin,
      prefix: '/pan-api',
      pinParentID: {drive: bench.pinned},
      fetch: spy,
      ...options,
      ...extra,
    });

  before(async () => {
    // The proxy's promises are under test, not 123pan's QPS limits (a test may create right after another).
    bench.pan = await startEmulatorServer({sliceSize: 1 << 20, limits: 'none'});
    const {accessToken} = bench.pan.emulator.issueToken();
    const mkdir = async (name: string) => {
      const res = await fetch(`${bench.pan.apiOrigin}/upload/v1/file/mkdir`, {
        method: 'POST',
        headers: {authorization: `Bearer ${accessToken}`, platform: 'open_platform', 'content-type': 'application/json'},
        body: JSON.stringify({name, parentID: 0}),
      });
      return ((await res.json()) as Envelope).data.dirID as number;
    };
    bench.pinned = await mkdir('pinned');
    bench.elsewhere = await mkdir('elsewhere');
    bench.proxy = makeProxy({});
    site = createServer((req, res) => bench.proxy.handle(req, res));
    bench.origin = await listen(site);
  });
  after(async () => {
    await closeServer(site);
    await bench.pan.close();
  });
  beforeEach(() => {
    bench.proxy = makeProxy({});
    bench.pan.emulator.clearFaults();
    requestMark = bench.pan.emulator.requests.length;
    sent = [];
    fileMark = new Set(bench.pan.emulator.files().map((f) => f.fileID as number));
  });

  bench.upstream = (path) => bench.pan.emulator.requests.slice(requestMark).filter((r) => path === undefined || r.path === path);
  bench.sent = (path) => sent.filter((r) => path === undefined || r.path === path);
  bench.forwarded = () => sent.filter((r) => r.path !== '/api/v1/file/detail');
  bench.stored = () => bench.pan.emulator.files().filter((f) => !fileMark.has(f.fileID as number)) as ReturnType<AttackBench['stored']>;
  bench.remount = (extra = {}) => {
    bench.proxy = makeProxy(extra);
  };
  bench.singleCreateURL = async () => {
    const domain = (await (await fetch(`${bench.origin}/pan-api/upload/v2/file/domain`)).json()) as Envelope<string[]>;
    if (domain.code !== 0) throw new Error(`domain: ${domain.message}`);
    requestMark = bench.pan.emulator.requests.length; // the domain call itself is not the attack
    sent = [];
    return `${new URL(domain.data[0]!, bench.origin).href}/upload/v2/file/single/create`;
  };
  return bench;
}

/** Waits until the emulator has had time to log a request that was cut short. */
export const settle = () => new Promise((resolve) => setTimeout(resolve, 150));
