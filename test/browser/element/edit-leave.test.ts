/**
 * No lost work: the leave warning and the progress in the tab title, on the scripted engine (a synthetic
 * `beforeunload` would also tell msw's worker that the page is closing, so these tests use no msw).
 */
import {expect} from 'chai';
import {cleanup, file, mount, settle} from './fixture.ts';

const leave = () => {
  const event = new Event('beforeunload', {cancelable: true});
  window.dispatchEvent(event);
  return event.defaultPrevented;
};

describe('<pan-uploader> keeps work from being lost', () => {
  afterEach(cleanup);

  it('asks before the page is left while files wait, upload or are paused, not after, and not with no-leave-warning', async () => {
    const el = await mount('<pan-uploader-fake multiple manual></pan-uploader-fake>');
    expect(leave(), 'nothing listed').to.equal(false);
    el.addFiles([file('a.bin', 4000), file('b.bin', 4000)]);
    const [a, b] = el.fake.tasks;
    // The warning's code loads with the first file.
    const end = Date.now() + 5000;
    while (!leave() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
    expect(leave(), 'files waiting').to.equal(true);
    el.noLeaveWarning = true;
    expect(leave(), 'no-leave-warning').to.equal(false);
    el.noLeaveWarning = false;
    el.fake.begin(a);
    el.fake.progress(a, 1000);
    el.fake.succeed(b, {fileID: 2});
    el.fake.pause(a.id);
    await settle(el);
    expect(leave(), 'a paused file').to.equal(true);
    el.fake.resume(a.id);
    el.fake.begin(a);
    el.fake.succeed(a, {fileID: 1});
    await settle(el);
    expect(leave(), 'all done').to.equal(false);
  });

  it('shows the overall percent in the tab title while uploading (title-progress), then the page\'s own', async () => {
    document.title = 'Edit record';
    const el = await mount('<pan-uploader-fake multiple title-progress></pan-uploader-fake>');
    el.addFiles([file('a.bin', 4000)]);
    const [a] = el.fake.tasks;
    el.fake.begin(a);
    el.fake.progress(a, 1000);
    const end = Date.now() + 5000;
    while (document.title === 'Edit record' && Date.now() < end) {
      el.requestUpdate();
      await settle(el);
    }
    expect(document.title).to.equal('25% · Edit record');
    el.fake.progress(a, 3000);
    await settle(el);
    expect(document.title).to.equal('75% · Edit record');
    el.fake.succeed(a, {fileID: 1});
    await settle(el);
    expect(document.title).to.equal('Edit record');
  });

  it('says when files continue from their resume records after a reload, once, together', async () => {
    const el = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    el.addFiles([file('a.bin', 4000), file('b.bin', 4000), file('c.bin', 4000)]);
    const [a, b, c] = el.fake.tasks;
    a.resumed = true;
    b.resumed = true;
    for (const task of [a, b, c]) el.fake.begin(task);
    el.fake.progress(a, 2000);
    el.fake.progress(b, 2000);
    await settle(el);
    const live = () => el.shadowRoot!.querySelector('[role="status"]')!.textContent!;
    const said: string[] = [];
    const end = Date.now() + 2000;
    while (Date.now() < end && !said.some((text) => text.includes('continue'))) {
      said.push(live());
      await settle(el);
    }
    expect(said.join(' | ')).to.contain('2 files continue where they left off.');
    expect(el.shadowRoot!.querySelectorAll('[part~="note"]').length, 'the rows say it too').to.equal(2);
  });

  it('leaves the title alone without title-progress', async () => {
    document.title = 'Plain';
    const el = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    el.addFiles([file('a.bin', 4000)]);
    el.fake.begin(el.fake.tasks[0]);
    el.fake.progress(el.fake.tasks[0], 2000);
    await new Promise((r) => setTimeout(r, 100));
    await settle(el);
    expect(document.title).to.equal('Plain');
  });
});
