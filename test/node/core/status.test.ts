/**
 * The status table and the user's actions against it: pause, resume, cancel, retry and remove at every
 * point of an upload, each checked by what was requested and where the task ends.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadStatus, type UploadTask} from '../../../src/core/index.ts';
import {canMove, checkMove, IllegalMoveError} from '../../../src/core/status.ts';
import {drained, makeFile, MemoryResumeStorage, next, rig, UPLOAD_SERVER, type Rig} from '../support/engine.ts';
import {held, httpStatus, ok, type ScriptedTransport} from '../support/scripted-transport.ts';

const SLICE = 1024;
const ALL = Object.values(UploadStatus);
const {QUEUED, HASHING, CREATING, UPLOADING, COMPLETING, DONE, ERROR, PAUSED, CANCELED} = UploadStatus;

function scriptV2(t: ScriptedTransport): ScriptedTransport {
  return t
    .on('POST', '/upload/v2/file/create', ok({preuploadID: 'p-1', reuse: false, sliceSize: SLICE, servers: [UPLOAD_SERVER]}))
    .on('POST', '/upload/v2/file/slice', ok())
    .on('POST', '/upload/v2/file/upload_complete', ok({completed: true, fileID: 9}))
    .on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/9'}));
}

function add(r: Rig, size = 3 * SLICE, name = 'a.bin'): UploadTask {
  return r.manager.addFiles([makeFile(name, size, 1).file]).added[0]!;
}

const reached = (r: Rig, task: UploadTask, status: UploadStatus) => next(r.manager, 'status-change', (e) => e.detail.task === task && e.detail.task.status === status);
const tick = () => new Promise((resolve) => setTimeout(resolve, 10));

/** A finished task in each of the three end states, and a paused one. */
async function taskIn(status: UploadStatus): Promise<{r: Rig; task: UploadTask}> {
  const r = rig({autoStart: false});
  scriptV2(r.transport);
  if (status === ERROR) r.transport.on('POST', '/upload/v2/file/create', httpStatus(400, 'bad request'));
  const task = add(r);
  if (status === PAUSED) r.manager.pause(task.id);
  else if (status === CANCELED) r.manager.cancel(task.id);
  else {
    r.manager.start();
    await drained(r.manager);
  }
  assert.equal(task.status, status);
  return {r, task};
}

