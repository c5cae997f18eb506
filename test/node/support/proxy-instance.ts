// One instance of a proxy deployment in its own process, sharing the token and the per-account limits
// with its siblings through Redis. Env: REDIS_URL, API_BASE. Prints `LISTENING <origin>` when ready.
import {createServer} from 'node:http';
import {createClient} from 'redis';
import {RedisTokenStore, createAccountLimiter, createProxy, createTokenBroker} from '../../../src/server/index.ts';

const redis = createClient({url: process.env.REDIS_URL});
redis.on('error', (error) => console.error('redis:', error.message));
await redis.connect();
const apiBase = process.env.API_BASE!;
const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase, store: new RedisTokenStore(redis)});
const proxy = createProxy({broker, apiBase, limiter: createAccountLimiter({redis, account: 'test-client'})});
const server = createServer((req, res) => proxy.handle(req, res));
server.listen(0, '127.0.0.1', () => {
  console.log(`LISTENING http://127.0.0.1:${(server.address() as {port: number}).port}`);
});
process.on('SIGTERM', () => {
  server.closeAllConnections();
  server.close();
  void redis.close().finally(() => process.exit(0));
});
