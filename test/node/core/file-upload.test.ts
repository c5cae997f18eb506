/**
 * One file through the engine, step by step, against a scripted 123pan: what is asked, in what order,
 * and where each task ends. No msw, no browser: the transport, the hasher and the records are fakes.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadStatus} from '../../../src/core/index.ts';
import {resumeKey, type ResumeRecord} from '../../../src/core/resume-store.ts';
import {MemoryResumeStorage, drained, makeFile, next, rig, UPLOAD_SERVER, type Rig} from '../support/engine.ts';
import {envelope, held, httpStatus, ok, type ScriptedTransport} from '../support/scripted-transport.ts';

const SLICE = 1024;
const {QUEUED, HASHING, CREATING, UPLOADING, COMPLETING, DONE, ERROR, PAUSED} = UploadStatus;

/** Drive v2 as 123pan answers it: create opens p-1 (or `preuploadID`), slices are accepted, complete gives fileID 9. */
function scriptV2(t: ScriptedTransport, preuploadID = 'p-1'): ScriptedTransport {
  return t
    .on('POST', '/upload/v2/file/create', ok({preuploadID, reuse: false, sliceSize: SLICE, servers: [UPLOAD_SERVER]}))
    .on('POST', '/upload/v2/file/slice', ok())
    .on('POST', '/upload/v2/file/upload_complete', ok({completed: true, fileID: 9}))
    .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/9'}));
}

const slicesSent = (t: ScriptedTransport) => t.requests.filter((r) => r.path === '/upload/v2/file/slice').map((r) => Number(r.body.sliceNo));

function add(r: Rig, size: number, name = 'a.bin', seed = 1) {
  const {file, md5} = makeFile(name, size, seed);
  const [task] = r.manager.addFiles([file]).added;
  return {task: task!, file, md5};
}

function record(file: File, md5: string, patch: Partial<ResumeRecord> = {}): ResumeRecord {
  const key = resumeKey({name: file.name, relativePath: '', size: file.size, lastModified: file.lastModified, target: 'drive', parent: 0});
  return {key, name: file.name, relativePath: '', size: file.size, lastModified: file.lastModified, etag: md5, target: 'drive', parent: 0, flow: 'v2', preuploadID: 'p-old', sliceSize: SLICE, server: UPLOAD_SERVER, slicesDone: [1, 2], createdAt: Date.now(), ...patch};
}

