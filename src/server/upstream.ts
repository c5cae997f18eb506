import {Agent as HttpAgent, request as httpRequest, type IncomingMessage} from 'node:http';
import {Agent as HttpsAgent, request as httpsRequest} from 'node:https';
import {Readable} from 'node:stream';
import {takeRawBody} from './raw-body.ts';

// Node 20's built-in fetch reads a streamed request body as fast as it can and holds it in memory
// (measured: 512 MiB passed → +500 MiB RSS, half the throughput). Upstream requests therefore go
// through node:http with real backpressure; the interface stays Fetch's, so the core is one piece.

const agents = {
  'http:': new HttpAgent({keepAlive: true}),
  'https:': new HttpsAgent({keepAlive: true}),
};

const NULL_BODY_STATUS = new Set([101, 204, 205, 304]);

/** How long an upstream may take to accept a connection, and to stay silent once connected. */
export interface UpstreamTimeouts {
  /** Default 10 s. */
  connectMs?: number;
  /** Silence on an open connection, in either direction (123pan checking a 1 GB file before it answers). Default 120 s. */
  idleMs?: number;
}

/** An upstream that did not connect or went silent: the proxy answers 504. */
export class UpstreamTimeoutError extends Error {
  override readonly name = 'UpstreamTimeoutError';
}

/** The connection pools upstream calls use, per scheme (e.g. an https agent trusting a private CA). */
export interface UpstreamAgents {
  http?: HttpAgent;
  https?: HttpsAgent;
}

/** A `fetch` for upstream calls: streams a `ReadableStream` body with backpressure, streams the answer back. */
export function createUpstreamFetch(timeouts: UpstreamTimeouts = {}, pools: UpstreamAgents = {}): (input: string | URL, init?: RequestInit) => Promise<Response> {
  const connectMs = timeouts.connectMs ?? 10_000;
  const idleMs = timeouts.idleMs ?? 120_000;
  for (const [name, value] of [['connectMs', connectMs], ['idleMs', idleMs]] as const) {
    if (!(Number.isFinite(value) && value > 0)) throw new TypeError(`createProxy: upstreamTimeouts.${name} must be a positive number of milliseconds`);
  }
  const chosen = {'http:': pools.http ?? agents['http:'], 'https:': pools.https ?? agents['https:']};
  return (input, init) => send(input, init, connectMs, idleMs, chosen);
}

/** With the default timeouts. */
export const upstreamFetch = createUpstreamFetch();

function send(input: string | URL, init: RequestInit = {}, connectMs: number, idleMs: number, pools: typeof agents): Promise<Response> {
  const url = new URL(String(input));
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return Promise.reject(new TypeError(`upstream: unsupported protocol ${url.protocol}`));
  const headers: Record<string, string> = {};
  new Headers(init.headers).forEach((value, name) => {
    headers[name] = value;
  });
  const body = init.body as string | ReadableStream<Uint8Array> | null | undefined;
  if (typeof body === 'string') headers['content-length'] = String(Buffer.byteLength(body));
  else if (body && !headers['content-length']) headers['transfer-encoding'] = 'chunked';

  return new Promise<Response>((resolve, reject) => {
    const send = url.protocol === 'https:' ? httpsRequest : httpRequest;
    const req = send(url, {method: init.method ?? 'GET', headers, agent: pools[url.protocol as 'http:' | 'https:'], signal: init.signal ?? undefined});
    let settled = false;
    const fail = (error: unknown) => {
      if (settled) return;
      settled = true;
      reject(error);
    };
    req.once('error', fail);
    req.once('socket', (socket) => {
      if (socket.connecting) {
        const timer = setTimeout(() => req.destroy(new UpstreamTimeoutError(`${url.origin} did not accept a connection in ${connectMs} ms`)), connectMs);
        socket.once('connect', () => clearTimeout(timer));
        req.once('close', () => clearTimeout(timer));
      }
    });
    req.setTimeout(idleMs, () => req.destroy(new UpstreamTimeoutError(`${url.origin} sent nothing for ${idleMs} ms`)));
    req.once('response', (res: IncomingMessage) => {
      settled = true;
      const answerHeaders = new Headers();
      for (let i = 0; i + 1 < res.rawHeaders.length; i += 2) answerHeaders.append(res.rawHeaders[i]!, res.rawHeaders[i + 1]!);
      const status = res.statusCode ?? 502;
      if (NULL_BODY_STATUS.has(status)) {
        res.resume();
        resolve(new Response(null, {status, headers: answerHeaders}));
        return;
      }
      resolve(new Response(Readable.toWeb(res) as ReadableStream<Uint8Array>, {status, headers: answerHeaders}));
    });
    if (body === null || body === undefined) {
      req.end();
    } else if (typeof body === 'string') {
      req.end(body);
    } else {
      const raw = takeRawBody(body);
      if (raw) {
        raw.once('error', (error) => req.destroy(error));
        // Upstream may answer (e.g. 401) and hang up before the body is through: drain the rest so
        // the browser's request completes and the proxy's answer reaches it.
        req.once('close', () => {
          if (!raw.readableEnded) {
            raw.unpipe(req);
            raw.resume();
          }
        });
        raw.pipe(req);
        return;
      }
      const source = Readable.fromWeb(body as import('node:stream/web').ReadableStream<Uint8Array>);
      req.once('close', () => {
        if (!source.readableEnded) source.destroy();
      });
      source.once('error', (error) => {
        // e.g. a refused multipart field: cut the upstream request short and report why.
        req.destroy(error);
        fail(error);
      });
      source.pipe(req);
    }
  });
}
