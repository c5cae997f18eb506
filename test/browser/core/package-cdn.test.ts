/**
 * The package build (dist/index.js and its chunks) served as a CDN serves it: from a deep path of this origin,
 * and from another origin with CORS (the other loopback name). Browsers refuse a worker script of another
 * origin, so from there the hash worker and the image worker start through a same-origin blob: module; a
 * drive file is hashed and stored, a HEIC converted (libheif loaded beside its worker), each MD5 checked
 * against the bytes sent. Needs `npm run build` first.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {createEmulator} from '../../../src/emulator/index.ts';
import type * as Package from '../../../src/index.ts';
import {xorshiftBytes} from '../../support/bytes.ts';
import {cdnPlaces} from '../support/cdn.ts';
import {drained} from '../support/events.ts';

const emulator = createEmulator({cors: 'all'});
const worker = setupWorker(...emulator.handlers);
const places = cdnPlaces('index.js');

describe('the package build starts its workers wherever it is served', function () {
  this.timeout(60_000);
  before(async () => {
    const response = await fetch('/dist/index.js', {method: 'HEAD'});
    if (!response.ok) throw new Error(`/dist/index.js answered ${response.status}: run \`npm run build\` first`);
    await worker.start({quiet: true, onUnhandledRequest: 'bypass'});
  });
  after(() => worker.stop());

  for (const [where, url] of Object.entries(places)) {
    it(`from ${where}`, async () => {
      const pkg = (await import(/* @vite-ignore */ url)) as typeof Package;
      const tokenProvider = async () => emulator.issueToken();
      const database = () => `cdn-${Math.random()}`;

      const drive = new pkg.UploadManager({tokenProvider, target: 'drive', parentID: 0, resumeDatabase: database()});
      const bytes = xorshiftBytes(3 * 1024 * 1024 + 17, 5);
      const {added: [file]} = drive.addFiles([new File([bytes], 'cdn.bin')]);
      await drained(drive as unknown as Parameters<typeof drained>[0]);
      expect(file!.error, file!.error?.message).to.equal(undefined);
      expect(file!.etag).to.equal(SparkMD5.ArrayBuffer.hash(bytes.buffer));
      expect(emulator.files().find((f) => String(f.fileID) === String(file!.fileID))?.md5).to.equal(file!.etag);

      const image = new pkg.UploadManager({tokenProvider, target: 'image', parentID: '', resumeDatabase: database()});
      const heic = await (await fetch('/test/fixtures/images/red-blue-400x300.heic')).blob();
      const {added: [converted]} = image.addFiles([new File([heic], 'IMG_0002.HEIC', {type: 'image/heic'})]);
      await drained(image as unknown as Parameters<typeof drained>[0]);
      expect(converted!.error, converted!.error?.message).to.equal(undefined);
      expect([converted!.name, converted!.file.type]).to.deep.equal(['IMG_0002.jpg', 'image/jpeg']);
      const stored = emulator.files().find((f) => String(f.fileID) === String(converted!.fileID))!;
      expect(stored.md5).to.equal(SparkMD5.ArrayBuffer.hash(await converted!.file.arrayBuffer()));
    });
  }
});