describe('the status table', () => {
  it('lets a task end only through done, error or canceled, and leave done never', () => {
    assert.deepEqual(ALL.filter((to) => canMove(DONE, to)), []);
    assert.deepEqual(ALL.filter((to) => canMove(ERROR, to)).sort(), [CANCELED, QUEUED].sort());
    assert.deepEqual(ALL.filter((to) => canMove(PAUSED, to)).sort(), [CANCELED, QUEUED].sort());
    assert.deepEqual(ALL.filter((to) => canMove(CANCELED, to)), [QUEUED]);
    for (const active of [HASHING, CREATING, UPLOADING, COMPLETING]) {
      for (const end of [PAUSED, CANCELED, ERROR]) assert.ok(canMove(active, end), `${active} → ${end}`);
      assert.equal(canMove(active, QUEUED), false, `${active} → queued`);
    }
  });

  it('throws on every move the table does not allow (development), naming the task and the move', () => {
    let illegal = 0;
    for (const from of ALL) {
      for (const to of ALL) {
        if (canMove(from, to)) assert.doesNotThrow(() => checkMove(from, to, '"a.bin"'));
        else {
          illegal++;
          assert.throws(() => checkMove(from, to, '"a.bin"'), (e: unknown) => e instanceof IllegalMoveError && e.message === `"a.bin": illegal status move ${from} → ${to}`);
        }
      }
    }
    assert.ok(illegal > 40, `only ${illegal} moves refused`);
  });

  for (const status of [DONE, ERROR, CANCELED]) {
    it(`pause and resume of a task that is ${status} change nothing and say nothing`, async () => {
      const {r, task} = await taskIn(status);
      const changes: string[] = [];
      r.manager.addEventListener('status-change', (e) => changes.push(e.detail.task.status));
      r.manager.pause(task.id);
      r.manager.resume(task.id);
      await tick();
      assert.equal(task.status, status);
      assert.deepEqual(changes, []);
    });
  }

  it('cancel of a done task keeps it done; retry of a done or queued task does nothing', async () => {
    const {r, task} = await taskIn(DONE);
    const asked = r.transport.requests.length;
    r.manager.cancel(task.id);
    r.manager.retry(task.id);
    await tick();
    assert.equal(task.status, DONE);
    assert.equal(r.transport.requests.length, asked, 'nothing sent again');
    const queued = add(r, SLICE, 'b.bin');
    r.manager.retry(queued.id);
    assert.equal(queued.status, QUEUED);
  });

  it("the queue's totals count the files in each status (what the summary's buttons and counts read)", async () => {
    const {r, task: done} = await taskIn(DONE);
    const [queued, paused, canceled] = ['q.bin', 'p.bin', 'c.bin'].map((name) => add(r, SLICE, name));
    r.manager.pause(paused!.id);
    r.manager.cancel(canceled!.id);
    const counts = () => {
      const {succeeded, failed, active, queued, paused, canceled} = r.manager.totals();
      return {succeeded, failed, active, queued, paused, canceled};
    };
    // Added after the queue drained: they wait for the next pump (the resume below).
    assert.equal(queued!.status, QUEUED);
    assert.deepEqual(counts(), {succeeded: 1, failed: 0, active: 0, queued: 1, paused: 1, canceled: 1});
    // A canceled file counts as canceled only: not in the bytes, not as failed.
    assert.equal(r.manager.totals().total, done.total + queued!.total + paused!.total);
    r.manager.remove(canceled!.id);
    r.manager.resume(paused!.id);
    assert.equal(counts().canceled, 0);
    assert.equal(counts().paused, 0);
    assert.equal(counts().queued + counts().active, 2);
    await drained(r.manager);
    assert.deepEqual(counts(), {succeeded: 3, failed: 0, active: 0, queued: 0, paused: 0, canceled: 0});
  });

  it('resume of a paused task that never started queues it again and it runs', async () => {
    const {r, task} = await taskIn(PAUSED);
    r.manager.start();
    await tick();
    assert.equal(task.status, PAUSED, 'start() does not wake a paused task');
    r.manager.resume(task.id);
    await drained(r.manager);
    assert.equal(task.status, DONE);
  });
});

