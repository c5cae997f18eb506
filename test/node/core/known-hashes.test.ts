/**
 * The user's wait before create is the whole-file MD5 alone: slice MD5s are taken just in time, each
 * once, and a file already hashed (picked again, resumed after a reload) is not read again, unless its
 * bytes changed.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadStatus} from '../../../src/core/index.ts';
import {resumeKey} from '../../../src/core/resume-store.ts';
import {drained, makeFile, md5, MemoryResumeStorage, rig, UPLOAD_SERVER, type Rig} from '../support/engine.ts';
import {envelope, ok} from '../support/scripted-transport.ts';

const MiB = 1024 * 1024;
const SLICE = MiB;

function scriptV2(r: Rig, preuploadID = 'p-1') {
  r.transport
    .on('POST', '/upload/v2/file/create', ok({preuploadID, reuse: false, sliceSize: SLICE, servers: [UPLOAD_SERVER]}))
    .on('POST', '/upload/v2/file/slice', ok())
    .on('POST', '/upload/v2/file/upload_complete', ok({completed: true, fileID: 9}))
    .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/9'}));
}

/** sliceNo → the sliceMD5 sent with it. */
const sliceMD5sSent = (r: Rig) => new Map(r.transport.requests.filter((q) => q.path === '/upload/v2/file/slice').map((q) => [Number(q.body.sliceNo), String(q.body.sliceMD5)]));

describe('hashing: the whole file before create, slices just in time, nothing twice', () => {
  it('hashes the whole file without slices, then each slice once, with the MD5 of its own bytes', async () => {
    const r = rig({concurrency: 2});
    scriptV2(r);
    const {file, md5: whole} = makeFile('a.bin', 5 * SLICE + 100, 1);
    const [task] = r.manager.addFiles([file]).added;
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 0});
    assert.deepEqual(r.hasher.files, [{name: 'a.bin', sliceSize: undefined, signal: r.hasher.files[0]!.signal}], 'one whole-file pass, no slices in it');
    assert.equal(r.transport.requests[0]!.body.etag, whole);
    const bytes = new Uint8Array(await file.arrayBuffer());
    const sent = sliceMD5sSent(r);
    assert.equal(sent.size, 6);
    for (const [n, sliceMD5] of sent) assert.equal(sliceMD5, md5(bytes.subarray((n - 1) * SLICE, n * SLICE)), `slice ${n}`);
    assert.equal(r.hasher.blobs, 1 + 6, 'the sample once, each slice once');
    assert.equal(task!.status, UploadStatus.DONE);
  });

  it('the same file picked again is not hashed again; the same name, size and date with other bytes is', async () => {
    const r = rig();
    scriptV2(r);
    const first = makeFile('a.bin', 5 * MiB, 1);
    r.manager.addFiles([first.file]);
    await drained(r.manager);
    r.manager.addFiles([first.file]);
    await drained(r.manager);
    assert.equal(r.hasher.files.length, 1, 'picked again: the MD5 known from the first upload');
    const creates = r.transport.requests.filter((q) => q.path === '/upload/v2/file/create');
    assert.deepEqual(creates.map((q) => q.body.etag), [first.md5, first.md5]);

    // Edited in place, the date kept: the sample (which always holds the first and last 64 KiB) differs.
    const edited = new Uint8Array(await first.file.arrayBuffer());
    edited[edited.length - 1]! ^= 0xff;
    const changed = new File([edited], 'a.bin', {lastModified: first.file.lastModified});
    r.manager.addFiles([changed]);
    await drained(r.manager);
    assert.equal(r.hasher.files.length, 2, 'the changed file is hashed again');
    assert.equal(r.transport.requests.filter((q) => q.path === '/upload/v2/file/create').at(-1)!.body.etag, md5(edited));
  });

  it('after a reload, a resume record whose sample still matches gives the MD5: no whole-file pass', async () => {
    const storage = new MemoryResumeStorage();
    const {file, md5: whole} = makeFile('a.bin', 5 * MiB, 1);
    // The first page: create, two slices, then the page goes away.
    const before = rig({concurrency: 1}, storage);
    scriptV2(before, 'p-old');
    let slices = 0;
    before.transport.on('POST', '/upload/v2/file/slice', () => (++slices > 2 ? new Promise<never>(() => {}) : ok()));
    before.manager.addFiles([file]);
    while (slices < 3) await new Promise((resolve) => setTimeout(resolve, 5));
    await before.manager.flushRecords();
    before.manager.dispose();
    const key = resumeKey({name: 'a.bin', relativePath: '', size: file.size, lastModified: file.lastModified, target: 'drive', parent: 0});
    assert.ok(storage.records.get(key)?.sample, 'the record keeps the sample');

    const after = rig({concurrency: 1}, storage);
    scriptV2(after);
    const [task] = after.manager.addFiles([file]).added;
    assert.deepEqual(await drained(after.manager), {succeeded: 1, failed: 0});
    assert.equal(after.hasher.files.length, 0, 'the MD5 came from the record');
    assert.equal(task!.etag, whole);
    assert.equal(task!.resumed, true);
    assert.deepEqual([...sliceMD5sSent(after).keys()], [3, 4, 5]);
  });

  it('a record whose sample no longer matches (edited, same date) is not trusted: the file is hashed again', async () => {
    const storage = new MemoryResumeStorage();
    const {file, md5: whole} = makeFile('a.bin', 5 * MiB, 1);
    const key = resumeKey({name: 'a.bin', relativePath: '', size: file.size, lastModified: file.lastModified, target: 'drive', parent: 0});
    await storage.put({key, name: 'a.bin', relativePath: '', size: file.size, lastModified: file.lastModified, etag: 'ffffffffffffffffffffffffffffffff', sample: '00000000000000000000000000000000', target: 'drive', parent: 0, flow: 'v2', preuploadID: 'p-old', sliceSize: SLICE, server: UPLOAD_SERVER, slicesDone: [1], createdAt: Date.now()});
    const r = rig({concurrency: 1}, storage);
    scriptV2(r);
    const [task] = r.manager.addFiles([file]).added;
    await drained(r.manager);
    assert.equal(r.hasher.files.length, 1);
    assert.equal(task!.etag, whole);
    assert.equal(task!.resumed, false, 'the stale record was dropped');
  });

  it('when 123pan says the bytes do not match the MD5, what was known is dropped and a retry hashes again', async () => {
    const r = rig({concurrency: 1});
    scriptV2(r);
    r.transport.on('POST', '/upload/v2/file/upload_complete', envelope(5062, 'etag does not match the uploaded file'), 1);
    const {file} = makeFile('a.bin', 5 * MiB, 1);
    const [task] = r.manager.addFiles([file]).added;
    await drained(r.manager);
    assert.equal(task!.status, UploadStatus.ERROR);
    assert.equal(task!.error!.key, 'etag-mismatch');
    r.manager.retry(task!.id);
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 0});
    assert.equal(r.hasher.files.length, 2, 'hashed again after the mismatch');
  });
});
