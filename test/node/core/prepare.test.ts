/**
 * Prepare steps (page hooks, image transforms) run before hashing: what they change is what is hashed
 * and sent, a refusal or a throw fails only that file, and a step that never settles still yields to cancel.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadStatus} from '../../../src/core/index.ts';
import type {PrepareStep} from '../../../src/core/prepare.ts';
import {drained, makeFile, rig, UPLOAD_SERVER} from '../support/engine.ts';
import {ok} from '../support/scripted-transport.ts';

const {QUEUED, PREPARING, HASHING, UPLOADING, DONE, ERROR, CANCELED} = UploadStatus;

const step = (run: PrepareStep['run'], applies: PrepareStep['applies'] = () => true): PrepareStep => ({applies, run});

function scriptSingle(r: ReturnType<typeof rig>) {
  r.transport.on('GET', '/upload/v2/file/domain', ok([UPLOAD_SERVER])).on('POST', '/upload/v2/file/single/create', ok({fileID: 5, completed: true}));
  r.transport.on('GET', '/api/v1/file/download_info', ok({downloadUrl: 'https://download.test/5'}));
}

describe('FileUpload: prepare steps', () => {
  it('a step that replaces and renames the file: the new bytes are hashed and sent under the new name', async () => {
    const replacement = makeFile('ignored.bin', 300, 7);
    const r = rig({driveFlow: 'single'}, undefined, [step(async () => ({file: replacement.file, name: 'edited.bin', note: 'edited by the page'}))]);
    scriptSingle(r);
    const {file} = makeFile('a.bin', 1000, 1);
    const [task] = r.manager.addFiles([file]).added;
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 0});
    assert.deepEqual(r.statuses(task!.id), [QUEUED, PREPARING, HASHING, UPLOADING, DONE]);
    assert.equal(task!.name, 'edited.bin');
    assert.equal(task!.size, 300);
    assert.equal(task!.note, 'edited by the page');
    const create = r.transport.requests.find((q) => q.path === '/upload/v2/file/single/create')!;
    assert.equal(create.body.filename, 'edited.bin');
    assert.equal(create.body.etag, replacement.md5, 'the MD5 of the bytes the step made');
    assert.equal(create.body.file, 300);
  });

  it('a step that does not apply leaves the task out of "preparing"', async () => {
    const r = rig({driveFlow: 'single'}, undefined, [step(async () => assert.fail('must not run'), () => false)]);
    scriptSingle(r);
    const [task] = r.manager.addFiles([makeFile('a.bin', 100, 1).file]).added;
    await drained(r.manager);
    assert.deepEqual(r.statuses(task!.id), [QUEUED, HASHING, UPLOADING, DONE]);
  });

  it('a step that throws fails that file with its message; the next file goes on', async () => {
    const r = rig({driveFlow: 'single'}, undefined, [
      step(async (task) => {
        if (task.name === 'bad.bin') throw new Error('bad.bin: the page refused it');
      }),
    ]);
    scriptSingle(r);
    const {added} = r.manager.addFiles([makeFile('bad.bin', 100, 1).file, makeFile('good.bin', 100, 2).file]);
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 1});
    assert.equal(added[0]!.status, ERROR);
    assert.match(added[0]!.error!.message, /bad\.bin: the page refused it/);
    assert.equal(added[1]!.status, DONE);
  });

  it('a renamed file goes through the name rules again, and is refused with the reason before anything is sent', async () => {
    const r = rig({driveFlow: 'single'}, undefined, [step(async () => ({name: 'a/b.bin'}))]);
    scriptSingle(r);
    const [task] = r.manager.addFiles([makeFile('a.bin', 100, 1).file]).added;
    assert.deepEqual(await drained(r.manager), {succeeded: 0, failed: 1});
    assert.match(task!.error!.message, /a\/b\.bin/);
    assert.equal(r.transport.requests.length, 0);
  });

  it('a step that never settles: the file can be canceled, and other files are not held back', async () => {
    const r = rig({driveFlow: 'single', concurrency: 1}, undefined, [step((task) => (task.name === 'stuck.bin' ? new Promise(() => {}) : Promise.resolve()))]);
    scriptSingle(r);
    const {added} = r.manager.addFiles([makeFile('stuck.bin', 100, 1).file, makeFile('b.bin', 100, 2).file]);
    const [stuck, other] = added;
    while (other!.status !== DONE) await new Promise((resolve) => setTimeout(resolve, 5));
    assert.equal(stuck!.status, PREPARING);
    r.manager.cancel(stuck!.id);
    assert.deepEqual(await drained(r.manager), {succeeded: 1, failed: 0});
    assert.equal(stuck!.status, CANCELED);
  });
});
