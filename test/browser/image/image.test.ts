/**
 * Images through the engine to the emulator: scaled, turned upright, location gone, HEIC converted, the
 * original kept when not smaller, bad input given a clear outcome. What the emulator stored is downloaded
 * and read back (size in pixels, pixel colours, EXIF tags), and its MD5 is the MD5 of what was sent.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions, UploadTask} from '../../../src/core/index.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import {drained} from '../support/events.ts';
import {addExif, contains, GPS_MARK, readExif} from '../support/exif.ts';

const KiB = 1024;
const emulator = createEmulator({sliceSize: 256 * KiB, ossSliceSize: 256 * KiB, cors: 'all'});
const worker = setupWorker(...emulator.handlers);

function manager(options: Partial<UploadManagerOptions> = {}) {
  return new UploadManager({
    tokenProvider: async () => emulator.issueToken(),
    target: 'image',
    parentID: '',
    resumeDatabase: `image-test-${Math.random()}`,
    ...options,
  });
}

/** A canvas image: left half red, right half blue, with noise so an encoder has something to squeeze. */
async function picture(width: number, height: number, type: string, quality?: number): Promise<Uint8Array<ArrayBuffer>> {
  const canvas = document.createElement('canvas');
  canvas.width = width;
  canvas.height = height;
  const ctx = canvas.getContext('2d')!;
  const pixels = ctx.createImageData(width, height);
  let seed = 12345;
  for (let i = 0; i < pixels.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    const x = (i / 4) % width;
    const noise = (seed >>> 24) % 48;
    const left = x < width / 2;
    pixels.data.set([left ? 207 + noise : noise, noise, left ? noise : 207 + noise, 255], i);
  }
  ctx.putImageData(pixels, 0, 0);
  const blob = await new Promise<Blob>((done) => canvas.toBlob((b) => done(b!), type, quality));
  return new Uint8Array(await blob.arrayBuffer());
}

async function upload(file: File, options: Partial<UploadManagerOptions> = {}): Promise<UploadTask> {
  const m = manager(options);
  const {added, rejected} = m.addFiles([file]);
  expect(rejected, JSON.stringify(rejected)).to.deep.equal([]);
  await drained(m);
  return added[0]!;
}

/** What the emulator holds for the task: its bytes (through the download link) and the MD5 it computed. */
async function storedOf(task: UploadTask) {
  expect(task.error, task.error?.message).to.equal(undefined);
  const node = emulator.files().find((f) => String(f.fileID) === String(task.fileID))!;
  const bytes = new Uint8Array(await (await fetch(task.downloadURL!)).arrayBuffer()) as Uint8Array<ArrayBuffer>;
  const sent = SparkMD5.ArrayBuffer.hash(await task.file.arrayBuffer());
  expect(node.md5, 'stored MD5 = MD5 of what was sent').to.equal(sent);
  expect(SparkMD5.ArrayBuffer.hash(bytes.slice().buffer)).to.equal(sent);
  return {node, bytes};
}

/** Size and the colours at the top-left and bottom-right quarter points, decoded by the browser. */
async function look(bytes: Uint8Array<ArrayBuffer>) {
  const bitmap = await createImageBitmap(new Blob([bytes]));
  const canvas = document.createElement('canvas');
  canvas.width = bitmap.width;
  canvas.height = bitmap.height;
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const at = (x: number, y: number) => {
    const [r, , b] = ctx.getImageData(Math.floor(x), Math.floor(y), 1, 1).data;
    return r! > b! ? 'red' : 'blue';
  };
  return {width: bitmap.width, height: bitmap.height, first: at(bitmap.width / 4, bitmap.height / 4), last: at((bitmap.width * 3) / 4, (bitmap.height * 3) / 4)};
}

const jpegName = (bytes: Uint8Array) => bytes[0] === 0xff && bytes[1] === 0xd8;

