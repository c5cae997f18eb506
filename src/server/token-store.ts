/** A token as the broker keeps it. */
export interface StoredToken {
  accessToken: string;
  /** As 123pan gave it: an ISO time with offset (or epoch milliseconds from a custom source). */
  expiredAt: string | number;
  /** Epoch milliseconds when it was obtained; lets the broker renew short-lived tokens halfway. */
  obtainedAt: number;
}

/**
 * Where brokers keep the account's token. Memory by default; implement it over Redis, a KV or a
 * database so several server instances share ONE token (123pan limits how many live tokens an
 * account may hold, and its `access_token` endpoint is rate-limited).
 *
 * `key` names the account (e.g. `pan-uploader:token:<clientID>`), so one store can serve several.
 */
export interface TokenStore {
  get(key: string): Promise<StoredToken | undefined>;
  set(key: string, token: StoredToken): Promise<void>;
  /** Forget the token, but only if it is still `accessToken` (compare-and-delete), so a late 401 cannot drop a newer token. */
  delete(key: string, accessToken: string): Promise<void>;
  /**
   * Optional: take a short lease so only one instance mints at a time (Redis: `SET lockKey 1 NX PX ttlMs`).
   * Resolves false when another instance holds it; that broker then waits for the token to appear.
   */
  lease?(key: string, ttlMs: number): Promise<boolean>;
  /** Optional: give the lease back early. */
  release?(key: string): Promise<void>;
}

/** The default store: this process only. */
export class MemoryTokenStore implements TokenStore {
  private readonly tokens = new Map<string, StoredToken>();
  private readonly leases = new Map<string, number>();

  async get(key: string): Promise<StoredToken | undefined> {
    return this.tokens.get(key);
  }

  async set(key: string, token: StoredToken): Promise<void> {
    this.tokens.set(key, token);
  }

  async delete(key: string, accessToken: string): Promise<void> {
    if (this.tokens.get(key)?.accessToken === accessToken) this.tokens.delete(key);
  }

  async lease(key: string, ttlMs: number): Promise<boolean> {
    const now = Date.now();
    if ((this.leases.get(key) ?? 0) > now) return false;
    this.leases.set(key, now + ttlMs);
    return true;
  }

  async release(key: string): Promise<void> {
    this.leases.delete(key);
  }
}
