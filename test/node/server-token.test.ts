import assert from 'node:assert/strict';
import {inspect} from 'node:util';
import {describe, it} from 'node:test';
import {createServer, type Server} from 'node:http';
import {once} from 'node:events';
import {MemoryTokenStore, TokenMintError, createTokenBroker, createTokenHandler, type StoredToken, type TokenStore} from '../../src/server/index.ts';

const SECRET = 'very-secret-value';

/** A stand-in for POST /api/v1/access_token that counts mints and can be told how to answer. */
function fakeMinter(opts: {lifetimeMs?: number; delayMs?: number; answer?: () => unknown} = {}) {
  const calls: {url: string; headers: Headers; body: unknown}[] = [];
  let n = 0;
  const fetch = (async (input: string | URL | Request, init?: RequestInit) => {
    const url = String(input);
    calls.push({url, headers: new Headers(init?.headers), body: JSON.parse(String(init?.body))});
    if (opts.delayMs) await new Promise((r) => setTimeout(r, opts.delayMs));
    init?.signal?.throwIfAborted(); // like fetch: an aborted request gives no answer
    n += 1;
    const body = opts.answer?.() ?? {
      code: 0,
      message: 'ok',
      data: {accessToken: `token-${n}`, expiredAt: new Date(Date.now() + (opts.lifetimeMs ?? 90 * 86400_000)).toISOString().replace('Z', '+00:00')},
      'x-traceID': `trace-${n}`,
    };
    return Response.json(body);
  }) as typeof globalThis.fetch;
  return {fetch, calls, get mints() {
    return calls.length;
  }};
}