describe('user actions during an upload', () => {
  it('pause mid-slice aborts the slice in flight; resume sends only what was not confirmed, in the same session', async () => {
    const r = rig({concurrency: 1});
    scriptV2(r.transport);
    const gate = held();
    // Routes added last answer first: slice 1 ok, slice 2 held, then the rest ok.
    r.transport.on('POST', '/upload/v2/file/slice', gate.handler, 1);
    r.transport.on('POST', '/upload/v2/file/slice', ok(), 1);
    const task = add(r);
    const inFlight = await gate.arrived;
    assert.equal(inFlight.body.sliceNo, '2');
    r.manager.pause(task.id);
    assert.equal(task.status, PAUSED);
    assert.equal(inFlight.signal?.aborted, true, 'the request itself was aborted');
    await tick();
    r.manager.resume(task.id);
    await drained(r.manager);
    assert.equal(task.status, DONE);
    assert.equal(r.transport.count('/upload/v2/file/create'), 1, 'the session was kept');
    assert.deepEqual(
      r.transport.requests.filter((q) => q.path === '/upload/v2/file/slice').map((q) => q.body.sliceNo),
      ['1', '2', '2', '3'],
    );
  });

  it('cancel while hashing stops the hash; nothing reaches 123pan and no error is reported', async () => {
    const r = rig();
    scriptV2(r.transport);
    r.hasher.gate = new Promise(() => {});
    const task = add(r);
    await reached(r, task, HASHING);
    while (!r.hasher.files.length) await tick();
    const errors: unknown[] = [];
    r.manager.addEventListener('upload-error', (e) => errors.push(e.detail));
    r.manager.cancel(task.id);
    assert.equal(r.hasher.files[0]!.signal?.aborted, true);
    const counts = await drained(r.manager);
    assert.deepEqual(counts, {succeeded: 0, failed: 0});
    assert.equal(task.status, CANCELED);
    assert.deepEqual(r.transport.log, []);
    assert.deepEqual(errors, []);
  });

  it('retry after cancel starts afresh: a new create and every slice, and the record the cancel deleted stays gone until then', async () => {
    const storage = new MemoryResumeStorage();
    const r = rig({concurrency: 1}, storage);
    scriptV2(r.transport);
    const gate = held();
    r.transport.on('POST', '/upload/v2/file/slice', gate.handler, 1);
    const task = add(r);
    await gate.arrived;
    r.manager.cancel(task.id);
    await r.manager.flushRecords();
    assert.equal(storage.records.size, 0, 'cancel deletes the record');
    assert.equal(task.status, CANCELED);
    r.manager.retry(task.id);
    await drained(r.manager);
    assert.equal(task.status, DONE);
    assert.equal(r.transport.count('/upload/v2/file/create'), 2);
    assert.deepEqual(
      r.transport.requests.filter((q) => q.path === '/upload/v2/file/slice').map((q) => q.body.sliceNo),
      ['1', '1', '2', '3'],
    );
  });

  it('retry after an error clears the error and runs the file again to done', async () => {
    const r = rig();
    scriptV2(r.transport).on('POST', '/upload/v2/file/create', httpStatus(400, 'bad request'), 1);
    const task = add(r);
    await drained(r.manager);
    assert.equal(task.status, ERROR);
    assert.equal(task.error!.key, 'refused');
    r.manager.retry(task.id);
    assert.equal(task.error, undefined);
    await drained(r.manager);
    assert.equal(task.status, DONE);
  });

  it('pause while completing aborts the poll; resume completes the same session without re-sending slices', async () => {
    const r = rig();
    scriptV2(r.transport);
    const gate = held();
    r.transport.on('POST', '/upload/v2/file/upload_complete', gate.handler, 1);
    const task = add(r);
    await gate.arrived;
    assert.equal(task.status, COMPLETING);
    r.manager.pause(task.id);
    await tick();
    r.manager.resume(task.id);
    await drained(r.manager);
    assert.equal(task.status, DONE);
    assert.equal(r.transport.count('/upload/v2/file/slice'), 3);
    assert.equal(r.transport.count('/upload/v2/file/upload_complete'), 2);
  });

  it('remove of a running task aborts it, drops it from the list and reports task-removed', async () => {
    const r = rig();
    scriptV2(r.transport);
    const gate = held();
    r.transport.on('POST', '/upload/v2/file/slice', gate.handler, 1);
    const task = add(r);
    const request = await gate.arrived;
    const removed = next(r.manager, 'task-removed');
    r.manager.remove(task.id);
    assert.equal((await removed).detail.task, task);
    assert.equal(request.signal?.aborted, true);
    assert.deepEqual(r.manager.tasks, []);
  });

  it('the queue starts files in order, one sending at concurrency 1, and counts them at the end', async () => {
    const r = rig({concurrency: 1});
    scriptV2(r.transport);
    const a = add(r, SLICE, 'a.bin');
    const b = add(r, SLICE, 'b.bin');
    assert.deepEqual(await drained(r.manager), {succeeded: 2, failed: 0});
    const creates = r.transport.requests.filter((q) => q.path === '/upload/v2/file/create').map((q) => q.body.filename);
    assert.deepEqual(creates, ['a.bin', 'b.bin']);
    // b's create comes after a's last slice: one file sends at a time.
    const log = r.transport.requests.map((q) => `${q.path}:${String(q.body.filename ?? q.body.sliceNo ?? '')}`);
    assert.ok(log.indexOf('/upload/v2/file/create:b.bin') > log.indexOf('/upload/v2/file/slice:1'));
    assert.equal(a.status, DONE);
    assert.equal(b.status, DONE);
  });

  it('the same file twice is refused while the first runs', () => {
    const r = rig({autoStart: false});
    const {file} = makeFile('a.bin', SLICE, 1);
    r.manager.addFiles([file]);
    const {rejected} = r.manager.addFiles([file]);
    assert.equal(rejected[0]!.key, 'already-queued');
    assert.equal(r.manager.tasks.length, 1);
  });
});
