/**
 * What one fault case works with: its own emulator (three loopback servers), its own token broker, token
 * endpoint and same-origin proxy mounted on the shared Vite server under /case/<id>/, and its own incognito
 * browser context. Everything the page shows the world is recorded so the judge can look for leaks.
 */
import type {IncomingMessage, ServerResponse} from 'node:http';
import type {Browser, BrowserContext, ElementHandle, Page} from 'puppeteer-core';
import {startEmulatorServer, type EmulatorServer} from '../../src/emulator/node.ts';
import type {EmulatorOptions, Fault, RequestLogEntry, StoredFile, StoredFolder} from '../../src/emulator/types.ts';
import {createClient} from 'redis';
import {RedisTokenStore, createAccountLimiter, createProxy, createTokenBroker, createTokenHandler, type UpstreamAgents} from '../../src/server/index.ts';
import {fileBytes, type FileSpec} from './bytes.ts';
import type {FileOutcome, Given, Target} from './judge.ts';
import {md5Of, PanApi} from './pan-api.ts';
import type {FaultHarness, RecordedEvent, RenderedRow, TaskSummary} from './page.ts';
import {TEST_UPLOAD_HOST, testCertificate, toUploadServer} from './upload-tls.ts';

export type Mode = 'token' | 'proxy';
type Handler = (req: IncomingMessage, res: ServerResponse, next: (error?: unknown) => void) => void;

/** Per-case handlers the Vite middleware dispatches to, by the /case/<id>/ prefix. */
export const mounts = new Map<string, {token: Handler; proxy: Handler; tokenRequests: number; instances?: Handler[]}>();

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
export type {FileOutcome, Given};

/** Where a case uploads to: the target's root, or a folder made for the case. */
export interface Place {
  target: Target;
  /** The folder's name under the root; none for the root itself. */
  folder?: string;
  /** Folders already inside it before the case starts (one a file's path names must be reused, not made again). */
  subfolders?: string[];
  /** The case's proxy pins drive uploads to this folder (and the folders inside it), as a deployment would. */
  pinned?: boolean;
}

/** A file on the server before the case starts, which must be there, untouched, afterwards. */
export interface Bystander {
  name: string;
  size: number;
  seed: number;
}

export class CaseContext {
  page!: Page;
  private browserContext!: BrowserContext;
  readonly tokens = new Set<string>();
  readonly console: string[] = [];
  readonly pageRequests: {url: string; authorization?: string; method: string}[] = [];
  readonly failedRequests: string[] = [];
  readonly jsonBodies: {url: string; body: string}[] = [];
  mode: Mode = 'token';
  /** How the case's proxies reach upstream (uploadTls cases: 123pan's upload host to the emulator, over the test certificate). */
  upstreamAgents?: UpstreamAgents;
  /** The drive folder the case's proxy pins uploads to, when its place asks for it. */
  private pinDrive?: number;
  /** Where the case uploads to, and what was on the server when the step under test began. */
  place: Place & {parentID?: number | string} = {target: 'drive'};
  before: StoredFile[] = [];
  /** Every file handed to a page (name and size): what a crashed case leaves unaccounted for. */
  readonly handed = new Set<string>();
  /** Log entries before this index belong to the seeding, not to the case. */
  private logStart = 0;
  /** Tasks and refusals already matched to a given file, per page: two tabs number theirs alike. */
  private consumed = new WeakMap<Page, {tasks: Set<string>; rejections: Set<number>}>();

  private constructor(
    readonly id: string,
    readonly emu: EmulatorServer,
    readonly origin: string,
    private readonly browser: Browser,
  ) {}

  static async open(id: string, origin: string, browser: Browser, options: EmulatorOptions = {}, uploadTls = false): Promise<CaseContext> {
    // 1 MiB slices: a 17 MiB file (just above the single-step size) becomes 17 slices to fault.
    // CORS open on every origin unless the case says otherwise: token mode's page calls the API itself.
    const tls = uploadTls ? await testCertificate() : undefined;
    const emu = await startEmulatorServer({sliceSize: 1024 * 1024, ossSliceSize: 1024 * 1024, cors: 'all', ...options, ...(tls && {tls, serverHost: TEST_UPLOAD_HOST})});
    const ctx = new CaseContext(id, emu, origin, browser);
    if (tls) ctx.upstreamAgents = toUploadServer(Number(new URL(emu.uploadOrigin).port), tls.cert);
    ctx.remount();
    return ctx;
  }

