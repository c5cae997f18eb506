/**
 * The CMS embedding (demo/cms/): the single-file build loaded by one <script type="module"> into a
 * page with an aggressive theme. Styles leak neither way: the theme changes nothing inside the
 * element (compared with the theme switched off), and the element changes nothing on the page
 * (compared with before it loaded). It also uploads from there, through its inlined worker.
 * Needs `npm run build` first (dist/pan-uploader.bundle.js).
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import {createEmulator} from '../../../src/emulator/index.ts';
import type {PanUploader} from '../../../src/index.ts';
import SparkMD5 from 'spark-md5';
import {xorshiftBytes} from '../../support/bytes.ts';

const bundleURL = '/dist/pan-uploader.bundle.js';

/** Properties a theme most often forces: text (inherited ones too), boxes, decoration. */
const props = [
  'color', 'background-color', 'background-image', 'font-family', 'font-size', 'font-weight', 'font-style', 'line-height',
  'letter-spacing', 'word-spacing', 'text-transform', 'text-align', 'text-indent', 'text-shadow', 'text-decoration-line',
  'text-decoration-style', 'cursor', 'box-sizing', 'display', 'position', 'float', 'list-style-type', 'list-style-position',
  'margin-top', 'margin-right', 'margin-bottom', 'margin-left', 'padding-top', 'padding-right', 'padding-bottom', 'padding-left',
  'border-top-width', 'border-top-style', 'border-top-color', 'border-left-width', 'border-left-style', 'border-top-left-radius',
  'outline-style', 'outline-width', 'fill', 'clip-path', 'white-space', 'visibility', 'opacity',
];

type Snapshot = Map<string, Record<string, string>>;

function styleOf(node: Element, pseudo?: string): Record<string, string> {
  const style = getComputedStyle(node, pseudo);
  return Object.fromEntries(props.map((p) => [p, style.getPropertyValue(p)]));
}

/** A readable key for a node: its tag, part, classes and position among the snapshot. */
function keyOf(node: Element, index: number): string {
  const part = node.getAttribute('part');
  return `${index}:${node.localName}${part ? `[part="${part}"]` : ''}${node.className && typeof node.className === 'string' ? `.${node.className.trim().replace(/\s+/g, '.')}` : ''}`;
}

/** Every element of the element's shadow tree (and ::before/::after), in document order. */
function snapshotInside(el: PanUploader): Snapshot {
  const out: Snapshot = new Map();
  [...el.shadowRoot!.querySelectorAll('*')].forEach((node, i) => {
    if (node.localName === 'style') return;
    out.set(keyOf(node, i), styleOf(node));
    out.set(`${keyOf(node, i)}::before`, styleOf(node, '::before'));
  });
  return out;
}

/** Every page element in the CMS content, the element itself and what it owns excepted. */
function snapshotOutside(root: Element): Snapshot {
  const out: Snapshot = new Map();
  [root, ...root.querySelectorAll('*')].forEach((node, i) => {
    if (node.closest('pan-uploader') || ['script', 'link', 'style'].includes(node.localName)) return;
    out.set(keyOf(node, i), styleOf(node));
  });
  return out;
}

function differences(a: Snapshot, b: Snapshot): string[] {
  const found: string[] = [];
  expect([...b.keys()]).to.deep.equal([...a.keys()]);
  for (const [key, style] of a) {
    for (const p of props) {
      if (style[p] !== b.get(key)![p]) found.push(`${key} ${p}: ${style[p]} → ${b.get(key)![p]}`);
    }
  }
  return found;
}

const emulator = createEmulator({cors: 'all'});
const worker = setupWorker(...emulator.handlers);
let cms: HTMLElement;
let theme: HTMLLinkElement;
let outsideBefore: Snapshot;

