/**
 * URL import through <pan-uploader url-import target="image">: the real engine and image-host client
 * against the emulator (msw), whose registered remotes stand in for the web.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {PanUploader} from '../../../src/components/pan-uploader/pan-uploader.component.ts';
import type {PanFileRejectedDetail, PanUploadErrorDetail, PanUploadProgressDetail, PanUploadSuccessDetail} from '../../../src/components/pan-uploader/events.ts';
import {UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions} from '../../../src/core/types.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import 'axe-core';
import {xorshiftBytes} from '../../support/bytes.ts';

const axe = (window as unknown as {axe: {run(context: Element, options?: object): Promise<{violations: {id: string; help: string}[]}>}}).axe;

const emulator = createEmulator({minPollIntervalMs: 1000, ossTaskMs: 300, cors: 'all'});
const worker = setupWorker(...emulator.handlers);
const PNG = xorshiftBytes(4096, 3);
const md5 = (data: Uint8Array) => SparkMD5.ArrayBuffer.hash(data.slice().buffer as ArrayBuffer);

class ImportingPanUploader extends PanUploader {
  protected override createManager(options: Partial<UploadManagerOptions>) {
    return new UploadManager({...options, retryDelays: [20, 40], resumeDatabase: `oss-url-import-${Math.random()}`});
  }
}
customElements.define('pan-uploader-importing', ImportingPanUploader);

async function mount(markup: string): Promise<ImportingPanUploader> {
  const host = document.createElement('form');
  host.className = 'fixture';
  host.innerHTML = markup;
  document.body.append(host);
  const el = host.querySelector<ImportingPanUploader>('pan-uploader-importing')!;
  el.tokenProvider = async () => emulator.issueToken();
  await el.updateComplete;
  return el;
}

const part = <T extends Element = HTMLElement>(el: Element, name: string) => el.shadowRoot!.querySelector<T>(`[part~="${name}"]`);

/** Pastes an address and submits the form the way a user does (Enter / the Import button). */
async function paste(el: PanUploader, url: string): Promise<void> {
  const input = part<HTMLInputElement>(el, 'url-input')!;
  input.value = url;
  input.dispatchEvent(new Event('input', {bubbles: true}));
  part<HTMLButtonElement>(el, 'url-submit')!.click();
  await el.updateComplete;
}

const next = <T>(el: Element, type: string) =>
  new Promise<T>((resolve) => el.addEventListener(type, (e) => resolve((e as CustomEvent<T>).detail), {once: true}));

const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

