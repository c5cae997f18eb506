/**
 * How the browser reaches an upload server through the proxy. create/domain answers name upload
 * servers (`servers`, or the single-step domain); the proxy replaces each with
 * `<publicOrigin><prefix>/__upload/<ticket>` where the ticket is the server's origin plus an HMAC.
 * The proxy forwards only to origins carrying a valid ticket, i.e. ones it handed out itself; any
 * instance holding the same key accepts them, so several instances behind a balancer agree.
 */

const encoder = new TextEncoder();
const decoder = new TextDecoder();

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

/** 123pan may answer `http://host`, `https://host` or a bare `host`: bare means https. */
export function normalizeUploadOrigin(server: string): string | undefined {
  const text = server.trim();
  if (text === '') return undefined;
  try {
    const url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `https://${text}`);
    if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined;
    return url.origin;
  } catch {
    return undefined;
  }
}

/** Tickets already verified, so each slice of an upload does not pay for an HMAC check again. */
const MAX_OPENED_TICKETS = 1000;

export class UploadTickets {
  private readonly key: Promise<CryptoKey>;
  private readonly opened = new Map<string, string>();

  constructor(secret?: string) {
    const material = secret === undefined ? crypto.getRandomValues(new Uint8Array(32)) : encoder.encode(secret);
    this.key = crypto.subtle.importKey('raw', material, {name: 'HMAC', hash: 'SHA-256'}, false, ['sign', 'verify']);
  }

  /** The path segment that stands for `origin`. */
  async issue(origin: string): Promise<string> {
    const mac = new Uint8Array(await crypto.subtle.sign('HMAC', await this.key, encoder.encode(origin)));
    return `${base64url(encoder.encode(origin))}.${base64url(mac)}`;
  }

  /** The origin a ticket stands for, or undefined when it is not one of ours. */
  async open(ticket: string): Promise<string | undefined> {
    const known = this.opened.get(ticket);
    if (known !== undefined) return known;
    const [encoded, mac, extra] = ticket.split('.');
    if (encoded === undefined || mac === undefined || extra !== undefined) return undefined;
    const originBytes = fromBase64url(encoded);
    const macBytes = fromBase64url(mac);
    if (!originBytes || !macBytes) return undefined;
    const ok = await crypto.subtle.verify('HMAC', await this.key, macBytes, originBytes);
    if (!ok) return undefined; // refusals are not remembered: a flood of bad tickets cannot fill the cache
    const origin = decoder.decode(originBytes);
    this.opened.set(ticket, origin);
    if (this.opened.size > MAX_OPENED_TICKETS) this.opened.delete(this.opened.keys().next().value!);
    return origin;
  }
}
