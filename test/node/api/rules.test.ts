import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PanApiError, readEnvelope, type RawResponse} from '../../../src/api/errors.ts';
import {DEFAULT_RATE_LIMITS, RateLimiter} from '../../../src/api/rate-limit.ts';
import {DEFAULT_RETRY_DELAYS, shouldRetry} from '../../../src/api/retry.ts';
import {normalizeServer} from '../../../src/api/server-url.ts';
import {parseExpiredAt, TokenSource} from '../../../src/api/token.ts';

const raw = (status: number, body: unknown, retryAfter: string | null = null): RawResponse => ({
  status,
  text: typeof body === 'string' ? body : JSON.stringify(body),
  contentType: 'application/json',
  retryAfter,
});

const errorFrom = (response: RawResponse): PanApiError => {
  try {
    readEnvelope(response, '/x');
  } catch (error) {
    assert.ok(error instanceof PanApiError);
    return error;
  }
  assert.fail('readEnvelope accepted a failure');
};

const mid = () => 0.5;

describe('shouldRetry', () => {
  const delays = [100, 200, 400];

  it('retries network errors, from PanApiError and from a raw fetch TypeError', () => {
    assert.equal(shouldRetry(new PanApiError({code: 'network', message: 'm', endpoint: '/x'}), 0, delays, mid), 75);
    assert.equal(shouldRetry(new TypeError('Failed to fetch'), 0, delays, mid), 75);
  });
  it('retries timeouts', () => {
    assert.equal(shouldRetry(new PanApiError({code: 'timeout', message: 'm', endpoint: '/x'}), 1, delays, mid), 150);
    assert.equal(shouldRetry(new DOMException('t', 'TimeoutError'), 1, delays, mid), 150);
  });
  it('retries HTTP 5xx but not other 4xx', () => {
    assert.notEqual(shouldRetry(errorFrom(raw(502, 'bad gateway')), 0, delays), null);
    assert.notEqual(shouldRetry(errorFrom(raw(500, '')), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(400, 'bad')), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(403, 'no')), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(404, 'no')), 0, delays), null);
  });
  it("retries a gateway's envelope with HTTP 502/504 (the proxy could not reach 123pan), not its other refusals", () => {
    const unreachable = errorFrom(raw(502, {code: 502, message: 'pan-uploader proxy: /upload/v2/file/single/create: 123pan could not be reached', data: null}));
    assert.notEqual(shouldRetry(unreachable, 0, delays), null);
    assert.notEqual(shouldRetry(errorFrom(raw(504, {code: 504, message: 'pan-uploader proxy: 123pan did not answer in time', data: null})), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(403, {code: 403, message: 'pan-uploader proxy: folder not allowed', data: null})), 0, delays), null);
  });
  it('retries body code 1 (internal error) at most twice: it is also a final refusal', () => {
    const code1 = errorFrom(raw(200, {code: 1, message: 'Please include the platform field', data: null, 'x-traceID': 't-1'}));
    assert.notEqual(shouldRetry(code1, 0, delays), null);
    assert.notEqual(shouldRetry(code1, 1, delays), null);
    assert.equal(shouldRetry(code1, 2, delays), null);
    assert.match(code1.message, /Please include the platform field.*x-traceID t-1/);
    assert.equal(code1.traceID, 't-1');
    // A gateway's code 1 with HTTP 503 (the proxy's "send again") keeps the whole schedule, as other retryable failures do.
    const sendAgain = errorFrom(raw(503, {code: 1, message: 'pan-uploader proxy: send again', data: null}));
    assert.notEqual(shouldRetry(sendAgain, 2, delays), null);
    assert.notEqual(shouldRetry(errorFrom(raw(502, 'bad gateway')), 2, delays), null);
  });
  it('retries 429 from the body and from HTTP, honouring Retry-After', () => {
    assert.notEqual(shouldRetry(errorFrom(raw(200, {code: 429, message: 'too many', data: null})), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(429, 'slow down', '3')), 0, delays, mid), 3000);
  });
  it('retries 20103 no sooner than 1 s', () => {
    const verifying = errorFrom(raw(200, {code: 20103, message: '文件正在校验中,请间隔1秒后再试', data: null}));
    assert.equal(shouldRetry(verifying, 0, delays, mid), 1000);
    assert.equal(shouldRetry(verifying, 0, [4000], mid), 3000);
  });
  it('is final for 401, other codes, aborts and bad responses', () => {
    assert.equal(shouldRetry(errorFrom(raw(200, {code: 401, message: 'token expired', data: null})), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(401, 'no')), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(200, {code: 5066, message: 'file not exist', data: null})), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(200, {code: 5113, message: 'traffic', data: null})), 0, delays), null);
    assert.equal(shouldRetry(new PanApiError({code: 'aborted', message: 'm', endpoint: '/x'}), 0, delays), null);
    assert.equal(shouldRetry(new DOMException('a', 'AbortError'), 0, delays), null);
    assert.equal(shouldRetry(errorFrom(raw(200, '<html>')), 0, delays), null);
    assert.equal(shouldRetry(new RangeError('bug'), 0, delays), null);
  });
  it('grows with the attempt, jitters within [base/2, base], and stops when the list is used up', () => {
    const error = new PanApiError({code: 'network', message: 'm', endpoint: '/x'});
    assert.deepEqual([0, 1, 2].map((n) => shouldRetry(error, n, delays, () => 0)), [50, 100, 200]);
    assert.deepEqual([0, 1, 2].map((n) => shouldRetry(error, n, delays, () => 0.999999)), [100, 200, 400]);
    assert.equal(shouldRetry(error, 3, delays), null);
    assert.equal(shouldRetry(error, DEFAULT_RETRY_DELAYS.length), null);
    assert.notEqual(shouldRetry(error, DEFAULT_RETRY_DELAYS.length - 1), null);
    assert.equal(shouldRetry(error, 0, []), null);
  });
});