describe('token broker', () => {
  it('mints with clientID/clientSecret and Platform: open_platform, then caches', async () => {
    const minter = fakeMinter();
    const broker = createTokenBroker({clientID: 'cid', clientSecret: SECRET, apiBase: 'https://api.test/', fetch: minter.fetch});
    const first = await broker.getToken();
    assert.equal(first.accessToken, 'token-1');
    assert.match(String(first.expiredAt), /\+00:00$/);
    assert.equal(minter.calls[0]!.url, 'https://api.test/api/v1/access_token');
    assert.equal(minter.calls[0]!.headers.get('platform'), 'open_platform');
    assert.deepEqual(minter.calls[0]!.body, {clientID: 'cid', clientSecret: SECRET});
    const second = await broker.getToken();
    assert.equal(second.accessToken, 'token-1');
    assert.equal(minter.mints, 1);
  });

  it('renews shortly before expiredAt (and halfway through a short-lived token)', async () => {
    let clock = Date.parse('2026-01-01T00:00:00Z');
    const minter = fakeMinter({answer: () => ({code: 0, message: 'ok', data: {accessToken: `t${clock}`, expiredAt: new Date(clock + 3600_000).toISOString()}})});
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch, now: () => clock, refreshBeforeMs: 5 * 60_000});
    const a = await broker.getToken();
    clock += 54 * 60_000; // 6 minutes left: still good
    assert.equal((await broker.getToken()).accessToken, a.accessToken);
    clock += 2 * 60_000; // 4 minutes left: inside the 5-minute margin
    assert.notEqual((await broker.getToken()).accessToken, a.accessToken);
    assert.equal(minter.mints, 2);

    const shortMinter = fakeMinter({answer: () => ({code: 0, message: 'ok', data: {accessToken: `s${clock}`, expiredAt: new Date(clock + 60_000).toISOString()}})});
    const short = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: shortMinter.fetch, now: () => clock});
    await short.getToken();
    clock += 20_000;
    await short.getToken();
    assert.equal(shortMinter.mints, 1, 'a 60 s token is good for its first half');
    clock += 15_000;
    await short.getToken();
    assert.equal(shortMinter.mints, 2, 'and renewed in its second half');
  });

  it('mints once for 50 concurrent requests (single-flight)', async () => {
    const minter = fakeMinter({delayMs: 30});
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch});
    const tokens = await Promise.all(Array.from({length: 50}, () => broker.getToken()));
    assert.equal(minter.mints, 1);
    assert.ok(tokens.every((t) => t.accessToken === 'token-1'));
  });

  it('a caller giving up does not cancel the shared mint for the others', async () => {
    const minter = fakeMinter({delayMs: 40});
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch});
    const quitter = new AbortController();
    const gaveUp = broker.getToken(quitter.signal);
    const waiting = Array.from({length: 5}, () => broker.getToken());
    quitter.abort(new Error('page closed'));
    await assert.rejects(gaveUp, /page closed/);
    assert.ok((await Promise.all(waiting)).every((t) => t.accessToken === 'token-1'));
    assert.equal(minter.mints, 1);
  });

  it('re-mints once after a 401, shared by every caller holding the stale token', async () => {
    const minter = fakeMinter({delayMs: 10});
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch, minTokenAgeMs: 0});
    const stale = await broker.getToken();
    const fresh = await Promise.all(Array.from({length: 20}, () => broker.refresh(stale.accessToken)));
    assert.equal(minter.mints, 2);
    assert.ok(fresh.every((t) => t.accessToken === 'token-2'));
    // A late 401 for the old token does not throw the new one away.
    assert.equal((await broker.refresh(stale.accessToken)).accessToken, 'token-2');
    assert.equal((await broker.getToken()).accessToken, 'token-2');
    assert.equal(minter.mints, 2);
  });

  it('two brokers on one shared store (two instances) mint one token between them', async () => {
    // A fake shared store, as Redis would be: a map plus SET-NX leases, with network-ish latency.
    const shared = new Map<string, unknown>();
    const latency = () => new Promise((r) => setTimeout(r, 2));
    class FakeSharedStore implements TokenStore {
      async get(key: string) {
        await latency();
        return shared.get(key) as StoredToken | undefined;
      }
      async set(key: string, token: StoredToken) {
        await latency();
        shared.set(key, structuredClone(token));
      }
      async delete(key: string, accessToken: string) {
        await latency();
        if ((shared.get(key) as StoredToken | undefined)?.accessToken === accessToken) shared.delete(key);
      }
      async lease(key: string, ttlMs: number) {
        await latency();
        const until = shared.get(key) as number | undefined;
        if (until !== undefined && until > Date.now()) return false;
        shared.set(key, Date.now() + ttlMs);
        return true;
      }
      async release(key: string) {
        await latency();
        shared.delete(key);
      }
    }
    const minter = fakeMinter({delayMs: 40});
    const a = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch, store: new FakeSharedStore()});
    const b = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch, store: new FakeSharedStore()});
    const tokens = await Promise.all([...Array.from({length: 10}, () => a.getToken()), ...Array.from({length: 10}, () => b.getToken())]);
    assert.equal(minter.mints, 1);
    assert.ok(tokens.every((t) => t.accessToken === 'token-1'));
  });

  it('reports a refused mint with 123pan code and traceID, never the secret', async () => {
    const minter = fakeMinter({answer: () => ({code: 401, message: 'clientSecret invalid', data: null, 'x-traceID': 'tr-9'})});
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch});
    const error = await broker.getToken().then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof TokenMintError);
    assert.equal(error.code, 401);
    assert.equal(error.traceID, 'tr-9');
    assert.doesNotMatch(`${error.message} ${inspect(error)}`, new RegExp(SECRET));
    assert.doesNotMatch(inspect(broker, {depth: 5, showHidden: true}), new RegExp(SECRET));
  });

  it('refuses bad options by name', () => {
    assert.throws(() => createTokenBroker({clientID: '', clientSecret: SECRET}), /clientID is required/);
    assert.throws(() => createTokenBroker({clientID: 'c'}), /clientSecret is required/);
  });

  it('accepts another token source instead of client credentials', async () => {
    let calls = 0;
    const broker = createTokenBroker({mint: async () => ({accessToken: `oauth-${++calls}`, expiredAt: Date.now() + 7200_000}), store: new MemoryTokenStore()});
    assert.equal((await broker.getToken()).accessToken, 'oauth-1');
    assert.equal((await broker.getToken()).accessToken, 'oauth-1');
  });
});

