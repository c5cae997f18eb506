/**
 * Upload servers (`servers` from create, the single-step `domain`) may come back as plain `http://…`
 * or with no scheme at all. An https page cannot post to plain http (mixed content), so:
 * - no scheme → https;
 * - http on an https page → upgraded to https (123pan's upload hosts answer on both); if the upgraded
 *   server then cannot be reached, the client reports code 'mixed-content' naming the server;
 * - http on an http page (or outside a page) → kept; loopback hosts are kept as they are (browsers
 *   treat them as secure, and local stand-ins often speak only http);
 * - a path starting with one '/' is a same-origin proxy and is kept as it is.
 */
import {PanApiError} from './errors.ts';

const LOOPBACK = /^(localhost|127(?:\.\d{1,3}){3}|\[::1\])$/i;

function pageProtocolNow(): string | undefined {
  return typeof location === 'undefined' ? undefined : location.protocol;
}

function refuse(server: string, reason: string): never {
  throw new PanApiError({code: 'bad-response', message: `upload server ${JSON.stringify(server)} ${reason}`, endpoint: server});
}

/** The server as a URL prefix without a trailing slash, safe to call from a page of `pageProtocol` ('https:'). */
export function normalizeServer(server: string, pageProtocol: string | undefined = pageProtocolNow()): string {
  if (typeof server !== 'string') refuse(String(server), 'is not a string');
  const trimmed = server.trim().replace(/\/+$/, '');
  if (!trimmed) refuse(server, 'is empty');
  if (trimmed.startsWith('/') && !trimmed.startsWith('//')) return trimmed;

  let withScheme = trimmed;
  if (trimmed.startsWith('//')) withScheme = `https:${trimmed}`;
  else if (!/^[a-z][a-z\d+.-]*:\/\//i.test(trimmed)) withScheme = `https://${trimmed}`;

  let url: URL;
  try {
    url = new URL(withScheme);
  } catch {
    refuse(server, 'is not a valid URL');
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') refuse(server, `has the scheme ${url.protocol} (only http and https carry uploads)`);
  if (url.username || url.password) refuse(server, 'carries credentials in the URL');
  if (url.search || url.hash) refuse(server, 'carries a query or fragment');

  if (url.protocol === 'http:' && pageProtocol === 'https:' && !LOOPBACK.test(url.hostname)) url.protocol = 'https:';
  return `${url.origin}${url.pathname.replace(/\/+$/, '')}`;
}

/** True when normalizeServer had to turn plain http into https for an https page. */
export function wasUpgraded(server: string, normalized: string): boolean {
  return /^\s*http:\/\//i.test(server) && normalized.startsWith('https://');
}
