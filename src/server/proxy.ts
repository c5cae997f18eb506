import type {IncomingMessage} from 'node:http';
import {PanServerError, ProxyCode, errorResponse, proxyTraceID, toErrorResponse, type PanEnvelope} from './envelope.ts';
import {buildAllowList, ruleKey, type EndpointRule, type FolderKind} from './endpoints.ts';
import {MultipartFieldError, multipartBoundary, multipartFieldCheck} from './multipart-field.ts';
import {toNodeHandler, type NodeHandler} from './node-adapter.ts';
import {DEFAULT_API_BASE, type BrokerToken, type TokenBroker} from './token-broker.ts';
import {UploadTickets, normalizeUploadOrigin} from './upload-hosts.ts';
import {upstreamFetch} from './upstream.ts';

/** Decides whether this visitor may use the proxy (or the token endpoint). Receives the host's own request object. */
export type Authorize = (req: IncomingMessage | Request) => boolean | Promise<boolean>;

export interface ProxyOptions {
  broker: TokenBroker;
  /** 123pan's API; default https://open-api.123pan.com. */
  apiBase?: string;
  /** Where the proxy is mounted, as the browser sees it (its `api-base`). Default `/pan-api`. */
  prefix?: string;
  /** Extra endpoints to forward, as `"POST /upload/v1/file/mkdir"`. Only the upload endpoints are forwarded by default. */
  allow?: readonly string[];
  /** Uploads may only go into these folders: drive folder id (number, 0 = root) and/or image-host folder id (string, "" = root). */
  pinParentID?: {drive?: number; image?: string};
  authorize?: Authorize;
  /** The origin the browser reaches this server at; default: from the request (Host, X-Forwarded-Proto). */
  publicOrigin?: string;
  /** Key that signs upload-server tickets. Give every instance behind one balancer the same; default random per process. */
  ticketSecret?: string;
  /** `uploaded` (default): links/details only for fileIDs this proxy saw an upload produce. `any`: every fileID. */
  readableFileIDs?: 'uploaded' | 'any';
  /** Largest JSON request body accepted. Default 64 KiB. */
  maxJsonBytes?: number;
  /** How upstream requests are sent. Default: node:http(s) with backpressure; on an edge runtime pass `globalThis.fetch`. */
  fetch?: (input: string | URL, init?: RequestInit) => Promise<Response>;
}

export interface PanProxy {
  /** For node:http, Express/Connect and Vite (`server.middlewares.use(proxy.handle)`). Paths outside `prefix` go to `next`. */
  handle: NodeHandler;
  /** The Fetch-API form, for edge runtimes and `Request → Response` frameworks. */
  fetch(request: Request): Promise<Response>;
}

const MAX_JSON_RESPONSE_BYTES = 1 << 20;
const MAX_REMEMBERED_FILE_IDS = 10_000;
const DROPPED_RESPONSE_HEADERS = new Set([
  'connection', 'keep-alive', 'transfer-encoding', 'content-encoding', 'content-length', 'set-cookie',
  'access-control-allow-origin', 'access-control-allow-headers', 'access-control-allow-methods', 'access-control-allow-credentials',
]);

const refuse = (message: string, status: number = 403, code: number = ProxyCode.FORBIDDEN): PanServerError =>
  new PanServerError(status, code, `pan-uploader proxy: ${message}`, {traceID: proxyTraceID()});

async function readCapped(body: ReadableStream<Uint8Array> | null, cap: number, what: string): Promise<string> {
  if (!body) return '';
  const chunks: Uint8Array[] = [];
  let size = 0;
  for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
    size += chunk.byteLength;
    if (size > cap) throw refuse(`${what} is larger than ${cap} bytes`, 413, ProxyCode.TOO_LARGE);
    chunks.push(chunk);
  }
  return Buffer.concat(chunks).toString('utf8');
}

function findCause<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as {cause?: unknown}).cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}

/**
 * Creates the same-origin proxy: the browser calls `<prefix>/upload/...` with no token; the proxy
 * forwards only allow-listed upload endpoints to 123pan with the broker's token, pins the destination
 * folder when configured, and refuses everything else with a 403 in 123pan's envelope.
 */