describe('FileUpload: the pipeline', () => {
  it('v2: hash → create → every slice with its MD5 → complete → link, through every status in order', async () => {
    const r = rig({concurrency: 1});
    scriptV2(r.transport);
    const {task, md5} = add(r, 3 * SLICE + 10);
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 0});
    assert.deepEqual(r.transport.log, [
      'POST /upload/v2/file/create',
      'POST /upload/v2/file/slice',
      'POST /upload/v2/file/slice',
      'POST /upload/v2/file/slice',
      'POST /upload/v2/file/slice',
      'POST /upload/v2/file/upload_complete',
      'GET /api/v1/file/download_info',
    ]);
    const create = r.transport.requests[0]!;
    assert.deepEqual(create.body, {parentFileID: 0, filename: 'a.bin', etag: md5, size: 3 * SLICE + 10, duplicate: 1});
    assert.equal(create.headers.Authorization, 'Bearer token-1');
    assert.deepEqual(slicesSent(r.transport), [1, 2, 3, 4]);
    assert.equal(r.transport.requests[1]!.url, `${UPLOAD_SERVER}/upload/v2/file/slice`);
    assert.deepEqual(r.statuses(task.id), [QUEUED, HASHING, CREATING, UPLOADING, COMPLETING, DONE]);
    assert.equal(task.fileID, 9);
    assert.equal(task.downloadURL, 'https://download.test/9');
    assert.equal(task.loaded, task.total);
    assert.deepEqual(r.events, ['upload-start', 'upload-success', 'queue-complete']);
  });

  it('reuse at create (秒传) ends at once: no slices, no complete, reused', async () => {
    const r = rig();
    r.transport
      .on('POST', '/upload/v2/file/create', ok({reuse: true, fileID: 44, sliceSize: SLICE}))
      .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/44'}));
    const {task} = add(r, 5000);
    await drained(r.manager);
    assert.deepEqual(r.transport.log, ['POST /upload/v2/file/create', 'GET /api/v1/file/download_info']);
    assert.deepEqual(r.statuses(task.id), [QUEUED, HASHING, CREATING, DONE]);
    assert.equal(task.reused, true);
    assert.equal(task.fileID, 44);
  });

  it('a reuse answer with fileID 0 is not taken as done: without a preuploadID the file fails, nothing sent', async () => {
    const r = rig();
    scriptV2(r.transport).on('POST', '/upload/v2/file/create', ok({reuse: true, fileID: 0, sliceSize: SLICE}), 1);
    const {task} = add(r, 100);
    await drained(r.manager);
    assert.equal(task.status, ERROR, 'create answered no preuploadID');
    assert.match(task.error!.message, /without a preuploadID/);
    assert.equal(r.transport.count('/upload/v2/file/slice'), 0);
  });

  it('single-step: the whole body in one request, hashed without slices, straight to uploading', async () => {
    const r = rig({driveFlow: 'single'});
    r.transport
      .on('GET', '/upload/v2/file/domain', ok([UPLOAD_SERVER]))
      .on('POST', '/upload/v2/file/single/create', ok({fileID: 5, completed: true}))
      .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/5'}));
    const {task, md5} = add(r, 3000);
    await drained(r.manager);
    assert.deepEqual(r.transport.log, ['GET /upload/v2/file/domain', 'POST /upload/v2/file/single/create', 'GET /api/v1/file/download_info']);
    assert.equal(r.hasher.files[0]!.sliceSize, undefined);
    const body = r.transport.requests[1]!.body;
    assert.equal(body.etag, md5);
    assert.equal(body.file, 3000);
    assert.deepEqual(r.statuses(task.id), [QUEUED, HASHING, UPLOADING, DONE]);
    assert.equal(task.flow, 'single');
  });

  it('a slice failing twice then passing is sent three times, and the file completes', async () => {
    const r = rig({concurrency: 1});
    scriptV2(r.transport);
    let tries = 0;
    r.transport.on('POST', '/upload/v2/file/slice', (request) => (request.body.sliceNo === '2' && ++tries <= 2 ? httpStatus(502, 'bad gateway') : ok()));
    const {task} = add(r, 3 * SLICE);
    await drained(r.manager);
    assert.equal(task.status, DONE);
    assert.deepEqual(slicesSent(r.transport), [1, 2, 2, 2, 3]);
  });

  it('a slice that keeps failing fails the file (retryable), stops its siblings and never completes', async () => {
    const r = rig({concurrency: 1});
    scriptV2(r.transport);
    r.transport.on('POST', '/upload/v2/file/slice', (request) => (request.body.sliceNo === '2' ? envelope(1, 'internal error') : ok()));
    const {task} = add(r, 4 * SLICE);
    const failed = next(r.manager, 'upload-error');
    assert.deepEqual(await drained(r.manager), {succeeded: 0, failed: 1});
    assert.equal((await failed).detail.error.key, 'server');
    assert.equal(task.error!.retryable, true);
    assert.equal(task.error!.traceID, 'trace-1');
    // Slice 2 tried 1 + 2 retries (code 1 is retried at most twice: it may be final); 3 and 4 never went.
    assert.deepEqual(slicesSent(r.transport), [1, 2, 2, 2]);
    assert.equal(r.transport.count('/upload/v2/file/upload_complete'), 0);
  });

  it('401 during complete: one token refresh, complete asked again with the new token, done', async () => {
    const r = rig();
    scriptV2(r.transport).on('POST', '/upload/v2/file/upload_complete', envelope(401, 'token expired'), 1);
    const {task} = add(r, SLICE);
    await drained(r.manager);
    assert.equal(task.status, DONE);
    const completes = r.transport.requests.filter((q) => q.path === '/upload/v2/file/upload_complete');
    assert.deepEqual(
      completes.map((q) => q.headers.Authorization),
      ['Bearer token-1', 'Bearer token-2'],
    );
    assert.deepEqual(r.tokens, [false, true]);
  });

  it('401 again after the refresh fails the file with key auth, not retryable', async () => {
    const r = rig();
    scriptV2(r.transport).on('POST', '/upload/v2/file/upload_complete', envelope(401, 'token expired'));
    const {task} = add(r, SLICE);
    await drained(r.manager);
    assert.equal(task.status, ERROR);
    assert.equal(task.error!.key, 'auth');
    assert.equal(task.error!.retryable, false);
    assert.equal(r.transport.count('/upload/v2/file/upload_complete'), 2);
  });

  it('drive v1: slices by PUT to presigned URLs, without the token', async () => {
    const r = rig({driveFlow: 'v1'});
    r.transport
      .on('POST', '/upload/v1/file/create', ok({preuploadID: 'p-1', reuse: false, sliceSize: SLICE}))
      .on('POST', '/upload/v1/file/get_upload_url', (q) => ok({presignedURL: `https://storage.test/p-1/${String(q.body.sliceNo)}?sig=s`}))
      .on('PUT', '/p-1/1', httpStatus(200))
      .on('PUT', '/p-1/2', httpStatus(200))
      .on('POST', '/upload/v1/file/upload_complete', ok({completed: true, fileID: 12}))
      .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/12'}));
    const {task} = add(r, 2 * SLICE);
    await drained(r.manager);
    assert.equal(task.status, DONE);
    const puts = r.transport.requests.filter((q) => q.method === 'PUT');
    assert.deepEqual(puts.map((q) => q.url), ['https://storage.test/p-1/1', 'https://storage.test/p-1/2']);
    assert.ok(puts.every((q) => q.headers.Authorization === undefined));
  });

  it('a listener that pauses inside upload-start stops the run before anything is sent', async () => {
    const r = rig();
    scriptV2(r.transport);
    r.manager.addEventListener('upload-start', (e) => r.manager.pause(e.detail.task.id), {once: true});
    const {task} = add(r, SLICE);
    await next(r.manager, 'status-change', (e) => e.detail.task.status === PAUSED);
    await new Promise((resolve) => setTimeout(resolve, 20));
    assert.equal(task.status, PAUSED);
    assert.deepEqual(r.transport.log, []);
  });

  it('URL import: 123pan fetches the image; the task polls its task and takes the figures it ends with', async () => {
    const r = rig({target: 'image', parentID: 'dir-1'});
    r.transport
      .on('POST', '/api/v1/oss/offline/download', ok({taskID: 31}))
      .on('GET', '/api/v1/oss/offline/download/process', ok({status: 2, process: 100}))
      .on('POST', '/api/v1/oss/file/list', ok({lastFileId: '-1', fileList: [{fileId: 'img-7', filename: 'cat.png', type: 0, size: 777, etag: 'e7', updateAt: '2026-01-01 00:00:00', downloadURL: 'https://img.test/cat.png', userSelfURL: '', parentFileId: 'dir-1'}]}));
    const [task] = r.manager.importURL('https://example.test/cat.png').added;
    await drained(r.manager);
    assert.equal(task!.flow, 'url');
    assert.equal(task!.status, DONE);
    assert.deepEqual(r.transport.requests[0]!.body, {url: 'https://example.test/cat.png', fileName: 'cat.png', type: 1, businessDirID: 'dir-1'});
    assert.equal(task!.fileID, 'img-7');
    assert.equal(task!.size, 777);
    assert.equal(task!.downloadURL, 'https://img.test/cat.png');
    assert.equal(r.hasher.files.length, 0, 'nothing hashed');
    assert.deepEqual(r.statuses(task!.id), [QUEUED, CREATING, UPLOADING, DONE]);
  });
});

