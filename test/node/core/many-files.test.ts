/**
 * A dropped folder of 10,000 files through the engine: every file added in order, the same file twice in one
 * drop refused, `maxFiles` counted across the files of one call and across calls, and clearing the list
 * removes each file once, with the list already empty when the page hears of it.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import type {UploadTask} from '../../../src/core/index.ts';
import {rig} from '../support/engine.ts';

const COUNT = 10_000;
const folder = (count: number, from = 0) =>
  Array.from({length: count}, (_, i) => ({file: new File(['x'], `f-${from + i}.txt`, {type: 'text/plain', lastModified: 1_700_000_000_000}), relativePath: 'photos/2026'}));

describe('10,000 files', () => {
  it('are added in one call, in order; a file given twice in the same call is refused the second time', () => {
    const r = rig({autoStart: false});
    const files = folder(COUNT);
    const {added, rejected} = r.manager.addFiles([...files, files[1234]!]);
    assert.equal(added.length, COUNT);
    assert.deepEqual(
      r.manager.tasks.map((t) => t.name),
      files.map((f) => f.file.name),
    );
    assert.equal(rejected.length, 1);
    assert.equal(rejected[0]!.key, 'already-queued');
    assert.match(rejected[0]!.reason, /photos\/2026\/f-1234\.txt/);
  });

  it('maxFiles counts the files of one call and of the calls before', () => {
    const r = rig({autoStart: false, maxFiles: COUNT});
    const first = r.manager.addFiles(folder(COUNT - 10));
    assert.equal(first.added.length, COUNT - 10);
    const {added, rejected} = r.manager.addFiles(folder(15, COUNT));
    assert.equal(added.length, 10);
    assert.deepEqual(
      rejected.map((f) => [f.name, f.key]),
      [10, 11, 12, 13, 14].map((i) => [`f-${COUNT + i}.txt`, 'too-many-files']),
    );
    // A canceled file no longer counts: one more fits.
    r.manager.cancel(r.manager.tasks[0]!.id);
    assert.equal(r.manager.addFiles(folder(1, 2 * COUNT)).added.length, 1);
  });

  it('clear removes each once, the list already empty when the page hears of it', () => {
    const r = rig({autoStart: false});
    r.manager.addFiles(folder(COUNT));
    const removed: UploadTask[] = [];
    const seen = new Set<number>();
    r.manager.addEventListener('task-removed', (event) => {
      removed.push((event as CustomEvent<{task: UploadTask}>).detail.task);
      seen.add(r.manager.tasks.length);
    });
    const tasks = [...r.manager.tasks];
    r.manager.clear();
    assert.equal(r.manager.tasks.length, 0);
    assert.deepEqual(removed, tasks);
    assert.deepEqual([...seen], [0]);
    // The same files may be added again.
    assert.equal(r.manager.addFiles(folder(3)).added.length, 3);
  });

  it('removing one keeps the others in order', () => {
    const r = rig({autoStart: false});
    r.manager.addFiles(folder(100));
    const gone = r.manager.tasks[40]!;
    r.manager.remove(gone.id);
    assert.equal(r.manager.tasks.length, 99);
    assert.ok(!r.manager.tasks.includes(gone));
    assert.equal(r.manager.tasks[40]!.name, 'f-41.txt');
  });
});
