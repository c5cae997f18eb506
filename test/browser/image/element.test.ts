/** The element's side of images: camera buttons and their hidden inputs, image-* attributes reaching the engine, the row's note. */
import {expect} from 'chai';
import '../../../src/pan-uploader.ts';
import {cleanup, mount, part, settle} from '../element/fixture.ts';

describe('<pan-uploader> images', () => {
  afterEach(cleanup);

  it('camera shows "Take photo" and "Record video", each opening a hidden input with capture', async () => {
    const el = await mount('<pan-uploader-fake camera></pan-uploader-fake>');
    const root = el.shadowRoot!;
    expect(part(el, 'camera-photo')!.textContent!.trim()).to.equal('Take photo');
    expect(part(el, 'camera-video')!.textContent!.trim()).to.equal('Record video');
    const photo = root.querySelector<HTMLInputElement>('input[data-picker="photo"]')!;
    const video = root.querySelector<HTMLInputElement>('input[data-picker="video"]')!;
    expect([photo.getAttribute('capture'), photo.accept, photo.hidden]).to.deep.equal(['environment', 'image/*', true]);
    expect([video.getAttribute('capture'), video.accept]).to.deep.equal(['environment', 'video/*']);
    let clicked = '';
    photo.addEventListener('click', (e) => {
      clicked = 'photo';
      e.preventDefault();
    });
    (part(el, 'camera-photo') as HTMLButtonElement).click();
    expect(clicked).to.equal('photo');
    el.setAttribute('camera', 'video');
    await settle(el);
    expect(part(el, 'camera-photo')).to.equal(null);
    expect(part(el, 'camera-video')).to.not.equal(null);
    el.removeAttribute('camera');
    await settle(el);
    expect(part(el, 'camera-video')).to.equal(null);
    expect(root.querySelector('input[data-picker="video"]')).to.equal(null);
  });

  it('image-* attributes reach the engine as one image option, undone when removed', async () => {
    const el = await mount('<pan-uploader-fake target="image" image-max-width="1600" image-type="webp" image-quality="0.7" keep-metadata></pan-uploader-fake>');
    expect(el.fake.options.image).to.deep.equal({keepMetadata: true, maxWidth: 1600, quality: 0.7, type: 'webp'});
    el.removeAttribute('image-max-width');
    el.removeAttribute('keep-metadata');
    el.setAttribute('image-transform', 'off');
    await settle(el);
    expect(el.fake.options.image).to.deep.equal({keepMetadata: false, quality: 0.7, type: 'webp', transform: 'off'});
  });

  it("the row shows what preparing did, in its own part", async () => {
    const el = await mount('<pan-uploader-fake target="image"></pan-uploader-fake>');
    const [task] = el.fake.addFiles([new File(['x'], 'a.jpg', {type: 'image/jpeg'})]).added;
    task!.note = 'optimized · 4.2 MB → 680 KB';
    el.fake.progress(task!, 0, 'hashing');
    await settle(el);
    expect(part(el, 'prepared')!.textContent).to.equal('optimized · 4.2 MB → 680 KB');
  });
});