describe('readEnvelope and PanApiError', () => {
  it('returns data on code 0, null data included', () => {
    assert.deepEqual(readEnvelope(raw(200, {code: 0, message: 'ok', data: {fileID: 7}, 'x-traceID': 't'}), '/x'), {fileID: 7});
    assert.equal(readEnvelope(raw(200, {code: 0, message: 'ok', data: null, 'x-traceID': ''}), '/x'), null);
  });
  it('types a body failure and keeps x-traceID, the endpoint and the HTTP status', () => {
    const error = errorFrom(raw(200, {code: 5066, message: 'file not exist', data: null, 'x-traceID': 'abc-123_kong'}));
    assert.equal(error.name, 'PanApiError');
    assert.equal(error.code, 5066);
    assert.equal(error.key, 'not-found');
    assert.equal(error.traceID, 'abc-123_kong');
    assert.equal(error.httpStatus, 200);
    assert.equal(error.endpoint, '/x');
    assert.equal(error.retryable, false);
    assert.match(error.message, /5066.*file not exist.*abc-123_kong/);
  });
  it('maps codes to keys the UI translates', () => {
    const key = (body: unknown, status = 200) => errorFrom(raw(status, body)).key;
    assert.equal(key({code: 401, message: 'access token is invalid'}), 'auth');
    assert.equal(key({code: 401, message: 'tokens number has exceeded the limit'}), 'token-limit');
    assert.equal(key({code: 429, message: 'too many'}), 'rate-limited');
    assert.equal(key({code: 5113, message: 'traffic'}), 'traffic-limit');
    assert.equal(key({code: 1, message: 'internal'}), 'server');
    assert.equal(key({code: 20103, message: 'verifying'}), 'verify-timeout');
    assert.equal(key({code: 400, message: 'filename invalid'}), 'refused');
    assert.equal(key('oops', 503), 'server');
    assert.equal(key('', 401), 'auth');
  });
  it('names a non-envelope answer as bad-response, and an HTTP failure as http-<status>', () => {
    const html = errorFrom({status: 200, text: '<!doctype html><title>app</title>', contentType: 'text/html', retryAfter: null});
    assert.equal(html.code, 'bad-response');
    assert.match(html.message, /text\/html/);
    const gateway = errorFrom(raw(502, 'Bad Gateway'));
    assert.equal(gateway.code, 'http-502');
    assert.equal(gateway.httpStatus, 502);
    assert.equal(gateway.retryable, true);
  });
  it('prefers the body code when a failing HTTP status carries an envelope', () => {
    const error = errorFrom(raw(401, {code: 401, message: 'expired', data: null, 'x-traceID': 'tr'}));
    assert.equal(error.code, 401);
    assert.equal(error.httpStatus, 401);
    assert.equal(error.traceID, 'tr');
  });
});

