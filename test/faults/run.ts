// npm run test:faults — every fault case; npm run test:faults:fast (--fast) — the quick ones, as part of npm test.
// --only=<regexp> picks cases by name; FAULTS_LANES (default 2) cases run at once, each with its own emulator.
// --browser=chromium|firefox (default chromium) picks the engine; both are driven through puppeteer-core.
// Prints a table (case, expected outcome, outcome, bytes verified); the last line is one JSON object.
// Exits non-zero when any case fails.
import type {IncomingMessage, ServerResponse} from 'node:http';
import {fileURLToPath} from 'node:url';
import {createServer, type Plugin} from 'vite';
import {cases, type Case} from './cases.ts';
import {CaseContext, mounts} from './harness.ts';
import {judge, zeroCounts, type Verdict} from './judge.ts';

type Engine = 'chromium' | 'firefox' | 'webkit';
const {engineOf, engines, launchPuppeteer, missingLine}: {
  engineOf(name: string): Engine;
  engines: Record<Engine, {label: string; find(): string | undefined}>;
  launchPuppeteer(name: Engine, options?: object): Promise<import('puppeteer-core').Browser>;
  missingLine(name: Engine): string;
} = await import(new URL('../../scripts/browsers.mjs', import.meta.url).href);

const args = process.argv.slice(2);
const fast = args.includes('--fast');
const only = args.find((a) => a.startsWith('--only='))?.slice('--only='.length);
const lanes = Math.max(1, Number(process.env.FAULTS_LANES ?? 2));
const engine = engineOf(args.find((a) => a.startsWith('--browser='))?.slice('--browser='.length) ?? 'chromium');
// The harness watches every request and response of the page, which WebKit's WebDriver (classic) cannot show.
if (engine === 'webkit') {
  console.error('the fault suite runs in chromium or firefox: WebKitWebDriver cannot report the page\'s network traffic the judge checks');
  process.exit(2);
}
if (!engines[engine].find()) {
  console.error(missingLine(engine));
  process.exit(1);
}
const root = fileURLToPath(new URL('../..', import.meta.url));

/** default-src 'self' and nothing more: no inline script or style, no WebAssembly. */
const STRICT_CSP = "default-src 'self'";

const matching = cases.filter((c) => (!fast || c.fast) && (!only || new RegExp(only, 'i').test(c.name)));
const selected = matching.filter((c) => !c.notIn?.[engine as 'firefox']);
for (const c of matching) if (c.notIn?.[engine as 'firefox']) console.log(`not run in ${engine}: ${c.name} (${c.notIn[engine as 'firefox']})`);
if (selected.length === 0) {
  console.error(`no case matches ${only ?? ''}`);
  process.exit(2);
}

