import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {checkName, matchesAccept, validateFile} from '../../../src/core/validate.ts';
import {chooseFlow} from '../../../src/protocols/index.ts';
import {askFirstPays} from '../../../src/protocols/choose-flow.ts';

const drive = {target: 'drive' as const};
const file = (name: string, size = 10, type = '') => ({name, size, type});

describe('checkName (123pan filename rules)', () => {
  it('accepts ordinary names, including Chinese and spaces inside', () => {
    assert.equal(checkName('测试文件 1.mp4'), null);
    assert.equal(checkName('a'.repeat(255)), null);
  });
  it('refuses empty, too long, forbidden characters and only spaces', () => {
    assert.equal(checkName('')?.key, 'name-empty');
    assert.equal(checkName('a'.repeat(256))?.key, 'name-too-long');
    // Code points, as 123pan counts: 255 emoji (510 UTF-16 units) fit, 256 do not.
    assert.equal(checkName('🎉'.repeat(255)), null);
    assert.equal(checkName('🎉'.repeat(256))?.key, 'name-too-long');
    assert.match(checkName('🎉'.repeat(256))!.reason, /256 characters/);
    for (const c of ['"', '\\', '/', ':', '*', '?', '|', '>', '<']) assert.equal(checkName(`a${c}b.txt`)?.key, 'name-forbidden-char', c);
    assert.equal(checkName('   ')?.key, 'name-only-spaces');
  });
});

describe('matchesAccept (like <input accept>)', () => {
  it('matches extensions, MIME wildcards and exact MIME types', () => {
    assert.ok(matchesAccept({name: 'A.PNG', type: ''}, '.png'));
    assert.ok(matchesAccept({name: 'a.bin', type: 'image/webp'}, 'image/*'));
    assert.ok(matchesAccept({name: 'a.bin', type: 'application/pdf'}, '.txt, application/pdf'));
    assert.ok(!matchesAccept({name: 'a.txt', type: 'text/plain'}, 'image/*,.png'));
    assert.ok(matchesAccept({name: 'a.txt', type: 'text/plain'}, ''));
  });
});

describe('validateFile', () => {
  it('lets a good file through', () => {
    assert.equal(validateFile(file('a.txt'), '', drive, 0), null);
  });
  it('names the file and the reason', () => {
    const r = validateFile(file('a:b.txt'), 'docs', drive, 0)!;
    assert.equal(r.key, 'name-forbidden-char');
    assert.equal(r.name, 'a:b.txt');
    assert.equal(r.relativePath, 'docs');
    assert.match(r.reason, /"docs\/a:b\.txt"/);
    assert.match(r.reason, /":"/);
  });
  it('checks folder names of a folder upload too', () => {
    assert.equal(validateFile(file('a.txt'), 'ok/ba*d', drive, 0)?.key, 'name-forbidden-char');
  });
  it('applies maxFiles, accept and maxSize', () => {
    assert.equal(validateFile(file('a.txt'), '', {...drive, maxFiles: 2}, 2)?.key, 'too-many-files');
    assert.equal(validateFile(file('a.txt'), '', {...drive, maxFiles: 2}, 1), null);
    assert.equal(validateFile(file('a.txt', 1, 'text/plain'), '', {...drive, accept: 'image/*'}, 0)?.key, 'not-accepted');
    const big = validateFile(file('a.txt', 2048), '', {...drive, maxSize: 1024}, 0)!;
    assert.equal(big.key, 'too-large');
    // The same units as the element shows sizes in.
    assert.match(big.reason, /2\.0 KB.*1\.0 KB/);
    // Rounded to the same figure as the limit, the size is given in bytes too.
    assert.match(validateFile(file('a.txt', 1025), '', {...drive, maxSize: 1024}, 0)!.reason, /"a\.txt": 1\.0 KB \(1025 bytes\) is above the limit of 1\.0 KB/);
  });
  it('holds 123pan limits: 10 GiB on the drive, images of 100 MiB at most on the image host', () => {
    assert.equal(validateFile(file('a.bin', 10 * 1024 ** 3 + 1), '', drive, 0)?.key, 'target-too-large');
    assert.equal(validateFile(file('a.bin', 10 * 1024 ** 3), '', drive, 0), null);
    const image = {target: 'image' as const};
    assert.equal(validateFile(file('a.txt'), '', image, 0)?.key, 'not-image');
    for (const ext of ['png', 'gif', 'jpeg', 'JPG', 'tiff', 'tif', 'webp', 'svg', 'bmp']) assert.equal(validateFile(file(`a.${ext}`), '', image, 0), null, ext);
    assert.equal(validateFile(file('a.png', 100 * 1024 ** 2 + 1), '', image, 0)?.key, 'target-too-large');
  });
});

describe('chooseFlow', () => {
  it('sends small drive files single-step and larger ones in v2 slices', () => {
    assert.equal(chooseFlow('drive', 'auto', 16 * 1024 * 1024), 'single');
    assert.equal(chooseFlow('drive', 'auto', 16 * 1024 * 1024 + 1), 'v2');
    assert.equal(chooseFlow('drive', 'auto', 100, 0), 'v2');
    assert.equal(chooseFlow('drive', 'single', 2 * 1024 ** 3), 'v2');
    assert.equal(chooseFlow('drive', 'v1', 1), 'v1');
    // No token in the browser (proxy mode): auto takes v1 at any size; a chosen flow stays chosen.
    assert.equal(chooseFlow('drive', 'auto', 1, undefined, false), 'v1');
    assert.equal(chooseFlow('drive', 'auto', 2 * 1024 ** 3, undefined, false), 'v1');
    assert.equal(chooseFlow('drive', 'v2', 1, undefined, false), 'v2');
    assert.equal(chooseFlow('drive', 'single', 1, undefined, false), 'single');
    assert.equal(chooseFlow('image', 'auto', 1, undefined, false), 'image');
    assert.equal(chooseFlow('image', 'v2', 1), 'image');
  });

  it('秒传 first (v2 create) for a small file when sending it takes longer than a create slot and a completion', () => {
    const MB = 1024 * 1024;
    // At 2 MiB/s and 1 create/s: 2 s is the break-even.
    assert.equal(chooseFlow('drive', 'auto', 4 * MB + 1, undefined, true, {bytesPerSecond: 2 * MB, createQps: 1}), 'v2');
    assert.equal(chooseFlow('drive', 'auto', 4 * MB, undefined, true, {bytesPerSecond: 2 * MB, createQps: 1}), 'single');
    // A higher create limit (VIP) lowers the bar; no speed measured yet: single-step.
    assert.equal(chooseFlow('drive', 'auto', 3 * MB, undefined, true, {bytesPerSecond: 2 * MB, createQps: 20}), 'v2');
    assert.equal(chooseFlow('drive', 'auto', 8 * MB, undefined, true, {bytesPerSecond: 0}), 'single');
    // A chosen flow, proxy mode and the image host are not second-guessed.
    assert.equal(chooseFlow('drive', 'single', 8 * MB, undefined, true, {bytesPerSecond: 1}), 'single');
    assert.equal(chooseFlow('drive', 'auto', 8 * MB, undefined, false, {bytesPerSecond: 1}), 'v1');
    assert.equal(askFirstPays(10, 1, 1), true);
    assert.equal(askFirstPays(10, 10, 1), false);
  });
});