describe('<pan-uploader url-import>', function () {
  this.timeout(30_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    emulator.reset();
    emulator.configure({minPollIntervalMs: 1000, ossTaskMs: 300});
  });
  afterEach(() => document.querySelectorAll('.fixture').forEach((n) => n.remove()));

  it('shows the labelled URL field only with url-import on the image host', async () => {
    const plain = await mount('<pan-uploader-importing target="image"></pan-uploader-importing>');
    expect(part(plain, 'url-import')).to.equal(null);
    const drive = await mount('<pan-uploader-importing target="drive" url-import></pan-uploader-importing>');
    expect(part(drive, 'url-import')).to.equal(null);
    const image = await mount('<pan-uploader-importing target="image" url-import lang="zh-CN"></pan-uploader-importing>');
    const input = part<HTMLInputElement>(image, 'url-input')!;
    expect(input.type).to.equal('url');
    const label = image.shadowRoot!.querySelector(`label[for="${input.id}"]`)!;
    expect(label.textContent).to.equal('或从网址导入图片');
    expect(part(image, 'url-submit')!.textContent).to.equal('导入');
  });

  it('a pasted image URL becomes a task in the list; success emits the fileID and download URL, and the form value has it', async () => {
    const url = 'https://images.example.org/cats/tabby.png';
    emulator.addRemote(url, {bytes: PNG, contentType: 'image/png'});
    const el = await mount('<pan-uploader-importing target="image" url-import name="images" parent-id=""></pan-uploader-importing>');
    const progress: PanUploadProgressDetail[] = [];
    el.addEventListener('pan-upload-progress', (e) => progress.push(e.detail));
    const success = next<PanUploadSuccessDetail>(el, 'pan-upload-success');
    await paste(el, url);
    expect(part<HTMLInputElement>(el, 'url-input')!.value, 'cleared once queued').to.equal('');
    await frame();
    expect(part(el, 'name')!.textContent).to.contain('tabby.png');
    expect(part(el, 'source')!.textContent).to.equal('from images.example.org');

    const detail = await success;
    const stored = emulator.files()[0]!;
    expect(detail).to.include({name: 'tabby.png', size: PNG.length, etag: md5(PNG), fileID: stored.fileID, target: 'image', reused: false});
    expect(stored.path).to.equal('/来自:离线下载/tabby.png');
    expect(md5(new Uint8Array(await (await fetch(detail.downloadURL!)).arrayBuffer()))).to.equal(md5(PNG));
    expect(progress.length).to.be.above(0);
    expect(progress.every((p) => p.phase === 'uploading' && p.total === 100)).to.equal(true);
    expect(el.value).to.deep.equal([stored.fileID]);
    expect([...new FormData(el.closest('form')!).getAll('images')]).to.deep.equal([stored.fileID]);
    await frame();
    expect(part<HTMLImageElement>(el, 'thumbnail')!.src, 'the preview is the image host link').to.equal(detail.downloadURL);
  });

  it('passes axe with the URL field, a finished import and a failed one in the list', async () => {
    emulator.addRemote('https://images.example.org/ok.png', {bytes: PNG});
    const el = await mount('<pan-uploader-importing target="image" url-import multiple></pan-uploader-importing>');
    const done = new Promise<void>((resolve) => el.addEventListener('pan-queue-complete', () => resolve(), {once: true}));
    await paste(el, 'https://images.example.org/ok.png');
    await paste(el, 'https://unreachable.example.net/no.png');
    await paste(el, 'mailto:someone@example.org');
    await done;
    await frame();
    expect(el.tasks.map((t) => t.status)).to.deep.equal(['done', 'error']);
    const {violations} = await axe.run(el, {resultTypes: ['violations']});
    expect(violations.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
  });

  it('imports into parent-id, the folder given', async () => {
    const url = 'http://images.example.org/b.gif';
    emulator.addRemote(url, {bytes: PNG});
    const res = await fetch(`${emulator.options.apiOrigin}/upload/v1/oss/file/mkdir`, {
      method: 'POST',
      headers: {Authorization: `Bearer ${emulator.issueToken().accessToken}`, Platform: 'open_platform', 'Content-Type': 'application/json'},
      body: JSON.stringify({name: 'gallery', parentID: '', type: 1}),
    });
    const dirID = (await res.json()).data.list[0].dirID;
    const el = await mount(`<pan-uploader-importing target="image" url-import parent-id="${dirID}"></pan-uploader-importing>`);
    const success = next<PanUploadSuccessDetail>(el, 'pan-upload-success');
    await paste(el, url);
    await success;
    expect(emulator.files().map((f) => f.path)).to.deep.equal(['/gallery/b.gif']);
  });

  it('refuses an address that is not http(s) or not an image before sending anything, keeping it in the field', async () => {
    const el = await mount('<pan-uploader-importing target="image" url-import></pan-uploader-importing>');
    const rejected: PanFileRejectedDetail[] = [];
    el.addEventListener('pan-file-rejected', (e) => rejected.push(e.detail));
    await paste(el, 'ftp://files.example.org/a.png');
    await paste(el, 'https://files.example.org/report.pdf');
    expect(rejected.map((r) => r.key)).to.deep.equal(['bad-url', 'not-image']);
    expect(rejected[0]!.reason).to.match(/only http and https/);
    expect(part<HTMLInputElement>(el, 'url-input')!.value).to.equal('https://files.example.org/report.pdf');
    // Nothing sent. The last test's element showed its imported image by its link: that download (an <img>) can
    // still land now, and is not this element's doing.
    const sent = emulator.requests.filter((r) => !(r.method === 'GET' && new URL(r.url).origin === emulator.options.storageOrigin));
    expect(sent.map((r) => `${r.method} ${r.url}`)).to.deep.equal([]);
    await frame();
    const reasons = [...el.shadowRoot!.querySelectorAll('[part~="reason"]')].map((n) => n.textContent);
    expect(reasons).to.deep.equal(['Paste a web address starting with http:// or https://.', 'The image host accepts only PNG, GIF, JPEG, TIFF, WebP, SVG and BMP images.']);
  });

  it('a URL 123pan cannot download fails with a clear reason (pan-upload-error url-failed)', async () => {
    const el = await mount('<pan-uploader-importing target="image" url-import></pan-uploader-importing>');
    const failure = next<PanUploadErrorDetail>(el, 'pan-upload-error');
    await paste(el, 'https://unreachable.example.net/photo.jpg');
    const detail = await failure;
    expect(detail).to.include({name: 'photo.jpg', key: 'url-failed', retryable: false});
    expect(detail.message).to.contain('https://unreachable.example.net/photo.jpg');
    await frame();
    expect(part(el, 'error')!.textContent).to.contain('123pan could not download an image from this address');
  });

  it('pause and resume keep polling the same 123pan task', async () => {
    const url = 'https://images.example.org/slow.webp';
    emulator.addRemote(url, {bytes: PNG, retries: 2});
    const el = await mount('<pan-uploader-importing target="image" url-import></pan-uploader-importing>');
    const success = next<PanUploadSuccessDetail>(el, 'pan-upload-success');
    const started = next(el, 'pan-upload-progress');
    await paste(el, url);
    await started;
    el.pause();
    expect(el.tasks[0]!.status).to.equal('paused');
    await new Promise((resolve) => setTimeout(resolve, 300));
    el.resume();
    await success;
    expect(emulator.requests.filter((r) => r.path === '/api/v1/oss/offline/download')).to.have.length(1);
    expect(emulator.files()).to.have.length(1);
  });

  describe('UploadManager.importURL (headless)', () => {
    const manager = (options: Partial<UploadManagerOptions> = {}) =>
      new UploadManager({target: 'image', tokenProvider: async () => emulator.issueToken(), retryDelays: [20], resumeDatabase: `oss-headless-${Math.random()}`, ...options});
    const settled = (m: UploadManager) => new Promise<void>((resolve) => m.addEventListener('queue-complete', () => resolve(), {once: true}));

    it('is for the image host only', () => {
      expect(() => manager({target: 'drive'}).importURL('https://images.example.org/a.png')).to.throw(RangeError, /image host/);
    });

    it('refuses the same address twice while it runs; a retry after a failure starts a new 123pan task', async () => {
      const url = 'https://images.example.org/later.png';
      const m = manager();
      const first = settled(m);
      const {added} = m.importURL(url, {callBackUrl: 'https://app.example.org/cb'});
      expect(m.importURL(url).rejected.map((r) => r.key)).to.deep.equal(['already-queued']);
      await first;
      expect(added[0]!.status).to.equal('error');
      expect(added[0]!.error!.key).to.equal('url-failed');
      emulator.addRemote(url, {bytes: PNG});
      const second = settled(m);
      m.retry(added[0]!.id);
      await second;
      expect(added[0]!).to.include({status: 'done', size: PNG.length, etag: md5(PNG)});
      expect(emulator.requests.filter((r) => r.path === '/api/v1/oss/offline/download')).to.have.length(2);
      expect(emulator.callbacks.map((c) => [c.callBackUrl, c.body.status])).to.deep.equal([
        ['https://app.example.org/cb', 1],
        ['https://app.example.org/cb', 0],
      ]);
    });
  });
});
