/**
 * The image step's rules without a browser: format by bytes, EXIF edits, options, the image host's
 * admission of HEIC and of images that may shrink, the outcomes prepareImage picks from a worker's reply,
 * and the element's image-* attributes.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {validateFile} from '../../../src/core/validate.ts';
import {engineOptions, type EngineAttributes} from '../../../src/components/pan-uploader/engine-options.ts';
import {checkImageOptions} from '../../../src/image/options.ts';
import {resolveImageOptions} from '../../../src/image/resolve.ts';
import {nameFor, prepareImage} from '../../../src/image/prepare-image.ts';
import {sniff} from '../../../src/image/sniff.ts';
import {findExif, hasGps, readOrientation, stripGps} from '../../../src/image/exif.ts';
import type {TransformReply} from '../../../src/image/worker-messages.ts';
import {addExif, contains, GPS_MARK, readExif} from '../../browser/support/exif.ts';

const MB = 1024 * 1024;
/** SOI, SOF0 of width × height, EOI: enough for the header readers. */
function jpegHeader(width: number, height: number): Uint8Array<ArrayBuffer> {
  return new Uint8Array([0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, height >> 8, height & 255, width >> 8, width & 255, 1, 1, 0x11, 0, 0xff, 0xd9]);
}

describe('sniff: the format by the bytes', () => {
  it('reads JPEG size, PNG, animated and still GIF, HEIC brands, SVG, and refuses text', () => {
    assert.deepEqual(sniff(jpegHeader(6000, 4000)), {format: 'jpeg', animated: false, width: 6000, height: 4000});
    const png = new Uint8Array(40);
    png.set([0x89, 0x50, 0x4e, 0x47, 13, 10, 26, 10, 0, 0, 0, 13, 0x49, 0x48, 0x44, 0x52, 0, 0, 1, 0, 0, 0, 0, 200]);
    assert.deepEqual(sniff(png), {format: 'png', width: 256, height: 200, animated: false});
    const frame = [0x21, 0xf9, 4, 0, 10, 0, 0, 0, 0x2c, 0, 0, 0, 0, 1, 0, 1, 0, 0, 2, 2, 0x44, 0x01, 0];
    const gif = (frames: number) => new Uint8Array([...Buffer.from('GIF89a'), 1, 0, 1, 0, 0x80, 0, 0, 0, 0, 0, 255, 255, 255, ...Array.from({length: frames}, () => frame).flat(), 0x3b]);
    assert.equal(sniff(gif(2))!.animated, true);
    assert.equal(sniff(gif(1))!.animated, false);
    assert.equal(sniff(new Uint8Array([0, 0, 0, 24, ...Buffer.from('ftypheic'), 0, 0, 0, 0]))!.format, 'heif');
    assert.equal(sniff(new Uint8Array(Buffer.from('<?xml version="1.0"?>\n<svg xmlns="http://www.w3.org/2000/svg"/>')))!.format, 'svg');
    assert.equal(sniff(new Uint8Array(Buffer.from('just some text, not an image'))), null);
  });
});

describe('EXIF: orientation read, GPS zeroed in place', () => {
  it('reads orientation 6 and removes every GPS tag and value, keeping the length and the camera make', () => {
    const bytes = addExif(jpegHeader(10, 10), {orientation: 6, gps: true});
    const block = findExif(bytes)!;
    assert.equal(readOrientation(bytes, block), 6);
    assert.equal(hasGps(bytes, block), true);
    const length = bytes.length;
    assert.equal(stripGps(bytes, block), true);
    assert.equal(bytes.length, length);
    assert.deepEqual(readExif(bytes)!.gps, []);
    assert.equal(contains(bytes, GPS_MARK), false);
    assert.equal(readExif(bytes)!.ifd0.get(0x0112), 6);
    assert.equal(hasGps(bytes), false);
  });
});

describe('image options', () => {
  it('image host: on by default at 2560 px, 0.85; drive: off unless asked; off turns both off', () => {
    assert.deepEqual(resolveImageOptions({}, 'image'), {maxWidth: 2560, maxHeight: 2560, quality: 0.85, type: 'keep', keepMetadata: false, convertHeif: true});
    assert.equal(resolveImageOptions({}, 'drive'), null);
    assert.equal(resolveImageOptions({transform: 'off', maxWidth: 100}, 'image'), null);
    assert.deepEqual(resolveImageOptions({maxWidth: 1920}, 'drive'), {maxWidth: 1920, maxHeight: Infinity, quality: 0.9, type: 'keep', keepMetadata: false, convertHeif: false});
    assert.equal(resolveImageOptions({type: 'jpeg'}, 'drive')!.convertHeif, true);
  });
  it('refuses bad values by name', () => {
    assert.throws(() => checkImageOptions({maxWidth: 0}), /image\.maxWidth must be a whole number/);
    assert.throws(() => checkImageOptions({quality: 1.5}), /image\.quality must be above 0 and at most 1/);
    assert.throws(() => checkImageOptions({type: 'gif' as never}), /image\.type must be keep, jpeg, webp or png/);
  });
  it('the element reads image-* attributes, and reports a bad one by attribute name, leaving the rest', () => {
    const el = {target: 'image', parentId: '', driveFlow: 'auto', duplicate: 'keep', multiple: true, accept: '', manual: false, keepMetadata: true, imageMaxWidth: '1600', imageQuality: '2', imageType: 'webp'} as EngineAttributes;
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    try {
      assert.deepEqual(engineOptions(el).image, {keepMetadata: true, maxWidth: 1600, type: 'webp'});
    } finally {
      console.error = original;
    }
    assert.deepEqual(errors, ['<pan-uploader> image-quality="2": image.quality must be above 0 and at most 1, got 2']);
  });
});

