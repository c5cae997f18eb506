/**
 * The CMS bundle's image transforms wherever dist/ is served: the built bundle loaded from a deep path of
 * this origin, and from another origin with CORS (the other loopback name), as a CDN serves it. From each,
 * a photo is scaled and a HEIC converted by the package build's one image worker (and libheif) beside the
 * bundle; what was stored is what was sent. Needs `npm run build` first.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {createEmulator} from '../../../src/emulator/index.ts';
import type * as Package from '../../../src/index.ts';
import {cdnPlaces} from '../support/cdn.ts';
import {drained} from '../support/events.ts';

const emulator = createEmulator({cors: 'all'});
const worker = setupWorker(...emulator.handlers);
const places = cdnPlaces('pan-uploader.bundle.js');

/** A noisy 3000×2000 JPEG, so the image host's default (2560 px) scales it and the encoder has work. */
async function photo(): Promise<Blob> {
  const canvas = document.createElement('canvas');
  canvas.width = 3000;
  canvas.height = 2000;
  const ctx = canvas.getContext('2d')!;
  const pixels = ctx.createImageData(canvas.width, canvas.height);
  let seed = 7;
  for (let i = 0; i < pixels.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    pixels.data.set([seed >>> 24, (seed >>> 16) & 255, 128, 255], i);
  }
  ctx.putImageData(pixels, 0, 0);
  return new Promise<Blob>((done) => canvas.toBlob((b) => done(b!), 'image/jpeg', 0.98));
}

describe('the CMS bundle transforms images wherever it is served', function () {
  this.timeout(60_000);
  before(async () => {
    const response = await fetch('/dist/pan-uploader.bundle.js', {method: 'HEAD'});
    if (!response.ok) throw new Error(`/dist/pan-uploader.bundle.js answered ${response.status}: run \`npm run build\` first`);
    await worker.start({quiet: true, onUnhandledRequest: 'bypass'});
  });
  after(() => worker.stop());

  for (const [where, url] of Object.entries(places)) {
    it(`from ${where}`, async () => {
      const bundle = (await import(/* @vite-ignore */ url)) as typeof Package;
      // The bundle's own copy of the engine, not this test's sources.
      expect(bundle.UploadManager).to.be.a('function');
      const heic = await (await fetch('/test/fixtures/images/red-blue-400x300.heic')).blob();
      const m = new bundle.UploadManager({tokenProvider: async () => emulator.issueToken(), target: 'image', parentID: '', resumeDatabase: `cms-image-${Math.random()}`});
      const files = [new File([await photo()], 'photo.jpg', {type: 'image/jpeg'}), new File([heic], 'IMG_0001.HEIC', {type: 'image/heic'})];
      const {added, rejected} = m.addFiles(files);
      expect(rejected).to.deep.equal([]);
      await drained(m as unknown as Parameters<typeof drained>[0]);
      const [scaled, converted] = added;
      for (const task of added) expect(task.error, `${task.name}: ${task.error?.message}`).to.equal(undefined);
      expect(scaled!.note).to.match(/^optimized · /);
      expect(converted!.note).to.match(/^converted to JPEG · /);
      expect(converted!.name).to.equal('IMG_0001.jpg');
      for (const task of added) {
        const node = emulator.files().find((f) => String(f.fileID) === String(task.fileID))!;
        const sent = await task.file.arrayBuffer();
        expect(node.md5, task.name).to.equal(SparkMD5.ArrayBuffer.hash(sent));
        const bitmap = await createImageBitmap(task.file);
        expect([task.file.type, bitmap.width, bitmap.height], task.name).to.deep.equal(task === scaled ? ['image/jpeg', 2560, 1707] : ['image/jpeg', 400, 300]);
        bitmap.close();
      }
    });
  }
});