describe('normalizeServer', () => {
  it('adds https:// to a bare host and drops trailing slashes', () => {
    assert.equal(normalizeServer('openapi-upload.123242.com', 'https:'), 'https://openapi-upload.123242.com');
    assert.equal(normalizeServer('openapi-upload.123242.com/', 'http:'), 'https://openapi-upload.123242.com');
    assert.equal(normalizeServer('//up.example.com', 'http:'), 'https://up.example.com');
  });
  it('upgrades http to https on an https page, keeps it on an http page or outside a page', () => {
    assert.equal(normalizeServer('http://openapi-upload.123242.com', 'https:'), 'https://openapi-upload.123242.com');
    assert.equal(normalizeServer('http://openapi-upload.123242.com', 'http:'), 'http://openapi-upload.123242.com');
    assert.equal(normalizeServer('http://openapi-upload.123242.com', undefined), 'http://openapi-upload.123242.com');
    assert.equal(normalizeServer('https://openapi-upload.123pan.com', 'http:'), 'https://openapi-upload.123pan.com');
  });
  it('keeps loopback http on an https page (browsers treat it as secure)', () => {
    assert.equal(normalizeServer('http://127.0.0.1:9001', 'https:'), 'http://127.0.0.1:9001');
    assert.equal(normalizeServer('http://localhost:9001/', 'https:'), 'http://localhost:9001');
  });
  it('keeps a same-origin proxy path and a path prefix', () => {
    assert.equal(normalizeServer('/pan-upload/', 'https:'), '/pan-upload');
    assert.equal(normalizeServer('https://proxy.example.com/up/', 'https:'), 'https://proxy.example.com/up');
  });
  it('refuses what cannot carry an upload, saying why', () => {
    assert.throws(() => normalizeServer('', 'https:'), /is empty/);
    assert.throws(() => normalizeServer('ftp://x.example.com', 'https:'), /scheme ftp:/);
    assert.throws(() => normalizeServer('https://x.example.com/?a=1', 'https:'), /query/);
    assert.throws(() => normalizeServer('https://u:p@x.example.com', 'https:'), /credentials/);
  });
});

