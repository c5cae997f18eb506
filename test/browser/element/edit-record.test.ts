/**
 * Edit forms: a record's existing files (value, existing, reset, restore, not found), reordering by keyboard
 * and pointer, renaming before the send, and axe over the new controls. The real engine against the 123pan
 * emulator (msw); every form test submits a real <form> and reads its FormData.
 */
import {expect} from 'chai';
import 'axe-core';
import {sendKeys} from '@web/test-runner-commands';
import {setupWorker} from 'msw/browser';
import {PanUploader} from '../../../src/components/pan-uploader/pan-uploader.component.ts';
import {UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions} from '../../../src/core/types.ts';
import {createEmulator} from '../../../src/emulator/index.ts';

const emulator = createEmulator({sliceSize: 64 * 1024, cors: 'all'});
const worker = setupWorker(...emulator.handlers);

class RecordPanUploader extends PanUploader {
  protected override createManager(options: Partial<UploadManagerOptions>) {
    return new UploadManager({...options, retryDelays: [20, 40], resumeDatabase: `edit-record-${Math.random()}`});
  }
}
customElements.define('pan-uploader-record', RecordPanUploader);

async function mount(markup: string): Promise<{form: HTMLFormElement; el: RecordPanUploader}> {
  const form = document.createElement('form');
  form.className = 'fixture';
  form.innerHTML = markup;
  document.body.append(form);
  const el = form.querySelector<RecordPanUploader>('pan-uploader-record')!;
  el.tokenProvider = async () => emulator.issueToken();
  await el.updateComplete;
  return {form, el};
}

/** Submits the form as a user would and reads what it sends. */
function submitted(form: HTMLFormElement, name: string): Promise<string[]> {
  return new Promise((resolve) => {
    form.addEventListener(
      'submit',
      (event) => {
        event.preventDefault();
        resolve(new FormData(form).getAll(name).map(String));
      },
      {once: true},
    );
    form.requestSubmit();
  });
}

const file = (name: string, size = 1000, type = '') => new File([new Uint8Array(size).fill(name.length)], name, {type, lastModified: 1_700_000_000_000});
const part = (el: Element, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);
const parts = (el: Element, name: string) => [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
const names = (el: Element) => parts(el, 'name').map((n) => n.textContent!.trim());
const frame = () => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve)));

