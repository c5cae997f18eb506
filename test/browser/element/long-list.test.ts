/**
 * A long list: past a few hundred files only the rows in view (and a few either side) are in the DOM. The rows
 * shown match their places as the list scrolls, in every layout; Tab walks down through the rows and the list
 * follows; a row's buttons work once scrolled to; keyboard reordering to the end brings the row into view;
 * progress repaints at most once a frame; a scroll renders the list's window only (not the summary); previews
 * are made only for rows rendered, not on the way of a fast scroll, and released far off.
 */
import {expect} from 'chai';
import 'axe-core';
import {sendKeys} from '@web/test-runner-commands';
import {PanUploader} from '../../../src/components/pan-uploader/pan-uploader.component.ts';
import {UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions} from '../../../src/core/types.ts';
import {cleanup, file, mount, parts, settle, type FakePanUploader} from './fixture.ts';

const COUNT = 2000;

/** The real engine, not started (manual): nothing is sent. */
class LongListPanUploader extends PanUploader {
  protected override createManager(options: Partial<UploadManagerOptions>) {
    return new UploadManager({...options, resumeDatabase: `long-list-${Math.random()}`});
  }
}
if (!customElements.get('pan-uploader-long')) customElements.define('pan-uploader-long', LongListPanUploader);

async function mountReal(attributes = ''): Promise<LongListPanUploader> {
  const host = document.createElement('div');
  host.className = 'fixture';
  host.innerHTML = `<pan-uploader-long multiple manual ${attributes}></pan-uploader-long>`;
  document.body.append(host);
  const el = host.querySelector<LongListPanUploader>('pan-uploader-long')!;
  await el.updateComplete;
  return el;
}

function many(count: number, type = 'text/plain', ext = 'txt'): File[] {
  return Array.from({length: count}, (_, i) => file(`file-${String(i).padStart(5, '0')}.${ext}`, 10 + (i % 7), type));
}

const frame = () => new Promise((resolve) => requestAnimationFrame(resolve));

/** Until the window has followed the last scroll (a few frames, more on a loaded machine). */
async function until(check: () => boolean, what: string, ms = 5000): Promise<void> {
  const started = performance.now();
  while (!check()) {
    if (performance.now() - started > ms) throw new Error(`timed out waiting for ${what}`);
    await frame();
  }
}

function rows(el: PanUploader): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>('[part~="list"] > [part~="item"]')];
}

function list(el: PanUploader): HTMLElement {
  return el.shadowRoot!.querySelector<HTMLElement>('[part~="list"]')!;
}

/** The rows wholly inside the list's visible box. */
function inView(el: PanUploader): HTMLElement[] {
  const box = list(el).getBoundingClientRect();
  return rows(el).filter((row) => {
    const at = row.getBoundingClientRect();
    return at.top >= box.top && at.bottom <= box.bottom;
  });
}

/** Every rendered row shows the task at its place, its position is said, and the rows are consecutive. */
function expectRowsMatchPlaces(el: PanUploader): void {
  const shown = rows(el);
  expect(shown.length).to.be.greaterThan(0);
  const first = Number(shown[0]!.getAttribute('aria-posinset')) - 1;
  shown.forEach((row, i) => {
    const task = el.tasks[first + i]!;
    expect(row.dataset.id, `row ${i} of the window`).to.equal(task.id);
    expect(row.getAttribute('aria-posinset')).to.equal(String(first + i + 1));
    expect(row.getAttribute('aria-setsize')).to.equal(String(el.tasks.length));
    expect(row.querySelector('[part~="name"]')!.textContent).to.contain(task.name);
  });
}

/** The rows rendered cover the part of the list that shows. */
function expectViewCovered(el: PanUploader): void {
  const box = list(el).getBoundingClientRect();
  const shown = rows(el);
  expect(shown[0]!.getBoundingClientRect().top, 'the first row rendered starts at or above the top').to.be.at.most(box.top + 1);
  expect(shown[shown.length - 1]!.getBoundingClientRect().bottom, 'the last row rendered ends at or below the bottom').to.be.at.least(box.bottom - 1);
}

