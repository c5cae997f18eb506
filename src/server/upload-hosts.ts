/**
 * How the browser reaches an upload server through the proxy. create/domain answers name upload
 * servers (`servers`, or the single-step domain); the proxy replaces each with
 * `<prefix>/__upload/<ticket>`, a ticket naming the server's origin and an expiry under an HMAC that
 * also covers the deployment's API base. The proxy sends the account's token only to origins that
 * carry a valid, unexpired ticket of its own deployment AND that are upload hosts it accepts: 123pan's
 * own domains over https, the API base's host, or origins the host configured.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/** The domains 123pan's upload servers are named under (openapi-upload.123pan.com, openapi-upload.123242.com). */
export const PAN_UPLOAD_DOMAINS: readonly string[] = ['123pan.com', '123pan.cn', '123242.com'];

export const MIN_TICKET_SECRET_BYTES = 32;

function base64url(bytes: Uint8Array): string {
  let binary = '';
  for (const byte of bytes) binary += String.fromCharCode(byte);
  return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

function fromBase64url(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (!/^[A-Za-z0-9_-]*$/.test(text)) return undefined;
  const padded = text.replace(/-/g, '+').replace(/_/g, '/') + '='.repeat((4 - (text.length % 4)) % 4);
  try {
    return Uint8Array.from(atob(padded), (c) => c.charCodeAt(0));
  } catch {
    return undefined;
  }
}

function parseServer(server: string): URL | undefined {
  const text = server.trim();
  if (text === '') return undefined;
  try {
    // 123pan may answer `http://host`, `https://host` or a bare `host`.
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    if ((url.protocol !== 'https:' && url.protocol !== 'http:') || url.username || url.password) return undefined;
    return url;
  } catch {
    return undefined;
  }
}

/** Which upload servers the proxy may send the token to, and at which origin. */
export class UploadHosts {
  private readonly api: URL;
  private readonly extra: URL[];

  constructor(apiBase: string, extra: readonly string[] = []) {
    this.api = new URL(apiBase);
    this.extra = extra.map((origin) => {
      const url = parseServer(origin);
      if (!url || !/^[a-z][a-z0-9+.-]*:\/\//i.test(origin.trim())) throw new TypeError(`createProxy: uploadOrigins entry ${JSON.stringify(origin)} must be an origin such as https://upload.example.com`);
      return url;
    });
  }

  /**
   * The origin to use for `server` as 123pan named it, or undefined when the token must not go there.
   * 123pan's own hosts always over https (it answers plain http in examples: never send the token
   * over it); the API base's host on the API base's scheme (an emulator on loopback); listed origins as listed.
   */
  resolve(server: string): string | undefined {
    const url = parseServer(server);
    if (!url) return undefined;
    const listed = this.extra.find((origin) => origin.host === url.host);
    if (listed) return listed.origin;
    if (url.hostname === this.api.hostname) return `${this.api.protocol}//${url.host}`;
    const host = url.hostname.toLowerCase();
    if (PAN_UPLOAD_DOMAINS.some((domain) => host === domain || host.endsWith(`.${domain}`))) return `https://${host}${url.port && url.protocol === 'https:' ? `:${url.port}` : ''}`;
    return undefined;
  }
}

/** Tickets already verified, so each slice of an upload does not pay for an HMAC check again. */
const MAX_OPENED_TICKETS = 1000;

/**
 * Expiring addresses, valid on this deployment only: `upload` tickets name an upload server's origin under an
 * HMAC (an origin is no secret); `storage` tickets a whole presigned URL from a get_upload_url answer (the relay
 * PUTs only to URLs this deployment handed out), sealed with AES-GCM: the ticket is a path segment that access
 * logs keep, and a presigned URL read from a log would let anyone write that part straight to storage.
 * The purpose is bound in too, so one kind of ticket never opens as the other.
 */
export class UploadTickets {
  private readonly purpose: 'upload' | 'storage';
  /** HMAC for upload tickets; AES-GCM, derived from the secret by HKDF, for storage tickets (no key serves two algorithms). */
  private readonly key: Promise<CryptoKey>;
  private readonly opened = new Map<string, {origin: string; expires: number}>();
  private readonly apiBase: string;
  private readonly lifetimeMs: number;
  private readonly now: () => number;

  /** Throws a TypeError naming the fix when `secret` is given but shorter than 32 bytes. */
  constructor(options: {secret?: string; apiBase: string; lifetimeMs: number; now?: () => number; purpose?: 'upload' | 'storage'}) {
    const {secret} = options;
    if (secret !== undefined && (typeof secret !== 'string' || encoder.encode(secret).length < MIN_TICKET_SECRET_BYTES)) {
      throw new TypeError(
        `createProxy: ticketSecret must be a string of at least ${MIN_TICKET_SECRET_BYTES} bytes (e.g. \`openssl rand -base64 32\`), ` +
          'the same on every instance of this deployment and on no other; leave it unset for a single instance',
      );
    }
    const material = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : encoder.encode(secret);
    this.purpose = options.purpose ?? 'upload';
    this.key =
      this.purpose === 'storage'
        ? crypto.subtle
            .importKey('raw', material, 'HKDF', false, ['deriveKey'])
            .then((base) =>
              crypto.subtle.deriveKey({name: 'HKDF', hash: 'SHA-256', salt: new Uint8Array(0), info: encoder.encode('pan-uploader ticket seal')}, base, {name: 'AES-GCM', length: 256}, false, ['encrypt', 'decrypt']),
            )
        : crypto.subtle.importKey('raw', material, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign', 'verify']);
    this.apiBase = options.apiBase;
    this.lifetimeMs = options.lifetimeMs;
    this.now = options.now ?? Date.now;
  }

  /** What a ticket is bound to besides its contents: its purpose and the deployment's API base. */
  private context(): string {
    return `pan-uploader ${this.purpose} ticket\n${this.apiBase}`;
  }

  /** What an upload ticket's HMAC covers. */
  private signed(origin: string, expires: number): Uint8Array<ArrayBuffer> {
    return encoder.encode(`${this.context()}\n${origin}\n${expires}`);
  }

  /** The path segment that stands for `origin` (a URL, for storage tickets) until the ticket expires. */
  async issue(origin: string): Promise<string> {
    const expires = Math.ceil((this.now() + this.lifetimeMs) / 1000);
    const payload = encoder.encode(`${origin}\n${expires}`);
    if (this.purpose === 'storage') {
      const iv = crypto.getRandomValues(new Uint8Array(12));
      const sealed = await crypto.subtle.encrypt({name: 'AES-GCM', iv, additionalData: encoder.encode(this.context())}, await this.key, payload);
      return `${base64url(iv)}.${base64url(new Uint8Array(sealed))}`;
    }
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await this.key, this.signed(origin, expires)));
    return `${base64url(payload)}.${base64url(mac)}`;
  }

  /** The origin a ticket stands for, or undefined when it is not one of this deployment's or has expired. */
  async open(ticket: string): Promise<string | undefined> {
    const known = this.opened.get(ticket);
    if (known !== undefined) return known.expires * 1000 > this.now() ? known.origin : undefined;
    const [first, second, extra] = ticket.split('.');
    if (first === undefined || second === undefined || extra !== undefined) return undefined;
    const a = fromBase64url(first);
    const b = fromBase64url(second);
    if (!a || !b) return undefined;
    const payload = this.purpose === 'storage' ? await this.unseal(a, b) : a;
    if (!payload) return undefined;
    const [origin, expiresText, more] = decoder.decode(payload).split('\n');
    if (origin === undefined || expiresText === undefined || more !== undefined || !/^\d{1,12}$/.test(expiresText)) return undefined;
    const expires = Number(expiresText);
    if (expires * 1000 <= this.now()) return undefined;
    if (this.purpose !== 'storage' && !(await crypto.subtle.verify('HMAC', await this.key, b, this.signed(origin, expires)))) {
      return undefined; // refusals are not remembered: a flood of bad tickets cannot fill the cache
    }
    this.opened.set(ticket, {origin, expires});
    if (this.opened.size > MAX_OPENED_TICKETS) this.opened.delete(this.opened.keys().next().value!);
    return origin;
  }

  /** A storage ticket's contents, or undefined when it was not sealed by this deployment for this purpose. */
  private async unseal(iv: Uint8Array<ArrayBuffer>, sealed: Uint8Array<ArrayBuffer>): Promise<Uint8Array | undefined> {
    if (iv.length !== 12) return undefined;
    try {
      return new Uint8Array(await crypto.subtle.decrypt({name: 'AES-GCM', iv, additionalData: encoder.encode(this.context())}, await this.key, sealed));
    } catch {
      return undefined;
    }
  }
}