describe('RateLimiter', () => {
  it('spaces requests to one endpoint by 1/QPS and leaves others free', async () => {
    const limiter = new RateLimiter({'/slow': 10});
    const t0 = performance.now();
    const starts: number[] = [];
    await Promise.all([0, 1, 2, 3].map(() => limiter.acquire('/slow').then(() => starts.push(performance.now() - t0))));
    const free = performance.now();
    await limiter.acquire('/free');
    assert.ok(performance.now() - free < 20, 'an unlisted endpoint waits for nothing');
    starts.sort((a, b) => a - b);
    // 10 QPS: 100 ms apart, counted from when each was due (a late timer shortens the next gap, never the spacing from the first).
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[0]! >= i * 100 - 21, `start ${i} at ${starts[i]! - starts[0]!} ms`);
    assert.ok(starts[3]! < 500, `four at 10 QPS take about 300 ms, took ${starts[3]}`);
  });
  it('holds every endpoint during a cool-down, then spaces them again', async () => {
    const limiter = new RateLimiter({'/a': 20});
    limiter.coolDown(150);
    const t0 = performance.now();
    const starts: number[] = [];
    await Promise.all([limiter.acquire('/free'), limiter.acquire('/a'), limiter.acquire('/a')].map((p) => p.then(() => starts.push(performance.now() - t0))));
    starts.sort((a, b) => a - b);
    assert.ok(starts[0]! >= 145, `nothing starts inside the cool-down (${starts[0]} ms)`);
    assert.ok(starts[2]! - starts[1]! >= 50 - 21, 'after it, /a is spaced at 20 QPS again');
  });
  it('rejects a wait at once when its signal aborts', async () => {
    const limiter = new RateLimiter({'/a': 1});
    await limiter.acquire('/a');
    const controller = new AbortController();
    const waiting = limiter.acquire('/a', controller.signal);
    const t0 = performance.now();
    setTimeout(() => controller.abort(new Error('stop')), 20);
    await assert.rejects(waiting, /stop/);
    assert.ok(performance.now() - t0 < 200);
  });
  it('keeps the rate when a turn is taken late by less than one interval (a busy page), counting from when it was due', async () => {
    let clock = 0;
    const limiter = new RateLimiter({'/a': 10}, () => clock);
    await limiter.acquire('/a'); // goes at 0; the next is due at 100
    clock = 145; // taken 45 ms late: timers and a busy main thread do this
    await limiter.acquire('/a');
    clock = 200;
    const third = await Promise.race([limiter.acquire('/a').then(() => 'released'), new Promise((r) => setTimeout(() => r('held'), 60))]);
    assert.equal(third, 'released', 'due at 200 (100 + 100), not at 245: lateness must not drift the rate down');
  });
  it('counts spacing from when a stalled request really went, so a stall never bunches the next ones', async () => {
    let clock = 0;
    const limiter = new RateLimiter({'/a': 10}, () => clock);
    await limiter.acquire('/a'); // goes at 0; the next is due at 100
    clock = 500; // the page stalled far past 100
    await limiter.acquire('/a');
    clock = 520;
    const third = limiter.acquire('/a');
    let released = false;
    void third.then(() => (released = true));
    await new Promise((r) => setTimeout(r, 60));
    assert.equal(released, false, 'due at 600 (500 + 100), not at 200');
    clock = 600;
    await third;
  });
  it('keeps at most QPS sends in any sliding 1-s window: a burst of 3×QPS, arriving with jitter, meets no 429', async () => {
    const qps = 20;
    const limiter = new RateLimiter({'/a': qps});
    const t0 = performance.now();
    const starts: number[] = [];
    // Each answered 5 ms after it went (the server's answer is back after the request arrived).
    await Promise.all(Array.from({length: 3 * qps}, () => limiter.acquire('/a').then((answered) => {
      starts.push(performance.now() - t0);
      setTimeout(() => answered(true), 5);
    })));
    starts.sort((a, b) => a - b);
    // Send times: any qps + 1 consecutive sends span more than one second.
    for (let i = 0; i + qps < starts.length; i++) {
      assert.ok(starts[i + qps]! - starts[i]! >= 1000, `sends ${i}..${i + qps} within ${(starts[i + qps]! - starts[i]!).toFixed(1)} ms`);
    }
    // Arrival times: the server's own count (a hit younger than 1000 ms is in the window), each request
    // delayed by 0–5 ms of network jitter (it arrived before its answer).
    let seed = 7;
    const jitter = () => ((seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) * 5;
    const arrivals = starts.map((t) => t + jitter()).sort((a, b) => a - b);
    for (let i = 0; i < arrivals.length; i++) {
      const inWindow = arrivals.filter((t) => t <= arrivals[i]! && arrivals[i]! - t < 1000).length;
      assert.ok(inWindow <= qps, `the server would count ${inWindow} requests in the second before ${arrivals[i]!.toFixed(1)} ms`);
    }
    // Still close to the allowed rate: the third second's last send goes at about 2 × 1005 + 19 × 50 ms.
    assert.ok(starts.at(-1)! < 2 * 1005 + 19 * 50 + 250, `the burst took ${starts.at(-1)!.toFixed(0)} ms`);
  });
  it('holds a request\'s place in the window until its answer, and frees it a window after the answer', async () => {
    let clock = 0;
    const limiter = new RateLimiter({'/a': 2}, () => clock);
    const tick = () => new Promise((r) => setTimeout(r, 5));
    const first = await limiter.acquire('/a'); // goes at 0
    clock = 500;
    const second = await limiter.acquire('/a'); // goes at 500
    clock = 1600;
    let third = false;
    void limiter.acquire('/a').then(() => (third = true));
    await tick();
    assert.equal(third, false, 'both unanswered: either may still be on its way to the server');
    clock = 1610;
    first(true); // answered at 1610: it had arrived by then, so it leaves the window at 2610
    await tick();
    assert.equal(third, false);
    second(false); // failed without an answer at 1610: it may have arrived until 1660
    await tick();
    assert.equal(third, false, 'the window is full until 2610');
    clock = 2610;
    await new Promise((r) => setTimeout(r, 1050)); // the lane's timer, set for 2610 at 1610
    assert.equal(third, true, 'goes once the first answer is a window old');
    first(false); // settling twice changes nothing
  });
  it('a fractional rate allows whole requests per window: 0.5 QPS is one every 2 s', async () => {
    let clock = 0;
    const limiter = new RateLimiter({'/a': 0.5}, () => clock);
    (await limiter.acquire('/a'))(true);
    clock = 1100;
    let released = false;
    const second = limiter.acquire('/a').then(() => (released = true));
    await new Promise((r) => setTimeout(r, 30));
    assert.equal(released, false, 'not inside the first 2 s');
    clock = 2000;
    await new Promise((r) => setTimeout(r, 1000));
    await second;
  });
  it('refuses a limit that is not a positive rate', () => {
    assert.throws(() => new RateLimiter({'/a': 0}), /rateLimits\['\/a'\].*positive/);
    assert.throws(() => new RateLimiter({'/a': Number.NaN}), /positive/);
  });
  it('limits create at the low end of the published range', () => {
    assert.equal(DEFAULT_RATE_LIMITS['/upload/v2/file/create'], 1);
    assert.equal(DEFAULT_RATE_LIMITS['/upload/v1/oss/file/get_upload_url'], 20);
  });
});

