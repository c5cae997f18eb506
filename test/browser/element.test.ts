import {expect} from '@esm-bundle/chai';
import {cleanup, file, mount, part, parts, record, settle} from './element/fixture.ts';

describe('<pan-uploader> rendering', () => {
  afterEach(cleanup);
  it('renders a drop zone with a picker and the empty state', async () => {
    const el = await mount('<pan-uploader-fake></pan-uploader-fake>');
    expect(part(el, 'dropzone')).to.exist;
    expect(part(el, 'choose-files')!.textContent).to.contain('Choose files');
    expect(part(el, 'choose-folder')).to.equal(null);
    expect(part(el, 'empty')!.textContent).to.contain('No files yet');
  });
  it('lists added files', async () => {
    const el = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    const log = record(el);
    el.addFiles([file('a.txt'), file('b.txt')]);
    await settle(el);
    expect(parts(el, 'item').length).to.equal(2);
    expect(log.map((e) => e.type)).to.deep.equal(['pan-file-added', 'pan-file-added']);
  });
});
