/** The element's side of images: camera buttons and their hidden inputs, image-* attributes reaching the engine, the row's note. */
import {expect} from 'chai';
import '../../../src/pan-uploader.ts';
import {englishNote, type ImageNote} from '../../../src/image/note.ts';
import {cleanup, mount, part, settle} from '../element/fixture.ts';

const MB = 1024 * 1024;

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

  it('the note is worded in the element\'s language: en, zh-CN, zh-TW', async () => {
    const notes: ImageNote[] = [
      {kind: 'optimized', from: 8.5 * MB, to: 326 * 1024},
      {kind: 'converted', format: 'JPEG', from: 2 * MB, to: 600 * 1024},
      {kind: 'kept', locationRemoved: true},
      {kind: 'as-is', why: {key: 'too-many-pixels', size: '10000×10000', megapixels: 80}, renamed: {format: 'PNG', name: 'a.png'}},
      {kind: 'as-is', why: {key: 'unsupported', detail: 'this browser cannot encode image/webp (it gave image/png)'}},
    ];
    const expected: Record<string, string[]> = {
      en: notes.map(englishNote),
      'zh-CN': [
        '已优化 · 8.5 MB → 326 KB',
        '已转换为 JPEG · 2.0 MB → 600 KB',
        '保留原图（重新编码不会更小），已移除位置信息',
        '按原样发送：10000×10000 超过了此浏览器可解码的 80 百万像素（其内容为 PNG，因此以 a.png 发送）',
        '按原样发送：此浏览器无法处理图片（this browser cannot encode image/webp (it gave image/png)）',
      ],
      'zh-TW': [
        '已最佳化 · 8.5 MB → 326 KB',
        '已轉換為 JPEG · 2.0 MB → 600 KB',
        '保留原圖（重新編碼不會更小），已移除位置資訊',
        '按原樣傳送：10000×10000 超過了此瀏覽器可解碼的 80 百萬像素（其內容為 PNG，因此以 a.png 傳送）',
        '按原樣傳送：此瀏覽器無法處理圖片（this browser cannot encode image/webp (it gave image/png)）',
      ],
    };
    expect(expected.en![0]).to.equal('optimized · 8.5 MB → 326 KB');
    for (const [lang, texts] of Object.entries(expected)) {
      const el = await mount(`<pan-uploader-fake target="image" multiple lang="${lang}"></pan-uploader-fake>`);
      const {added} = el.fake.addFiles(notes.map((_, i) => new File(['x'], `${i}.jpg`, {type: 'image/jpeg'})));
      added.forEach((task, i) => {
        task.imageNote = notes[i];
        task.note = englishNote(notes[i]!);
        el.fake.progress(task, 0, 'hashing');
      });
      // The English texts (and the Chinese tables) load on first use: wait until the rows show them.
      const shown = () => [...el.shadowRoot!.querySelectorAll('[part~="prepared"]')].map((n) => n.textContent);
      for (let i = 0; i < 50 && JSON.stringify(shown()) !== JSON.stringify(texts); i++) await settle(el);
      expect(shown(), lang).to.deep.equal(texts);
      cleanup();
    }
  });

  it('a refusal after preparing names the file once, in the row and in what is announced', async () => {
    const note: ImageNote = {kind: 'refused', problem: 'heic', size: 2000, limit: 100 * MB, why: {key: 'undecodable', detail: 'HEIC could not be decoded (no detail)'}};
    for (const [lang, reason] of [
      ['en', 'it could not be read as an image: HEIC could not be decoded (no detail), and the image host does not take HEIC'],
      ['zh-CN', '无法作为图片读取：HEIC could not be decoded (no detail)，而图床不接受 HEIC'],
    ] as const) {
      // On the drive, so the scripted engine lets the .heic in (the refusal is the image step's, scripted here).
      const el = await mount(`<pan-uploader-fake target="drive" lang="${lang}"></pan-uploader-fake>`);
      const [task] = el.fake.addFiles([new File(['x'], 'bad.heic', {type: 'image/heic'})]).added;
      el.fake.begin(task!);
      // What the announcer is asked to say (the live region moves on to the batch's end at once).
      const said: string[] = [];
      el.strings = {announceError: (name, message) => (said.push(`${name}: ${message}`), `${name}: ${message}`)};
      await settle(el);
      el.fake.fail(task!, {code: 'image-not-converted', key: 'image-refused', message: `"bad.heic": ${englishNote(note)}`, retryable: false, note});
      for (let i = 0; i < 50 && part(el, 'error')?.textContent?.trim() !== reason; i++) await settle(el);
      expect(part(el, 'error')!.textContent!.trim(), lang).to.equal(reason);
      expect(said, `${lang}: the file is named once`).to.deep.equal([`bad.heic: ${reason}`]);
      cleanup();
    }
  });
});
