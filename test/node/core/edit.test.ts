/**
 * The engine's side of edit forms: existing files (listed as done, looked up once, "not found" kept, bad
 * entries refused by name), renaming before the start, moving in the list, and the page's beforeUpload hook.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadStatus} from '../../../src/core/index.ts';
import {drained, makeFile, rig, UPLOAD_SERVER} from '../support/engine.ts';
import {envelope, ok} from '../support/scripted-transport.ts';

const {QUEUED, PREPARING, HASHING, UPLOADING, DONE, ERROR} = UploadStatus;

function scriptSingle(r: ReturnType<typeof rig>) {
  r.transport.on('GET', '/upload/v2/file/domain', ok([UPLOAD_SERVER])).on('POST', '/upload/v2/file/single/create', ok({fileID: 5, completed: true}));
  r.transport.on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/5'}));
}

async function until(check: () => boolean, what: string): Promise<void> {
  const end = Date.now() + 3000;
  while (!check()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

describe('UploadManager: existing files', () => {
  it('lists them as done, looks up each unknown fileID once, and marks the ones 123pan does not know', async () => {
    const r = rig();
    r.transport.on('GET', '/api/v1/file/detail', (q) =>
      q.query.fileID === '41' ? ok({fileID: 41, filename: 'contract.pdf', size: 2048, etag: 'x'}) : envelope(5066, 'file does not exist'),
    );
    const errors: string[] = [];
    const original = console.error;
    console.error = (message: string) => errors.push(message);
    let tasks;
    try {
      tasks = await r.manager.setExisting([41, '41', {fileID: 77, name: 'known.txt', size: 5}, 99, 'abc', {fileID: 1.5}, null]);
    } finally {
      console.error = original;
    }
    assert.deepEqual(tasks.map((t) => t.fileID), [41, 41, 77, 99]);
    assert.deepEqual([tasks[2]!.name, tasks[2]!.size, tasks[2]!.total, tasks[2]!.loaded], ['known.txt', 5, 5, 5]);
    assert.ok(tasks.every((t) => t.status === DONE && t.existing));
    assert.equal(errors.length, 3);
    assert.match(errors[0]!, /"abc"/);
    assert.match(errors[1]!, /\{"fileID":1\.5\}/);
    assert.match(errors[2]!, /null/);
    await until(() => tasks[3]!.missing === true && tasks[0]!.name === 'contract.pdf', 'the look-ups');
    assert.equal(tasks[1]!.name, 'contract.pdf');
    assert.equal(tasks[0]!.size, 2048);
    // One call per unknown fileID; a fully described entry is not looked up.
    assert.deepEqual(r.transport.requests.map((q) => q.query.fileID).sort(), ['41', '99']);
  });

  it('paces the look-ups: two at a time, starts at least 200 ms apart', async () => {
    const r = rig();
    const starts: number[] = [];
    r.transport.on('GET', '/api/v1/file/detail', (q) => {
      starts.push(Date.now());
      return ok({fileID: Number(q.query.fileID), filename: `f${q.query.fileID}`, size: 1});
    });
    const tasks = await r.manager.setExisting([1, 2, 3, 4]);
    await until(() => tasks.every((t) => t.name.startsWith('f')), 'the look-ups');
    assert.equal(starts.length, 4);
    for (let i = 1; i < starts.length; i++) assert.ok(starts[i]! - starts[i - 1]! >= 190, `gap ${i}: ${starts[i]! - starts[i - 1]!} ms`);
  });

  it('counts toward max-files, is never uploaded, and a new list replaces the old one', async () => {
    const r = rig({driveFlow: 'single', maxFiles: 2, autoStart: true});
    scriptSingle(r);
    await r.manager.setExisting([{fileID: 1, name: 'a', size: 1}]);
    const {added, rejected} = r.manager.addFiles([makeFile('b.bin', 100, 1).file, makeFile('c.bin', 100, 2).file]);
    assert.equal(added.length, 1);
    assert.equal(rejected[0]!.key, 'too-many-files');
    await drained(r.manager);
    assert.equal(r.transport.count('/upload/v2/file/single/create'), 1);
    await r.manager.setExisting([{fileID: 2, name: 'z', size: 1}]);
    assert.deepEqual(r.manager.tasks.map((t) => t.name), ['z', 'b.bin']);
  });

  it('refuses an image-host fileID that is not a string of characters, and a drive one that is not a number', async () => {
    const image = rig({target: 'image', parentID: ''});
    const original = console.error;
    const errors: string[] = [];
    console.error = (m: string) => errors.push(m);
    try {
      assert.deepEqual((await image.manager.setExisting([{fileID: 'yk6baz03t0l000d7w33fbkt6xe', name: 'a.png', size: 3}, {fileID: ''}])).length, 1);
      assert.deepEqual((await rig().manager.setExisting(['12', '0', 'x12'])).map((t) => t.fileID), [12]);
    } finally {
      console.error = original;
    }
    assert.equal(errors.length, 3);
  });
});

describe('UploadManager: rename and move', () => {
  it('renames a file that has not started, by 123pan\'s name rules; not once it started', async () => {
    const r = rig({driveFlow: 'single', autoStart: false});
    scriptSingle(r);
    const [task] = r.manager.addFiles([makeFile('a.bin', 100, 1).file]).added;
    assert.match(r.manager.rename(task!.id, 'x?y.bin')!, /"\?"/);
    assert.match(r.manager.rename(task!.id, '   ')!, /only spaces/);
    assert.equal(r.manager.rename(task!.id, 'renamed.bin'), undefined);
    r.manager.start();
    await drained(r.manager);
    assert.equal(r.transport.requests.find((q) => q.path === '/upload/v2/file/single/create')!.body.filename, 'renamed.bin');
    assert.match(r.manager.rename(task!.id, 'late.bin')!, /can no longer be renamed/);
  });

  it('moves a file in the list: files start in list order', async () => {
    const r = rig({driveFlow: 'single', autoStart: false, concurrency: 1});
    scriptSingle(r);
    const {added} = r.manager.addFiles([makeFile('1.bin', 10, 1).file, makeFile('2.bin', 10, 2).file, makeFile('3.bin', 10, 3).file]);
    r.manager.move(added[2]!.id, 0);
    r.manager.move(added[0]!.id, 99);
    assert.deepEqual(r.manager.tasks.map((t) => t.name), ['3.bin', '2.bin', '1.bin']);
    r.manager.start();
    await drained(r.manager);
    const sent = r.transport.requests.filter((q) => q.path === '/upload/v2/file/single/create').map((q) => q.body.filename);
    assert.deepEqual(sent, ['3.bin', '2.bin', '1.bin']);
  });
});

describe('UploadManager: beforeUpload', () => {
  it('runs first, may rename; a refusal fails that file with the page\'s message and key "hook"', async () => {
    const r = rig({
      driveFlow: 'single',
      beforeUpload: (task) => (task.name === 'no.bin' ? {reject: 'No thanks.'} : task.name === 'old.bin' ? {name: 'new.bin'} : undefined),
    });
    scriptSingle(r);
    const {added} = r.manager.addFiles([makeFile('no.bin', 10, 1).file, makeFile('old.bin', 10, 2).file]);
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 1});
    assert.equal(added[0]!.status, ERROR);
    assert.deepEqual([added[0]!.error!.key, added[0]!.error!.message, added[0]!.error!.retryable], ['hook', 'No thanks.', false]);
    assert.equal(added[1]!.name, 'new.bin');
    assert.deepEqual(r.statuses(added[1]!.id), [QUEUED, PREPARING, HASHING, UPLOADING, DONE]);
  });

  it('a hook answer that is not understood fails the file, naming it', async () => {
    const r = rig({driveFlow: 'single', beforeUpload: () => 42 as never});
    scriptSingle(r);
    const [task] = r.manager.addFiles([makeFile('odd.bin', 10, 1).file]).added;
    await drained(r.manager);
    assert.equal(task!.status, ERROR);
    assert.match(task!.error!.message, /"odd\.bin": the hook answered 42/);
  });

  it('setOptions({beforeUpload: null}) takes the hook away', async () => {
    const r = rig({driveFlow: 'single', beforeUpload: () => false});
    scriptSingle(r);
    r.manager.setOptions({beforeUpload: null});
    const [task] = r.manager.addFiles([makeFile('a.bin', 10, 1).file]).added;
    await drained(r.manager);
    assert.deepEqual(r.statuses(task!.id), [QUEUED, HASHING, UPLOADING, DONE]);
  });
});
