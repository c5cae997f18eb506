// Several instances of one deployment: one token per account through RedisTokenStore, one mint at a
// time, and 123pan's per-account limits kept across instances by the Redis-backed limiter. Against a
// real redis-server started here on a free loopback port.
import assert from 'node:assert/strict';
import {spawn, type ChildProcess} from 'node:child_process';
import {createInterface} from 'node:readline';
import {after, before, describe, it} from 'node:test';
import {createClient} from 'redis';
import {startEmulatorServer, type EmulatorServer} from '../../src/emulator/node.ts';
import {RedisTokenStore, TokenLimitError, createAccountLimiter, createTokenBroker} from '../../src/server/index.ts';
import {startRedisServer, type RedisServer} from './support/redis-server.ts';

const started = await startRedisServer();
const skip = typeof started === 'string' ? `skipped: ${started}` : false;
if (skip) console.log(`# Redis tests ${skip}`);
const redisServer = typeof started === 'string' ? undefined : started;
after(() => redisServer?.stop());

const connect = async (server: RedisServer) => {
  const client = createClient({url: server.url});
  client.on('error', () => undefined);
  await client.connect();
  return client;
};

describe('RedisTokenStore', {skip}, () => {
  let a: Awaited<ReturnType<typeof connect>>;
  let b: Awaited<ReturnType<typeof connect>>;
  before(async () => {
    a = await connect(redisServer!);
    b = await connect(redisServer!);
  });
  after(async () => {
    await a.close();
    await b.close();
  });

  it('shares a token between instances, deletes only the token named, and lets one instance hold a lease', async () => {
    const first = new RedisTokenStore(a);
    const second = new RedisTokenStore(b);
    const key = `t:${Math.random()}`;
    const token = {accessToken: 'one', expiredAt: new Date(Date.now() + 3600_000).toISOString(), obtainedAt: Date.now()};
    await first.set(key, token);
    assert.deepEqual(await second.get(key), token);
    const ttl = Number(await a.sendCommand(['PTTL', key]));
    assert.ok(ttl > 3600_000 && ttl <= 3660_000, `kept about as long as it lives (${ttl} ms)`);
    await second.delete(key, 'another');
    assert.deepEqual(await first.get(key), token, 'a late 401 for an older token dropped the current one');
    await second.delete(key, 'one');
    assert.equal(await first.get(key), undefined);

    assert.equal(await first.lease(`${key}:lease`, 5000), true);
    assert.equal(await second.lease(`${key}:lease`, 5000), false);
    await second.release(`${key}:lease`);
    assert.equal(await second.lease(`${key}:lease`, 5000), false, 'an instance gave back a lease it did not hold');
    await first.release(`${key}:lease`);
    assert.equal(await second.lease(`${key}:lease`, 5000), true);
  });

  it('two brokers on one Redis, asked at once, mint exactly once', async () => {
    let mints = 0;
    const mint = async () => {
      mints++;
      await new Promise((resolve) => setTimeout(resolve, 300));
      return {accessToken: `token-${mints}`, expiredAt: Date.now() + 3600_000};
    };
    const storeKey = `pan-uploader:token:${Math.random()}`;
    const brokers = [a, b].map((client) => createTokenBroker({mint, store: new RedisTokenStore(client), storeKey}));
    const tokens = await Promise.all(Array.from({length: 20}, (_, i) => brokers[i % 2]!.getToken()));
    assert.equal(mints, 1);
    assert.deepEqual(new Set(tokens.map((t) => t.accessToken)), new Set(['token-1']));
  });

  it('the limiter spaces one endpoint across instances by Redis\'s clock', async () => {
    const account = `acct-${Math.random()}`;
    const limiters = [a, b].map((redis) => createAccountLimiter({redis, account, limits: {'/x': 10}, marginMs: 0}));
    const times: number[] = [];
    await Promise.all(Array.from({length: 10}, (_, i) => limiters[i % 2]!.acquire('/x').then(() => times.push(performance.now()))));
    times.sort((x, y) => x - y);
    // 10 turns 100 ms apart: the last one at least 900 ms after the first (timers fire late, never early).
    assert.ok(times.at(-1)! - times[0]! >= 880, `10 turns took ${Math.round(times.at(-1)! - times[0]!)} ms`);
    // Unlisted endpoints wait for nothing.
    const t0 = performance.now();
    await limiters[0]!.acquire('/unlisted');
    assert.ok(performance.now() - t0 < 50);
  });
});