describe('the CMS page: one <script type="module">, an aggressive theme', function () {
  this.timeout(30_000);

  before(async () => {
    const response = await fetch(bundleURL, {method: 'HEAD'});
    if (!response.ok) throw new Error(`${bundleURL} answered ${response.status}: run \`npm run build\` first`);
    const page = new DOMParser().parseFromString(await (await fetch('/demo/cms/index.html')).text(), 'text/html');
    // The page's own stylesheet and body, as the CMS serves them (its scripts are loaded below, by hand).
    theme = document.createElement('link');
    theme.rel = 'stylesheet';
    theme.href = new URL(page.querySelector<HTMLLinkElement>('link[rel="stylesheet"]')!.getAttribute('href')!, new URL('/demo/cms/', location.href)).href;
    const loaded = new Promise((resolve) => theme.addEventListener('load', resolve, {once: true}));
    document.head.append(theme);
    await loaded;
    document.documentElement.style.fontSize = '';
    document.body.className = page.body.className;
    cms = document.createElement('div');
    cms.id = 'cms';
    cms.innerHTML = page.body.innerHTML;
    document.body.append(cms);
    expect(page.querySelectorAll('script[type="module"][src$="pan-uploader.bundle.js"]').length).to.equal(1);
    expect(customElements.get('pan-uploader')).to.equal(undefined);
    outsideBefore = snapshotOutside(cms);

    await import(/* @vite-ignore */ bundleURL);
    const el = cms.querySelector<PanUploader>('pan-uploader')!;
    await customElements.whenDefined('pan-uploader');
    await el.updateComplete;
    await worker.start({quiet: true, onUnhandledRequest: 'bypass'});
  });
  after(() => worker.stop());

  it('defines <pan-uploader> from the one file and renders it', () => {
    const el = cms.querySelector<PanUploader>('pan-uploader')!;
    expect(el.shadowRoot?.querySelector('[part~="dropzone"]')).to.not.equal(null);
    expect(el.getBoundingClientRect().height).to.be.greaterThan(50);
  });

  it('the theme changes nothing inside the element', async () => {
    const el = cms.querySelector<PanUploader>('pan-uploader')!;
    // Some rows, so the list, items and progress bars are there to compare too.
    el.manual = true;
    el.addFiles([new File([new Uint8Array(10)], 'a.png', {type: 'image/png'}), new File(['x'], 'notes.txt', {type: 'text/plain'})]);
    await el.updateComplete;
    const themed = snapshotInside(el);
    expect(themed.size).to.be.greaterThan(20);
    theme.sheet!.disabled = true;
    try {
      const plain = snapshotInside(el);
      expect(differences(plain, themed)).to.deep.equal([]);
    } finally {
      theme.sheet!.disabled = false;
      el.clear();
    }
  });

  it('the element changes nothing on the page around it', async () => {
    const after = snapshotOutside(cms);
    expect(differences(outsideBefore, after)).to.deep.equal([]);
    // The theme itself is in force out there (so the comparison means something).
    const button = cms.querySelector<HTMLButtonElement>('button.primary')!;
    expect(getComputedStyle(button).backgroundColor).to.equal('rgb(224, 33, 138)');
  });

  it('uploads from the CMS page through the inlined worker', async () => {
    emulator.reset();
    const el = cms.querySelector<PanUploader>('pan-uploader')!;
    el.manual = false;
    // The page's token-url is its server's; here the emulator hands out the token.
    el.removeAttribute('token-url');
    el.tokenProvider = async () => emulator.issueToken();
    await el.updateComplete;
    const success = new Promise<CustomEvent>((resolve, reject) => {
      el.addEventListener('pan-upload-success', (e) => resolve(e as CustomEvent), {once: true});
      el.addEventListener('pan-upload-error', (e) => reject(new Error(`upload failed: ${JSON.stringify((e as CustomEvent).detail)}`)), {once: true});
    });
    const bytes = xorshiftBytes(70_000, 31);
    el.addFiles([new File([bytes], 'fair.png', {type: 'image/png'})]);
    const {detail} = await success;
    // Both against the MD5 of the bytes handed over, not against each other.
    const md5 = SparkMD5.ArrayBuffer.hash(bytes.buffer);
    expect(emulator.files().map((f) => ({name: f.name, target: f.target, md5: f.md5}))).to.deep.equal([{name: 'fair.png', target: 'image', md5}]);
    expect(detail.etag).to.equal(md5);
  });

  it("under a CSP without blob: in worker-src, the inlined worker cannot start and the upload fails with 'hash-failed'", async () => {
    const frame = document.createElement('iframe');
    // A page served under /csp-strict/ (default-src, script-src and worker-src 'self'), not a srcdoc with the
    // policy in a <meta>: Firefox does not count the parent's origin as 'self' there, so the bundle never loads.
    frame.src = `/csp-strict${new URL('./cms-csp.html', import.meta.url).pathname}`;
    const loaded = new Promise((resolve) => frame.addEventListener('load', resolve, {once: true}));
    document.body.append(frame);
    try {
      await loaded;
      const win = frame.contentWindow as Window & typeof globalThis;
      await win.customElements.whenDefined('pan-uploader');
      const el = win.document.querySelector('pan-uploader') as PanUploader;
      el.tokenProvider = async () => emulator.issueToken();
      const failed = new Promise<CustomEvent>((resolve) => el.addEventListener('pan-upload-error', (e) => resolve(e as CustomEvent), {once: true}));
      el.addFiles([new win.File(['blocked'], 'blocked.bin')]);
      el.start();
      const {detail} = await failed;
      expect(detail.key).to.equal('hash-failed');
      expect(detail.message).to.match(/worker/i);
      expect(detail.message).to.contain('worker-src');
      expect(detail.message).to.contain('blocked.bin');
    } finally {
      frame.remove();
    }
  });
});
