import {expect} from 'chai';
import {delay, http, HttpResponse} from 'msw';
import {setupWorker} from 'msw/browser';
import {PanApiError, PanClient, type PanClientOptions} from '../../../src/api/index.ts';
import {xorshiftBytes} from '../../support/bytes.ts';

const API = 'https://open-api.123pan.com';
const UPLOAD = 'https://openapi-upload.test';
const STORAGE = 'https://storage.test';

const ok = (data: unknown = null, trace = 'trace-ok') => HttpResponse.json({code: 0, message: 'ok', data, 'x-traceID': trace});
const fail = (code: number, message: string, trace = 'trace-fail') => HttpResponse.json({code, message, data: null, 'x-traceID': trace});

interface Seen {
  path: string;
  at: number;
  authorization: string | null;
  platform: string | null;
}

const worker = setupWorker();
let seen: Seen[] = [];
const record = (request: Request) => {
  const entry = {
    path: new URL(request.url).pathname,
    at: performance.now(),
    authorization: request.headers.get('authorization'),
    platform: request.headers.get('platform'),
  };
  seen.push(entry);
  return entry;
};

/** Fast retries so failures resolve in test time; rate limits lifted unless a test sets them. */
const client = (options: PanClientOptions = {}) =>
  new PanClient({retryDelays: [20, 20, 20], rateLimits: {'/upload/v2/file/create': Infinity}, ...options});

const rejection = async (promise: Promise<unknown>): Promise<PanApiError> => {
  try {
    await promise;
  } catch (error) {
    expect(error).to.be.instanceOf(PanApiError);
    return error as PanApiError;
  }
  throw new Error('expected a rejection');
};

