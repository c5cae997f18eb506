/**
 * A Transport that answers from a script instead of the network, and records every request in order:
 * the engine's tests say what 123pan answers and check what was asked, with no msw and no browser.
 */
import type {RawResponse} from '../../../src/api/errors.ts';
import type {SendRequest, Transport} from '../../../src/api/transport.ts';

export interface SeenRequest {
  method: string;
  /** Origin + path, without the query. */
  url: string;
  /** The path alone: '/upload/v2/file/create'. */
  path: string;
  query: Record<string, string>;
  headers: Record<string, string>;
  /** Parsed JSON, or a multipart form's text fields (file fields as their size). */
  body: Record<string, unknown>;
  signal?: AbortSignal;
}

type Answer = RawResponse | Promise<RawResponse>;
type Handler = (request: SeenRequest) => Answer;

export const ok = (data: unknown = null): RawResponse => envelope(0, 'ok', data);

export function envelope(code: number, message: string, data: unknown = null, status = 200): RawResponse {
  return {status, text: JSON.stringify({code, message, data, 'x-traceID': `trace-${code}`}), contentType: 'application/json', retryAfter: null};
}

export const httpStatus = (status: number, text = ''): RawResponse => ({status, text, contentType: 'text/plain', retryAfter: null});

export class ScriptedTransport implements Transport {
  readonly requests: SeenRequest[] = [];
  private readonly routes: {method: string; path: string; handler: Handler; times: number}[] = [];

  /** Answers `method path` with `handler`; `times` limits it to the next N matches, after which earlier-added routes with the same key (or later ones) answer. */
  on(method: string, path: string, handler: Handler | RawResponse, times = Infinity): this {
    this.routes.unshift({method, path, handler: typeof handler === 'function' ? handler : () => handler, times});
    return this;
  }

  /** The paths asked for, in order: 'POST /upload/v2/file/create'. */
  get log(): string[] {
    return this.requests.map((r) => `${r.method} ${r.path}`);
  }

  count(path: string): number {
    return this.requests.filter((r) => r.path === path).length;
  }

  async send(request: SendRequest): Promise<RawResponse> {
    request.signal?.throwIfAborted();
    const parsed = new URL(request.url);
    const seen: SeenRequest = {
      method: request.method,
      url: `${parsed.origin}${parsed.pathname}`,
      path: parsed.pathname,
      query: Object.fromEntries(parsed.searchParams),
      headers: request.headers,
      body: await bodyOf(request.body),
      signal: request.signal,
    };
    this.requests.push(seen);
    const route = this.routes.find((r) => r.times > 0 && r.method === seen.method && (r.path === seen.path || r.path === seen.url));
    if (!route) return envelope(404, `no script for ${seen.method} ${seen.url}`, null, 404);
    route.times--;
    const answer = await abortable(Promise.resolve(route.handler(seen)), request.signal);
    // Like a real transport: the whole body was sent once a 2xx comes back.
    if (request.onProgress && answer.status < 300) request.onProgress(sizeOf(request.body));
    return answer;
  }
}

/** A request that never answers until `release()`; an abort ends it the way a real one ends. */
export function held(): {handler: Handler; arrived: Promise<SeenRequest>; release: (answer: RawResponse) => void} {
  let release!: (answer: RawResponse) => void;
  let arrive!: (request: SeenRequest) => void;
  const answer = new Promise<RawResponse>((resolve) => (release = resolve));
  const arrived = new Promise<SeenRequest>((resolve) => (arrive = resolve));
  return {
    handler: (request) => {
      arrive(request);
      return answer;
    },
    arrived,
    release,
  };
}

function abortable<T>(answer: Promise<T>, signal?: AbortSignal): Promise<T> {
  if (!signal) return answer;
  return new Promise((resolve, reject) => {
    const onAbort = () => reject(Object.assign(new Error('aborted'), {name: 'AbortError'}));
    signal.addEventListener('abort', onAbort, {once: true});
    answer.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function bodyOf(body: BodyInit | null | undefined): Promise<Record<string, unknown>> {
  if (typeof body === 'string') return JSON.parse(body) as Record<string, unknown>;
  if (body instanceof FormData) {
    const fields: Record<string, unknown> = {};
    for (const [name, value] of body) fields[name] = typeof value === 'string' ? value : value.size;
    return fields;
  }
  if (body instanceof Blob) return {size: body.size};
  return {};
}

function sizeOf(body: BodyInit | null | undefined): number {
  if (body instanceof Blob) return body.size;
  if (body instanceof FormData) {
    let size = 0;
    for (const [, value] of body) if (typeof value !== 'string') size += value.size;
    return size;
  }
  return 0;
}
