/**
 * Whole uploads through <pan-uploader>: the real engine, protocols and API client against the 123pan
 * emulator (msw). Each upload is checked against what the emulator holds.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import {PanUploader} from '../../../src/components/pan-uploader/pan-uploader.component.ts';
import {UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions} from '../../../src/core/types.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import type {PanUploadErrorDetail, PanUploadSuccessDetail} from '../../../src/components/pan-uploader/events.ts';
import SparkMD5 from 'spark-md5';
import {makeFile} from '../support/files.ts';
import {watchXhr} from '../support/xhr-probe.ts';

const KiB = 1024;
const emulator = createEmulator({sliceSize: 64 * KiB, ossSliceSize: 64 * KiB, cors: 'all'});
const worker = setupWorker(...emulator.handlers);

/** Drive flow for the next element built; 'v2' forces slices even for small files. */
let driveFlow: UploadManagerOptions['driveFlow'] = 'auto';

/** The real engine, with short retry delays and its own resume database so tests stay quick and apart. */
class QuickPanUploader extends PanUploader {
  protected override createManager(options: Partial<UploadManagerOptions>) {
    return new UploadManager({...options, driveFlow, retryDelays: [20, 40], resumeDatabase: `element-upload-${Math.random()}`});
  }
}
customElements.define('pan-uploader-quick', QuickPanUploader);

async function mount(markup: string): Promise<QuickPanUploader> {
  const host = document.createElement('form');
  host.className = 'fixture';
  host.innerHTML = markup;
  document.body.append(host);
  const el = host.querySelector<QuickPanUploader>('pan-uploader-quick')!;
  el.tokenProvider = async () => emulator.issueToken();
  await el.updateComplete;
  return el;
}

/** Picks files the way a user does: through the element's own file input. */
function pick(el: PanUploader, files: File[]): void {
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-picker="files"]')!;
  const data = new DataTransfer();
  for (const f of files) data.items.add(f);
  input.files = data.files;
  input.dispatchEvent(new Event('change'));
}

const next = <T>(el: Element, type: string) =>
  new Promise<T>((resolve) => el.addEventListener(type, (e) => resolve((e as CustomEvent<T>).detail), {once: true}));

/** The MD5 of what a download link serves. */
const downloaded = async (url: string) => SparkMD5.ArrayBuffer.hash(await (await fetch(url)).arrayBuffer());

/** A drive folder made through 123pan's API, as another client would. */
async function mkdir(name: string): Promise<number> {
  const response = await fetch('https://open-api.123pan.com/upload/v1/file/mkdir', {
    method: 'POST',
    headers: {Authorization: `Bearer ${emulator.issueToken().accessToken}`, Platform: 'open_platform', 'Content-Type': 'application/json'},
    body: JSON.stringify({name, parentID: 0}),
  });
  return ((await response.json()) as {data: {dirID: number}}).data.dirID;
}

function collect<T>(el: Element, type: string): T[] {
  const out: T[] = [];
  el.addEventListener(type, (e) => out.push((e as CustomEvent<T>).detail));
  return out;
}

