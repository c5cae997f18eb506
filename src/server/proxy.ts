import type {IncomingMessage} from 'node:http';
import {crossSiteRefusal} from './cross-site.ts';
import {PanServerError, ProxyCode, errorResponse, proxyTraceID, toErrorResponse, type PanEnvelope} from './envelope.ts';
import {buildAllowList, ruleKey, type EndpointRule, type FolderKind} from './endpoints.ts';
import {DriveFolderPin, type FolderDetail} from './folder-pin.ts';
import {JsonBodyError, checkedJson} from './json-body.ts';
import {formBoundary, isJsonType} from './media-type.ts';
import {MultipartFieldError, checkedForm} from './multipart-form.ts';
import {toNodeHandler, type NodeHandler} from './node-adapter.ts';
import {ReadableFiles, newVisitor, visitorsFromCookie} from './readable-files.ts';
import type {AccountLimiter} from './account-limiter.ts';
import {DEFAULT_API_BASE, type BrokerToken, type TokenBroker} from './token-broker.ts';
import {UploadHosts, UploadTickets} from './upload-hosts.ts';
import {UpstreamTimeoutError, createUpstreamFetch, type UpstreamAgents, type UpstreamTimeouts} from './upstream.ts';

/**
 * Decides whether this visitor may use the proxy (or the token endpoint). Receives the host's own
 * request object. A string answer both allows and names the visitor (e.g. the session's user id):
 * the links of what they upload are then readable by that name rather than by the proxy's cookie.
 */
export type Authorize = (req: IncomingMessage | Request) => boolean | string | Promise<boolean | string>;

