/**
 * Telling a CORS refusal from a network failure, which a page sees alike (a network error). Two probes of
 * the origin's root, neither with side effects: a `no-cors` GET, never held to CORS, must reach the host
 * (so it is up), and a plain CORS GET (no preflight) must fail (so the host withholds CORS headers). A
 * dropped connection on a host that lets pages in passes the second, so it stays a network error and is
 * retried. Asked once per origin; a refusal is remembered for the client's life.
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

  /** True when `origin` is up but withholds CORS headers from this page. */
  refusesPages(origin: string): Promise<boolean> {
    let verdict = this.verdicts.get(origin);
    if (!verdict) {
      verdict = probeRefusal(origin);
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

async function probeRefusal(origin: string): Promise<boolean> {
  if (typeof fetch !== 'function') return false;
  const probe = (mode: RequestMode) =>
    fetch(`${origin}/`, {mode, credentials: 'omit', cache: 'no-store', signal: AbortSignal.timeout(10_000)}).then(
      () => true,
      () => false,
    );
  return (await probe('no-cors')) && !(await probe('cors'));
}