describe('<pan-uploader> uploading to the emulator', function () {
  this.timeout(30_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    emulator.reset();
    emulator.configure({sliceSize: 64 * KiB, ossSliceSize: 64 * KiB, completePolls: 0});
  });
  afterEach(() => document.querySelectorAll('.fixture').forEach((n) => n.remove()));

  it('uploads picked files into a drive folder (not the root) and submits their fileIDs', async () => {
    const folder = await mkdir('reports');
    const el = await mount(`<pan-uploader-quick name="attachments" multiple parent-id="${folder}" required></pan-uploader-quick>`);
    const a = makeFile('report.bin', 200 * KiB + 3, 1);
    const b = makeFile('small.txt', 900, 2, 'text/plain');
    const successes = collect<PanUploadSuccessDetail>(el, 'pan-upload-success');
    const progress = collect<{phase: string}>(el, 'pan-upload-progress');
    const changes = collect<unknown>(el, 'change');
    expect(el.checkValidity()).to.equal(false);
    const complete = next<{succeeded: number; failed: number}>(el, 'pan-queue-complete');
    pick(el, [a.file, b.file]);
    expect(el.checkValidity()).to.equal(false);
    expect(await complete).to.deep.equal({succeeded: 2, failed: 0});

    const stored = emulator.files();
    expect(stored.map((f) => [f.path, f.md5, f.target, String(f.parentID)]).sort()).to.deep.equal(
      [
        ['/reports/report.bin', a.md5, 'drive', String(folder)],
        ['/reports/small.txt', b.md5, 'drive', String(folder)],
      ].sort(),
    );
    for (const detail of successes) {
      const file = stored.find((f) => String(f.fileID) === String(detail.fileID))!;
      // Against the MD5 of the bytes picked, never the client's own word or the server's.
      const input = detail.name === 'report.bin' ? a : b;
      expect(detail.name).to.equal(file.name);
      expect(detail.etag).to.equal(input.md5);
      expect(detail.target).to.equal('drive');
      expect(detail.reused).to.equal(false);
      expect(await downloaded(detail.downloadURL!)).to.equal(input.md5);
    }
    expect(progress.some((p) => p.phase === 'uploading')).to.equal(true);
    const form = el.closest('form')!;
    expect(new FormData(form).getAll('attachments').sort()).to.deep.equal(stored.map((f) => String(f.fileID)).sort());
    expect(changes.length).to.equal(2);
    expect(el.checkValidity()).to.equal(true);

    await new Promise((r) => requestAnimationFrame(r));
    await el.updateComplete;
    const statuses = [...el.shadowRoot!.querySelectorAll('[part~="list"] [part~="status"]')].map((s) => s.textContent);
    expect(statuses).to.deep.equal(['Uploaded', 'Uploaded']);
    expect(el.shadowRoot!.querySelectorAll('[part~="copy-button"]').length).to.equal(2);
  });

  it('uploads an image to the image host and hands back its download URL', async () => {
    const el = await mount('<pan-uploader-quick target="image" multiple></pan-uploader-quick>');
    const png = makeFile('cat.png', 150 * KiB, 3, 'image/png');
    const rejected = collect<{name: string; reason: string}>(el, 'pan-file-rejected');
    const success = next<PanUploadSuccessDetail>(el, 'pan-upload-success');
    pick(el, [png.file, makeFile('notes.txt', 10, 4, 'text/plain').file]);
    const detail = await success;
    expect(rejected.map((r) => r.name)).to.deep.equal(['notes.txt']);
    const [stored] = emulator.files();
    expect(stored).to.include({target: 'image', name: 'cat.png', md5: png.md5, size: png.file.size});
    expect(detail).to.include({name: 'cat.png', target: 'image', fileID: stored.fileID, etag: png.md5});
    expect(await downloaded(detail.downloadURL!)).to.equal(png.md5);
  });

  it('keeps folder paths: same-named files in different folders both arrive', async () => {
    const el = await mount('<pan-uploader-quick multiple directory></pan-uploader-quick>');
    const one = makeFile('same.txt', 500, 5);
    const two = makeFile('same.txt', 700, 6);
    const complete = next(el, 'pan-queue-complete');
    el.addFiles([
      {file: one.file, relativePath: 'album/2023'},
      {file: two.file, relativePath: 'album/2024'},
    ]);
    await complete;
    const paths = emulator
      .files()
      .map((f) => [f.path, f.md5])
      .sort();
    expect(paths).to.deep.equal([
      ['/album/2023/same.txt', one.md5],
      ['/album/2024/same.txt', two.md5],
    ]);
  });

  it('shows a failure with its reason, and the row’s retry button finishes the upload', async () => {
    const el = await mount('<pan-uploader-quick multiple></pan-uploader-quick>');
    emulator.fault({path: '/upload/v2/file/create', kind: 'code1'});
    emulator.fault({path: '/upload/v2/file/single/create', kind: 'code1'});
    const f = makeFile('flaky.bin', 100 * KiB, 7);
    const error = next<PanUploadErrorDetail>(el, 'pan-upload-error');
    pick(el, [f.file]);
    const detail = await error;
    expect(detail).to.include({name: 'flaky.bin', code: 1, retryable: true, key: 'server'});
    await new Promise((r) => requestAnimationFrame(r));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="error"]')!.textContent).to.contain('internal error');
    expect(emulator.files()).to.deep.equal([]);

    emulator.clearFaults();
    const success = next<PanUploadSuccessDetail>(el, 'pan-upload-success');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await success;
    expect(emulator.files().map((s) => s.md5)).to.deep.equal([f.md5]);
  });

  it('cancels from the row while slices are in flight: nothing reaches the server afterwards', async () => {
    // Slow slices, so that once one is open the click lands while it still is.
    emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 3000});
    driveFlow = 'v2';
    const el = await mount('<pan-uploader-quick multiple></pan-uploader-quick>');
    void el.tasks; // builds the engine now, while driveFlow is 'v2'
    driveFlow = 'auto';
    const f = makeFile('long.bin', 640 * KiB, 8);
    const xhr = watchXhr();
    let canceledAt = Infinity;
    // The slices open when the button is pressed, taken then: a slice that ended in the same millisecond,
    // just before, is not among them (CI's Firefox saw two end at the click's millisecond).
    let openAtClick: typeof xhr.records = [];
    el.addEventListener('pan-upload-progress', function once(e) {
      if ((e as CustomEvent).detail.phase !== 'uploading' || (e as CustomEvent).detail.loaded === 0) return;
      el.removeEventListener('pan-upload-progress', once);
      // As a user would: a click in its own task, once the first slice is confirmed.
      setTimeout(async () => {
        await el.updateComplete;
        // Between two rounds of slices none may be open: wait for one that is. And none near its 3 s answer:
        // a slice whose answer is already on its way cannot be aborted (CI's Firefox and WebKit each once saw
        // one load at the click, with a 1 s answer and the click 150 ms before it was due).
        const open = () => xhr.records.filter((r) => r.url.endsWith('/upload/v2/file/slice') && r.endedAt === undefined);
        const inFlight = () => open().length > 0 && open().every((r) => performance.now() - r.sentAt < 2000);
        while (!inFlight()) await new Promise((r) => setTimeout(r, 10));
        canceledAt = performance.now();
        openAtClick = open();
        el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="cancel-button"]')!.click();
      });
    });
    const complete = next<{succeeded: number; failed: number}>(el, 'pan-queue-complete');
    pick(el, [f.file]);
    try {
      expect(await complete).to.deep.equal({succeeded: 0, failed: 0});
      await new Promise((r) => setTimeout(r, 800));
    } finally {
      xhr.stop();
    }
    // Every slice still in flight when the button was pressed was aborted then; none was sent after.
    expect(openAtClick.length).to.be.greaterThan(0);
    const seen = JSON.stringify({canceledAt, records: xhr.records});
    for (const r of openAtClick) expect([r.how, r.endedAt! - canceledAt < 100], seen).to.deep.equal(['abort', true]);
    expect(xhr.records.filter((r) => r.sentAt > canceledAt)).to.deep.equal([]);
    expect(emulator.files()).to.deep.equal([]);
    expect(el.tasks[0].status).to.equal('canceled');
  });
});
