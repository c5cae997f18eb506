// The benchmark page in the engine picked with --browser chromium|firefox|webkit: Chromium and Firefox through
// puppeteer-core, WebKitGTK through WebKitWebDriver (webdriverio, WebDriver classic). The benches see one small
// surface: open a page, set files from disk on an input, call a function the page put on `window`.
import type {Browser} from 'puppeteer-core';

type Engine = 'chromium' | 'firefox' | 'webkit';
const {browsersFromArgs, engines, launchPuppeteer, missingLine}: {
  browsersFromArgs(argv: string[], fallback: Engine[]): {browsers: Engine[]; rest: string[]};
  engines: Record<Engine, {label: string; find(): string | undefined}>;
  launchPuppeteer(name: Engine, options?: object): Promise<Browser>;
  missingLine(name: Engine): string;
} = await import(new URL('../scripts/browsers.mjs', import.meta.url).href);
const {startWebKitDriver, descendantNamed}: {
  startWebKitDriver(): Promise<{port: number; pid: number; stop(): Promise<void>}>;
  descendantNamed(root: number, comm: string): number | undefined;
} = await import(new URL('../scripts/webkit-driver.mjs', import.meta.url).href);

export interface BenchPage {
  engine: Engine;
  label: string;
  /** The root of the browser's process tree, for memory and CPU figures. */
  pid: number;
  goto(url: string, readyFunction: string): Promise<void>;
  setFiles(selector: string, paths: string[]): Promise<void>;
  call<T>(name: string, arg: unknown): Promise<T>;
  /** Chromium only: a full garbage collection in the page now (DevTools' HeapProfiler.collectGarbage). */
  collectGarbage?(): Promise<void>;
  /** Chromium only: a Chrome trace (devtools.timeline, user timing, and any `categories` more) of what `during` makes the page do. */
  trace?(during: () => Promise<unknown>, categories?: string[]): Promise<TraceEvent[]>;
  close(): Promise<void>;
}

export interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  /** Thread (CPU) time of a complete event, µs. */
  tdur?: number;
  args?: {name?: string; data?: {functionName?: string; url?: string}};
}

/** The engine named by --browser (default chromium); exits with the missing package's line if it is not installed. */
export function engineFromArgs(): Engine {
  const {browsers} = browsersFromArgs(process.argv.slice(2), ['chromium']);
  const engine = browsers[0]!;
  if (!engines[engine].find()) {
    console.error(missingLine(engine));
    process.exit(1);
  }
  return engine;
}

export async function openBenchPage(engine: Engine, timeoutMs: number): Promise<BenchPage> {
  return engine === 'webkit' ? openWebKit(timeoutMs) : openPuppeteer(engine, timeoutMs);
}

async function openPuppeteer(engine: Engine, timeoutMs: number): Promise<BenchPage> {
  const browser = await launchPuppeteer(engine, {protocolTimeout: timeoutMs});
  const page = await browser.newPage();
  page.on('pageerror', (error) => console.error('page error:', error));
  return {
    engine,
    label: engines[engine].label,
    pid: browser.process()!.pid!,
    async goto(url, ready) {
      await page.goto(url);
      await page.waitForFunction((name) => typeof (window as unknown as Record<string, unknown>)[name] === 'function', {timeout: 120_000}, ready);
    },
    async setFiles(selector, paths) {
      const input = await page.$(selector);
      await (input as unknown as {uploadFile(...paths: string[]): Promise<void>}).uploadFile(...paths);
    },
    call: (name, arg) => page.evaluate((n, a) => (window as unknown as Record<string, (a: unknown) => Promise<never>>)[n]!(a), name, arg),
    ...(engine === 'chromium'
      ? {
          async collectGarbage() {
            const session = await page.createCDPSession();
            await session.send('HeapProfiler.collectGarbage');
            await session.detach();
          },
        }
      : {}),
    async trace(during, categories = []) {
      await page.tracing.start({categories: ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'blink.user_timing', 'toplevel', ...categories]});
      let bytes: Uint8Array | undefined;
      try {
        await during();
      } finally {
        bytes = await page.tracing.stop();
      }
      const parsed = JSON.parse(Buffer.from(bytes!).toString('utf8')) as {traceEvents: TraceEvent[]} | TraceEvent[];
      return Array.isArray(parsed) ? parsed : parsed.traceEvents;
    },
    close: () => browser.close(),
  };
}

async function openWebKit(timeoutMs: number): Promise<BenchPage> {
  const driver = await startWebKitDriver();
  const {remote} = await import('webdriverio');
  let browser: WebdriverIO.Browser;
  try {
    // WebKitWebDriver answers "Failed to match capabilities" to webdriverio's default BiDi request.
    browser = await remote({hostname: '127.0.0.1', port: driver.port, logLevel: 'error', capabilities: {'wdio:enforceWebDriverClassic': true} as WebdriverIO.Capabilities});
    await browser.setTimeout({script: timeoutMs, pageLoad: 120_000});
  } catch (error) {
    await driver.stop();
    throw error;
  }
  return {
    engine: 'webkit',
    label: engines.webkit.label,
    // The driver and everything it starts (MiniBrowser, its web and network processes), not Xvfb.
    pid: descendantNamed(driver.pid, 'WebKitWebDriver') ?? driver.pid,
    async goto(url, ready) {
      await browser.url(url);
      await browser.waitUntil(() => browser.execute((name: string) => typeof (window as unknown as Record<string, unknown>)[name] === 'function', ready), {timeout: 120_000});
    },
    async setFiles(selector, paths) {
      // WebDriver classic: Element Send Keys on <input type=file> sets files from disk, one path per line.
      const input = await browser.$(selector);
      await browser.elementSendKeys(await input.elementId, paths.join('\n'));
    },
    async call<T>(name: string, arg: unknown) {
      const outcome = (await browser.executeAsync(
        (n: string, a: unknown, done: (v: unknown) => void) => {
          (window as unknown as Record<string, (a: unknown) => Promise<unknown>>)[n]!(a).then(
            (value) => done({value}),
            (error: unknown) => done({error: String((error as Error)?.stack ?? error)}),
          );
        },
        name,
        arg,
      )) as {value?: T; error?: string};
      if (outcome.error) throw new Error(`${name} failed in the page: ${outcome.error}`);
      return outcome.value as T;
    },
    async close() {
      await browser.deleteSession().catch(() => undefined);
      await driver.stop();
    },
  };
}
