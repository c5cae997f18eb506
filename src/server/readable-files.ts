/**
 * Which fileIDs a visitor may read links of: the ones an upload through this proxy produced for that
 * same visitor. A visitor is named by `authorize` (when it answers a string) or else by a random id in
 * a cookie the proxy sets (HttpOnly, SameSite=Strict, scoped to the proxy's prefix).
 *
 * Each id is a cookie of its own name (`pan-uploader-visitor-<id>`): a page whose first uploads are
 * answered at once, before it holds any cookie, gets one id per answer, and under one shared name the
 * browser would keep only the last, leaving the other uploads' links unreadable. It keeps them all, and
 * a request carrying several ids is each of them.
 */

const MAX_ENTRIES = 10_000;
export const VISITOR_COOKIE = 'pan-uploader-visitor';

export class ReadableFiles {
  // One set of "visitor, fileID" pairs, oldest first, so the bound applies across visitors.
  private readonly entries = new Set<string>();

  add(visitor: string, fileID: unknown): void {
    if ((typeof fileID !== 'number' && typeof fileID !== 'string') || fileID === 0 || fileID === '') return;
    const key = `${visitor}\n${String(fileID)}`;
    this.entries.delete(key);
    this.entries.add(key);
    if (this.entries.size > MAX_ENTRIES) this.entries.delete(this.entries.values().next().value!);
  }

  has(visitor: string, fileID: string): boolean {
    return this.entries.has(`${visitor}\n${fileID}`);
  }
}

/** At most this many visitor ids are read from one request: a page gets one per answer of its first wave. */
const MAX_VISITOR_IDS = 16;

const ID = /^[0-9a-f]{32}$/;

/** The visitor ids in the request's cookies (also the single `pan-uploader-visitor=<id>` of earlier versions). */
export function visitorsFromCookie(cookieHeader: string | null): string[] {
  const ids = new Set<string>();
  for (const pair of (cookieHeader ?? '').split(';')) {
    const [name = '', value] = pair.trim().split('=', 2);
    const id = name === VISITOR_COOKIE ? value : name.startsWith(`${VISITOR_COOKIE}-`) ? name.slice(VISITOR_COOKIE.length + 1) : undefined;
    if (id && ID.test(id)) ids.add(id);
    if (ids.size === MAX_VISITOR_IDS) break;
  }
  return [...ids];
}

/** A new visitor id and the Set-Cookie header that hands it to the browser. */
export function newVisitor(path: string, secure: boolean): {id: string; cookie: string} {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return {id, cookie: `${VISITOR_COOKIE}-${id}=1; Path=${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`};
}
