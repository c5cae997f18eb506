/**
 * createEmulator: the routes wrapped in what every 123pan answer goes through — the request log,
 * injected faults, QPS limits, token and Platform checks, CORS and the envelope — as msw handlers.
 */
import {HttpHandler, type RequestHandler} from 'msw';
import {ApiError, Code} from './codes.ts';
import {ossTaskRoutes} from './oss-tasks.ts';
import {type Ctx, type OriginName, type Route, routes, s3Error} from './routes.ts';
import {type Settings, State, randomString} from './state.ts';
import {MemoryBlobStore} from './store.ts';
import type {Emulator, EmulatorOptions, Fault, RequestLogEntry, StoredFile, StoredFolder} from './types.ts';

const DAY = 24 * 3600_000;

const DEFAULTS: Settings = {
  apiOrigin: 'https://open-api.123pan.com',
  uploadOrigin: 'https://openapi-upload.123pan.com',
  storageOrigin: 'https://storage.123pan.example',
  sliceSize: 16 * 1024 * 1024,
  ossSliceSize: 100 * 1024 * 1024,
  completePolls: 0,
  minPollIntervalMs: 1000,
  tokenLifetimeMs: 30 * DAY,
  maxTokens: 3,
  clientID: 'test-client',
  clientSecret: 'test-secret',
  qps: {},
  limits: 'free',
  serverScheme: 'https',
  ossTaskMs: 2000,
  cors: {api: 'none', upload: 'none', storage: 'none'},
  singleDomain: '',
  serverHost: '',
  retiredHosts: [],
  reviewRejects: [],
};

/**
 * 123pan's published QPS per account (API-NOTES: the 开发须知 table, and for the upload endpoints the
 * figures a sync tool's backend takes from 123pan support). Endpoints the tables leave out are as the
 * older tables give them (get_upload_url and list_upload_parts 20, upload_async_result 5).
 */
const CREATE = ['/upload/v2/file/create', '/upload/v1/file/create', '/upload/v1/oss/file/create'];
const COMPLETE = ['/upload/v2/file/upload_complete', '/upload/v1/file/upload_complete', '/upload/v1/oss/file/upload_complete'];
function tier(create: number, complete: number, mkdir: number, token: number, download: number, list2: number, list1: number, move: number, del: number): Record<string, number> {
  const table: Record<string, number> = {
    '/api/v1/access_token': token,
    '/upload/v1/file/mkdir': mkdir,
    '/upload/v1/oss/file/mkdir': mkdir,
    '/api/v1/file/download_info': download,
    '/api/v2/file/list': list2,
    '/api/v1/file/list': list1,
    '/api/v1/file/move': move,
    '/api/v1/file/delete': del,
    '/api/v1/user/info': 10,
    '/upload/v1/file/get_upload_url': 20,
    '/upload/v1/oss/file/get_upload_url': 20,
    '/upload/v1/file/list_upload_parts': 20,
    '/upload/v1/oss/file/list_upload_parts': 20,
    '/upload/v1/file/upload_async_result': 5,
    '/upload/v1/oss/file/upload_async_result': 5,
  };
  for (const path of CREATE) table[path] = create;
  for (const path of COMPLETE) table[path] = complete;
  return table;
}
const TIERS: Record<Settings['limits'], Record<string, number>> = {
  free: tier(1, 5, 5, 8, 2, 5, 0.2, 3, 1),
  vip: tier(20, 20, 20, 10, 20, 10, 10, 10, 10),
  none: {},
};

const ALLOW_HEADERS = 'Authorization, Platform, Content-Type, Content-MD5, X-Requested-With';