export function createProxy(options: ProxyOptions): PanProxy {
  const {broker} = options;
  if (!broker || typeof broker.getToken !== 'function') throw new TypeError('createProxy: broker is required (from createTokenBroker)');
  const apiBase = (options.apiBase ?? DEFAULT_API_BASE).replace(/\/+$/, '');
  const prefix = (options.prefix ?? '/pan-api').replace(/\/+$/, '');
  if (!prefix.startsWith('/')) throw new TypeError(`createProxy: prefix ${JSON.stringify(options.prefix)} must start with "/"`);
  const pins = options.pinParentID ?? {};
  if (pins.drive !== undefined && !Number.isSafeInteger(pins.drive)) throw new TypeError('createProxy: pinParentID.drive must be an integer folder id (0 = root)');
  if (pins.image !== undefined && typeof pins.image !== 'string') throw new TypeError('createProxy: pinParentID.image must be a string folder id ("" = root)');
  const table = buildAllowList(options.allow);
  const tickets = new UploadTickets(options.ticketSecret);
  const readable = options.readableFileIDs ?? 'uploaded';
  const maxJsonBytes = options.maxJsonBytes ?? 64 * 1024;
  const doFetch = options.fetch ?? upstreamFetch;
  const uploaded = new Set<string>();

  const remember = (fileID: unknown): void => {
    if ((typeof fileID !== 'number' && typeof fileID !== 'string') || fileID === 0 || fileID === '') return;
    uploaded.add(String(fileID));
    if (uploaded.size > MAX_REMEMBERED_FILE_IDS) uploaded.delete(uploaded.values().next().value!);
  };

  const pinRefusal = (kind: FolderKind, field: string, value: unknown): string | undefined => {
    const pinned = pins[kind];
    if (pinned === undefined) return undefined;
    if (value !== undefined && value !== null && String(value) === String(pinned)) return undefined;
    return `${field} ${value === undefined ? 'is missing' : JSON.stringify(value)}: this server only uploads into ${kind} folder ${JSON.stringify(pinned)}`;
  };

  /** Which rule and which upstream URL a request maps to, or a refusal. */
  const route = async (method: string, rest: string, search: string): Promise<{rule: EndpointRule; target: string}> => {
    const upload = /^\/__upload\/([^/]+)(\/.*)$/.exec(rest);
    if (upload) {
      const origin = await tickets.open(upload[1]!);
      if (!origin) throw refuse('this upload server was not handed out by this proxy');
      const rule = table.get(ruleKey(method, upload[2]!));
      if (!rule || rule.host !== 'upload') throw refuse(`${method} ${upload[2]} is not an upload-server endpoint this proxy forwards`);
      return {rule, target: `${origin}${upload[2]}${search}`};
    }
    const rule = table.get(ruleKey(method, rest));
    if (!rule) throw refuse(`${method} ${rest} is not on this proxy's allow-list (upload endpoints only)`);
    if (rule.host !== 'api') throw refuse(`${method} ${rest} goes to an upload server: use the address from create/domain`);
    return {rule, target: `${apiBase}${rest}${search}`};
  };

  /** Replaces upload servers in an answer with tickets to this proxy. */
  const rewriteServers = async (list: unknown, publicOrigin: string): Promise<unknown> => {
    if (typeof list === 'string') return (await rewriteServers([list], publicOrigin) as string[])[0] ?? list;
    if (!Array.isArray(list)) return list;
    const out: string[] = [];
    for (const server of list) {
      const origin = typeof server === 'string' ? normalizeUploadOrigin(server) : undefined;
      if (origin) out.push(`${publicOrigin}${prefix}/__upload/${await tickets.issue(origin)}`);
    }
    return out;
  };

  const forward = async (request: Request, raw: IncomingMessage | Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
      throw refuse(`${url.pathname} is not under ${prefix}`, 404, ProxyCode.NOT_FOUND);
    }
    if (options.authorize && !(await options.authorize(raw))) throw refuse('not authorized to upload');
    const method = request.method.toUpperCase();
    const {rule, target} = await route(method, url.pathname.slice(prefix.length), url.search);

    let upstreamTarget = target;
    if (rule.readsFileID && readable === 'uploaded') {
      const name = rule.readsFileID;
      const values = [...url.searchParams].filter(([key]) => key.toLowerCase() === name.toLowerCase());
      const fileID = values.length === 1 && values[0]![0] === name ? values[0]![1] : null;
      if (fileID === null) throw refuse(`${rule.path}: give ${name} exactly once`, 400, ProxyCode.BAD_REQUEST);
      if (!uploaded.has(fileID)) throw refuse(`${name}=${JSON.stringify(fileID)} was not uploaded through this proxy; only those can be read`);
      // Forward only what was checked: no second spelling of the id can ride along.
      upstreamTarget = `${target.split('?')[0]}?${new URLSearchParams({[name]: fileID})}`;
    }

    // JSON bodies are small: buffer them (pin check, replay after a 401). Multipart bodies stream.
    let body: string | ReadableStream<Uint8Array> | null = null;
    let replayable = true;
    if (method !== 'GET' && method !== 'HEAD') {
      if (rule.host === 'api') {
        body = await readCapped(request.body, maxJsonBytes, `${rule.path}: the request body`);
        if (rule.pin && pins[rule.pin.kind] !== undefined) {
          let json: Record<string, unknown>;
          try {
            json = JSON.parse(body) as Record<string, unknown>;
          } catch {
            throw refuse(`${rule.path}: the request body is not JSON`, 400, ProxyCode.BAD_REQUEST);
          }
          if (!json || typeof json !== 'object' || Array.isArray(json)) throw refuse(`${rule.path}: the request body must be a JSON object`, 400, ProxyCode.BAD_REQUEST);
          // 123pan may read keys case-insensitively (Go's encoding/json does): every spelling must pass.
          const field = rule.pin.field;
          const spellings = Object.keys(json).filter((key) => key.toLowerCase() === field.toLowerCase());
          for (const key of spellings.length > 0 ? spellings : [field]) {
            const refusal = pinRefusal(rule.pin.kind, key === field ? field : key, json[key]);
            if (refusal) throw refuse(`${rule.path}: ${refusal}`);
          }
          if (!(field in json)) throw refuse(`${rule.path}: ${pinRefusal(rule.pin.kind, field, undefined)}`);
          body = JSON.stringify(json); // forward exactly what was checked (no duplicate keys)
        }
      } else {
        body = request.body;
        replayable = false;
        const pin = rule.pin;
        if (pin && pins[pin.kind] !== undefined && body) {
          const boundary = multipartBoundary(request.headers.get('content-type'));
          if (!boundary) throw refuse(`${rule.path}: expected a multipart/form-data body with a boundary`, 400, ProxyCode.BAD_REQUEST);
          body = body.pipeThrough(multipartFieldCheck(boundary, pin.field, (value) => pinRefusal(pin.kind, pin.field, value)));
        }
      }
    }

    const send = (token: BrokerToken): Promise<Response> => {
      const headers = new Headers({authorization: `Bearer ${token.accessToken}`, platform: 'open_platform'});
      for (const name of ['content-type', 'accept']) {
        const value = request.headers.get(name);
        if (value) headers.set(name, value);
      }
      // An untouched streamed body keeps its length; a checked one may be cut short, so it goes chunked.
      const length = request.headers.get('content-length');
      if (length && body !== null && body === request.body) headers.set('content-length', length);
      return doFetch(upstreamTarget, {method, headers, body, redirect: 'manual', signal: request.signal, duplex: 'half'} as RequestInit);
    };

    let token = await broker.getToken(request.signal);
    for (let attempt = 0; ; attempt++) {
      let upstream: Response;
      try {
        upstream = await send(token);
      } catch (error) {
        const fieldError = findCause(error, MultipartFieldError);
        if (fieldError) throw refuse(`${rule.path}: ${fieldError.message}`);
        if (request.signal.aborted) throw error;
        throw refuse(`${rule.path}: 123pan could not be reached`, 502, ProxyCode.BAD_GATEWAY);
      }
      const type = upstream.headers.get('content-type') ?? '';
      const length = Number(upstream.headers.get('content-length') ?? 0);
      const headers = new Headers();
      upstream.headers.forEach((value, name) => {
        if (!DROPPED_RESPONSE_HEADERS.has(name)) headers.set(name, value);
      });
      headers.set('cache-control', 'no-store');

      if (!/json/i.test(type) || length > MAX_JSON_RESPONSE_BYTES) {
        if (upstream.status === 401) await broker.refresh(token.accessToken).catch(() => undefined);
        return new Response(upstream.body, {status: upstream.status, headers});
      }
      const text = await readCapped(upstream.body, MAX_JSON_RESPONSE_BYTES, `${rule.path}: the answer`);
      let envelope: PanEnvelope<Record<string, unknown> | unknown[] | null> | undefined;
      try {
        envelope = JSON.parse(text) as typeof envelope;
      } catch {
        envelope = undefined;
      }
      if (upstream.status === 401 || envelope?.code === 401) {
        const fresh = await broker.refresh(token.accessToken);
        if (replayable && attempt === 0) {
          token = fresh;
          continue;
        }
        if (!replayable) {
          // The body is gone; the browser re-sends it, and the token is fresh by then.
          throw new PanServerError(503, ProxyCode.RETRY, `pan-uploader proxy: ${rule.path}: 123pan refused the server's access token; a fresh one is ready, send again`, {traceID: envelope?.['x-traceID'] || proxyTraceID()});
        }
      }
      if (envelope && envelope.code === 0 && envelope.data && typeof envelope.data === 'object') {
        const data = envelope.data as Record<string, unknown>;
        if (rule.rewrite === 'servers' && 'servers' in data) data.servers = await rewriteServers(data.servers, publicOrigin(url));
        if (rule.rewrite === 'domain') envelope.data = (await rewriteServers(envelope.data, publicOrigin(url))) as unknown[];
        if (rule.yieldsFileID) remember(data.fileID);
        return Response.json(envelope, {status: upstream.status, headers});
      }
      return new Response(text, {status: upstream.status, headers});
    }
  };

  const publicOrigin = (url: URL): string => options.publicOrigin?.replace(/\/+$/, '') ?? url.origin;

  const fetchForm = (request: Request): Promise<Response> =>
    forward(request, request).catch((error: unknown) => (findCause(error, PanServerError) ? errorResponse(findCause(error, PanServerError)!) : toErrorResponse(error)));

  return {
    fetch: fetchForm,
    handle: toNodeHandler(prefix, (request, raw) => forward(request, raw), options.publicOrigin),
  };
}