export interface ProxyOptions {
  broker: TokenBroker;
  /** 123pan's API; default https://open-api.123pan.com. */
  apiBase?: string;
  /** Where the proxy is mounted, as the browser sees it (its `api-base`). Default `/pan-api`. */
  prefix?: string;
  /** Extra endpoints to forward, as `"POST /upload/v1/file/mkdir"`. Only the upload endpoints are forwarded by default. */
  allow?: readonly string[];
  /**
   * Uploads may only go into these folders: drive folder id (number, 0 = root) and/or image-host folder id (string, "" = root).
   * On the drive, folders inside the pinned one at any depth too (a folder upload makes them with mkdir; which
   * folders are inside is asked of 123pan).
   */
  pinParentID?: {drive?: number; image?: string};
  authorize?: Authorize;
  /**
   * The origin the browser reaches this server at, e.g. `https://www.example.com`. With it, upload
   * addresses in answers are absolute and `Origin` is compared with its host; without it they are
   * paths (`/pan-api/__upload/…`) and the request's Host is used, after checking it is a host name.
   */
  publicOrigin?: string;
  /**
   * Key that signs upload-server tickets, at least 32 bytes. Give every instance of ONE deployment the
   * same, and no other deployment (a deployment honours tickets signed with its key for its apiBase).
   * Default: random per process.
   */
  ticketSecret?: string;
  /** How long an upload-server ticket stays valid. Default 24 hours. */
  ticketLifetimeMs?: number;
  /** Upload servers besides 123pan's own domains (https) and the apiBase's host, as origins (`https://upload.example.com`). */
  uploadOrigins?: readonly string[];
  /** `uploaded` (default): links/details only for fileIDs this visitor uploaded through this proxy. `any`: every fileID. */
  readableFileIDs?: 'uploaded' | 'any';
  /** Origins of other sites allowed to call the proxy with the visitor's cookies. Default none: cross-site requests are refused. */
  crossSiteOrigins?: readonly string[];
  /** Largest JSON request body accepted. Default 64 KiB. */
  maxJsonBytes?: number;
  /** Connect and idle limits of upstream calls (default 10 s and 120 s); not used with `fetch`. */
  upstreamTimeouts?: UpstreamTimeouts;
  /** Connection pools of upstream calls per scheme (an https agent trusting a private CA, say); not used with `fetch`. */
  upstreamAgents?: UpstreamAgents;
  /**
   * Spaces the calls this proxy makes per account and endpoint (123pan counts its limits per account,
   * across every visitor): `createAccountLimiter({redis})`, one Redis shared by every instance. Default none.
   */
  limiter?: AccountLimiter;
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
/** A relay address serves one slice asked for just before it is sent: an hour is plenty. */
const STORAGE_TICKET_LIFETIME_MS = 3600_000;
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

/** One key of a JSON object body as JSON.parse reads it, or undefined. */
function looseField(text: string, field: string): unknown {
  try {
    const json = JSON.parse(text) as unknown;
    return json && typeof json === 'object' && !Array.isArray(json) ? (json as Record<string, unknown>)[field] : undefined;
  } catch {
    return undefined;
  }
}

function findCause<T>(error: unknown, type: abstract new (...args: never[]) => T): T | undefined {
  for (let e = error, depth = 0; e && depth < 5; e = (e as {cause?: unknown}).cause, depth++) {
    if (e instanceof type) return e;
  }
  return undefined;
}

/**
 * Waits for the checked stream's first chunk before anything is sent upstream, so a body refused
 * before its file part never opens an upstream request; then passes the rest on as it comes.
 */
async function startChecked(stream: ReadableStream<Uint8Array>): Promise<{body: ReadableStream<Uint8Array>; refusal: () => MultipartFieldError | undefined}> {
  const reader = stream.getReader();
  const first = await reader.read();
  // A later refusal is kept: a fetch that answers before it notices the body failed must not win.
  let refusal: MultipartFieldError | undefined;
  const body = new ReadableStream<Uint8Array>(
    {
      start(controller) {
        if (first.done) controller.close();
        else controller.enqueue(first.value);
      },
      async pull(controller) {
        try {
          const next = await reader.read();
          if (next.done) controller.close();
          else controller.enqueue(next.value);
        } catch (error) {
          refusal = findCause(error, MultipartFieldError);
          throw error;
        }
      },
      cancel: (reason) => reader.cancel(reason),
    },
    {highWaterMark: 0},
  );
  return {body, refusal: () => refusal};
}

/** The proxy's refusal for a multipart body the check refused, if `error` is (or wraps) one. */
function fieldRefusal(rule: EndpointRule, error: unknown): PanServerError | undefined {
  const fieldError = findCause(error, MultipartFieldError);
  if (!fieldError) return undefined;
  return refuse(`${rule.path}: ${fieldError.message}`, fieldError.status, fieldError.status === 400 ? ProxyCode.BAD_REQUEST : ProxyCode.FORBIDDEN);
}

/** Only the query keys a GET rule takes, each once, or a refusal. */
function checkedQuery(url: URL, rule: EndpointRule): URLSearchParams {
  const out = new URLSearchParams();
  for (const [key, value] of url.searchParams) {
    if (!/^[\x20-\x7e]+$/.test(key)) throw refuse(`${rule.path}: query key ${JSON.stringify(key)} is not plain ASCII`);
    if (rule.fields!.includes(key)) {
      if (out.has(key)) throw refuse(`${rule.path}: give ${key} exactly once`, 400, ProxyCode.BAD_REQUEST);
      out.set(key, value);
    } else if (rule.fields!.some((field) => field.toLowerCase() === key.toLowerCase())) {
      throw refuse(`${rule.path}: query key ${key} is another spelling of a key it takes`);
    }
  }
  return out;
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
  const publicOrigin = options.publicOrigin?.replace(/\/+$/, '');
  if (publicOrigin !== undefined && (!URL.canParse(publicOrigin) || new URL(publicOrigin).origin !== publicOrigin)) {
    throw new TypeError(`createProxy: publicOrigin ${JSON.stringify(options.publicOrigin)} must be an origin such as https://www.example.com`);
  }
  const table = buildAllowList(options.allow);
  const hosts = new UploadHosts(apiBase, options.uploadOrigins);
  const tickets = new UploadTickets({secret: options.ticketSecret, apiBase, lifetimeMs: options.ticketLifetimeMs ?? 24 * 3600_000});
  const storageTickets = new UploadTickets({secret: options.ticketSecret, apiBase, lifetimeMs: STORAGE_TICKET_LIFETIME_MS, purpose: 'storage'});
  const readable = options.readableFileIDs ?? 'uploaded';
  const maxJsonBytes = options.maxJsonBytes ?? 64 * 1024;
  const crossSiteOrigins = options.crossSiteOrigins ?? [];
  const doFetch = options.fetch ?? createUpstreamFetch(options.upstreamTimeouts, options.upstreamAgents);
  const readableFiles = new ReadableFiles();

  /** A drive entry's detail as 123pan gives it to the proxy's own token: how the drive pin learns what a folder is in. */
  const driveDetail = async (fileID: string, signal: AbortSignal): Promise<FolderDetail | undefined> => {
    for (let attempt = 0; ; attempt++) {
      const token = await broker.getToken(signal);
      await options.limiter?.acquire('/api/v1/file/detail', signal);
      let text: string;
      let status: number;
      try {
        const answer = await doFetch(`${apiBase}/api/v1/file/detail?fileID=${fileID}`, {headers: {authorization: `Bearer ${token.accessToken}`, platform: 'open_platform'}, redirect: 'manual', signal});
        status = answer.status;
        text = await readCapped(answer.body, MAX_JSON_RESPONSE_BYTES, 'the folder detail');
      } catch (error) {
        if (signal.aborted) throw error;
        throw refuse(`folder ${fileID}: 123pan could not be reached to check it is inside the pinned folder`, 502, ProxyCode.BAD_GATEWAY);
      }
      let envelope: PanEnvelope<FolderDetail | null> | undefined;
      try {
        envelope = JSON.parse(text) as typeof envelope;
      } catch {
        envelope = undefined;
      }
      if ((status === 401 || envelope?.code === 401) && attempt === 0) {
        await broker.refresh(token.accessToken, signal);
        continue;
      }
      if (envelope?.code === 0 && envelope.data) return envelope.data;
      // 123pan's "file does not exist": no folder there to upload into.
      if (envelope?.code === 5066) return undefined;
      // Anything else tells nothing either way: the page may send again.
      throw refuse(`folder ${fileID}: 123pan did not say whether it is inside the pinned folder (${envelope ? `code ${envelope.code}: ${envelope.message}` : `HTTP ${status}`})`, 502, ProxyCode.BAD_GATEWAY);
    }
  };
  const drivePin = pins.drive === undefined ? undefined : new DriveFolderPin(pins.drive, driveDetail);

  const pinRefusal = (kind: FolderKind, field: string, value: unknown): string | undefined => {
    const pinned = pins[kind];
    if (pinned === undefined) return undefined;
    if (value !== undefined && value !== null && String(value) === String(pinned)) return undefined;
    if (kind === 'drive' && drivePin?.holds(value)) return undefined;
    return `${field} ${value === undefined ? 'is missing' : JSON.stringify(value)}: this server only uploads into ${kind} folder ${JSON.stringify(pinned)}${kind === 'drive' ? ' and the folders inside it' : ''}`;
  };
  /** The drive pin learns whether the folder a request names is inside it; the synchronous check then decides. */
  const learnPin = (kind: FolderKind, value: unknown, signal: AbortSignal): Promise<void> =>
    kind === 'drive' && drivePin ? drivePin.learn(value, signal) : Promise.resolve();

  /** Which rule and which upstream URL (no query yet) a request maps to, or a refusal. */
  const route = async (method: string, rest: string): Promise<{rule: EndpointRule; target: string}> => {
    const upload = /^\/__upload\/([^/]+)(\/.*)$/.exec(rest);
    if (upload) {
      const origin = await tickets.open(upload[1]!);
      // A ticket of this deployment, for a host it still accepts.
      if (!origin || hosts.resolve(origin) !== origin) throw refuse('this upload server was not handed out by this proxy, or its address has expired');
      const rule = table.get(ruleKey(method, upload[2]!));
      if (!rule || rule.host !== 'upload') throw refuse(`${method} ${upload[2]} is not an upload-server endpoint this proxy forwards`);
      return {rule, target: `${origin}${upload[2]}`};
    }
    const rule = table.get(ruleKey(method, rest));
    if (!rule) throw refuse(`${method} ${rest} is not on this proxy's allow-list (upload endpoints only)`);
    if (rule.host !== 'api') throw refuse(`${method} ${rest} goes to an upload server: use the address from create/domain`);
    return {rule, target: `${apiBase}${rest}`};
  };

  /** Replaces upload servers in an answer with tickets to this proxy; servers the token must not reach are left out. */
  const rewriteServers = async (list: unknown, path: string): Promise<string[]> => {
    const out: string[] = [];
    for (const server of Array.isArray(list) ? list : [list]) {
      const origin = typeof server === 'string' ? hosts.resolve(server) : undefined;
      if (origin) out.push(`${publicOrigin ?? ''}${prefix}/__upload/${await tickets.issue(origin)}`);
    }
    if (out.length === 0) throw refuse(`${path}: 123pan named no upload server this proxy may send the token to (see uploadOrigins)`, 502, ProxyCode.BAD_GATEWAY);
    return out;
  };

  /** The relay address for a presigned URL from 123pan, or undefined when it is no http(s) URL. */
  const relayURL = async (presignedURL: unknown): Promise<string | undefined> => {
    if (typeof presignedURL !== 'string' || /[\r\n]/.test(presignedURL) || !URL.canParse(presignedURL)) return undefined;
    const {protocol} = new URL(presignedURL);
    if (protocol !== 'https:' && protocol !== 'http:') return undefined;
    return `${publicOrigin ?? ''}${prefix}/__storage/${await storageTickets.issue(presignedURL)}`;
  };

  /**
   * The storage relay: a presigned PUT the page could not send itself (storage refuses browsers), sent
   * on as it streams in. Only to a URL this deployment signed in a get_upload_url answer; no token goes with it.
   */
  const relay = async (request: Request, method: string, ticket: string): Promise<Response> => {
    if (method !== 'PUT') throw refuse(`${method} ${prefix}/__storage/…: the storage relay only takes PUT`, 405, ProxyCode.METHOD_NOT_ALLOWED);
    const target = await storageTickets.open(ticket);
    if (!target) throw refuse('this storage address was not handed out by this proxy, or it has expired');
    const headers = new Headers();
    const length = request.headers.get('content-length');
    if (length) headers.set('content-length', length);
    const type = request.headers.get('content-type');
    if (type) headers.set('content-type', type);
    let upstream: Response;
    try {
      upstream = await doFetch(target, {method: 'PUT', headers, body: request.body, redirect: 'manual', signal: request.signal, duplex: 'half'} as RequestInit);
    } catch (error) {
      if (request.signal.aborted) throw error;
      if (findCause(error, UpstreamTimeoutError)) throw refuse('storage did not answer in time', 504, ProxyCode.GATEWAY_TIMEOUT);
      throw refuse('storage could not be reached', 502, ProxyCode.BAD_GATEWAY);
    }
    const out = new Headers();
    upstream.headers.forEach((value, name) => {
      if (!DROPPED_RESPONSE_HEADERS.has(name)) out.set(name, value);
    });
    out.set('cache-control', 'no-store');
    return new Response(upstream.body, {status: upstream.status, headers: out});
  };

  const forward = async (request: Request, raw: IncomingMessage | Request): Promise<Response> => {
    const url = new URL(request.url);
    if (url.pathname !== prefix && !url.pathname.startsWith(`${prefix}/`)) {
      throw refuse(`${url.pathname} is not under ${prefix}`, 404, ProxyCode.NOT_FOUND);
    }
    const crossSite = crossSiteRefusal(request.headers, new URL(publicOrigin ?? request.url).host, crossSiteOrigins);
    if (crossSite) throw refuse(crossSite);
    const allowed = options.authorize ? await options.authorize(raw) : true;
    if (!allowed) throw refuse('not authorized to upload');
    const method = request.method.toUpperCase();
    const storage = /^\/__storage\/([^/]+)$/.exec(url.pathname.slice(prefix.length));
    if (storage) return relay(request, method, storage[1]!);
    const {rule, target} = await route(method, url.pathname.slice(prefix.length));

    // Who this visitor is, for the fileIDs they may read: authorize's name, else the proxy's cookies (each
    // id the page holds; a new upload is recorded under the first).
    const visitors = typeof allowed === 'string' ? [`authorize:${allowed}`] : visitorsFromCookie(request.headers.get('cookie')).map((id) => `cookie:${id}`);
    let visitor = visitors[0];

    // POST endpoints take no query; GET ones only the keys they name (all of them for `allow` extras).
    let upstreamTarget = target;
    if (method === 'GET' && rule.fields) {
      const query = checkedQuery(url, rule);
      if (rule.readsFileID && readable === 'uploaded') {
        const fileID = query.get(rule.readsFileID);
        if (fileID === null) throw refuse(`${rule.path}: give ${rule.readsFileID} exactly once`, 400, ProxyCode.BAD_REQUEST);
        if (!visitors.some((v) => readableFiles.has(v, fileID))) throw refuse(`${rule.readsFileID}=${JSON.stringify(fileID)} was not uploaded through this proxy by this visitor; only those can be read`);
      }
      if (rule.pin?.body === 'query') {
        await learnPin(rule.pin.kind, query.get(rule.pin.field) ?? undefined, request.signal);
        const refusal = pinRefusal(rule.pin.kind, rule.pin.field, query.get(rule.pin.field) ?? undefined);
        if (refusal) throw refuse(`${rule.path}: ${refusal}`);
      }
      if (rule.findsStored && !query.get('searchData')) throw refuse(`${rule.path}: give searchData (the name looked for)`, 400, ProxyCode.BAD_REQUEST);
      if (query.size > 0) upstreamTarget = `${target}?${query}`;
    } else if (method === 'GET') {
      upstreamTarget = `${target}${url.search}`;
    }

    // JSON bodies are small: buffer them (checks, replay after a 401). Multipart bodies stream.
    let body: string | ReadableStream<Uint8Array> | null = null;
    let contentType: string | undefined;
    let replayable = true;
    let formRefusal = (): MultipartFieldError | undefined => undefined;
    if (method !== 'GET' && method !== 'HEAD') {
      if (rule.host === 'api') {
        // What keeps other sites' pages out: a page cannot send application/json elsewhere without a
        // preflight. A request no browser page sent (neither Origin nor Sec-Fetch-Site: a server, curl)
        // cannot carry a visitor's cookies against their will, and is read as JSON whatever it says.
        const fromPage = request.headers.has('origin') || request.headers.has('sec-fetch-site');
        if (fromPage && !isJsonType(request.headers.get('content-type'))) {
          throw refuse(`${rule.path}: the request body must be sent as Content-Type: application/json`, 415, ProxyCode.UNSUPPORTED_MEDIA_TYPE);
        }
        const text = await readCapped(request.body, maxJsonBytes, `${rule.path}: the request body`);
        const pin = rule.pin;
        // The field as a plain parse reads it, only for the pin to learn about it: checkedJson decides.
        if (pin && pins[pin.kind] !== undefined) await learnPin(pin.kind, looseField(text, pin.field), request.signal);
        try {
          body = checkedJson(text, rule, pin && pins[pin.kind] !== undefined ? (value) => pinRefusal(pin.kind, pin.field, value) : undefined);
        } catch (error) {
          if (error instanceof JsonBodyError) throw refuse(`${rule.path}: ${error.message}`, error.status, error.status === 400 ? ProxyCode.BAD_REQUEST : ProxyCode.FORBIDDEN);
          throw error;
        }
        contentType = 'application/json';
      } else {
        const form = formBoundary(request.headers.get('content-type'));
        if ('refusal' in form) throw refuse(`${rule.path}: ${form.refusal}`, 400, ProxyCode.BAD_REQUEST);
        contentType = `multipart/form-data; boundary=${form.boundary}`;
        body = request.body;
        replayable = false;
        if (body && rule.file) {
          const pin = rule.pin && pins[rule.pin.kind] !== undefined ? rule.pin : undefined;
          const checked = body.pipeThrough(
            checkedForm(form.boundary, {
              fields: rule.fields ?? [],
              file: rule.file,
              pin: pin && {
                field: pin.field,
                check: (value) => pinRefusal(pin.kind, pin.field, value) && learnPin(pin.kind, value, request.signal).then(() => pinRefusal(pin.kind, pin.field, value)),
              },
            }),
          );
          try {
            const started = await startChecked(checked);
            body = started.body;
            formRefusal = started.refusal;
          } catch (error) {
            throw fieldRefusal(rule, error) ?? error;
          }
        }
      }
    }

    const send = async (token: BrokerToken): Promise<Response> => {
      await options.limiter?.acquire(rule.path, request.signal);
      const headers = new Headers({authorization: `Bearer ${token.accessToken}`, platform: 'open_platform'});
      if (contentType) headers.set('content-type', contentType);
      const accept = request.headers.get('accept');
      if (accept) headers.set('accept', accept);
      // An untouched streamed body keeps its length; a checked one is rebuilt, so it goes chunked.
      const length = request.headers.get('content-length');
      if (length && body !== null && body === request.body) headers.set('content-length', length);
      return doFetch(upstreamTarget, {method, headers, body, redirect: 'manual', signal: request.signal, duplex: 'half'} as RequestInit);
    };

    let token = await broker.getToken(request.signal);
    // A limited call that still met 123pan's limit (it arrived early: network jitter) waits for a new turn.
    let rateRetries = options.limiter?.limits(rule.path) && replayable ? 2 : 0;
    for (let attempt = 0; ; attempt++) {
      let upstream: Response;
      try {
        upstream = await send(token);
      } catch (error) {
        const refused = fieldRefusal(rule, error) ?? fieldRefusal(rule, formRefusal());
        if (refused) throw refused;
        if (request.signal.aborted) throw error;
        if (findCause(error, UpstreamTimeoutError)) throw refuse(`${rule.path}: 123pan did not answer in time`, 504, ProxyCode.GATEWAY_TIMEOUT);
        if (rule.host === 'upload' && target.startsWith('https:')) {
          // 123pan may name its upload servers over plain http: the token only ever goes over https.
          throw refuse(`${rule.path}: the upload server ${new URL(target).origin} could not be reached over https (the token is never sent over plain http, even where 123pan names an http:// server)`, 502, ProxyCode.BAD_GATEWAY);
        }
        throw refuse(`${rule.path}: 123pan could not be reached`, 502, ProxyCode.BAD_GATEWAY);
      }
      const late = fieldRefusal(rule, formRefusal());
      if (late) {
        await upstream.body?.cancel().catch(() => undefined);
        throw late;
      }
      const type = upstream.headers.get('content-type') ?? '';
      const length = Number(upstream.headers.get('content-length') ?? 0);
      const headers = new Headers();
      upstream.headers.forEach((value, name) => {
        if (!DROPPED_RESPONSE_HEADERS.has(name)) headers.set(name, value);
      });
      headers.set('cache-control', 'no-store');

      if (!/json/i.test(type) || length > MAX_JSON_RESPONSE_BYTES) {
        if (upstream.status === 401 && attempt === 0) await broker.refresh(token.accessToken).catch(() => undefined);
        return new Response(upstream.body, {status: upstream.status, headers});
      }
      const text = await readCapped(upstream.body, MAX_JSON_RESPONSE_BYTES, `${rule.path}: the answer`);
      let envelope: PanEnvelope<Record<string, unknown> | unknown[] | null> | undefined;
      try {
        envelope = JSON.parse(text) as typeof envelope;
      } catch {
        envelope = undefined;
      }
      // One refresh per request: a token refused again is 123pan's answer, not a reason to mint again.
      // The broker decides whether to mint (it keeps a young token: no storm); the call is sent once more either way.
      if ((upstream.status === 401 || envelope?.code === 401) && attempt === 0) {
        token = await broker.refresh(token.accessToken, request.signal);
        if (replayable) continue;
        // The body is gone; the browser re-sends it.
        throw new PanServerError(503, ProxyCode.RETRY, `pan-uploader proxy: ${rule.path}: 123pan refused the server's access token; send again`, {traceID: envelope?.['x-traceID'] || proxyTraceID()});
      }
      if ((upstream.status === 429 || envelope?.code === 429) && rateRetries > 0) {
        rateRetries--;
        continue;
      }
      if (envelope && envelope.code === 0 && envelope.data && typeof envelope.data === 'object') {
        const data = envelope.data as Record<string, unknown>;
        if (rule.rewrite === 'servers' && 'servers' in data) data.servers = await rewriteServers(data.servers, rule.path);
        if (rule.rewrite === 'domain') envelope.data = await rewriteServers(envelope.data, rule.path);
        if (rule.rewrite === 'presigned') {
          const relayed = await relayURL(data.presignedURL);
          if (relayed) data.relayURL = relayed;
        }
        // A folder made under the pin is inside it: files may go there without asking 123pan.
        if (rule.makesFolder && data.dirID !== undefined) drivePin?.remember(data.dirID);
        if (rule.findsStored && readable === 'uploaded' && Array.isArray(data.fileList)) {
          // Only the names the visitor already knows the start of, not the folder's other files.
          const searched = url.searchParams.get('searchData') ?? '';
          data.fileList = data.fileList.filter((f) => typeof f?.filename === 'string' && f.filename.startsWith(searched));
        }
        if (rule.yieldsFileID && readable === 'uploaded' && data.fileID) {
          if (!visitor) {
            const fresh = newVisitor(prefix, (publicOrigin ?? request.url).startsWith('https:'));
            visitor = `cookie:${fresh.id}`;
            headers.append('set-cookie', fresh.cookie);
          }
          readableFiles.add(visitor, data.fileID);
        }
        return Response.json(envelope, {status: upstream.status, headers});
      }
      return new Response(text, {status: upstream.status, headers});
    }
  };

  const fetchForm = (request: Request): Promise<Response> =>
    forward(request, request).catch((error: unknown) => (findCause(error, PanServerError) ? errorResponse(findCause(error, PanServerError)!) : toErrorResponse(error)));

  return {
    fetch: fetchForm,
    handle: toNodeHandler(prefix, (request, raw) => forward(request, raw), publicOrigin),
  };
}