function checkOptions(patch: Partial<EmulatorOptions>): void {
  for (const key of ['sliceSize', 'ossSliceSize'] as const) {
    const v = patch[key];
    if (v !== undefined && !(Number.isSafeInteger(v) && v > 0)) throw new TypeError(`emulator option ${key} must be a positive integer, got ${v}`);
  }
  if (patch.limits !== undefined && !(patch.limits in TIERS)) throw new TypeError(`emulator option limits must be 'free', 'vip' or 'none', got "${patch.limits}"`);
  if (patch.maxTokens !== undefined && !(Number.isSafeInteger(patch.maxTokens) && patch.maxTokens > 0)) {
    throw new TypeError(`emulator option maxTokens must be a positive integer, got ${patch.maxTokens}`);
  }
  for (const key of ['retiredHosts', 'reviewRejects'] as const) {
    const v = patch[key];
    if (v !== undefined && !(Array.isArray(v) && v.every((x) => typeof x === 'string'))) throw new TypeError(`emulator option ${key} must be an array of strings`);
  }
  for (const key of ['completePolls', 'minPollIntervalMs', 'tokenLifetimeMs', 'ossTaskMs'] as const) {
    const v = patch[key];
    if (v !== undefined && !(typeof v === 'number' && v >= 0)) throw new TypeError(`emulator option ${key} must be a number >= 0, got ${v}`);
  }
  for (const key of ['apiOrigin', 'uploadOrigin', 'storageOrigin'] as const) {
    const v = patch[key];
    if (v !== undefined && new URL(v).origin !== v) throw new TypeError(`emulator option ${key} must be an origin like https://host[:port], got "${v}"`);
  }
  const {cors} = patch;
  if (cors !== undefined) {
    const policies = typeof cors === 'string' ? [cors] : Object.entries(cors).map(([origin, policy]) => {
      if (!['api', 'upload', 'storage'].includes(origin)) throw new TypeError(`emulator option cors names api, upload and storage, got "${origin}"`);
      return policy;
    });
    for (const policy of policies) if (policy !== 'all' && policy !== 'none') throw new TypeError(`emulator option cors must be 'all' or 'none', got "${policy}"`);
  }
  if (patch.serverScheme !== undefined && !['https', 'http', 'none'].includes(patch.serverScheme)) {
    throw new TypeError(`emulator option serverScheme must be 'https', 'http' or 'none', got "${patch.serverScheme}"`);
  }
}

/** '2025-03-23T15:48:37+08:00', as 123pan writes expiredAt. */
function isoChina(ms: number): string {
  return `${new Date(ms + 8 * 3600_000).toISOString().slice(0, 19)}+08:00`;
}

const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const timer = setTimeout(done, ms);
    function done() {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    }
    signal?.addEventListener('abort', done, {once: true});
  });