describe('<pan-uploader> long list', function () {
  this.timeout(60_000);
  afterEach(cleanup);

  for (const layout of ['list', 'grid', 'compact'] as const) {
    it(`${layout}: holds only a window of ${COUNT} rows, and the rows shown follow the scroll`, async () => {
      const el = await mountReal(`layout="${layout}"`);
      el.addFiles(many(COUNT));
      await el.updateComplete;
      await until(() => rows(el).length > 0 && Boolean(rows(el)[0]!.getAttribute('aria-posinset')), 'the first window');
      await settle(el);
      expect(rows(el).length, 'rows in the DOM').to.be.within(2, 80);
      expectRowsMatchPlaces(el);
      expectViewCovered(el);
      // The summary still counts every file.
      expect(el.shadowRoot!.querySelector('[part~="summary-text"]')!.textContent).to.contain(String(COUNT));

      for (const fraction of [0.5, 0.137, 1]) {
        const box = list(el);
        box.scrollTop = fraction * (box.scrollHeight - box.clientHeight);
        const target = Math.min(el.tasks.length - 1, Math.floor(fraction * el.tasks.length));
        // The row at that place is rendered (within a screenful: rows are taken to be one height).
        await until(() => rows(el).some((row) => Math.abs(Number(row.getAttribute('aria-posinset')) - 1 - target) < 40), `rows near ${target}`);
        await settle(el);
        expect(rows(el).length, 'rows in the DOM').to.be.within(2, 80);
        expectRowsMatchPlaces(el);
        expectViewCovered(el);
      }
      // At the bottom, the last file is there.
      expect(rows(el).some((row) => row.dataset.id === el.tasks[COUNT - 1]!.id)).to.equal(true);
    });
  }

  it('with --pan-list-max-height: none the page scrolls, and the window follows the page', async () => {
    const el = await mountReal('style="--pan-list-max-height: none"');
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    const box = list(el);
    expect(box.scrollHeight, 'the list does not scroll itself').to.be.at.most(box.clientHeight + 1);
    expect(rows(el).length).to.be.within(2, 80);
    const middle = box.getBoundingClientRect().top + scrollY + box.scrollHeight / 2;
    scrollTo(0, middle);
    try {
      await until(() => Number(rows(el)[0]!.getAttribute('aria-posinset')) > 500, 'rows in the middle');
      await settle(el);
      expectRowsMatchPlaces(el);
      const shown = rows(el);
      expect(shown[0]!.getBoundingClientRect().top).to.be.at.most(0);
      expect(shown[shown.length - 1]!.getBoundingClientRect().bottom).to.be.at.least(innerHeight);
    } finally {
      scrollTo(0, 0);
    }
  });

  it("contains each row of a long list, and keeps it so when list editing's styles load after", async () => {
    const el = await mountReal();
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    const contained = () => rows(el).every((row) => getComputedStyle(row).contain === 'content');
    expect(contained(), 'rows contained').to.equal(true);
    // The grid layout loads list editing, whose styles are added to the element's: both apply.
    el.setAttribute('layout', 'grid');
    await until(() => {
      const shown = rows(el);
      return shown.length > 1 && Math.abs(shown[0]!.getBoundingClientRect().top - shown[1]!.getBoundingClientRect().top) < 1;
    }, 'the grid layout');
    await settle(el);
    expect(contained(), 'rows contained in the grid').to.equal(true);
    expectRowsMatchPlaces(el);
  });

  it('passes axe with the window and its spacers', async () => {
    const el = await mountReal();
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    list(el).scrollTop = 5000;
    await settle(el);
    await settle(el);
    const result = await window.axe.run(el, {resultTypes: ['violations']});
    expect(result.violations.map((v) => `${v.id}: ${v.help}`)).to.deep.equal([]);
  });

  it('Tab moves down through the rows: the list scrolls and the focus stays on the row it reached', async () => {
    const el = await mountReal();
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    // A queued file offers pause, cancel and rename: three stops a row.
    const first = rows(el)[0]!;
    const stops = first.querySelectorAll('button').length;
    expect(stops).to.equal(3);
    first.querySelector('button')!.focus();
    const steps = 40;
    for (let i = 1; i <= steps * stops; i++) {
      await sendKeys({press: 'Tab'});
      if (i % stops === 0) await settle(el);
    }
    await settle(el);
    const focused = el.shadowRoot!.activeElement as HTMLElement;
    const row = focused.closest<HTMLElement>('[part~="item"]')!;
    expect(row, 'the focus is in a row').to.exist;
    expect(row.dataset.id).to.equal(el.tasks[steps]!.id);
    expect(focused.getAttribute('aria-label')).to.contain(el.tasks[steps]!.name);
    expect(list(el).scrollTop, 'the list scrolled with the focus').to.be.greaterThan(0);
    const box = list(el).getBoundingClientRect();
    const at = row.getBoundingClientRect();
    expect(at.top >= box.top - 1 && at.bottom <= box.bottom + 1, 'the focused row is in view').to.equal(true);
    expectRowsMatchPlaces(el);
  });

  it('a row scrolled into view does what its buttons say', async () => {
    const el = await mountReal();
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    const box = list(el);
    box.scrollTop = 0.75 * (box.scrollHeight - box.clientHeight);
    await until(() => Number(rows(el)[0]!.getAttribute('aria-posinset')) > 1000, 'rows three quarters down');
    await settle(el);
    const row = inView(el)[1]!;
    const target = el.tasks.find((t) => t.id === row.dataset.id)!;
    expect(el.tasks.indexOf(target)).to.be.greaterThan(1000);
    row.querySelector<HTMLButtonElement>('[part~="cancel-button"]')!.click();
    await until(() => target.status === 'canceled', 'the cancel');
    await settle(el);
    const again = rows(el).find((r) => r.dataset.id === target.id);
    if (!again) throw new Error(`row ${el.tasks.indexOf(target)} not rendered: ${rows(el).map((r) => r.getAttribute('aria-posinset')).join(',')} scrollTop ${list(el).scrollTop}`);
    expect(again.querySelector('[part~="status"]')!.textContent).to.equal('Canceled');
    again.querySelector<HTMLButtonElement>('[part~="remove-button"]')!.click();
    await until(() => !el.tasks.includes(target), 'the removal');
    expect(el.tasks.length).to.equal(COUNT - 1);
    await settle(el);
    expectRowsMatchPlaces(el);
  });

  it('a rename on a row far down the list', async () => {
    const el = await mountReal();
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    const box = list(el);
    box.scrollTop = 0.45 * (box.scrollHeight - box.clientHeight);
    await until(() => Number(rows(el)[0]!.getAttribute('aria-posinset')) > 800, 'rows halfway down');
    await settle(el);
    const target = el.tasks.find((t) => t.id === inView(el)[0]!.dataset.id)!;
    const index = el.tasks.indexOf(target);
    rows(el).find((r) => r.dataset.id === target.id)!.querySelector<HTMLButtonElement>('[part~="rename-button"]')!.click();
    await until(() => Boolean(el.shadowRoot!.querySelector(`[data-id="${target.id}"] [part~="rename-input"]`)), 'the rename field');
    const input = el.shadowRoot!.querySelector<HTMLInputElement>(`[data-id="${target.id}"] [part~="rename-input"]`)!;
    await until(() => el.shadowRoot!.activeElement === input, 'the focus in the field');
    input.value = 'renamed';
    input.dispatchEvent(new KeyboardEvent('keydown', {key: 'Enter', bubbles: true, composed: true}));
    await until(() => target.name === 'renamed.txt', 'the new name');
    expect(el.tasks[index]).to.equal(target);
  });

  it('a reorder handle moved to the end by keyboard brings its row into view, focus on it', async () => {
    const el = await mountReal('reorderable');
    el.addFiles(many(COUNT));
    await until(() => parts(el, 'reorder-handle').length > 0, 'handles');
    await settle(el);
    const moved = el.tasks[2]!;
    el.shadowRoot!.querySelector<HTMLElement>(`[data-id="${moved.id}"] [part~="reorder-handle"]`)!.focus();
    await sendKeys({press: 'End'});
    await until(() => el.tasks[COUNT - 1] === moved, 'the move to the end');
    await until(() => el.shadowRoot!.activeElement?.closest<HTMLElement>('[part~="item"]')?.dataset.id === moved.id, 'the focus on the moved row');
    const row = el.shadowRoot!.querySelector<HTMLElement>(`[data-id="${moved.id}"]`)!;
    expect(row.getAttribute('aria-posinset')).to.equal(String(COUNT));
    const box = list(el).getBoundingClientRect();
    const at = row.getBoundingClientRect();
    expect(at.top >= box.top - 1 && at.bottom <= box.bottom + 1, 'the moved row is in view').to.equal(true);
    // And back up by one with the arrow key.
    await sendKeys({press: 'ArrowUp'});
    await until(() => el.tasks[COUNT - 2] === moved, 'the move up');
    expect(el.shadowRoot!.querySelector('[role="status"]')!.textContent).to.contain(`moved to position ${COUNT - 1} of ${COUNT}`);
  });

  it('a pointer drag of a handle lands at the list index, not the index among rendered rows', async () => {
    const el = await mountReal('reorderable');
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    const box = list(el);
    box.scrollTop = box.scrollHeight / 2;
    await until(() => Number(rows(el)[0]!.getAttribute('aria-posinset')) > 500, 'the middle of the list');
    await settle(el);
    const shown = inView(el);
    const from = shown[0]!;
    const to = shown[2]!;
    const moved = el.tasks.find((t) => t.id === from.dataset.id)!;
    const toIndex = el.tasks.findIndex((t) => t.id === to.dataset.id);
    const handle = from.querySelector<HTMLElement>('[part~="reorder-handle"]')!;
    const start = handle.getBoundingClientRect();
    const end = to.getBoundingClientRect();
    handle.dispatchEvent(new PointerEvent('pointerdown', {button: 0, clientX: start.left + 4, clientY: start.top + 4, bubbles: true, composed: true}));
    window.dispatchEvent(new PointerEvent('pointermove', {clientX: end.left + end.width / 2, clientY: end.top + end.height / 2}));
    window.dispatchEvent(new PointerEvent('pointerup', {clientX: end.left + end.width / 2, clientY: end.top + end.height / 2}));
    await settle(el);
    expect(el.tasks.indexOf(moved)).to.equal(toIndex);
  });

  it('progress from many files repaints at most once a frame', async () => {
    const el: FakePanUploader = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    const running = el.fake.tasks.slice(0, 12);
    for (const task of running) el.fake.begin(task);
    await settle(el);
    let events = 0;
    let frames = 0;
    let worst = 0;
    let before = el.renders;
    let stop = false;
    // Rendered frames counted alongside: renders since the last frame, never more than one.
    const count = () => {
      if (stop) return;
      frames++;
      worst = Math.max(worst, el.renders - before);
      before = el.renders;
      requestAnimationFrame(count);
    };
    requestAnimationFrame(count);
    const deadline = performance.now() + 600;
    while (performance.now() < deadline) {
      for (let i = 0; i < 40; i++) {
        const task = running[events % running.length]!;
        el.fake.progress(task, Math.min(task.total, task.loaded + 1));
        events++;
      }
      await new Promise((resolve) => setTimeout(resolve, 2));
    }
    await settle(el);
    stop = true;
    expect(events).to.be.greaterThan(frames * 2);
    expect(worst, `renders in one frame (${events} events, ${frames} frames)`).to.be.at.most(1);
    expect(el.renders - before).to.be.at.most(2);
    // The rows show the last progress.
    const row = rows(el).find((r) => r.dataset.id === running[0]!.id)!;
    expect(row.querySelector('[part~="progress"]')!.getAttribute('aria-valuenow')).to.equal(
      String(Math.floor((running[0]!.loaded / running[0]!.total) * 100)),
    );
  });

  it('a scroll renders the rows in view only: the summary is not worked out again, and still follows the files', async () => {
    const el = await mountReal();
    el.addFiles(many(COUNT));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    // The summary's figures come from the engine's totals, a pass over every file: counted per call.
    const engine = (el as unknown as {bridge: {engine: UploadManager}}).bridge.engine;
    const totals = engine.totals.bind(engine);
    let summed = 0;
    engine.totals = () => {
      summed++;
      return totals();
    };
    let updates = 0;
    el.addController({hostUpdated: () => updates++});
    const box = list(el);
    for (const fraction of [0.2, 0.5, 0.9, 0.4]) {
      box.scrollTop = fraction * (box.scrollHeight - box.clientHeight);
      const target = Math.floor(fraction * COUNT);
      await until(() => rows(el).some((row) => Math.abs(Number(row.getAttribute('aria-posinset')) - 1 - target) < 40), `rows near ${target}`);
      await settle(el);
      expectRowsMatchPlaces(el);
    }
    expect(updates, 'the list rendered as it scrolled').to.be.at.least(4);
    expect(summed, 'summaries worked out during the scroll').to.equal(0);
    // Anything else renders the summary again: a file canceled is no longer counted.
    const text = () => el.shadowRoot!.querySelector('[part~="summary-text"]')!.textContent!;
    expect(text()).to.contain(String(COUNT));
    el.cancel(el.tasks[0]!.id);
    await until(() => text().includes(String(COUNT - 1)), 'the summary without the canceled file');
    expect(summed).to.be.greaterThan(0);
    // And a row's own button still does what it says after the scroll.
    el.tasks.slice(1, 4).forEach((task) => el.cancel(task.id));
    await until(() => text().includes(String(COUNT - 4)), 'the summary without the four canceled files');
    expect(parts(el, 'retry-all').length, 'retry all, for the canceled files').to.equal(1);
  });

  it('a scroll reuses the rows of files that left for those that came; rows that stay stay put; a picture never shows on another file', async () => {
    const el = await mountReal('layout="grid"');
    el.addFiles(many(COUNT, 'image/png', 'png'));
    await until(() => rows(el).length > 0, 'rows');
    await settle(el);
    const box = list(el);
    box.scrollTop = box.scrollHeight / 2;
    await until(() => Number(rows(el)[0]!.getAttribute('aria-posinset')) > COUNT / 4, 'the middle');
    await settle(el);
    await until(() => rows(el).every((row) => row.querySelector('img')), 'previews');
    for (const lines of [1, 3, -2, 40, -40]) {
      const before = new Map(rows(el).map((row) => [row, row.dataset.id]));
      const pictures = new Map([...before.keys()].map((row) => [row.querySelector('img')!, row.querySelector('img')!.src]));
      const first = Number(rows(el)[0]!.getAttribute('aria-posinset'));
      const stride = rows(el).find((row) => row.getBoundingClientRect().top > rows(el)[0]!.getBoundingClientRect().top + 1)!.getBoundingClientRect().top - rows(el)[0]!.getBoundingClientRect().top;
      box.scrollTop += lines * stride;
      await until(() => Number(rows(el)[0]!.getAttribute('aria-posinset')) !== first, `a scroll by ${lines} lines`);
      await settle(el);
      await until(() => rows(el).every((row) => row.querySelector('img')), 'previews');
      expectRowsMatchPlaces(el);
      const now = rows(el);
      const reused = now.filter((row) => before.has(row));
      if (Math.abs(lines) < 40) {
        // As many rows as before (give or take a line): none made, all the others reused.
        expect(reused.length, `rows reused after a scroll by ${lines} lines`).to.be.at.least(Math.min(now.length, before.size) - 8);
      } else {
        // A fast scroll renders the rows in view only, reused; the overscan either side is made again where it stops.
        const columns = now.filter((row) => Math.abs(row.getBoundingClientRect().top - now[0]!.getBoundingClientRect().top) < 1).length;
        expect(now.length - reused.length, `rows made after a scroll by ${lines} lines`).to.be.at.most(2 * Math.ceil(4 / columns) * columns);
      }
      // A file still in view keeps its row.
      for (const row of now) {
        const was = [...before].find(([, id]) => id === row.dataset.id)?.[0];
        if (was) expect(was, `the row of ${row.dataset.id}`).to.equal(row);
      }
      // A picture element shows one file's preview only: a reused row got a new <img>.
      for (const img of now.map((row) => row.querySelector('img')!)) {
        if (pictures.has(img)) expect(img.src).to.equal(pictures.get(img));
      }
    }
  });

  it('a list growing long keeps its rows: the focus stays on the button it was on', async () => {
    const el = await mountReal();
    el.addFiles(many(150));
    await until(() => rows(el).length === 150, 'the short list');
    await settle(el);
    const button = rows(el)[1]!.querySelector<HTMLButtonElement>('[part~="cancel-button"]')!;
    button.focus();
    el.addFiles(many(300, 'text/markdown', 'md'));
    await until(() => el.tasks.length === 450 && rows(el).length < 100, 'the window');
    await settle(el);
    expect(button.isConnected, 'the same button').to.equal(true);
    expect(el.shadowRoot!.activeElement).to.equal(button);
    expectRowsMatchPlaces(el);
  });

  it('a fast scroll makes no previews for the rows flying past and renders the rows in view only; where it stops, the rows get their previews and the overscan', async () => {
    const made = new Set<string>();
    const create = URL.createObjectURL;
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = create.call(URL, object);
      made.add(url);
      return url;
    };
    try {
      const el = await mountReal('layout="grid"');
      el.addFiles(many(COUNT, 'image/png', 'png'));
      await until(() => rows(el).length > 0, 'rows');
      await settle(el);
      const window = rows(el).length;
      const before = made.size;
      // Each render's rows: how many show a preview, taken as each update ends (before any timer can run).
      const renders: {first: number; previews: number; count: number}[] = [];
      el.addController({
        hostUpdated: () =>
          renders.push({first: Number(rows(el)[0]?.getAttribute('aria-posinset')), previews: rows(el).filter((row) => row.querySelector('img')).length, count: rows(el).length}),
      });
      // A window's worth of lines or more a frame (no row of one window is in the next), stopping mid-list (at the
      // bottom, a window in view is short, and its overscan on one side only).
      const box = list(el);
      const step = (window * box.scrollHeight) / Math.ceil(COUNT / 4);
      for (let i = 1; i * step <= box.scrollHeight / 2; i++) {
        box.scrollTop = i * step;
        await frame();
        await el.updateComplete;
      }
      const stoppedAt = inView(el).map((row) => row.dataset.id);
      await until(() => rows(el).every((row) => row.querySelector('img')), 'previews where the scroll stopped');
      const moved = renders.filter((render, i) => i > 0 && render.first !== renders[i - 1]!.first);
      expect(moved.length, 'windows rendered on the way').to.be.at.least(5);
      // On the way (all but the window where the scroll stopped), no previews.
      expect(moved.slice(0, -1).every((render) => render.previews === 0), JSON.stringify(renders)).to.equal(true);
      expect(made.size - before, 'previews made').to.be.at.most(3 * window);
      // On the way, the rows in view only; where it stopped, the same rows in view, and the overscan back above them.
      const settled = rows(el).length;
      expect(moved.slice(0, -1).every((render) => render.count < settled), `${settled} rows once stopped; ${JSON.stringify(renders)}`).to.equal(true);
      expect(inView(el).map((row) => row.dataset.id)).to.deep.equal(stoppedAt);
      expectRowsMatchPlaces(el);
      expectViewCovered(el);
    } finally {
      URL.createObjectURL = create;
    }
  });

  it('makes previews only for rows rendered, and releases those far off screen', async () => {
    const made = new Set<string>();
    const revoked = new Set<string>();
    const create = URL.createObjectURL;
    const revoke = URL.revokeObjectURL;
    URL.createObjectURL = (object: Blob | MediaSource) => {
      const url = create.call(URL, object);
      made.add(url);
      return url;
    };
    URL.revokeObjectURL = (url: string) => {
      revoked.add(url);
      revoke.call(URL, url);
    };
    try {
      const el = await mountReal('layout="grid"');
      el.addFiles(many(COUNT, 'image/png', 'png'));
      await until(() => rows(el).length > 0, 'rows');
      await settle(el);
      const firstWindow = rows(el).length;
      // The first render guesses the rows' height before measuring them: a few more may have been rendered once.
      expect(made.size, 'previews made for the first window').to.be.within(1, 2 * firstWindow);
      expect(parts(el, 'thumbnail').every((img) => img.tagName === 'IMG')).to.equal(true);
      const firstURLs = new Set(made);
      const box = list(el);
      box.scrollTop = box.scrollHeight - box.clientHeight;
      await until(() => rows(el).some((row) => row.dataset.id === el.tasks[COUNT - 1]!.id), 'the last rows');
      await settle(el);
      // Only the rows rendered at the top and at the bottom (and any passed on the way) got one.
      expect(made.size).to.be.lessThan(4 * firstWindow + 40);
      // The first window's previews are released now it is far off.
      for (const url of firstURLs) expect(revoked.has(url), `${url} released`).to.equal(true);
      // Those shown are live.
      for (const img of parts(el, 'thumbnail')) expect(revoked.has((img as HTMLImageElement).src)).to.equal(false);
      // Scrolling back makes them again.
      box.scrollTop = 0;
      await until(() => rows(el)[0]?.getAttribute('aria-posinset') === '1', 'the top again');
      await settle(el);
      for (const img of parts(el, 'thumbnail')) expect(revoked.has((img as HTMLImageElement).src)).to.equal(false);
    } finally {
      URL.createObjectURL = create;
      URL.revokeObjectURL = revoke;
    }
  });

  it('a big pick joins in slices, in order, none dropped; the list is windowed meanwhile', async () => {
    const el = await mountReal('layout="compact"');
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-picker="files"]')!;
    const data = new DataTransfer();
    for (const f of many(COUNT)) data.items.add(f);
    input.files = data.files;
    const added: string[] = [];
    el.addEventListener('pan-file-added', (event) => added.push((event as CustomEvent).detail.name));
    input.dispatchEvent(new Event('change', {bubbles: true}));
    // Not all at once: the page gets turns while they join.
    expect(el.tasks.length).to.be.lessThan(COUNT);
    await until(() => el.tasks.length === COUNT, 'every file', 20_000);
    expect(added).to.deep.equal(many(COUNT).map((f) => f.name));
    expect(el.tasks.map((t) => t.name)).to.deep.equal(added);
    await settle(el);
    expect(rows(el).length).to.be.within(2, 80);
  });

  it('a big pick on a slow page is windowed from its first render: never hundreds of rows made at once', async () => {
    const el = await mountReal('layout="compact"');
    // Each call of the engine's addFiles takes longer than a slice's time: a slice adds as few files as it may.
    const engine = (el as unknown as {bridge: {engine: UploadManager}}).bridge.engine;
    const addFiles = engine.addFiles.bind(engine);
    engine.addFiles = (files) => {
      const until = performance.now() + 12;
      while (performance.now() < until);
      return addFiles(files);
    };
    let most = 0;
    el.addController({hostUpdated: () => (most = Math.max(most, rows(el).length))});
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-picker="files"]')!;
    const data = new DataTransfer();
    for (const f of many(1000)) data.items.add(f);
    input.files = data.files;
    input.dispatchEvent(new Event('change', {bubbles: true}));
    await until(() => el.tasks.length === 1000, 'every file', 20_000);
    await settle(el);
    expect(most, 'rows in the DOM at any render').to.be.within(2, 80);
    expectRowsMatchPlaces(el);
  });

  it('clearing the list stops a big pick still joining', async () => {
    const el = await mountReal();
    const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-picker="files"]')!;
    const data = new DataTransfer();
    for (const f of many(6000)) data.items.add(f);
    input.files = data.files;
    input.dispatchEvent(new Event('change', {bubbles: true}));
    await until(() => el.tasks.length > 0, 'the first slice', 10_000);
    el.clear();
    const after = el.tasks.length;
    expect(after).to.equal(0);
    for (let i = 0; i < 10; i++) await frame();
    expect(el.tasks.length).to.equal(0);
  });
});
