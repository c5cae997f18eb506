/**
 * Requests another site makes a visitor's browser send (a form post, a `text/plain` fetch, an image)
 * carry the visitor's cookies, and so pass `authorize`. Browsers say where a request comes from in
 * `Sec-Fetch-Site` (and older ones in `Origin`): the backend hook refuses requests from other sites
 * unless their origin is listed.
 */

/** Why a request is refused as cross-site, or undefined. `ownHost` is the host the site is reached at. */
export function crossSiteRefusal(headers: Headers, ownHost: string | undefined, allowedOrigins: readonly string[]): string | undefined {
  const origin = headers.get('origin');
  if (origin !== null && allowedOrigins.includes(origin)) return undefined;
  const site = headers.get('sec-fetch-site');
  if (site === 'cross-site') return `a request from another site${origin ? ` (${origin})` : ''} is refused`;
  if (site !== null || origin === null) return undefined;
  // A browser without Sec-Fetch-Site: compare Origin with the site's own host.
  if (origin === 'null') return 'a request from an opaque origin is refused';
  let host: string;
  try {
    host = new URL(origin).host;
  } catch {
    return 'the Origin header is not an origin';
  }
  return ownHost !== undefined && host !== ownHost.toLowerCase() ? `a request from another site (${origin}) is refused` : undefined;
}