export function createEmulator(options: EmulatorOptions = {}): Emulator {
  const {store = new MemoryBlobStore(), ...rest} = options;
  checkOptions(rest);
  const settings: Settings = {...DEFAULTS, cors: {...DEFAULTS.cors}};
  let schemeExplicit = false;
  const requests: RequestLogEntry[] = [];
  let faults: {fault: Fault; remaining: number}[] = [];
  const hits = new Map<string, number[]>();
  const state = new State(settings, store);

  function configure(patch: Partial<EmulatorOptions>): void {
    const {store: newStore, cors, ...values} = patch;
    checkOptions({...values, cors});
    for (const [key, value] of Object.entries(values)) if (value !== undefined) (settings as Record<string, unknown>)[key] = value;
    if (cors !== undefined) {
      settings.cors = typeof cors === 'string' ? {api: cors, upload: cors, storage: cors} : {...settings.cors, ...cors};
    }
    if (values.serverScheme !== undefined) schemeExplicit = true;
    if (!schemeExplicit) settings.serverScheme = settings.uploadOrigin.startsWith('http:') ? 'http' : 'https';
    if (newStore) state.store = newStore;
  }
  configure(rest);

  function issueToken(lifetimeMs = settings.tokenLifetimeMs) {
    const expires = Date.now() + lifetimeMs;
    const accessToken = `emu.${randomString(48)}`;
    // At most maxTokens live per client ID: a new one logs the oldest live one out (Map order is minting order).
    const live = [...state.tokens].filter(([, until]) => until > Date.now()).map(([token]) => token);
    for (const token of live.slice(0, Math.max(0, live.length - settings.maxTokens + 1))) state.tokens.delete(token);
    state.tokens.set(accessToken, expires);
    return {accessToken, expiredAt: isoChina(expires)};
  }

  function originOf(url: URL): OriginName | 'retired' | undefined {
    if (url.origin === settings.apiOrigin) return 'api';
    if (settings.retiredHosts.includes(url.host)) return 'retired';
    // The upload servers answer on either scheme: `servers` may come back as plain http.
    if ((url.host === new URL(settings.uploadOrigin).host || url.host === singleDomainHost()) && url.origin !== settings.apiOrigin) return 'upload';
    if (url.origin === settings.storageOrigin) return 'storage';
    return undefined;
  }

  function singleDomainHost(): string | undefined {
    const domain = settings.singleDomain;
    if (!domain) return undefined;
    return domain.includes('://') ? new URL(domain).host : domain;
  }

  function match(route: Route, url: URL): string[] | undefined {
    if (originOf(url) !== route.origin) return undefined;
    if (typeof route.path === 'string') return url.pathname === route.path ? [] : undefined;
    const m = route.path.exec(url.pathname);
    return m ? m.slice(1) : undefined;
  }

  /** `whenOk`: the faults kept for a request that succeeded, taken once it has. */
  function takeFault(path: string, whenOk = false): Fault | undefined {
    for (const entry of faults) {
      if (!pathMatches(entry.fault.path, path) || entry.remaining <= 0 || Boolean(entry.fault.whenOk) !== whenOk) continue;
      if (Math.random() >= (entry.fault.rate ?? 1)) continue;
      entry.remaining--;
      return entry.fault;
    }
    return undefined;
  }

  /** Paths, prefixes ending in '*' and '*' itself, as faults match them. */
  const pathMatches = (pattern: string, path: string) =>
    pattern === '*' || pattern === path || (pattern.endsWith('*') && path.startsWith(pattern.slice(0, -1)));

  function checkQps(path: string): void {
    // A prefix key ('/presigned/*') is one bucket shared by every path under it.
    // One account: every token of it shares these counts, as 123pan counts per account, not per connection.
    const table = {...TIERS[settings.limits], ...settings.qps};
    const key = path in table ? path : Object.keys(table).find((k) => k.endsWith('*') && pathMatches(k, path));
    if (key === undefined) return;
    const limit = table[key];
    if (limit === Infinity) return;
    const windowMs = 1000 * Math.max(1, 1 / limit);
    const allowed = Math.max(1, Math.floor(limit));
    const now = Date.now();
    const recent = (hits.get(key) ?? []).filter((t) => now - t < windowMs);
    if (recent.length >= allowed) {
      hits.set(key, recent);
      throw new ApiError(Code.TOO_MANY_REQUESTS, `too many requests: ${key} allows ${limit} per second`);
    }
    recent.push(now);
    hits.set(key, recent);
  }

  function checkAuth(request: Request, auth: Route['auth']): void {
    if (auth === 'none') return;
    if (auth === 'token') {
      const header = request.headers.get('authorization');
      if (!header) throw new ApiError(Code.UNAUTHORIZED, 'the Authorization header is missing: send "Authorization: Bearer <accessToken>"');
      const bearer = /^Bearer (\S+)$/.exec(header);
      if (!bearer) throw new ApiError(Code.UNAUTHORIZED, 'the Authorization header must be "Bearer <accessToken>"');
      const expires = state.tokens.get(bearer[1]);
      if (expires === undefined) throw new ApiError(Code.UNAUTHORIZED, 'access token is invalid');
      if (expires <= Date.now()) throw new ApiError(Code.UNAUTHORIZED, 'access token has expired');
    }
    // 123pan answers a missing Platform with code 1, the code it also uses for passing internal errors.
    const platform = request.headers.get('platform');
    if (platform === null) throw new ApiError(Code.INTERNAL, 'Please include the platform field in the request header (Platform: open_platform)');
    if (platform !== 'open_platform') throw new ApiError(Code.BAD_PARAM, `the Platform header must be "open_platform", got "${platform}"`);
  }

  function envelope(code: number, message: string, data: unknown, status = 200): Response {
    const body = {code, message, data, 'x-traceID': `${crypto.randomUUID()}_emulator`};
    return new Response(JSON.stringify(body), {status, headers: {'Content-Type': 'application/json; charset=utf-8'}});
  }

  /**
   * The page a request comes from, when a browser sent it: its Origin header, or in the page itself
   * (msw's worker), the page's own origin, since every emulated origin is another one.
   */
  function pageOrigin(request: Request): string | undefined {
    const header = request.headers.get('origin');
    if (header) return header;
    return typeof document !== 'undefined' ? globalThis.location?.origin : undefined;
  }

  /** A request from another origin's page that this origin's CORS policy keeps out. */
  function corsRefused(request: Request, url: URL): boolean {
    const origin = originOf(url);
    // A no-cors request (an <img>, a probe) is never held to CORS; its answer stays opaque to the page.
    if (!origin || origin === 'retired' || settings.cors[origin] === 'all' || request.mode === 'no-cors') return false;
    const page = pageOrigin(request);
    return page !== undefined && page !== url.origin;
  }

  function withCors(response: Response, request: Request, preflight = false): Response {
    // Without CORS headers the browser keeps the answer from the page (the server may still have acted).
    if (corsRefused(request, new URL(request.url))) return response;
    const h = response.headers;
    h.set('Access-Control-Allow-Origin', request.headers.get('origin') ?? '*');
    h.append('Vary', 'Origin');
    h.set('Access-Control-Expose-Headers', 'ETag, Content-Length, Retry-After');
    if (preflight) {
      h.set('Access-Control-Allow-Methods', 'GET, POST, PUT, OPTIONS');
      h.set('Access-Control-Allow-Headers', ALLOW_HEADERS);
      h.set('Access-Control-Max-Age', '600');
    }
    return response;
  }

  async function serve(request: Request, route: Route | undefined, params: string[]): Promise<Response> {
    const url = new URL(request.url);
    const time = Date.now();
    const log = (status: number, code: number | undefined, aborted = request.signal.aborted) =>
      requests.push({method: request.method, url: request.url, path: url.pathname, time, ended: Date.now(), aborted, status, code, token: request.headers.has('authorization')});
    const finish = (response: Response, code?: number) => {
      log(response.type === 'error' ? 0 : response.status, code);
      return response;
    };
    // A retired domain no longer resolves: the request goes unanswered, preflight included.
    if (originOf(url) === 'retired') return finish(Response.error());
    if (request.method === 'OPTIONS') {
      if (corsRefused(request, url)) return finish(new Response('preflight refused: this origin does not allow browser pages', {status: 403, headers: {'Content-Type': 'text/plain'}}));
      return finish(withCors(new Response(null, {status: 204}), request, true));
    }
    // In the page, a request the browser would not let through (its preflight refused, or its answer
    // kept from the page) is a network error; it is logged with status 0.
    if (typeof document !== 'undefined' && corsRefused(request, url)) return finish(Response.error());

    let resetAfter = false;
    let cutAfter = false;
    const fault = takeFault(url.pathname);
    const storage = originOf(url) === 'storage';
    // On storage, envelope faults come back as S3 would fail: never as HTTP 200.
    if (storage && (fault?.kind === 'code1' || fault?.kind === '429' || fault?.kind === '401')) {
      const [status, s3code] = ({code1: [500, 'InternalError'], '429': [503, 'SlowDown'], '401': [403, 'AccessDenied']} as const)[fault.kind];
      return finish(withCors(s3Error(status, s3code, `injected fault ${fault.kind}`), request));
    }
    switch (fault?.kind) {
      case 'drop':
        return finish(Response.error());
      case 'http500':
        return finish(withCors(new Response('500 Internal Server Error', {status: 500, headers: {'Content-Type': 'text/plain'}}), request));
      case 'code1':
        return finish(withCors(envelope(Code.INTERNAL, fault.message ?? 'internal error', null), request), Code.INTERNAL);
      case '429':
        return finish(withCors(envelope(Code.TOO_MANY_REQUESTS, 'too many requests', null, 429), request), Code.TOO_MANY_REQUESTS);
      case '401':
        return finish(withCors(envelope(Code.UNAUTHORIZED, 'access token is invalid', null, 401), request), Code.UNAUTHORIZED);
      case 'slow':
        // A client that gives up during the stall is logged when it went, not when the stall would have ended.
        await sleep(fault.delayMs ?? 2000, request.signal);
        if (request.signal.aborted) return finish(Response.error());
        break;
      case 'reset':
        resetAfter = true;
        break;
      case 'cut':
        cutAfter = true;
        break;
    }

    let response: Response;
    let code: number | undefined;
    try {
      if (!route) throw new ApiError(Code.NO_ENDPOINT, `no endpoint ${request.method} ${url.pathname} on ${url.origin}`, 404);
      // A request refused for its token or Platform belongs to no account: it uses none of the account's allowance.
      checkAuth(request, route.auth);
      checkQps(url.pathname);
      await state.ossTasks.settle();
      const ctx: Ctx = {request, url, state, settings, params, issueToken};
      const data = await route.run(ctx);
      if (data instanceof Response) {
        response = data;
      } else {
        response = envelope(Code.OK, 'ok', data ?? null);
        code = Code.OK;
      }
    } catch (error) {
      if (error instanceof ApiError && storage) {
        // Storage answers like S3, never with an envelope a client could mistake for HTTP 200 success.
        response =
          error.code === Code.TOO_MANY_REQUESTS
            ? s3Error(503, 'SlowDown', error.message)
            : s3Error(error.httpStatus === 404 ? 404 : 400, error.httpStatus === 404 ? 'NoSuchKey' : 'InvalidRequest', error.message);
      } else if (error instanceof ApiError) {
        response = envelope(error.code, error.message, null, error.httpStatus);
        code = error.code;
      } else if (request.signal.aborted) {
        // The client went away mid-request (a cancelled upload): nobody is left to answer.
        return finish(Response.error());
      } else {
        console.error('[pan emulator]', error);
        response = envelope(Code.INTERNAL, `internal error: ${(error as Error)?.message ?? error}`, null);
        code = Code.INTERNAL;
      }
    }
    if (code === Code.OK && !fault) {
      const late = takeFault(url.pathname, true);
      resetAfter = late?.kind === 'reset';
      cutAfter = late?.kind === 'cut';
    }
    if (resetAfter) return finish(Response.error());
    if (cutAfter) {
      // The status line and headers went out, then the connection broke mid-answer: a browser cannot replay
      // such a request by itself (it may replay one closed before any byte of the answer, as a reset is).
      const head = new Uint8Array(await response.arrayBuffer()).slice(0, 8);
      const body = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(head);
        },
        async pull(controller) {
          await sleep(50); // the first bytes reach the client before the break
          controller.error(new Error('connection cut mid-answer'));
        },
      });
      const cut = withCors(new Response(body, {status: response.status, headers: response.headers}), request);
      log(0, code, false); // a connection cut mid-answer: no status reached the client
      return cut;
    }
    return finish(withCors(response, request), code);
  }

  const handlers: RequestHandler[] = [
    ...[...routes, ...ossTaskRoutes].map(
      (route) =>
        new HttpHandler(
          route.method,
          ({request}) => match(route, new URL(request.url)) !== undefined,
          ({request}) => serve(request, route, match(route, new URL(request.url)) ?? []),
        ),
    ),
    // Preflights and unknown paths on the three origins; other origins pass through untouched.
    new HttpHandler(/.*/, ({request}) => originOf(new URL(request.url)) !== undefined, ({request}) => serve(request, undefined, [])),
  ];

  const emulator: Emulator = {
    handlers,
    options: settings,
    configure,
    issueToken,
    expireTokens() {
      for (const token of state.tokens.keys()) state.tokens.set(token, 0);
    },
    fault(f) {
      if (!f || typeof f.path !== 'string') throw new TypeError('fault.path must be a string (a pathname, a prefix ending in *, or *)');
      const kinds = ['drop', 'http500', 'code1', '429', '401', 'slow', 'reset', 'cut'];
      if (!kinds.includes(f.kind)) throw new TypeError(`fault.kind must be one of ${kinds.join(', ')}, got "${f.kind}"`);
      if (f.rate !== undefined && !(f.rate >= 0 && f.rate <= 1)) throw new TypeError(`fault.rate must be 0..1, got ${f.rate}`);
      if (f.message !== undefined && (f.kind !== 'code1' || typeof f.message !== 'string')) throw new TypeError('fault.message is a string, for code1 faults only');
      if (f.whenOk !== undefined && (f.whenOk !== true || (f.kind !== 'reset' && f.kind !== 'cut'))) throw new TypeError('fault.whenOk is true, for reset and cut faults only');
      faults.push({fault: {...f}, remaining: f.times ?? Infinity});
    },
    clearFaults() {
      faults = [];
    },
    files(): StoredFile[] {
      return [...state.nodes.values()]
        .filter((n) => !n.dir)
        .map((n) => ({fileID: n.id, target: n.target, parentID: n.parentID, name: n.name, path: state.pathOf(n), size: n.size, md5: n.md5, createdAt: n.createdAt}));
    },
    folders(): StoredFolder[] {
      return [...state.nodes.values()].filter((n) => n.dir).map((n) => ({id: n.id, target: n.target, parentID: n.parentID, name: n.name}));
    },
    requests,
    addRemote(url, source) {
      state.ossTasks.addRemote(url, source);
    },
    get callbacks() {
      return state.ossTasks.callbacks;
    },
    reset() {
      requests.length = 0;
      faults = [];
      hits.clear();
      void state.clear();
    },
  };
  return emulator;
}