describe('TokenSource', () => {
  it('reads expiredAt as ISO with offset, epoch ms or epoch seconds, and names a bad one', () => {
    assert.equal(parseExpiredAt('2025-03-23T15:48:37+08:00', 'x'), Date.UTC(2025, 2, 23, 7, 48, 37));
    assert.equal(parseExpiredAt(1742716117000, 'x'), 1742716117000);
    assert.equal(parseExpiredAt(1742716117, 'x'), 1742716117000);
    assert.throws(() => parseExpiredAt('soon', 'token hook'), /token hook: expiredAt must be/);
  });
  it('caches until shortly before expiredAt, then asks the hook again', async () => {
    let now = Date.UTC(2026, 0, 1);
    let calls = 0;
    const source = new TokenSource({
      tokenProvider: async () => ({accessToken: `t${++calls}`, expiredAt: now + 3_600_000}),
      now: () => now,
    });
    assert.equal(await source.get(), 't1');
    now += 3_500_000;
    assert.equal(await source.get(), 't1', 'still an hour-long token with 100 s left');
    now += 50_000;
    assert.equal(await source.get(), 't2', 'renewed within the last minute');
    assert.equal(calls, 2);
  });
  it('shares one hook call between concurrent gets and refreshes', async () => {
    let calls = 0;
    const forced: boolean[] = [];
    const source = new TokenSource({
      tokenProvider: async ({forceRefresh}) => {
        forced.push(forceRefresh);
        await new Promise((r) => setTimeout(r, 20));
        return `t${++calls}`;
      },
    });
    assert.deepEqual(await Promise.all([source.get(), source.get(), source.get()]), ['t1', 't1', 't1']);
    assert.deepEqual(await Promise.all([source.refresh('t1'), source.refresh('t1'), source.refresh('t1')]), ['t2', 't2', 't2']);
    assert.equal(await source.refresh('t1'), 't2', 'a late 401 with the old token gets the new one without a call');
    assert.deepEqual(forced, [false, true]);
  });
  it('names a hook answer without an accessToken', async () => {
    const source = new TokenSource({tokenProvider: async () => ({expiredAt: 1}) as never});
    await assert.rejects(source.get(), /token hook returned no accessToken/);
  });
  it('types a failing hook: a fetch TypeError is retryable network, anything else final auth', async () => {
    const offline = new TokenSource({tokenProvider: async () => Promise.reject(new TypeError('Failed to fetch'))});
    await assert.rejects(offline.get(), (e: unknown) => e instanceof PanApiError && e.code === 'network' && e.retryable);
    const refused = new TokenSource({tokenProvider: async () => Promise.reject(new Error('not signed in'))});
    await assert.rejects(refused.get(), (e: unknown) => e instanceof PanApiError && e.code === 'token-hook' && e.key === 'auth' && !e.retryable && /not signed in/.test(e.message));
  });
  it('is disabled without a hook', async () => {
    const source = new TokenSource({});
    assert.equal(source.enabled, false);
    assert.equal(await source.get(), undefined);
  });
});