describe('two proxy processes sharing one Redis', {skip}, () => {
  let pan: EmulatorServer;
  const children: ChildProcess[] = [];
  const origins: string[] = [];
  before(async () => {
    // The free tier's create limit, counted by the emulator across every client of the account.
    pan = await startEmulatorServer({qps: {'/upload/v2/file/create': 1}});
    for (let i = 0; i < 2; i++) {
      const child = spawn(process.execPath, ['--import', 'tsx', new URL('./support/proxy-instance.ts', import.meta.url).pathname], {
        env: {...process.env, REDIS_URL: redisServer!.url, API_BASE: pan.apiOrigin},
        stdio: ['ignore', 'pipe', 'inherit'],
      });
      children.push(child);
      const line = await new Promise<string>((resolve, reject) => {
        const lines = createInterface({input: child.stdout!});
        lines.on('line', (text) => text.startsWith('LISTENING ') && resolve(text));
        child.once('exit', (code) => reject(new Error(`proxy instance exited (code ${code})`)));
        setTimeout(() => reject(new Error('proxy instance did not start within 30 s')), 30_000);
      });
      origins.push(line.slice('LISTENING '.length));
    }
  });
  after(async () => {
    await Promise.all(children.map((child) => new Promise((resolve) => (child.exitCode !== null ? resolve(null) : (child.once('exit', resolve), child.kill('SIGTERM'))))));
    await pan?.close();
  });

  it('20 visitors\' creates at once: one token minted, every create answered, never two within a second', async () => {
    const answers = await Promise.all(
      Array.from({length: 20}, async (_, i) => {
        const res = await fetch(`${origins[i % 2]}/pan-api/upload/v2/file/create`, {
          method: 'POST',
          headers: {'content-type': 'application/json'},
          body: JSON.stringify({parentFileID: 0, filename: `visitor-${i}.bin`, etag: i.toString(16).padStart(32, '0'), size: 1024 + i, duplicate: 1}),
        });
        return (await res.json()) as {code: number; message: string};
      }),
    );
    for (const [i, answer] of answers.entries()) assert.equal(answer.code, 0, `visitor ${i}: ${answer.message}`);
    const log = pan.emulator.requests;
    assert.equal(log.filter((r) => r.path === '/api/v1/access_token').length, 1, 'tokens minted');
    const creates = log.filter((r) => r.path === '/upload/v2/file/create');
    // Sent one turn (1.1 s) apart; one that arrives early on a busy machine is refused and sent in a later turn.
    const refused = creates.filter((r) => r.code === 429).length;
    assert.ok(refused <= 4, `${refused} creates met the limit (with no shared limiter, 20 at once meet it 19 times)`);
    const accepted = creates.filter((r) => r.code === 0).map((r) => r.time).sort((x, y) => x - y);
    assert.equal(accepted.length, 20);
    for (let i = 1; i < accepted.length; i++) assert.ok(accepted[i]! - accepted[i - 1]! >= 1000, `creates ${i} and ${i + 1} arrived ${accepted[i]! - accepted[i - 1]!} ms apart`);
  });
});

describe('the token limit', () => {
  it('"tokens number has exceeded the limit" is its own error, saying what to do', async () => {
    const fetch = async () => Response.json({code: 401, message: 'tokens number has exceeded the limit', data: null, 'x-traceID': 'limit-trace'});
    const broker = createTokenBroker({clientID: 'c', clientSecret: 's', fetch: fetch as typeof globalThis.fetch});
    await assert.rejects(broker.getToken(), (error: Error) => {
      assert.ok(error instanceof TokenLimitError, String(error));
      assert.match(error.message, /as many live tokens as it may \(3 per client ID\)/);
      assert.match(error.message, /RedisTokenStore/);
      assert.equal((error as TokenLimitError).traceID, 'limit-trace');
      return true;
    });
  });
});