describe('images before hashing', function () {
  this.timeout(60_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => emulator.reset());

  it('scales, turns upright by EXIF orientation, drops GPS and all EXIF; the MD5 stored is the MD5 sent', async () => {
    // Stored 1200×600 (red left, blue right) with orientation 6: shown 600×1200, red on top.
    const jpeg = addExif(await picture(1200, 600, 'image/jpeg', 0.95), {orientation: 6, gps: true});
    expect(readExif(jpeg)!.gps).to.have.length(3);
    const original = new File([jpeg], 'phone.jpg', {type: 'image/jpeg'});
    const m = manager({image: {maxWidth: 400, maxHeight: 400}});
    const phases: string[] = [];
    m.addEventListener('upload-progress', (e) => phases.push(e.detail.phase));
    m.addEventListener('status-change', (e) => phases.push(`status:${e.detail.task.status}`));
    const [task] = m.addFiles([original]).added;
    await drained(m);
    const {bytes, node} = await storedOf(task!);
    expect(phases).to.include('status:preparing');
    expect(phases.indexOf('status:preparing')).to.be.below(phases.indexOf('status:hashing'));
    expect(phases.indexOf('preparing'), 'a progress event with phase "preparing"').to.be.above(phases.indexOf('status:preparing'));
    expect(phases.indexOf('preparing')).to.be.below(phases.indexOf('status:hashing'));
    expect(node.name).to.equal('phone.jpg');
    expect(jpegName(bytes)).to.equal(true);
    expect(await look(bytes)).to.deep.equal({width: 200, height: 400, first: 'red', last: 'blue'});
    expect(readExif(bytes)).to.equal(null);
    expect(contains(bytes, GPS_MARK)).to.equal(false);
    expect(task!.note).to.match(/^optimized · .+ → .+$/);
    expect(task!.imageNote).to.deep.equal({kind: 'optimized', from: original.size, to: task!.file.size});
    expect(bytes.length).to.be.below(original.size);
  });

  it('keep-metadata: the EXIF block is carried into the re-encoded JPEG, orientation reset to 1', async () => {
    const jpeg = addExif(await picture(800, 400, 'image/jpeg', 0.95), {orientation: 6, gps: true});
    const task = await upload(new File([jpeg], 'kept.jpg', {type: 'image/jpeg'}), {image: {maxWidth: 200, keepMetadata: true}});
    const {bytes} = await storedOf(task);
    const exif = readExif(bytes)!;
    expect(exif.ifd0.get(0x0112)).to.equal(1);
    expect(exif.gps).to.have.length(3);
    expect(await look(bytes)).to.deep.include({width: 200, height: 400, first: 'red'});
  });

  it('keeps the original when re-encoding is not smaller, with its GPS zeroed in place', async () => {
    // Quality 0.3 re-encoded at 0.95 comes out bigger.
    const jpeg = addExif(await picture(300, 200, 'image/jpeg', 0.3), {orientation: 1, gps: true});
    const task = await upload(new File([jpeg], 'small.jpg', {type: 'image/jpeg'}), {image: {quality: 0.95}});
    const {bytes} = await storedOf(task);
    expect(task.note).to.match(/kept as is.*location removed/);
    expect(bytes.length).to.equal(jpeg.length);
    expect(readExif(bytes)!.gps).to.deep.equal([]);
    expect(readExif(bytes)!.ifd0.get(0x010f)).to.be.a('number'); // the camera make stays: only location goes
    expect(contains(bytes, GPS_MARK)).to.equal(false);
  });

  it('converts HEIC to JPEG (.jpg) on the image host, decoded upright and at its size', async () => {
    const heic = new Uint8Array(await (await fetch('/test/fixtures/images/red-blue-400x300.heic')).arrayBuffer());
    const task = await upload(new File([heic], 'IMG_0001.HEIC', {type: 'image/heic'}));
    const {bytes, node} = await storedOf(task);
    expect(node.name).to.equal('IMG_0001.jpg');
    expect(jpegName(bytes)).to.equal(true);
    expect(await look(bytes)).to.deep.equal({width: 400, height: 300, first: 'red', last: 'blue'});
    expect(task.note).to.match(/^converted to JPEG · /);
  });

  it('on the drive, HEIC goes as it is unless a type is asked for', async () => {
    const heic = new Uint8Array(await (await fetch('/test/fixtures/images/red-blue-400x300.heic')).arrayBuffer());
    const task = await upload(new File([heic], 'IMG_0002.heic', {type: 'image/heic'}), {target: 'drive', parentID: 0});
    expect(task.status).to.equal('done');
    expect(task.name).to.equal('IMG_0002.heic');
    expect(task.note).to.equal(undefined);
    const node = emulator.files().find((f) => String(f.fileID) === String(task.fileID))!;
    expect(node.md5).to.equal(SparkMD5.ArrayBuffer.hash(heic.slice().buffer));
  });

  it('a name that says .jpg over PNG bytes goes under the name its bytes have', async () => {
    const png = await picture(600, 300, 'image/png');
    const task = await upload(new File([png], 'mislabeled.jpg', {type: 'image/jpeg'}), {image: {maxWidth: 300}});
    const {node, bytes} = await storedOf(task);
    expect(node.name).to.equal('mislabeled.png');
    expect(String.fromCharCode(...bytes.subarray(1, 4))).to.equal('PNG');
    // WebKitGTK's worker PNG encoder comes out bigger than the original here: then the original goes, renamed.
    if (task.note!.startsWith('kept as is')) {
      expect(task.note).to.equal('kept as is: re-encoding would not make it smaller (its bytes are PNG, so it goes as mislabeled.png)');
      expect(bytes.length).to.equal(png.length);
    } else {
      expect(task.note).to.match(/^optimized · /);
      expect((await look(bytes)).width).to.equal(300);
    }
  });

  it('image-type webp: WebP where the browser encodes it, else sent as is with a note saying so', async () => {
    const jpeg = await picture(800, 400, 'image/jpeg', 0.95);
    const task = await upload(new File([jpeg], 'to-webp.jpg', {type: 'image/jpeg'}), {image: {type: 'webp', maxWidth: 400}});
    const {node, bytes} = await storedOf(task);
    const canvas = document.createElement('canvas');
    const encodesWebP = canvas.toDataURL('image/webp').startsWith('data:image/webp');
    if (encodesWebP) {
      expect(node.name).to.equal('to-webp.webp');
      expect(String.fromCharCode(...bytes.subarray(8, 12))).to.equal('WEBP');
    } else {
      expect(node.name).to.equal('to-webp.jpg');
      expect(task.note).to.match(/^sent as is: this browser cannot encode image\/webp/);
      expect(bytes.length).to.equal(jpeg.length);
    }
  });

  it('a corrupt image goes as it is, with a note', async () => {
    const bytes = new Uint8Array(4000);
    bytes.set([0xff, 0xd8, 0xff, 0xe0, 0, 16]);
    for (let i = 20; i < bytes.length; i++) bytes[i] = (i * 7) & 0xff;
    const task = await upload(new File([bytes], 'broken.jpg', {type: 'image/jpeg'}));
    await storedOf(task);
    expect(task.note).to.match(/^sent as is: it could not be read as an image/);
    expect(task.file.size).to.equal(4000);
  });

  it('a 100-megapixel image is not decoded: sent as is, the note says why', async () => {
    const jpeg = await picture(64, 64, 'image/jpeg', 0.9);
    // The frame header (SOF0) claims 10000×10000.
    for (let i = 2; i < jpeg.length - 9; i++) {
      if (jpeg[i] === 0xff && jpeg[i + 1] === 0xc0) {
        jpeg.set([0x27, 0x10, 0x27, 0x10], i + 5);
        break;
      }
    }
    const task = await upload(new File([jpeg], 'huge.jpg', {type: 'image/jpeg'}));
    await storedOf(task);
    expect(task.note).to.equal('sent as is: 10000×10000 is more than the 80 megapixels this browser is asked to decode');
  });

  it('a HEIC the image host cannot take and that cannot be decoded is refused, naming the file', async () => {
    const bytes = new Uint8Array(2000);
    bytes.set([0, 0, 0, 24, ...new TextEncoder().encode('ftypheic')]);
    const task = await upload(new File([bytes], 'bad.heic', {type: 'image/heic'}));
    expect(task.status).to.equal('error');
    expect(task.error!.key).to.equal('image-refused');
    expect(task.error!.message).to.match(/^"bad\.heic": it could not be read as an image: .*the image host does not take HEIC$/);
    // The same reason as data, without the name, for the element to word in its language.
    expect(task.error!.note).to.deep.include({kind: 'refused', problem: 'heic'});
    expect(task.error!.note!.kind === 'refused' && task.error!.note!.why?.key).to.equal('undecodable');
    expect(emulator.files()).to.deep.equal([]);
  });

  it('SVG and animated GIF pass through untouched; image-transform off sends every image as it is', async () => {
    const svg = new File(['<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10"/>'], 'logo.svg', {type: 'image/svg+xml'});
    const gif = new File([animatedGif()], 'moving.gif', {type: 'image/gif'});
    const jpeg = new File([await picture(3000, 100, 'image/jpeg', 0.95)], 'wide.jpg', {type: 'image/jpeg'});
    for (const [file, options] of [[svg, {}], [gif, {}], [jpeg, {image: {transform: 'off' as const}}]] as const) {
      const task = await upload(file, options);
      const {bytes} = await storedOf(task);
      expect(task.note, file.name).to.equal(undefined);
      expect(SparkMD5.ArrayBuffer.hash(bytes.slice().buffer)).to.equal(SparkMD5.ArrayBuffer.hash(await file.arrayBuffer()));
    }
  });

  it('an image over 100 MB that fits once compressed is compressed first, then accepted', async () => {
    // A 24-bit BMP of 6000×6000 is 108 MB; scaled to 2560 px and re-encoded it is a small PNG.
    const width = 6000;
    const height = 6000;
    const size = 54 + width * height * 3;
    const bmp = new Uint8Array(size);
    const v = new DataView(bmp.buffer);
    bmp.set([0x42, 0x4d]);
    v.setUint32(2, size, true);
    v.setUint32(10, 54, true);
    v.setUint32(14, 40, true);
    v.setInt32(18, width, true);
    v.setInt32(22, height, true);
    v.setUint16(26, 1, true);
    v.setUint16(28, 24, true);
    const file = new File([bmp], 'scan.bmp', {type: 'image/bmp'});
    expect(file.size).to.be.above(100 * 1024 * 1024);
    const task = await upload(file);
    const {bytes, node} = await storedOf(task);
    expect(node.name).to.equal('scan.png');
    expect((await look(bytes)).width).to.equal(2560);
    expect(task.note).to.match(/^optimized · 103 MB → /);
  });
});

/** A 1×1 GIF with two frames. */
function animatedGif(): Uint8Array<ArrayBuffer> {
  const frame = [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0];
  return new Uint8Array([...new TextEncoder().encode('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, ...frame, ...frame, 0x3b]);
}
