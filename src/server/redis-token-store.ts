/**
 * The token store and lease over Redis, so every instance of a deployment shares ONE token per account
 * and only one of them mints at a time. Takes a connected node-redis client (`createClient()` from the
 * `redis` package, v4 or later); this module imports nothing from it.
 */
import type {StoredToken, TokenStore} from './token-store.ts';

/** What the store uses of a node-redis client: raw commands, so it is bound to no client version. */
export interface RedisCommander {
  sendCommand(args: string[]): Promise<unknown>;
}

/** Deletes KEYS[1] only while it still holds ARGV[1]: a late 401 or an expired lease drops nothing newer. */
const DELETE_IF = `if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0`;

/** Stored tokens outlive their expiry by this much at most: Redis forgets them, no one has to. */
const EXPIRY_SLACK_MS = 60_000;

export class RedisTokenStore implements TokenStore {
  private readonly client: RedisCommander;
  /** This store's name on the leases it takes, so it gives back only its own. */
  private readonly owner = crypto.randomUUID();

  constructor(client: RedisCommander) {
    if (!client || typeof client.sendCommand !== 'function') throw new TypeError('RedisTokenStore: pass a connected node-redis client (createClient() from "redis")');
    this.client = client;
  }

  async get(key: string): Promise<StoredToken | undefined> {
    const text = await this.client.sendCommand(['GET', key]);
    if (typeof text !== 'string') return undefined;
    try {
      const token = JSON.parse(text) as StoredToken;
      return typeof token?.accessToken === 'string' ? token : undefined;
    } catch {
      return undefined;
    }
  }

  async set(key: string, token: StoredToken): Promise<void> {
    const expires = typeof token.expiredAt === 'number' ? token.expiredAt : Date.parse(token.expiredAt);
    const ttl = Number.isFinite(expires) ? Math.max(1000, expires - Date.now() + EXPIRY_SLACK_MS) : undefined;
    await this.client.sendCommand(ttl === undefined ? ['SET', key, JSON.stringify(token)] : ['SET', key, JSON.stringify(token), 'PX', String(Math.round(ttl))]);
  }

  async delete(key: string, accessToken: string): Promise<void> {
    const current = await this.get(key);
    if (current?.accessToken !== accessToken) return;
    await this.client.sendCommand(['EVAL', DELETE_IF, '1', key, JSON.stringify(current)]);
  }

  async lease(key: string, ttlMs: number): Promise<boolean> {
    return (await this.client.sendCommand(['SET', key, this.owner, 'NX', 'PX', String(Math.max(1, Math.round(ttlMs)))])) === 'OK';
  }

  async release(key: string): Promise<void> {
    await this.client.sendCommand(['EVAL', DELETE_IF, '1', key, this.owner]);
  }
}