  /** A fresh broker, token endpoint and proxy for this case (after an emulator reset its tokens are gone). */
  remount(): void {
    const record = async (input: string | URL | Request, init?: RequestInit) => {
      const response = await fetch(input, init);
      if (String(input instanceof Request ? input.url : input).endsWith('/api/v1/access_token')) {
        const body = (await response.clone().json()) as {data?: {accessToken?: string}};
        if (body.data?.accessToken) this.tokens.add(body.data.accessToken);
      }
      return response;
    };
    const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: this.emu.apiOrigin, fetch: record as typeof fetch});
    const tokens = createTokenHandler(broker);
    const pinParentID = this.pinDrive === undefined ? undefined : {drive: this.pinDrive};
    const proxy = createProxy({broker, apiBase: this.emu.apiOrigin, prefix: `/case/${this.id}/pan-api`, upstreamAgents: this.upstreamAgents, pinParentID});
    const entry = {
      tokenRequests: mounts.get(this.id)?.tokenRequests ?? 0,
      token: ((req, res, next) => {
        entry.tokenRequests++;
        tokens.handle(req, res, next);
      }) as Handler,
      proxy: proxy.handle as Handler,
    };
    mounts.set(this.id, entry);
  }

  /**
   * More instances of the case's deployment, at `/case/<id>/pan-api-<n>` (n from 2): each its own broker
   * and proxy, sharing the token and the per-account limits through the Redis at `redisURL`. Returns the
   * api-base of each instance, the first being the case's own `/pan-api` (replaced to share Redis too).
   */
  async shareThroughRedis(redisURL: string, count: number): Promise<{bases: string[]; close(): Promise<void>}> {
    const clients = await Promise.all(Array.from({length: count}, () => createClient({url: redisURL}).connect()));
    const proxies = clients.map((redis) => {
      const record = async (input: string | URL | Request, init?: RequestInit) => {
        const response = await fetch(input, init);
        if (String(input instanceof Request ? input.url : input).endsWith('/api/v1/access_token')) {
          const body = (await response.clone().json()) as {data?: {accessToken?: string}};
          if (body.data?.accessToken) this.tokens.add(body.data.accessToken);
        }
        return response;
      };
      const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: this.emu.apiOrigin, fetch: record as typeof fetch, store: new RedisTokenStore(redis), storeKey: `pan-uploader:token:${this.id}`});
      const limiter = createAccountLimiter({redis, account: this.id});
      return createProxy({broker, limiter, apiBase: this.emu.apiOrigin, prefix: `/case/${this.id}/pan-api`, ticketSecret: `fault-suite-shared-secret-for-case-${this.id}`}).handle as Handler;
    });
    const entry = mounts.get(this.id)!;
    entry.proxy = proxies[0]!;
    // Each instance answers under its own path; the proxy itself is mounted at /pan-api.
    entry.instances = proxies.slice(1).map((proxy) => ((req, res, next) => {
      const unnumbered = (url: string) => url.replace(/^(\/case\/[^/]+\/pan-api)-\d+/, '$1');
      req.url = unnumbered(req.url!);
      const connect = req as IncomingMessage & {originalUrl?: string};
      if (connect.originalUrl) connect.originalUrl = unnumbered(connect.originalUrl);
      proxy(req, res, next);
    }) as Handler);
    return {
      bases: proxies.map((_, i) => `${this.origin}/case/${this.id}/pan-api${i === 0 ? '' : `-${i + 1}`}`),
      close: async () => {
        await Promise.all(clients.map((client) => client.close()));
      },
    };
  }

  get tokenRequests(): number {
    return mounts.get(this.id)?.tokenRequests ?? 0;
  }

  // ---- the emulator, through its control API ----

  async control<T = unknown>(path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.emu.apiOrigin}/__emulator/${path}`, body === undefined ? {} : {method: 'POST', body: JSON.stringify(body)});
    if (!response.ok) throw new Error(`emulator ${path}: HTTP ${response.status} ${await response.text()}`);
    return (await response.json()) as T;
  }
  fault(f: Fault) {
    return this.control('fault', f);
  }
  clearFaults() {
    return this.control('clear-faults', {});
  }
  configure(o: Partial<EmulatorOptions>) {
    return this.control('configure', o);
  }
  async files(): Promise<StoredFile[]> {
    return (await this.control<{files: StoredFile[]}>('files')).files;
  }
  async folders(): Promise<StoredFolder[]> {
    return (await this.control<{folders: StoredFolder[]}>('files')).folders;
  }
  async requests(): Promise<RequestLogEntry[]> {
    return (await this.control<{requests: RequestLogEntry[]}>('requests')).requests.slice(this.logStart);
  }

  /**
   * Makes the case's folder (when it has one) and puts the bystanders in it through 123pan's API, then
   * snapshots the server: from here on nothing of it may change unasked, and the request log starts afresh.
   */
  async seed(place: Place, bystanders: Bystander[]): Promise<void> {
    const api = new PanApi(this.emu);
    const parentID = place.folder ? await api.mkdir(place.target, place.folder) : place.target === 'drive' ? 0 : '';
    for (const name of place.subfolders ?? []) await api.mkdir(place.target, name, parentID);
    for (const b of bystanders) {
      const bytes = fileBytes(b.size, b.seed);
      if (place.target === 'drive') await api.single(parentID as number, b.name, bytes);
      else await api.image(parentID as string, b.name, bytes);
    }
    this.place = {...place, parentID};
    if (place.pinned && place.target === 'drive') {
      this.pinDrive = parentID as number;
      this.remount();
    }
    this.before = await this.files();
    this.logStart = (await this.control<{requests: RequestLogEntry[]}>('requests')).requests.length;
  }

  /** The server forgets everything (files, uploads, tokens, log); the case's place is seeded again. */
  async resetServer(bystanders: Bystander[]): Promise<void> {
    await this.control('reset', {});
    this.logStart = 0;
    this.remount();
    await this.seed({target: this.place.target, folder: this.place.folder}, bystanders);
  }

  /** Full path of `name` in the case's place, as the server reports it. */
  pathOf(name: string): string {
    return `${this.place.folder ? `/${this.place.folder}` : ''}/${name}`;
  }

  /**
   * A file handed to the element and what the case expects of it; a success lands in the case's place,
   * under its own name or `storedAs` (123pan's "name(1).ext" when a bystander already has the name).
   */
  given(spec: FileSpec, expect: Given['expect'] = 'success', reason?: RegExp, storedAs = spec.name): Given {
    const g: Given = {name: spec.name, size: spec.size, md5: md5Of(fileBytes(spec.size, spec.seed)), expect, reason};
    if (expect === 'success') g.lands = {target: this.place.target, path: this.pathOf(spec.folder ? `${spec.folder}/${storedAs}` : storedAs)};
    return g;
  }

  // ---- the page ----

  async openPage(options: {csp?: boolean; context?: BrowserContext} = {}): Promise<Page> {
    this.browserContext ??= options.context ?? (await this.browser.createBrowserContext());
    const page = await newPage(this.browserContext);
    this.watch(page);
    await page.goto(`${this.origin}/test/faults/${options.csp ? 'csp' : 'page'}.html?case=${this.id}`);
    await page.waitForSelector('html[data-ready]');
    this.page = page;
    return page;
  }

  get context(): BrowserContext {
    return this.browserContext;
  }

  /** Records what the page prints, asks for and receives, to look for tokens in it later. */
  watch(page: Page): void {
    // Leaving mid-upload, the element asks first (beforeunload): the user here always leaves.
    page.on('dialog', (dialog) => {
      this.console.push(`dialog: ${dialog.type()}`);
      dialog.accept().catch(() => undefined);
    });
    page.on('console', (message) => this.console.push(message.text()));
    page.on('pageerror', (error) => this.console.push(`pageerror: ${(error as Error).message}`));
    page.on('request', (request) => {
      this.pageRequests.push({url: request.url(), method: request.method(), authorization: request.headers().authorization});
    });
    page.on('requestfailed', (request) => this.failedRequests.push(request.url()));
    page.on('response', (response) => {
      const url = response.url();
      if (!/json/.test(response.headers()['content-type'] ?? '') || url.includes('/__emulator/')) return;
      // The token endpoint answers with the token: that is its job in token mode.
      if (url.includes('/pan/token')) return;
      response.text().then(
        (body) => this.jsonBodies.push({url, body}),
        () => undefined,
      );
    });
  }

  attributes(mode: Mode, extra: Record<string, string | boolean> = {}): Record<string, string | boolean> {
    this.mode = mode;
    const base: Record<string, string> =
      mode === 'token'
        ? {'token-url': `/case/${this.id}/pan/token`, 'api-base': this.emu.apiOrigin}
        : {'api-base': `${this.origin}/case/${this.id}/pan-api`};
    // The case's place: its target, and its folder when it has one (the root is the element's default).
    const place: Record<string, string> = {target: this.place.target};
    if (this.place.folder) place['parent-id'] = String(this.place.parentID);
    return {multiple: true, ...base, ...place, ...extra};
  }

  async mount(mode: Mode, extra: Record<string, string | boolean> = {}, page = this.page): Promise<void> {
    const attrs = this.attributes(mode, extra);
    await page.evaluate((a) => (window as unknown as {faults: FaultHarness}).faults.mount(a), attrs);
  }

  async add(specs: FileSpec[], page = this.page): Promise<void> {
    for (const s of specs) this.handed.add(`${s.name}/${s.size}`);
    await page.evaluate((s) => (window as unknown as {faults: FaultHarness}).faults.add(s), specs);
  }

  /** Files from disk, set on the element's own <input type=file> as a user picking them would. */
  async pick(paths: string[], page = this.page): Promise<void> {
    for (const p of paths) this.handed.add(p);
    const input = (await page.evaluateHandle(() => (window as unknown as {faults: FaultHarness}).faults.picker())) as ElementHandle<HTMLInputElement>;
    await input.uploadFile(...paths);
    await input.dispose();
  }

  tasks(page = this.page): Promise<TaskSummary[]> {
    return page.evaluate(() => (window as unknown as {faults: FaultHarness}).faults.tasks());
  }
  events(page = this.page): Promise<RecordedEvent[]> {
    return page.evaluate(() => (window as unknown as {faults: FaultHarness}).faults.events());
  }
  rendered(page = this.page): Promise<{rows: RenderedRow[]; injected: number; xss: boolean}> {
    return page.evaluate(() => (window as unknown as {faults: FaultHarness}).faults.rendered());
  }
  uploadedBytes(page = this.page): Promise<number> {
    return page.evaluate(() => (window as unknown as {faults: FaultHarness}).faults.uploadedBytes());
  }

  /** Waits until `count` files ended (done, error, canceled or refused) and nothing runs. */
  async settle(count: number, timeoutMs = 60_000, page = this.page): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const [tasks, events] = await Promise.all([this.tasks(page), this.events(page)]);
      const rejected = events.filter((e) => e.type === 'pan-file-rejected').length;
      const ended = tasks.filter((t) => t.status === 'done' || t.status === 'error' || t.status === 'canceled').length;
      if (ended === tasks.length && ended + rejected >= count) return true;
      await sleep(100);
    }
    return false;
  }

  /** Waits until the element reports at least `bytes` uploaded (progress events of the uploading phase). */
  async waitUploaded(bytes: number, timeoutMs = 60_000, page = this.page): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while ((await this.uploadedBytes(page)) < bytes) {
      // A file that already failed will not get there: let the case judge the failure.
      const tasks = await this.tasks(page);
      if (tasks.length && tasks.every((t) => t.status === 'done' || t.status === 'error' || t.status === 'canceled')) return;
      if (Date.now() > deadline) throw new Error(`the upload did not reach ${bytes} bytes within ${timeoutMs} ms`);
      await sleep(50);
    }
  }

  /**
   * What became of each given file in this page: matched to a task (by name and size, in order) or to a
   * refusal. Errors and refusals must name the file and give the reason.
   */
  async outcomes(list: Given[], page = this.page): Promise<FileOutcome[]> {
    const [tasks, events] = await Promise.all([this.tasks(page), this.events(page)]);
    const rejections = events.filter((e) => e.type === 'pan-file-rejected').map((e) => e.detail as {name: string; reason: string; size: number});
    const errors = events.filter((e) => e.type === 'pan-upload-error').map((e) => e.detail as {id: string; name: string; message: string});
    if (!this.consumed.has(page)) this.consumed.set(page, {tasks: new Set(), rejections: new Set()});
    const consumed = this.consumed.get(page)!;
    return list.map((g) => {
      const task = tasks.find((t) => !consumed.tasks.has(t.id) && t.name === g.name && t.size === g.size);
      if (task) {
        consumed.tasks.add(task.id);
        if (task.status === 'done') return {given: g, outcome: 'success', clear: true, text: `fileID ${task.fileID}`, task};
        if (task.status === 'error') {
          const detail = errors.find((e) => e.id === task.id);
          const text = detail ? `${detail.name}: ${detail.message}` : '';
          const clear = !!detail && detail.name === g.name && detail.message.length > 0 && (!g.reason || g.reason.test(detail.message));
          return {given: g, outcome: 'error', clear, text, task};
        }
        if (task.status === 'canceled') return {given: g, outcome: 'canceled', clear: true, text: 'canceled', task};
        return {given: g, outcome: 'unfinished', clear: false, text: task.status, task};
      }
      const index = rejections.findIndex((r, i) => !consumed.rejections.has(i) && r.name === g.name && r.size === g.size);
      if (index >= 0) {
        consumed.rejections.add(index);
        const r = rejections[index]!;
        const clear = r.reason.includes(g.name) && (!g.reason || g.reason.test(r.reason));
        return {given: g, outcome: 'rejected', clear, text: r.reason};
      }
      return {given: g, outcome: 'none', clear: false, text: 'no success, error or refusal'};
    });
  }

  /** Where the token could have leaked to in the browser: storage, URLs, event details, console, JSON answers. */
  async leaks(pages: Page[] = [this.page]): Promise<string[]> {
    const found: string[] = [];
    const places: [string, string][] = [];
    for (const page of pages) {
      if (page.isClosed()) continue;
      const storage = await page.evaluate(() => (window as unknown as {faults: FaultHarness}).faults.storage());
      places.push(['localStorage', storage.local], ['sessionStorage', storage.session], ['IndexedDB', storage.indexedDB]);
      places.push(['event details', JSON.stringify(await this.events(page))]);
    }
    places.push(['URLs', this.pageRequests.map((r) => r.url).join('\n')]);
    places.push(['console', this.console.join('\n')]);
    places.push(['JSON answers', this.jsonBodies.map((b) => b.body).join('\n')]);
    for (const token of this.tokens) {
      for (const [where, text] of places) if (text.includes(token)) found.push(`token in ${where}`);
    }
    if (this.mode === 'proxy') {
      const withAuth = this.pageRequests.filter((r) => r.authorization);
      if (withAuth.length) found.push(`proxy mode: ${withAuth.length} browser requests carried Authorization`);
      if (this.tokenRequests) found.push(`proxy mode: the page asked the token endpoint ${this.tokenRequests} times`);
    }
    return found;
  }

  async close(): Promise<void> {
    await this.browserContext?.close().catch(() => undefined);
    mounts.delete(this.id);
    await this.emu.close();
  }
}

/**
 * A new tab. Firefox's WebDriver BiDi now and then refuses to make one ("BrowsingContext does no longer
 * exist") before the case has done anything: that is the driver, not the element, so ask again (twice at most).
 */
async function newPage(context: BrowserContext): Promise<Page> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await context.newPage();
    } catch (error) {
      if (attempt >= 3 || !/browsingContext\.create|BrowsingContext does no longer exist/.test(String(error))) throw error;
      await new Promise((resolve) => setTimeout(resolve, 500));
    }
  }
}
