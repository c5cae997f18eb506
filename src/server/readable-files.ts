/**
 * Which fileIDs a visitor may read links of: the ones an upload through this proxy produced for that
 * same visitor. A visitor is named by `authorize` (when it answers a string) or else by a random id in
 * a cookie the proxy sets (HttpOnly, SameSite=Strict, scoped to the proxy's prefix).
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

/** The visitor id from the request's cookies, if it carries a well-formed one. */
export function visitorFromCookie(cookieHeader: string | null): string | undefined {
  if (!cookieHeader) return undefined;
  for (const pair of cookieHeader.split(';')) {
    const [name, value] = pair.trim().split('=', 2);
    if (name === VISITOR_COOKIE && value && /^[0-9a-f]{32}$/.test(value)) return value;
  }
  return undefined;
}

/** A new visitor id and the Set-Cookie header that hands it to the browser. */
export function newVisitor(path: string, secure: boolean): {id: string; cookie: string} {
  const id = Array.from(crypto.getRandomValues(new Uint8Array(16)), (byte) => byte.toString(16).padStart(2, '0')).join('');
  return {id, cookie: `${VISITOR_COOKIE}=${id}; Path=${path}; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`};
}