describe('the image host lets in what the transform may fix', () => {
  const rules = {target: 'image' as const, imagesShrink: true};
  it('HEIC and an image over 100 MB pass when transforms are on, and are refused when off', () => {
    assert.equal(validateFile({name: 'IMG_1.HEIC', size: 3 * MB, type: 'image/heic'}, '', rules, 0), null);
    assert.equal(validateFile({name: 'big.jpg', size: 140 * MB, type: 'image/jpeg'}, '', rules, 0), null);
    assert.equal(validateFile({name: 'IMG_1.HEIC', size: 3 * MB, type: 'image/heic'}, '', {target: 'image'}, 0)?.key, 'not-image');
    assert.equal(validateFile({name: 'big.jpg', size: 140 * MB, type: 'image/jpeg'}, '', {target: 'image'}, 0)?.key, 'target-too-large');
    // An animated GIF is never re-encoded: over 100 MB it is refused at once.
    assert.equal(validateFile({name: 'big.gif', size: 140 * MB, type: 'image/gif'}, '', rules, 0)?.key, 'target-too-large');
  });
});

describe('prepareImage: the outcome from the worker reply', () => {
  const host = resolveImageOptions({}, 'image')!;
  const signal = new AbortController().signal;
  const file = (bytes: Uint8Array<ArrayBuffer>, name: string) => new File([bytes], name);
  const reply = (r: TransformReply) => async () => r;
  it('a result that is not smaller keeps the original; a smaller one is taken with its note', async () => {
    const input = {file: file(jpegHeader(3000, 2000), 'a.jpg'), name: 'a.jpg', target: 'image' as const};
    const big = await prepareImage(input, host, signal, reply({ok: true, blob: new Blob([new Uint8Array(5000)], {type: 'image/jpeg'}), width: 2560, height: 1707, sourceWidth: 3000, sourceHeight: 2000, decoder: 'browser'}));
    assert.deepEqual(big, {name: undefined, note: 'kept as is: re-encoding would not make it smaller', imageNote: {kind: 'kept', locationRemoved: false}});
    const small = await prepareImage(input, host, signal, reply({ok: true, blob: new Blob([new Uint8Array(5)], {type: 'image/jpeg'}), width: 2560, height: 1707, sourceWidth: 3000, sourceHeight: 2000, decoder: 'browser'}));
    assert.equal(small.file!.size, 5);
    assert.equal(small.note, 'optimized · 17 B → 5 B');
  });
  it('a browser that cannot encode: sent as is with the reason; a HEIC on the image host: refused by name', async () => {
    const input = {file: file(jpegHeader(300, 200), 'b.jpg'), name: 'b.jpg', target: 'image' as const};
    const asIs = await prepareImage(input, host, signal, reply({ok: false, reason: 'unsupported', message: 'this browser cannot draw images in a worker (no OffscreenCanvas)'}));
    assert.equal(asIs.note, 'sent as is: this browser cannot draw images in a worker (no OffscreenCanvas)');
    const heic = {file: file(new Uint8Array([0, 0, 0, 24, ...Buffer.from('ftypheic'), 0, 0, 0, 0]), 'c.heic'), name: 'c.heic', target: 'image' as const};
    await assert.rejects(prepareImage(heic, host, signal, reply({ok: false, reason: 'undecodable', message: 'HEIC could not be decoded (no HEVC)'})), {
      name: 'PanError',
      message: '"c.heic": it could not be read as an image: HEIC could not be decoded (no HEVC), and the image host does not take HEIC',
    });
    // The reason as data too, without the name (the element's row and announcement name the file themselves).
    const refused = (await prepareImage(heic, host, signal, reply({ok: false, reason: 'undecodable', message: 'no HEVC'})).catch((e: unknown) => e)) as {note: unknown; message: string};
    assert.deepEqual(refused.note, {kind: 'refused', problem: 'heic', size: 16, limit: 100 * MB, why: {key: 'undecodable', detail: 'no HEVC'}});
    assert.equal(refused.message.split('c.heic').length - 1, 1);
  });
  it('names follow the bytes', () => {
    assert.equal(nameFor('IMG_1.HEIC', 'jpeg'), 'IMG_1.jpg');
    assert.equal(nameFor('photo.JPG', 'jpeg'), 'photo.JPG');
    assert.equal(nameFor('noext', 'png'), 'noext.png');
  });
});