describe('token endpoint (token mode)', () => {
  const listen = async (server: Server): Promise<string> => {
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    const address = server.address() as {port: number};
    return `http://127.0.0.1:${address.port}`;
  };

  it('GET answers {accessToken, expiredAt}, not cacheable; other methods are refused', async () => {
    const minter = fakeMinter();
    const tokens = createTokenHandler(createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch}));
    const server = createServer(tokens.handle);
    const origin = await listen(server);
    try {
      const res = await fetch(`${origin}/pan/token`);
      assert.equal(res.status, 200);
      assert.equal(res.headers.get('cache-control'), 'no-store');
      const body = (await res.json()) as {accessToken: string; expiredAt: string};
      assert.equal(body.accessToken, 'token-1');
      assert.ok(Date.parse(body.expiredAt) > Date.now());
      const post = await fetch(`${origin}/pan/token`, {method: 'POST'});
      assert.equal(post.status, 405);
      assert.equal(((await post.json()) as {code: number}).code, 405);
    } finally {
      server.close();
    }
  });

  it('GET ?refresh=1 mints anew for a token revoked before its expiredAt, once per refused token', async () => {
    let clock = Date.now();
    const minter = fakeMinter();
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch, now: () => clock, minTokenAgeMs: 2_000});
    const tokens = createTokenHandler(broker);
    const ask = async (query = '', refused?: string) => {
      const headers = refused ? {'x-pan-refused-token': refused} : undefined;
      return ((await (await tokens.fetch(new Request(`https://site.test/pan/token${query}`, {headers}))).json()) as {accessToken: string}).accessToken;
    };
    assert.equal(await ask(), 'token-1');
    assert.equal(await ask(), 'token-1', 'a plain GET keeps the cached token');
    assert.equal(await ask('?refresh=1'), 'token-1', 'without the refused token, a token younger than minTokenAgeMs stays');
    assert.equal(await ask('?refresh=1', 'token-1'), 'token-1', 'nor with it: a refused token younger than minTokenAgeMs stays (no mint storm)');
    clock += 2_000;
    assert.equal(await ask('?refresh=1', 'token-1'), 'token-2', 'an older refused token is replaced at once');
    assert.equal(await ask('?refresh=1', 'token-1'), 'token-2', 'a second ask naming the old token shares the new one');
    assert.equal(await ask('?refresh=1', 'forged'), 'token-2', 'a token that is not the current one mints nothing');
    clock += 5_000;
    assert.equal(await ask('?refresh=1'), 'token-3', 'without it, an older token is replaced');
    assert.equal(minter.mints, 3);
  });

  it('authorize refusing gives 403 in the envelope and mints nothing (node and Fetch forms)', async () => {
    const minter = fakeMinter();
    const broker = createTokenBroker({clientID: 'c', clientSecret: SECRET, fetch: minter.fetch});
    const tokens = createTokenHandler(broker, {
      authorize: (req) => (req instanceof Request ? req.headers.get('cookie') : req.headers.cookie) === 'session=editor',
    });
    const server = createServer(tokens.handle);
    const origin = await listen(server);
    try {
      const refused = await fetch(`${origin}/pan/token`);
      assert.equal(refused.status, 403);
      const envelope = (await refused.json()) as {code: number; message: string; data: null; 'x-traceID': string};
      assert.equal(envelope.code, 403);
      assert.equal(envelope.data, null);
      assert.match(envelope.message, /not authorized/);
      assert.ok(envelope['x-traceID']);
      assert.equal(minter.mints, 0);
      const allowed = await fetch(`${origin}/pan/token`, {headers: {cookie: 'session=editor'}});
      assert.equal(allowed.status, 200);
    } finally {
      server.close();
    }
    const viaFetch = await tokens.fetch(new Request('https://site.test/pan/token'));
    assert.equal(viaFetch.status, 403);
    const okViaFetch = await tokens.fetch(new Request('https://site.test/pan/token', {headers: {cookie: 'session=editor'}}));
    assert.equal(((await okViaFetch.json()) as {accessToken: string}).accessToken, 'token-1');
    assert.equal(minter.mints, 1);
  });
});
