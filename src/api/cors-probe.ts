/**
 * Telling a CORS refusal from a network failure, which a page sees alike (a network error). A `no-cors`
 * request is never held to CORS: when it reaches the host (an opaque answer) right after a CORS request
 * to it failed, the host is up and refuses browser pages. Asked once per host for the client's life.
 */

/** The origin of `url` when it is another origin than the page's; undefined outside a page. */
export function crossOrigin(url: string): string | undefined {
  if (typeof document === 'undefined' || typeof location === 'undefined') return undefined;
  try {
    const {origin} = new URL(url, location.href);
    return origin === location.origin ? undefined : origin;
  } catch {
    return undefined;
  }
}

export class CorsProbe {
  private readonly verdicts = new Map<string, Promise<boolean>>();

  /** True when `origin` answers a no-cors request, so a failed CORS request to it was refused by CORS. */
  refusesPages(origin: string): Promise<boolean> {
    let verdict = this.verdicts.get(origin);
    if (!verdict) {
      verdict = reachable(origin);
      this.verdicts.set(origin, verdict);
      // A network that was down is asked again next time; a refusal stays known.
      void verdict.then((refused) => {
        if (!refused) this.verdicts.delete(origin);
      });
    }
    return verdict;
  }

  /** Already known to refuse pages (no request needed). */
  async known(origin: string): Promise<boolean> {
    const verdict = this.verdicts.get(origin);
    return verdict ? verdict : false;
  }
}

async function reachable(origin: string): Promise<boolean> {
  if (typeof fetch !== 'function') return false;
  try {
    await fetch(`${origin}/`, {mode: 'no-cors', credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(10_000)});
    return true;
  } catch {
    return false;
  }
}