async function until(check: () => boolean, what: string, ms = 8000): Promise<void> {
  const end = Date.now() + ms;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Files on the drive made through the element itself, as an earlier visit of the form would have. */
async function seed(...fileNames: string[]): Promise<number[]> {
  const {form, el} = await mount('<pan-uploader-record multiple></pan-uploader-record>');
  el.addFiles(fileNames.map((n, i) => file(n, 1000 + i)));
  await until(() => el.tasks.every((t) => t.status === 'done'), 'the seed uploads');
  const ids = el.tasks.map((t) => Number(t.fileID));
  form.remove();
  return ids;
}

async function violations(el: Element): Promise<string[]> {
  const axe = (window as unknown as {axe: {run(e: Element, o: object): Promise<{violations: {id: string; help: string}[]}>}}).axe;
  return (await axe.run(el, {resultTypes: ['violations']})).violations.map((v) => `${v.id}: ${v.help}`);
}

describe('<pan-uploader> in an edit form', function () {
  this.timeout(30_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  afterEach(() => document.querySelectorAll('.fixture').forEach((n) => n.remove()));

  it('lists a record\'s files from `value` with their names looked up, submits them, and never uploads them again', async () => {
    const [a, b] = await seed('contract.pdf', 'photo.png');
    const before = emulator.requests.length;
    const {form, el} = await mount(`<pan-uploader-record name="files" multiple value="${a},${b}"></pan-uploader-record>`);
    await until(() => names(el).join() === 'contract.pdf,photo.png', 'the looked-up names');
    expect(el.value).to.deep.equal([String(a), String(b)]);
    expect(await submitted(form, 'files')).to.deep.equal([String(a), String(b)]);
    expect(parts(el, 'status').map((s) => s.className)).to.deep.equal(['done', 'done']);
    // Only the detail look-ups went out: nothing was created or sent.
    const paths = emulator.requests.slice(before).map((r) => new URL(r.url).pathname);
    expect(paths.filter((p) => p !== '/api/v1/file/detail'), paths.join()).to.deep.equal([]);
    expect(paths.length).to.equal(2);
  });

  it('removing an existing file only takes it off the value; a reset brings the record back', async () => {
    const [a, b] = await seed('one.txt', 'two.txt');
    const {form, el} = await mount('<pan-uploader-record name="files" multiple></pan-uploader-record>');
    el.existing = [{fileID: a, name: 'one.txt', size: 1000}, {fileID: b, name: 'two.txt', size: 1001}];
    await until(() => names(el).length === 2, 'two rows');
    expect(parts(el, 'size').map((n) => n.textContent!.trim())).to.deep.equal(['1000 B', '1001 B']);
    const changes: string[][] = [];
    el.addEventListener('change', () => changes.push(el.value));
    parts(el, 'remove-button')[0].click();
    await frame();
    expect(await submitted(form, 'files')).to.deep.equal([String(b)]);
    expect(changes).to.deep.equal([[String(b)]]);
    expect(emulator.files().some((f) => String(f.fileID) === String(a)), 'still on the drive').to.equal(true);
    form.reset();
    await until(() => names(el).length === 2, 'the reset');
    expect(await submitted(form, 'files')).to.deep.equal([String(a), String(b)]);
    expect(changes.length, 'a reset dispatches no change').to.equal(1);
  });

  it('shows unknown fileIDs as not found and keeps them; refuses a malformed entry on the console, by name', async () => {
    const [a] = await seed('kept.txt');
    const errors: string[] = [];
    const original = console.error;
    console.error = (...args: unknown[]) => errors.push(args.join(' '));
    try {
      const {form, el} = await mount('<pan-uploader-record name="files" multiple></pan-uploader-record>');
      el.value = [a, 987654321, 'not-an-id', {fileID: -3}];
      await until(() => parts(el, 'status').some((s) => s.textContent!.includes('Not found')), 'the not-found row');
      expect(errors.join('\n')).to.contain('"not-an-id"').and.to.contain('{"fileID":-3}');
      expect(await submitted(form, 'files')).to.deep.equal([String(a), '987654321']);
      expect(parts(el, 'status').map((s) => s.textContent!.trim())).to.deep.equal(['Uploaded', 'Not found on 123pan']);
    } finally {
      console.error = original;
    }
  });

  it('counts existing files toward max-files and lists new uploads after them in the value', async () => {
    const [a] = await seed('old.txt');
    const {form, el} = await mount('<pan-uploader-record name="files" multiple max-files="2"></pan-uploader-record>');
    el.existing = [{fileID: a, name: 'old.txt', size: 1000}];
    await until(() => names(el).length === 1, 'the existing row');
    const {rejected} = el.addFiles([file('new.txt'), file('third.txt')]);
    expect(rejected.map((r) => r.key)).to.deep.equal(['too-many-files']);
    await until(() => el.value.length === 2, 'the new upload');
    const values = await submitted(form, 'files');
    expect(values[0]).to.equal(String(a));
    expect(values).to.have.length(2);
  });

  it('restores the list from the saved form state (back/forward navigation, autofill)', async () => {
    const [a] = await seed('restored.txt');
    const {form, el} = await mount('<pan-uploader-record name="files" multiple></pan-uploader-record>');
    el.formStateRestoreCallback(JSON.stringify([{fileID: a, name: 'restored.txt', size: 1000}]));
    await until(() => names(el).join() === 'restored.txt', 'the restored row');
    expect(await submitted(form, 'files')).to.deep.equal([String(a)]);
    el.formStateRestoreCallback(String(a));
    await until(() => el.value.join() === String(a) && names(el).length === 1, 'an autofilled fileID');
  });

  it('reorders by keyboard alone, announcing each move, and the submitted value follows', async () => {
    const [a, b, c] = await seed('a.txt', 'b.txt', 'c.txt');
    const {form, el} = await mount('<pan-uploader-record name="files" multiple reorderable></pan-uploader-record>');
    el.existing = [a, b, c].map((fileID, i) => ({fileID, name: `${'abc'[i]}.txt`, size: 1000 + i}));
    await until(() => parts(el, 'reorder-handle').length === 3, 'three handles');
    parts(el, 'reorder-handle')[0].focus();
    await sendKeys({press: 'ArrowDown'});
    await until(() => names(el).join() === 'b.txt,a.txt,c.txt', 'the move down');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('a.txt moved to position 2 of 3');
    // The focus stays on the moved file's handle, so the next key moves it again.
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement?.getAttribute('aria-label')).to.equal('Move a.txt');
    await sendKeys({press: 'ArrowDown'});
    await until(() => names(el).join() === 'b.txt,c.txt,a.txt', 'the second move');
    await sendKeys({press: 'Home'});
    await until(() => names(el).join() === 'a.txt,b.txt,c.txt', 'the move to the top');
    await sendKeys({press: 'End'});
    await until(() => names(el).join() === 'b.txt,c.txt,a.txt', 'the move to the end');
    expect(await submitted(form, 'files')).to.deep.equal([String(b), String(c), String(a)]);
  });

  it('reorders by dragging a handle with the pointer', async () => {
    const {el} = await mount('<pan-uploader-record name="files" multiple reorderable></pan-uploader-record>');
    el.existing = [{fileID: 11, name: 'x.txt', size: 1}, {fileID: 12, name: 'y.txt', size: 1}, {fileID: 13, name: 'z.txt', size: 1}];
    await until(() => parts(el, 'reorder-handle').length === 3, 'three handles');
    const handle = parts(el, 'reorder-handle')[0];
    const rows = parts(el, 'item');
    const box = handle.getBoundingClientRect();
    const last = rows[2].getBoundingClientRect();
    handle.dispatchEvent(new PointerEvent('pointerdown', {bubbles: true, composed: true, button: 0, pointerId: 1, clientX: box.x + 2, clientY: box.y + 2}));
    window.dispatchEvent(new PointerEvent('pointermove', {pointerId: 1, clientX: box.x + 2, clientY: last.y + last.height / 2}));
    await el.updateComplete;
    window.dispatchEvent(new PointerEvent('pointerup', {pointerId: 1, clientX: box.x + 2, clientY: last.y + last.height / 2}));
    await until(() => names(el).join() === 'y.txt,z.txt,x.txt', 'the drag');
    expect(el.value).to.deep.equal(['12', '13', '11']);
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain('x.txt moved to position 3 of 3');
  });

  it('renames a file before it is sent: inline, the extension kept, 123pan\'s name rules with the same refusals', async () => {
    const {el} = await mount('<pan-uploader-record name="files" multiple manual></pan-uploader-record>');
    el.addFiles([file('report.pdf', 2048)]);
    await until(() => !!part(el, 'rename-button'), 'the rename button');
    part(el, 'rename-button')!.click();
    await until(() => !!part(el, 'rename-input'), 'the rename field');
    const input = part(el, 'rename-input') as HTMLInputElement;
    await until(() => el.shadowRoot!.activeElement === input, 'the field focused');
    // The name without its extension is selected: typing replaces it.
    expect([input.selectionStart, input.selectionEnd]).to.deep.equal([0, 'report'.length]);
    input.value = 'bad|name';
    await sendKeys({press: 'Enter'});
    await until(() => !!part(el, 'error'), 'the refusal');
    expect(part(el, 'error')!.textContent).to.contain('"|"');
    expect(input.getAttribute('aria-invalid')).to.equal('true');
    expect(el.tasks[0].name).to.equal('report.pdf');
    input.value = 'summary';
    await sendKeys({press: 'Enter'});
    await until(() => !part(el, 'rename-input'), 'the field closed');
    expect(el.tasks[0].name).to.equal('summary.pdf');
    expect(names(el)).to.deep.equal(['summary.pdf']);
    el.start();
    await until(() => el.tasks[0].status === 'done', 'the upload');
    expect(emulator.files().find((f) => String(f.fileID) === String(el.tasks[0].fileID))?.name).to.equal('summary.pdf');
    expect(part(el, 'rename-button'), 'no rename once sent').to.equal(null);
  });

  it('Escape leaves the name as it was', async () => {
    const {el} = await mount('<pan-uploader-record multiple manual></pan-uploader-record>');
    el.addFiles([file('keep.txt')]);
    await until(() => !!part(el, 'rename-button'), 'the rename button');
    part(el, 'rename-button')!.click();
    await until(() => !!part(el, 'rename-input'), 'the rename field');
    (part(el, 'rename-input') as HTMLInputElement).value = 'other';
    await until(() => el.shadowRoot!.activeElement === part(el, 'rename-input'), 'the field focused');
    await sendKeys({press: 'Escape'});
    await until(() => !part(el, 'rename-input'), 'the field closed');
    expect(el.tasks[0].name).to.equal('keep.txt');
    await el.updateComplete;
    expect(el.shadowRoot!.activeElement, 'focus back on the rename button').to.equal(part(el, 'rename-button'));
  });

  it('has no axe violations with reorder handles and an open rename field', async () => {
    const {el} = await mount('<pan-uploader-record name="files" multiple manual reorderable></pan-uploader-record>');
    el.existing = [{fileID: 21, name: 'existing.txt', size: 10}];
    el.addFiles([file('queued.txt'), file('other.txt')]);
    await until(() => parts(el, 'reorder-handle').length === 3, 'the handles');
    parts(el, 'rename-button')[0].click();
    await until(() => !!part(el, 'rename-input'), 'the rename field');
    expect(await violations(el)).to.deep.equal([]);
    (part(el, 'rename-input') as HTMLInputElement).value = 'a:b';
    (part(el, 'rename-input') as HTMLInputElement).dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true}));
    await until(() => !!part(el, 'error'), 'the refusal');
    expect(await violations(el)).to.deep.equal([]);
  });
});