/** Token endpoints and proxies of the running cases, under /case/<id>/; the strict CSP on csp.html. */
const faultRoutes: Plugin = {
  name: 'pan-faults',
  configureServer(server) {
    server.middlewares.use((req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => {
      const url = req.url ?? '';
      if (url.startsWith('/test/faults/csp.html')) res.setHeader('Content-Security-Policy', STRICT_CSP);
      const match = /^\/case\/([^/]+)\/(pan\/token|pan-api(?:-(\d+))?)(?:[/?]|$)/.exec(url);
      if (!match) return next();
      const mount = mounts.get(match[1]!);
      if (!mount) {
        res.writeHead(404).end('no such case');
        return;
      }
      if (match[2] === 'pan/token') mount.token(req, res, next);
      else if (match[3] === undefined) mount.proxy(req, res, next);
      else {
        const instance = mount.instances?.[Number(match[3]) - 2];
        if (instance) instance(req, res, next);
        else res.writeHead(404).end('no such proxy instance');
      }
    });
  },
};

const vite = await createServer({
  configFile: false,
  root,
  logLevel: 'error',
  plugins: [faultRoutes],
  server: {port: 0, host: '127.0.0.1', hmr: false, watch: null},
  optimizeDeps: {include: ['spark-md5', 'lit'], entries: ['test/faults/page.html']},
});
await vite.listen();
const address = vite.httpServer!.address();
const origin = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : 0}`;
const browser = await launchPuppeteer(engine, {protocolTimeout: 600_000});
process.stderr.write(`fault suite in ${engines[engine].label}\n`);

// Warm Vite's transforms once, so the first cases do not pay for them inside their time limits.
{
  const page = await browser.newPage();
  await page.goto(`${origin}/test/faults/page.html`);
  await page.waitForSelector('html[data-ready]', {timeout: 120_000});
  // Left open: in Firefox a case's tab opens in the window of whatever tab exists, and when a finished case
  // closed the last one, the window (and the tab being opened in it) went too ("BrowsingContext does no longer exist").
  await page.goto('about:blank');
}

interface Row {
  name: string;
  expected: string;
  verdict: Verdict;
  seconds: number;
}

async function runCase(c: Case, index: number): Promise<Row> {
  const started = performance.now();
  let ctx: CaseContext | undefined;
  let verdict: Verdict;
  const limit = c.timeoutMs ?? 90_000;
  try {
    ctx = await CaseContext.open(`c${index}`, origin, browser, c.emulator, c.uploadTls);
    const run = c.run(ctx);
    let timer: ReturnType<typeof setTimeout> | undefined;
    const result = await Promise.race([
      run,
      new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`the case took longer than ${limit} ms`)), limit))),
    ]).finally(() => clearTimeout(timer));
    verdict = await judge(ctx, result);
  } catch (error) {
    // Nobody can say what became of the files already handed over: each one counts as unaccounted for.
    const unaccounted = ctx?.handed.size ?? 0;
    verdict = {
      ...zeroCounts(),
      unaccounted,
      passed: false,
      outcome: `crashed, ${unaccounted} file${unaccounted === 1 ? '' : 's'} unaccounted for`,
      bytes: '-',
      problems: [(error as Error).stack ?? String(error)],
    };
  } finally {
    await ctx?.close().catch(() => undefined);
  }
  const row = {name: c.name, expected: c.expected, verdict, seconds: (performance.now() - started) / 1000};
  const mark = verdict.passed ? 'ok  ' : 'FAIL';
  process.stderr.write(`${mark} ${c.name} (${row.seconds.toFixed(1)} s)\n`);
  for (const p of verdict.problems) process.stderr.write(`     ${p}\n`);
  return row;
}

const rows: Row[] = new Array(selected.length);
let next = 0;
// The 1 GiB case goes first, alone on its lane, so the small ones fill the other lanes meanwhile.
const order = selected.map((_, i) => i).sort((a, b) => Number(/1 GiB/.test(selected[b]!.name)) - Number(/1 GiB/.test(selected[a]!.name)));
await Promise.all(
  Array.from({length: Math.min(lanes, selected.length)}, async () => {
    while (next < order.length) {
      const i = order[next++]!;
      rows[i] = await runCase(selected[i]!, i);
    }
  }),
);

await browser.close();
await vite.close();

const headers = ['case', 'expected outcome', 'outcome', 'bytes verified', 's'];
const table = rows.map((r) => [`${r.verdict.passed ? '✓' : '✗'} ${r.name}`, r.expected, r.verdict.outcome, r.verdict.bytes, r.seconds.toFixed(1)]);
const widths = headers.map((h, i) => Math.max(h.length, ...table.map((t) => t[i]!.length)));
const line = (cells: string[]) => cells.map((c, i) => c.padEnd(widths[i]!)).join(' | ');
console.log(line(headers));
console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
for (const t of table) console.log(line(t));

const sum = (f: (v: Verdict) => number) => rows.reduce((n, r) => n + f(r.verdict), 0);
const summary = {
  cases: rows.length,
  passed: rows.filter((r) => r.verdict.passed).length,
  uploads_completed: sum((v) => v.uploadsCompleted),
  clear_errors: sum((v) => v.clearErrors),
  data_lost: sum((v) => v.dataLost),
  silent_drops: sum((v) => v.silentDrops),
  unasked_overwrites: sum((v) => v.unaskedOverwrites),
  duplicates: sum((v) => v.duplicates),
  wrong_place: sum((v) => v.wrongPlace),
  gave_up: sum((v) => v.gaveUp),
  unaccounted: sum((v) => v.unaccounted),
};
console.log(JSON.stringify(summary));
process.exit(summary.passed === summary.cases ? 0 : 1);