describe('PanClient', () => {
  before(() => worker.start({quiet: true, onUnhandledRequest: 'error'}));
  after(() => worker.stop());
  beforeEach(() => {
    seen = [];
  });
  afterEach(() => worker.resetHandlers());

  describe('JSON calls', () => {
    it('sends Platform but no Authorization without a hook, and returns data', async () => {
      worker.use(
        http.get(`${API}/api/v1/file/detail`, ({request}) => {
          record(request);
          return ok({fileID: Number(new URL(request.url).searchParams.get('fileID')), filename: 'a.txt'});
        }),
      );
      const data = await client().call<{fileID: number}>('/api/v1/file/detail', {query: {fileID: 42}});
      expect(data).to.deep.equal({fileID: 42, filename: 'a.txt'});
      expect(seen[0]!.authorization).to.equal(null);
      expect(seen[0]!.platform).to.equal('open_platform');
    });

    it('goes to a same-origin proxy path when apiBase is one', async () => {
      worker.use(
        http.post(`${location.origin}/pan-api/upload/v2/file/create`, async ({request}) => {
          record(request);
          const body = (await request.json()) as {filename: string};
          return ok({fileID: 0, reuse: false, preuploadID: `p-${body.filename}`, sliceSize: 16777216, servers: [UPLOAD]});
        }),
      );
      const data = await client({apiBase: '/pan-api/'}).call<{preuploadID: string}>('/upload/v2/file/create', {json: {filename: 'x.bin'}});
      expect(data.preuploadID).to.equal('p-x.bin');
      expect(seen[0]!.authorization).to.equal(null);
    });

    it('types a failure with code, key, endpoint and traceID, and keeps the token out of it', async () => {
      worker.use(http.post(`${API}/upload/v2/file/create`, () => fail(5113, 'traffic limit exceeded', 'tr-5113')));
      const error = await rejection(client({tokenProvider: async () => 'SECRET-TOKEN'}).call('/upload/v2/file/create', {json: {}}));
      expect(error.code).to.equal(5113);
      expect(error.key).to.equal('traffic-limit');
      expect(error.endpoint).to.equal('/upload/v2/file/create');
      expect(error.traceID).to.equal('tr-5113');
      expect(error.retryable).to.equal(false);
      expect(`${error.message} ${JSON.stringify({...error})} ${String(error.cause)}`).not.to.contain('SECRET-TOKEN');
    });

    it('retries code 1 and HTTP 5xx, then succeeds', async () => {
      let n = 0;
      worker.use(
        http.post(`${API}/upload/v2/file/upload_complete`, ({request}) => {
          record(request);
          n++;
          if (n === 1) return fail(1, 'internal error');
          if (n === 2) return new HttpResponse('bad gateway', {status: 502});
          return ok({completed: true, fileID: 9});
        }),
      );
      expect(await client().call('/upload/v2/file/upload_complete', {json: {preuploadID: 'p'}})).to.deep.equal({completed: true, fileID: 9});
      expect(seen.length).to.equal(3);
    });

    it('retries 20103 no sooner than 1 s apart', async () => {
      worker.use(
        http.post(`${API}/upload/v2/file/upload_complete`, ({request}) => {
          record(request);
          return seen.length === 1 ? fail(20103, '文件正在校验中,请间隔1秒后再试') : ok({completed: true, fileID: 5});
        }),
      );
      const result = await client().call<{fileID: number}>('/upload/v2/file/upload_complete', {json: {preuploadID: 'p'}});
      expect(result.fileID).to.equal(5);
      expect(seen.length).to.equal(2);
      expect(seen[1]!.at - seen[0]!.at).to.be.at.least(990);
    });

    it('does not retry a final code, nor anything when retry is false', async () => {
      worker.use(
        http.post(`${API}/a`, ({request}) => {
          record(request);
          return fail(5066, 'file not exist');
        }),
        http.post(`${API}/b`, ({request}) => {
          record(request);
          return fail(1, 'internal error');
        }),
      );
      const c = client();
      expect((await rejection(c.call('/a', {json: {}}))).key).to.equal('not-found');
      expect((await rejection(c.call('/b', {json: {}, retry: false}))).code).to.equal(1);
      expect(seen.map((s) => s.path)).to.deep.equal(['/a', '/b']);
    });

    it('gives up after the last delay with the last error', async () => {
      worker.use(http.get(`${API}/x`, ({request}) => (record(request), new HttpResponse('down', {status: 503}))));
      const error = await rejection(client({retryDelays: [10, 10]}).call('/x'));
      expect(error.code).to.equal('http-503');
      expect(error.key).to.equal('server');
      expect(seen.length).to.equal(3);
    });

    it('times out a request that does not answer, as code timeout', async () => {
      worker.use(http.get(`${API}/slow`, async () => (await delay(2000), ok())));
      const t0 = performance.now();
      const error = await rejection(client({timeoutMs: 150}).call('/slow', {retry: false}));
      expect(error.code).to.equal('timeout');
      expect(error.key).to.equal('timeout');
      expect(performance.now() - t0).to.be.below(1000);
    });

    it('names an HTML answer from a misrouted proxy as bad-response', async () => {
      worker.use(http.get(`${location.origin}/pan-api/x`, () => HttpResponse.html('<!doctype html><p>app shell</p>')));
      const error = await rejection(client({apiBase: '/pan-api'}).call('/x'));
      expect(error.code).to.equal('bad-response');
      expect(error.message).to.match(/text\/html/);
    });
  });

  describe('tokens', () => {
    it('attaches the hook token and refreshes ONCE for many requests in flight refused together', async () => {
      const forced: boolean[] = [];
      let current = 'old';
      const tokenProvider = async ({forceRefresh}: {forceRefresh: boolean}) => {
        forced.push(forceRefresh);
        await delay(30);
        if (forceRefresh) current = 'new';
        return {accessToken: current, expiredAt: new Date(Date.now() + 3_600_000).toISOString()};
      };
      worker.use(
        http.post(`${UPLOAD}/upload/v2/file/slice`, async ({request}) => {
          const entry = record(request);
          await delay(20);
          return entry.authorization === 'Bearer new' ? ok() : fail(401, 'access token is invalid');
        }),
      );
      const c = client({tokenProvider});
      const form = (n: number) => () => {
        const data = new FormData();
        data.append('preuploadID', 'p');
        data.append('sliceNo', String(n));
        data.append('slice', new Blob(['x'.repeat(100)]));
        return data;
      };
      await Promise.all([1, 2, 3, 4, 5].map((n) => c.postForm(UPLOAD, '/upload/v2/file/slice', form(n), {})));
      expect(forced).to.deep.equal([false, true]);
      expect(seen.filter((s) => s.authorization === 'Bearer old').length).to.equal(5);
      expect(seen.filter((s) => s.authorization === 'Bearer new').length).to.equal(5);
    });

    it('renews an expiring token once for several requests in flight', async () => {
      let calls = 0;
      const tokenProvider = async () => {
        calls++;
        await delay(30);
        // The first token is already inside its renewal margin when the second wave starts.
        return {accessToken: `t${calls}`, expiredAt: Date.now() + (calls === 1 ? 300 : 3_600_000)};
      };
      worker.use(http.get(`${API}/x`, ({request}) => (record(request), ok())));
      const c = client({tokenProvider});
      await c.call('/x');
      await delay(300);
      await Promise.all([1, 2, 3, 4].map(() => c.call('/x')));
      expect(calls).to.equal(2);
      expect(seen.map((s) => s.authorization)).to.deep.equal(['Bearer t1', 'Bearer t2', 'Bearer t2', 'Bearer t2', 'Bearer t2']);
    });

    it('treats a second 401 as final (auth), and names the token-count limit', async () => {
      let calls = 0;
      const tokenProvider = async () => `t${++calls}`;
      worker.use(
        http.get(`${API}/expired`, ({request}) => (record(request), fail(401, 'access token is invalid'))),
        http.get(`${API}/many`, () => new HttpResponse(JSON.stringify({code: 401, message: 'tokens number has exceeded the limit', data: null}), {status: 401})),
      );
      const c = client({tokenProvider});
      const error = await rejection(c.call('/expired'));
      expect(error.key).to.equal('auth');
      expect(error.retryable).to.equal(false);
      expect(seen.length).to.equal(2);
      expect(calls).to.equal(2);
      const limit = await rejection(c.call('/many'));
      expect(limit.key).to.equal('token-limit');
      expect(limit.httpStatus).to.equal(401);
    });

    it('after a 401 asks the token-url again with ?refresh=1 and retries with the new token', async () => {
      const asked: string[] = [];
      worker.use(
        http.get(`${location.origin}/pan/token-revoked`, ({request}) => {
          asked.push(new URL(request.url).search + ' ' + (request.headers.get('x-pan-refused-token') ?? '-'));
          return HttpResponse.json({accessToken: asked.length === 1 ? 'revoked' : 'fresh', expiredAt: '2099-01-01T00:00:00+08:00'});
        }),
        http.get(`${API}/x`, ({request}) => {
          record(request);
          return request.headers.get('authorization') === 'Bearer fresh' ? ok() : HttpResponse.json({code: 401, message: 'token invalid', data: null});
        }),
      );
      await client({tokenUrl: '/pan/token-revoked'}).call('/x');
      expect(asked).to.deep.equal([' -', '?refresh=1 revoked']);
      expect(seen.map((s) => s.authorization)).to.deep.equal(['Bearer revoked', 'Bearer fresh']);
    });

    it('reads token-url answers bare and inside the envelope', async () => {
      worker.use(
        http.get(`${location.origin}/pan/token-bare`, () => HttpResponse.json({accessToken: 'bare', expiredAt: '2099-01-01T00:00:00+08:00'})),
        http.get(`${location.origin}/pan/token-env`, () => ok({accessToken: 'env', expiredAt: 4070880000000})),
        http.get(`${location.origin}/pan/token-html`, () => HttpResponse.html('<p>login</p>')),
        http.get(`${API}/x`, ({request}) => (record(request), ok())),
      );
      await client({tokenUrl: '/pan/token-bare'}).call('/x');
      await client({tokenUrl: '/pan/token-env'}).call('/x');
      expect(seen.map((s) => s.authorization)).to.deep.equal(['Bearer bare', 'Bearer env']);
      const error = await rejection(client({tokenUrl: '/pan/token-html'}).call('/x'));
      expect(error.message).to.match(/token-url \/pan\/token-html/);
      expect(error.key).to.equal('auth');
    });
  });

  describe('rate limits', () => {
    it('spaces calls to one endpoint by its QPS', async () => {
      worker.use(http.post(`${API}/upload/v2/file/create`, ({request}) => (record(request), ok({reuse: false}))));
      // Timed where the client sends, not where msw's service worker delivers: that hop adds its own jitter
      // (30 ms and more in Firefox on a busy machine).
      const sent: number[] = [];
      const fetch: typeof globalThis.fetch = (input, init) => (sent.push(performance.now()), globalThis.fetch(input, init));
      const c = client({rateLimits: {'/upload/v2/file/create': 5}, fetch});
      await Promise.all([1, 2, 3].map(() => c.call('/upload/v2/file/create', {json: {}})));
      expect(seen).to.have.length(3);
      const gaps = sent.slice(1).map((at, i) => at - sent[i]!);
      for (const gap of gaps) expect(gap).to.be.at.least(195);
    });

    it('a 429 slows every request of the client, not only the one refused', async () => {
      let refused = false;
      worker.use(
        http.post(`${API}/upload/v1/oss/file/get_upload_url`, ({request}) => {
          record(request);
          if (!refused) {
            refused = true;
            return fail(429, 'too many requests');
          }
          return ok({presignedURL: `${STORAGE}/o`});
        }),
        http.get(`${API}/api/v1/oss/file/detail`, ({request}) => (record(request), ok({downloadURL: 'u'}))),
      );
      const c = client({retryDelays: [400, 400]});
      const first = c.call('/upload/v1/oss/file/get_upload_url', {json: {}});
      await delay(50);
      const t429 = seen[0]!.at;
      const others = Promise.all([c.call('/api/v1/oss/file/detail'), c.call('/api/v1/oss/file/detail')]);
      await Promise.all([first, others]);
      const detail = seen.filter((s) => s.path === '/api/v1/oss/file/detail');
      expect(detail.length).to.equal(2);
      for (const s of detail) expect(s.at - t429, 'another endpoint waited out the cool-down').to.be.at.least(380);
    });
  });

  describe('uploads', () => {
    it('posts multipart with token and Platform, reports XHR upload progress, and rebuilds the body on retry', async () => {
      const bytes = xorshiftBytes(3 * 1024 * 1024, 7);
      const received: {sliceNo: string; size: number; same: boolean}[] = [];
      worker.use(
        http.post(`${UPLOAD}/upload/v2/file/slice`, async ({request}) => {
          record(request);
          const form = await request.formData();
          const slice = form.get('slice') as File;
          const got = new Uint8Array(await slice.arrayBuffer());
          received.push({sliceNo: String(form.get('sliceNo')), size: got.length, same: got.every((b, i) => b === bytes[i])});
          return received.length === 1 ? new HttpResponse('oops', {status: 500}) : ok();
        }),
      );
      let builds = 0;
      const progress: number[] = [];
      const result = await client({tokenProvider: async () => 'tok'}).postForm(
        'openapi-upload.test',
        '/upload/v2/file/slice',
        () => {
          builds++;
          const form = new FormData();
          form.append('preuploadID', 'p');
          form.append('sliceNo', '1');
          form.append('sliceMD5', 'm');
          form.append('slice', new Blob([bytes]), 'slice');
          return form;
        },
        {onProgress: (loaded) => progress.push(loaded)},
      );
      expect(result).to.equal(null);
      expect(builds).to.equal(2);
      expect(received).to.deep.equal([
        {sliceNo: '1', size: bytes.length, same: true},
        {sliceNo: '1', size: bytes.length, same: true},
      ]);
      expect(seen.every((s) => s.authorization === 'Bearer tok' && s.platform === 'open_platform')).to.equal(true);
      // Under msw's service worker Chromium fires no upload events; the final size is still reported
      // (the form's values: slice bytes + 'p' + '1' + 'm'). Mid-upload events: test/node/api/xhr-progress.test.ts.
      expect(progress.at(-1)).to.equal(bytes.length + 3);
      expect(progress).to.deep.equal([...progress].sort((a, b) => a - b));
    });

    it('upgrades a plain-http upload server on an https page, and says mixed-content when https does not answer', async () => {
      worker.use(
        http.post('https://up-ok.test/upload/v2/file/slice', ({request}) => (record(request), ok())),
        http.post('https://up-http-only.test/upload/v2/file/slice', () => HttpResponse.error()),
      );
      const c = client({pageProtocol: 'https:', retryDelays: [10]});
      await c.postForm('http://up-ok.test', '/upload/v2/file/slice', () => new FormData(), {});
      expect(seen.map((s) => s.path)).to.deep.equal(['/upload/v2/file/slice']);
      const error = await rejection(c.postForm('http://up-http-only.test', '/upload/v2/file/slice', () => new FormData(), {}));
      expect(error.code).to.equal('mixed-content');
      expect(error.key).to.equal('mixed-content');
      expect(error.message).to.contain('http://up-http-only.test').and.to.contain('https://up-http-only.test');
      const plain = await rejection(client({pageProtocol: 'http:', retryDelays: []}).postForm('up-http-only.test', '/upload/v2/file/slice', () => new FormData(), {}));
      expect(plain.code, 'a scheme-less server was never http: a failure is a plain network error').to.equal('network');
    });

    it('checks the envelope of a slice answer', async () => {
      worker.use(http.post(`${UPLOAD}/upload/v2/file/slice`, () => fail(400, 'sliceMD5 mismatch', 'tr-md5')));
      const error = await rejection(client().postForm(UPLOAD, '/upload/v2/file/slice', () => new FormData(), {}));
      expect(error.code).to.equal(400);
      expect(error.traceID).to.equal('tr-md5');
      expect(error.message).to.contain('sliceMD5 mismatch');
    });

    it('PUTs to a presigned URL without Authorization or Platform, even with a token hook', async () => {
      let body: Uint8Array | undefined;
      worker.use(
        http.put(`${STORAGE}/bucket/obj`, async ({request}) => {
          record(request);
          body = new Uint8Array(await request.arrayBuffer());
          return new HttpResponse(null, {status: 200});
        }),
      );
      const progress: number[] = [];
      await client({tokenProvider: async () => 'tok'}).putPresigned(`${STORAGE}/bucket/obj?X-Amz-Signature=sig`, new Blob(['hello']), {
        onProgress: (n) => progress.push(n),
      });
      expect(seen[0]!.authorization).to.equal(null);
      expect(seen[0]!.platform).to.equal(null);
      expect(new TextDecoder().decode(body)).to.equal('hello');
      expect(Math.max(...progress)).to.equal(5);
    });

    it('keeps the signed query out of a presigned PUT error', async () => {
      worker.use(http.put(`${STORAGE}/bucket/obj`, () => new HttpResponse('<Error><Code>SignatureDoesNotMatch</Code><StringToSign>secret</StringToSign></Error>', {status: 403})));
      const error = await rejection(client().putPresigned(`${STORAGE}/bucket/obj?X-Amz-Signature=sig`, new Blob(['x']), {}));
      expect(error.code).to.equal('http-403');
      expect(error.endpoint).to.equal(`${STORAGE}/bucket/obj`);
      expect(error.message).to.contain('SignatureDoesNotMatch');
      expect(error.message).not.to.contain('sig').and.not.to.contain('secret');
    });

    it('uses an injected fetch for uploads too', async () => {
      const calls: {url: string; method: string; headers: Headers}[] = [];
      const fetchStub: typeof fetch = async (input, init) => {
        calls.push({url: String(input), method: init?.method ?? 'GET', headers: new Headers(init?.headers)});
        return new Response(JSON.stringify({code: 0, message: 'ok', data: {fileID: 3}}), {headers: {'content-type': 'application/json'}});
      };
      const c = new PanClient({fetch: fetchStub, tokenProvider: async () => 'tok'});
      const progress: number[] = [];
      const form = () => {
        const data = new FormData();
        data.append('file', new Blob(['12345678']));
        return data;
      };
      expect(await c.postForm(UPLOAD, '/upload/v2/file/single/create', form, {onProgress: (n) => progress.push(n)})).to.deep.equal({fileID: 3});
      expect(progress).to.deep.equal([8]);
      expect(calls[0]!.url).to.equal(`${UPLOAD}/upload/v2/file/single/create`);
      expect(calls[0]!.headers.get('authorization')).to.equal('Bearer tok');
    });
  });

  describe('abort', () => {
    it('stops an XHR upload at once', async () => {
      worker.use(http.post(`${UPLOAD}/upload/v2/file/slice`, async ({request}) => (record(request), await delay(3000), ok())));
      const controller = new AbortController();
      const pending = client().postForm(UPLOAD, '/upload/v2/file/slice', () => new FormData(), {signal: controller.signal});
      await delay(100);
      const t0 = performance.now();
      controller.abort();
      const error = await rejection(pending);
      expect(error.code).to.equal('aborted');
      expect(performance.now() - t0).to.be.below(50);
    });

    it('sends nothing after an abort during backoff settles', async () => {
      worker.use(http.get(`${API}/flaky`, ({request}) => (record(request), new HttpResponse('down', {status: 503}))));
      const controller = new AbortController();
      const pending = client({retryDelays: [300, 300]}).call('/flaky', {signal: controller.signal});
      await delay(100);
      expect(seen.length).to.equal(1);
      controller.abort();
      expect((await rejection(pending)).code).to.equal('aborted');
      await delay(700);
      expect(seen.length).to.equal(1);
    });

    it('sends nothing when aborted while waiting for a rate-limit slot', async () => {
      worker.use(http.post(`${API}/upload/v2/file/create`, ({request}) => (record(request), ok())));
      const c = client({rateLimits: {'/upload/v2/file/create': 1}});
      await c.call('/upload/v2/file/create', {json: {}});
      const controller = new AbortController();
      const pending = c.call('/upload/v2/file/create', {json: {}, signal: controller.signal});
      await delay(50);
      controller.abort();
      expect((await rejection(pending)).code).to.equal('aborted');
      await delay(1200);
      expect(seen.length).to.equal(1);
    });

    it('rejects at once with an already aborted signal', async () => {
      const error = await rejection(client().call('/never', {signal: AbortSignal.abort()}));
      expect(error.code).to.equal('aborted');
    });
  });
});
