import type {IncomingMessage, ServerResponse} from 'node:http';
import {Readable} from 'node:stream';
import {pipeline} from 'node:stream/promises';
import {PanServerError, ProxyCode, errorResponse, proxyTraceID, toErrorResponse} from './envelope.ts';
import {registerRawBody} from './raw-body.ts';

/** A `(req, res, next?)` handler, as node:http, Express/Connect and Vite's dev server take it. */
export type NodeHandler = (req: IncomingMessage, res: ServerResponse, next?: (error?: unknown) => void) => void;

/** Express/Connect strip a mount path from `req.url` and keep the full one in `originalUrl`. */
export function fullUrl(req: IncomingMessage): string {
  return (req as IncomingMessage & {originalUrl?: string}).originalUrl ?? req.url ?? '/';
}

/** A host name, IPv4 or bracketed IPv6 address, with an optional port: nothing that could end the authority early. */
const HOST = /^(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*\.?|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

const badRequest = (message: string) => new PanServerError(400, ProxyCode.BAD_REQUEST, `pan-uploader server: ${message}`, {traceID: proxyTraceID()});

/**
 * The origin the request names, for the Fetch `Request` only: dispatch reads the path, and nothing
 * the answers name depends on it. Host must be a host (`a@b`, `site/path#` are refused), and
 * X-Forwarded-Proto counts only as http or https.
 */
function requestOrigin(req: IncomingMessage): string {
  const host = req.headers.host ?? 'localhost';
  if (!HOST.test(host)) throw badRequest('the Host header is not a host name');
  const forwarded = req.headers['x-forwarded-proto'];
  const proto = (Array.isArray(forwarded) ? forwarded[0] : forwarded)?.split(',')[0]?.trim();
  const encrypted = (req.socket as {encrypted?: boolean}).encrypted === true;
  const scheme = proto === 'https' || proto === 'http' ? proto : encrypted ? 'https' : 'http';
  return `${scheme}://${host}`;
}

/**
 * The request body as a web stream with backpressure. Unlike `Readable.toWeb`, cancelling it drains
 * the rest instead of destroying the socket, so a refusal can still be answered on it. Nothing is
 * read until the first pull (high-water mark 0), so the upstream sender may still pipe the socket
 * directly instead (see raw-body.ts).
 */
function bodyStream(req: IncomingMessage): ReadableStream<Uint8Array> {
  let open = true;
  let listening = false;
  const stream = new ReadableStream<Uint8Array>(
    {
      pull(controller) {
        if (!listening) {
          listening = true;
          req.on('data', (chunk: Buffer) => {
            if (!open) return;
            controller.enqueue(chunk);
            if ((controller.desiredSize ?? 0) <= 0) req.pause();
          });
          req.once('end', () => {
            if (open) controller.close();
            open = false;
          });
          req.once('error', (error) => {
            if (open) controller.error(error);
            open = false;
          });
        }
        req.resume();
      },
      cancel() {
        open = false;
        req.resume();
      },
    },
    {highWaterMark: 0},
  );
  registerRawBody(stream, req);
  return stream;
}

/**
 * A body parser mounted before the proxy (e.g. `express.json()`) has already read the stream and
 * left `req.body`: use that rather than wait for bytes that will never come.
 */
function alreadyParsed(req: IncomingMessage): string | Uint8Array | null {
  const parsed = (req as IncomingMessage & {body?: unknown}).body;
  if (parsed === undefined || parsed === null) return null;
  if (typeof parsed === 'string' || parsed instanceof Uint8Array) return parsed;
  return JSON.stringify(parsed);
}

/** Turns a node request into a Fetch `Request` (streamed body, aborted when the client goes away). */
export function toFetchRequest(req: IncomingMessage, res: ServerResponse, publicOrigin?: string): Request {
  const controller = new AbortController();
  res.once('close', () => {
    if (!res.writableFinished) controller.abort();
  });
  const headers = new Headers();
  for (let i = 0; i + 1 < req.rawHeaders.length; i += 2) {
    try {
      headers.append(req.rawHeaders[i]!, req.rawHeaders[i + 1]!);
    } catch {
      // A header Fetch cannot represent is not one the proxy forwards anyway.
    }
  }
  const method = (req.method ?? 'GET').toUpperCase();
  const hasBody = method !== 'GET' && method !== 'HEAD';
  const target = fullUrl(req);
  // Origin-form only: an absolute-form target would name another host.
  if (!target.startsWith('/')) throw badRequest('the request target must be a path');
  return new Request(`${publicOrigin ?? requestOrigin(req)}${target}`, {
    method,
    headers,
    body: hasBody ? (req.readableEnded ? alreadyParsed(req) : bodyStream(req)) : null,
    signal: controller.signal,
    duplex: 'half',
  } as RequestInit);
}

/** Writes a Fetch `Response` to a node response, streaming its body. */
export async function writeResponse(res: ServerResponse, response: Response): Promise<void> {
  res.statusCode = response.status;
  // Upstream cookies never get this far (the proxy drops them); the proxy's own visitor cookie does.
  response.headers.forEach((value, name) => res.setHeader(name, value));
  if (!response.body) {
    res.end();
    return;
  }
  await pipeline(Readable.fromWeb(response.body as import('node:stream/web').ReadableStream), res);
}

/**
 * Adapts a Fetch-style handler to `(req, res, next?)`. Requests outside `prefix` go to `next`
 * (or get a 404 envelope when there is no next).
 */
export function toNodeHandler(
  prefix: string,
  handle: (request: Request, raw: IncomingMessage) => Promise<Response>,
  publicOrigin?: string,
): NodeHandler {
  return (req, res, next) => {
    const path = fullUrl(req).split('?')[0]!;
    if (path !== prefix && !path.startsWith(`${prefix}/`)) {
      if (next) return next();
      void writeResponse(res, errorResponse(new PanServerError(404, ProxyCode.NOT_FOUND, `pan-uploader server: ${path} is not under ${prefix}`)));
      return;
    }
    answer(req, res, (request) => handle(request, req), publicOrigin);
  };
}

/**
 * Answers one node request with `handle`, whatever the request holds: a request that cannot become a
 * Fetch `Request` (a bad Host) and anything `handle` throws become an error envelope, never an
 * exception that would take the host process down.
 */
export function answer(req: IncomingMessage, res: ServerResponse, handle: (request: Request) => Promise<Response>, publicOrigin?: string): void {
  let pending: Promise<Response>;
  try {
    pending = handle(toFetchRequest(req, res, publicOrigin));
  } catch (error) {
    pending = Promise.reject(error);
  }
  pending
    .catch((error: unknown) => toErrorResponse(error))
    .then((response) => writeResponse(res, response))
    .catch(() => {
      // The client went away mid-answer; nothing is left to tell it.
      res.destroy();
    });
}