describe('FileUpload: resume records', () => {
  it('a valid record continues its session: no create, only the slices not yet done', async () => {
    const storage = new MemoryResumeStorage();
    const r = rig({concurrency: 1}, storage);
    scriptV2(r.transport);
    const {file, md5} = makeFile('a.bin', 4 * SLICE, 1);
    await storage.put(record(file, md5));
    const [task] = r.manager.addFiles([file]).added;
    await drained(r.manager);
    assert.equal(task!.status, DONE);
    assert.equal(task!.resumed, true);
    assert.equal(r.transport.count('/upload/v2/file/create'), 0);
    assert.deepEqual(slicesSent(r.transport), [3, 4]);
    assert.equal(r.transport.requests[0]!.body.preuploadID, 'p-old');
    await r.manager.flushRecords();
    assert.equal(storage.records.size, 0, 'the record is gone once done');
  });

  it('a stale record (the file changed: another MD5) is deleted and the upload starts afresh', async () => {
    const storage = new MemoryResumeStorage();
    const r = rig({concurrency: 1}, storage);
    scriptV2(r.transport);
    const {file} = makeFile('a.bin', 2 * SLICE, 1);
    await storage.put(record(file, 'ffffffffffffffffffffffffffffffff'));
    const [task] = r.manager.addFiles([file]).added;
    await drained(r.manager);
    assert.equal(task!.resumed, false);
    assert.equal(r.transport.count('/upload/v2/file/create'), 1);
    assert.deepEqual(slicesSent(r.transport), [1, 2]);
  });

  it('a recorded session the server no longer knows is dropped once, and the file starts afresh', async () => {
    const storage = new MemoryResumeStorage();
    const r = rig({concurrency: 1}, storage);
    scriptV2(r.transport, 'p-new');
    r.transport.on('POST', '/upload/v2/file/slice', (q) => (q.body.preuploadID === 'p-old' ? envelope(5066, 'preuploadID not found') : ok()));
    const {file, md5} = makeFile('a.bin', 3 * SLICE, 1);
    await storage.put(record(file, md5));
    const [task] = r.manager.addFiles([file]).added;
    await drained(r.manager);
    assert.equal(task!.status, DONE);
    assert.equal(task!.resumed, false);
    assert.deepEqual(
      r.transport.requests.filter((q) => q.path === '/upload/v2/file/slice').map((q) => `${String(q.body.preuploadID)}#${String(q.body.sliceNo)}`),
      ['p-old#3', 'p-new#1', 'p-new#2', 'p-new#3'],
    );
  });

  it('drive v1 resume: the server lists its parts, and only slices whose MD5 matches count as held', async () => {
    const storage = new MemoryResumeStorage();
    const r = rig({driveFlow: 'v1', concurrency: 1}, storage);
    const {file, md5} = makeFile('a.bin', 3 * SLICE, 1);
    const slice1 = (await r.hasher.hashFile(file.slice(0, SLICE), {})).md5;
    r.hasher.files.length = 0;
    r.transport
      .on('POST', '/upload/v1/file/list_upload_parts', ok({parts: [{partNumber: '1', etag: slice1.toUpperCase()}, {partNumber: 2, etag: 'not-its-md5'}]}))
      .on('POST', '/upload/v1/file/get_upload_url', (q) => ok({presignedURL: `https://storage.test/p-old/${String(q.body.sliceNo)}`}))
      .on('PUT', '/p-old/2', httpStatus(200))
      .on('PUT', '/p-old/3', httpStatus(200))
      .on('POST', '/upload/v1/file/upload_complete', ok({completed: true, fileID: 3}))
      .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/3'}));
    await storage.put(record(file, md5, {flow: 'v1', server: undefined, slicesDone: [1, 2]}));
    const [task] = r.manager.addFiles([file]).added;
    await drained(r.manager);
    assert.equal(task!.status, DONE);
    assert.deepEqual(r.statuses(task!.id), [QUEUED, HASHING, CREATING, UPLOADING, COMPLETING, DONE]);
    assert.deepEqual(
      r.transport.requests.filter((q) => q.method === 'PUT').map((q) => q.path),
      ['/p-old/2', '/p-old/3'],
    );
  });

  it('writes a record as slices are confirmed, and deletes it once done', async () => {
    const storage = new MemoryResumeStorage();
    const r = rig({concurrency: 1}, storage);
    scriptV2(r.transport);
    const gate = held();
    r.transport.on('POST', '/upload/v2/file/slice', gate.handler, 1).on('POST', '/upload/v2/file/slice', ok(), 1);
    const {task} = add(r, 3 * SLICE);
    // Slice 1 answered, slice 2 held: the record says slice 1 is done.
    await gate.arrived;
    await r.manager.flushRecords();
    assert.deepEqual([...storage.records.values()].map((x) => [x.preuploadID, x.slicesDone]), [['p-1', [1]]]);
    gate.release(ok());
    await drained(r.manager);
    assert.equal(task.status, DONE);
    await r.manager.flushRecords();
    assert.equal(storage.records.size, 0);
  });
});
