/**
 * What the page adds around the element: `beforeAdd` and `beforeUpload` hooks, the leave warning and the
 * progress in the tab title, its own strings and languages (zh-TW shipped), and the layouts. The real engine
 * against the 123pan emulator (msw).
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import {PanUploader} from '../../../src/components/pan-uploader/pan-uploader.component.ts';
import {UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions} from '../../../src/core/types.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import type {PanFileRejectedDetail} from '../../../src/components/pan-uploader/events.ts';
import {strings, type Strings} from '../../../src/components/pan-uploader/i18n.ts';

const emulator = createEmulator({sliceSize: 64 * 1024, cors: 'all'});
const worker = setupWorker(...emulator.handlers);

class PagePanUploader extends PanUploader {
  protected override createManager(options: Partial<UploadManagerOptions>) {
    return new UploadManager({...options, retryDelays: [20, 40], resumeDatabase: `edit-page-${Math.random()}`});
  }
}
customElements.define('pan-uploader-page', PagePanUploader);

async function mount(markup: string): Promise<PagePanUploader> {
  const host = document.createElement('div');
  host.className = 'fixture';
  host.innerHTML = markup;
  document.body.append(host);
  const el = host.querySelector<PagePanUploader>('pan-uploader-page')!;
  el.tokenProvider = async () => emulator.issueToken();
  await el.updateComplete;
  return el;
}

const file = (name: string, size = 1000, type = '') => new File([new Uint8Array(size).fill(name.length)], name, {type, lastModified: 1_700_000_000_000});
const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: Element, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const stored = (fileID: unknown) => emulator.files().find((f) => String(f.fileID) === String(fileID));

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('<pan-uploader> and the page around it', function () {
  this.timeout(30_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  afterEach(() => document.querySelectorAll('.fixture').forEach((n) => n.remove()));

  describe('beforeAdd', () => {
    it('accepts, refuses with the page\'s message, renames and replaces, sync or async, in the order given', async () => {
      const el = await mount('<pan-uploader-page multiple manual></pan-uploader-page>');
      const rejected: PanFileRejectedDetail[] = [];
      el.addEventListener('pan-file-rejected', (e) => rejected.push(e.detail));
      el.beforeAdd = async (f) => {
        await new Promise((r) => setTimeout(r, f.name === 'slow.txt' ? 60 : 0));
        if (f.name === 'secret.txt') return {reject: 'Secrets stay home.'};
        if (f.name === 'no.txt') return false;
        if (f.name === 'raw.txt') return {name: 'cooked.txt'};
        if (f.name === 'edit.png') return new File([new Uint8Array(7)], 'edited.png', {type: 'image/png'});
        if (f.name === 'boom.txt') throw new Error('the checker broke');
        return undefined;
      };
      const result = el.addFiles([file('slow.txt'), file('secret.txt'), file('raw.txt'), file('edit.png', 500, 'image/png'), file('no.txt'), file('boom.txt')]);
      expect(result, 'with a hook the files join later').to.deep.equal({added: [], rejected: []});
      await until(() => el.tasks.length === 3 && rejected.length === 3, 'the hooks');
      expect(el.tasks.map((t) => [t.name, t.size])).to.deep.equal([['slow.txt', 1000], ['cooked.txt', 1000], ['edited.png', 7]]);
      expect(rejected.map((r) => [r.name, r.key])).to.deep.equal([['secret.txt', 'hook'], ['no.txt', 'hook'], ['boom.txt', 'hook']]);
      await el.updateComplete;
      const reasons = parts(el, 'reason').map((r) => r.textContent!.trim());
      expect(reasons[0]).to.equal('Secrets stay home.');
      expect(reasons[1]).to.contain('no.txt');
      expect(reasons[2]).to.contain('the checker broke');
    });

    it('a renamed file still meets 123pan\'s name rules', async () => {
      const el = await mount('<pan-uploader-page multiple manual></pan-uploader-page>');
      const rejected: PanFileRejectedDetail[] = [];
      el.addEventListener('pan-file-rejected', (e) => rejected.push(e.detail));
      el.beforeAdd = () => ({name: 'a*b.txt'});
      el.addFiles([file('fine.txt')]);
      await until(() => rejected.length === 1, 'the refusal');
      expect(rejected[0].key).to.equal('name-forbidden-char');
      expect(el.tasks).to.have.length(0);
    });
  });

  describe('beforeUpload', () => {
    it('a waiting hook shows "preparing" without holding the queue; its answer renames the file sent', async () => {
      const el = await mount('<pan-uploader-page multiple></pan-uploader-page>');
      let release!: () => void;
      const gate = new Promise<void>((r) => (release = r));
      el.beforeUpload = async (task, {signal}) => {
        expect(signal).to.be.instanceOf(AbortSignal);
        if (task.name === 'held.txt') {
          await gate;
          return {name: 'released.txt'};
        }
        return undefined;
      };
      await el.updateComplete;
      el.addFiles([file('held.txt'), file('free.txt', 1200)]);
      await until(() => el.tasks[1].status === 'done', 'the file behind the held one');
      expect(el.tasks[0].status).to.equal('preparing');
      await el.updateComplete;
      expect(parts(el, 'status')[0].textContent).to.contain('Processing file');
      expect(part(el, 'pause-button'), 'a preparing file can be paused').to.not.equal(null);
      release();
      await until(() => el.tasks[0].status === 'done', 'the held file');
      expect(stored(el.tasks[0].fileID)?.name).to.equal('released.txt');
    });

    it('a refusal or a throw fails that file only, with the page\'s message', async () => {
      const el = await mount('<pan-uploader-page multiple></pan-uploader-page>');
      el.beforeUpload = (task) => {
        if (task.name === 'refused.txt') return {reject: 'Not on Sundays.'};
        if (task.name === 'thrown.txt') throw new Error('hook exploded');
        return true;
      };
      await el.updateComplete;
      el.addFiles([file('refused.txt'), file('thrown.txt'), file('fine.txt', 1500)]);
      await until(() => el.tasks.every((t) => t.status === 'done' || t.status === 'error'), 'the queue');
      expect(el.tasks.map((t) => t.status)).to.deep.equal(['error', 'error', 'done']);
      await el.updateComplete;
      await new Promise((r) => requestAnimationFrame(r));
      await el.updateComplete;
      const errors = parts(el, 'error').map((e) => e.textContent!.trim());
      expect(errors[0]).to.contain('Not on Sundays.');
      expect(errors[1]).to.contain('hook exploded');
    });

    it('a hook that never settles is bounded by cancel and pause', async () => {
      const el = await mount('<pan-uploader-page multiple></pan-uploader-page>');
      const aborted: boolean[] = [];
      let asked = 0;
      el.beforeUpload = (_task, {signal}) => {
        asked++;
        return new Promise(() => signal.addEventListener('abort', () => aborted.push(true)));
      };
      await el.updateComplete;
      el.addFiles([file('forever.txt'), file('also.txt', 1100)]);
      await until(() => asked === 2 && el.tasks.every((t) => t.status === 'preparing'), 'both hooks asked');
      el.cancel(el.tasks[0].id);
      el.pause(el.tasks[1].id);
      await until(() => el.tasks[0].status === 'canceled' && el.tasks[1].status === 'paused', 'cancel and pause');
      expect(aborted).to.have.length(2);
      el.beforeUpload = undefined;
      await el.updateComplete;
      el.resume(el.tasks[1].id);
      await until(() => el.tasks[1].status === 'done', 'the resumed file without a hook');
    });
  });

  describe('strings and languages', () => {
    it('takes the page\'s words for any string, the keyed tables entry by entry', async () => {
      const el = await mount('<pan-uploader-page multiple manual></pan-uploader-page>');
      el.strings = {dropTitle: 'Put the contract here', status: {queued: 'In line'}};
      el.addFiles([file('c.txt')]);
      await until(() => part(el, 'status')?.textContent === 'In line', 'the overridden status');
      expect(part(el, 'drop-title')!.textContent!.trim()).to.equal('Put the contract here');
      expect(part(el, 'choose-files')!.textContent!.trim()).to.equal('Choose files');
    });

    it('speaks a language the page registers, by its tag or its language alone', async () => {
      const ja: Strings = {...strings('en'), dropTitle: 'ここにファイルをドロップ', chooseFiles: 'ファイルを選択'};
      PanUploader.registerLocale('ja', ja);
      const el = await mount('<pan-uploader-page lang="ja-JP"></pan-uploader-page>');
      expect(part(el, 'drop-title')!.textContent!.trim()).to.equal('ここにファイルをドロップ');
      expect(part(el, 'choose-files')!.textContent!.trim()).to.equal('ファイルを選択');
    });

    it('ships Traditional Chinese for zh-TW, zh-HK and zh-Hant, Simplified for zh-CN', async () => {
      const tw = await mount('<pan-uploader-page lang="zh-TW"></pan-uploader-page>');
      const hant = await mount('<pan-uploader-page lang="zh-Hant-HK"></pan-uploader-page>');
      const cn = await mount('<pan-uploader-page lang="zh-CN"></pan-uploader-page>');
      expect(part(tw, 'drop-title')!.textContent!.trim()).to.equal('將檔案拖放到這裡');
      expect(part(hant, 'choose-files')!.textContent!.trim()).to.equal('選擇檔案');
      expect(part(cn, 'drop-title')!.textContent!.trim()).to.equal('将文件拖放到这里');
    });
  });

  describe('layout', () => {
    const columns = (el: Element) => getComputedStyle(part(el, 'list')!).gridTemplateColumns.split(' ').filter(Boolean).length;

    it('grid: columns follow the element\'s own width, thumbnails shown', async () => {
      const el = await mount('<pan-uploader-page multiple manual layout="grid" style="width: 760px"></pan-uploader-page>');
      el.addFiles([1, 2, 3, 4, 5].map((n) => file(`p${n}.png`, 200 + n, 'image/png')));
      await until(() => parts(el, 'item').length === 5, 'five tiles');
      expect(getComputedStyle(part(el, 'list')!).display).to.equal('grid');
      expect(columns(el)).to.be.at.least(4);
      el.style.width = '340px';
      await new Promise((r) => requestAnimationFrame(() => requestAnimationFrame(r)));
      expect(columns(el)).to.be.at.most(2);
      expect(getComputedStyle(parts(el, 'thumbnail')[0]).display).to.not.equal('none');
    });

    it('compact: one line a file, no thumbnails; list: the default', async () => {
      const el = await mount('<pan-uploader-page multiple manual layout="compact"></pan-uploader-page>');
      el.addFiles([file('one.txt'), file('two.txt')]);
      await until(() => parts(el, 'item').length === 2, 'two rows');
      expect(getComputedStyle(parts(el, 'thumbnail')[0]).display).to.equal('none');
      el.layout = 'list';
      await el.updateComplete;
      expect(getComputedStyle(parts(el, 'thumbnail')[0]).display).to.not.equal('none');
      expect(getComputedStyle(part(el, 'list')!).display).to.equal('flex');
    });
  });
});
