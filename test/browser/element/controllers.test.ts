/** What the element's controllers do that the contract tests (element.test.ts) do not reach. */
import {expect} from 'chai';
import {cleanup, file, mount, part, parts, settle} from './fixture.ts';

const live = (el: Element) => el.shadowRoot!.querySelector('[role="status"]')!.textContent!.replace(/\u200b/g, '');
const loads = (url: string) => fetch(url).then((r) => r.ok, () => false);

describe('<pan-uploader> controllers', () => {
  afterEach(cleanup);

  it('moved in the page: keeps its list, takes drops again, and makes previews afresh', async () => {
    const el = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    el.addFiles([file('photo.png', 100, 'image/png')]);
    await settle(el);
    const before = (part(el, 'thumbnail') as HTMLImageElement).src;
    expect(await loads(before)).to.equal(true);

    const host = el.parentElement!;
    el.remove();
    expect(await loads(before), 'revoked while detached').to.equal(false);
    host.append(el);
    el.requestUpdate();
    await settle(el);
    const after = (part(el, 'thumbnail') as HTMLImageElement).src;
    expect(after).to.not.equal(before);
    expect(await loads(after)).to.equal(true);

    const data = new DataTransfer();
    data.items.add(file('dropped.txt'));
    el.dispatchEvent(new DragEvent('drop', {dataTransfer: data, bubbles: true, cancelable: true}));
    await new Promise((r) => setTimeout(r, 0));
    expect(el.fake.tasks.map((t) => t.name)).to.deep.equal(['photo.png', 'dropped.txt']);
  });

  it('reads a big batch out by milestones, not file by file; a file’s own news wins over a milestone in the same frame', async () => {
    const el = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    el.addFiles([file('a.bin', 1000), file('b.bin', 1000), file('c.bin', 1000), file('d.bin', 1000)]);
    const [a, b, c, d] = el.fake.tasks;
    el.fake.begin(a);
    await settle(el);
    expect(live(el)).to.equal('Uploading 4 files.');
    el.fake.progress(a, 1000);
    await settle(el);
    expect(live(el)).to.equal('Upload 25% done.');
    el.fake.succeed(a, {fileID: 1});
    await settle(el);
    expect(live(el), 'no per-file news in a batch of four').to.equal('Upload 25% done.');

    el.fake.begin(b);
    el.fake.progress(b, 1000);
    el.fake.begin(c);
    el.fake.fail(c, {code: 'network', key: 'network', message: 'offline', retryable: true});
    await settle(el);
    expect(live(el)).to.match(/^c\.bin failed: /);

    el.fake.begin(d);
    el.fake.progress(d, 1000);
    await settle(el);
    expect(live(el), '50 % was passed over, not said late').to.equal('Upload 75% done.');
    expect(parts(el, 'item').length).to.equal(4);
  });
});
