// The drive pin's memory of folders inside and outside it: what it asks 123pan, and how often.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {DriveFolderPin, type FolderDetail} from '../../src/server/folder-pin.ts';

const PIN = 100;
/** pin 100 ⊃ 200 ⊃ 201 ⊃ 202; outside: 300 ⊃ 301 ⊃ 302 (under the root), 500 in the trash; 400 is a file. */
const drive: Record<string, FolderDetail> = {
  '100': {type: 1, parentFileID: 0},
  '200': {type: 1, parentFileID: 100},
  '201': {type: 1, parentFileID: 200},
  '202': {type: 1, parentFileID: 201},
  '300': {type: 1, parentFileID: 0},
  '301': {type: 1, parentFileID: 300},
  '302': {type: 1, parentFileID: 301},
  '400': {type: 0, parentFileID: 100},
  '500': {type: 1, parentFileID: 100, trashed: 1},
};

function setup(options: {outsideMs?: number; delayMs?: number} = {}) {
  const asked: string[] = [];
  let clock = 0;
  const pin = new DriveFolderPin(
    PIN,
    async (fileID) => {
      asked.push(fileID);
      if (options.delayMs) await new Promise((resolve) => setTimeout(resolve, options.delayMs));
      return drive[fileID];
    },
    {outsideMs: options.outsideMs, now: () => clock},
  );
  const signal = new AbortController().signal;
  return {pin, asked, signal, advance: (ms: number) => (clock += ms)};
}

describe('DriveFolderPin', () => {
  it('accepts a folder inside the pin at any depth, asking once per folder on the way', async () => {
    const {pin, asked, signal} = setup();
    await pin.learn(202, signal);
    assert.equal(pin.holds(202), true);
    assert.deepEqual(asked, ['202', '201', '200']);
    // Its parents were learnt on the way: nothing more is asked.
    await pin.learn('201', signal);
    await pin.learn(202, signal);
    assert.equal(pin.holds(201), true);
    assert.deepEqual(asked, ['202', '201', '200']);
  });

  it('refuses folders outside, files, folders in the trash and IDs that do not exist', async () => {
    const {pin, signal} = setup();
    for (const id of [302, 300, 400, 500, 999]) {
      await pin.learn(id, signal);
      assert.equal(pin.holds(id), false, String(id));
    }
  });

  it('asks about an outside folder once while it is remembered, and a folder below it stops at it', async () => {
    const {pin, asked, signal} = setup();
    await pin.learn(301, signal);
    assert.deepEqual(asked, ['301', '300']);
    for (let i = 0; i < 5; i++) await pin.learn(301, signal);
    await pin.learn(300, signal);
    assert.deepEqual(asked, ['301', '300']);
    // 302's parent is known outside: one question, not the walk to the root.
    await pin.learn(302, signal);
    assert.deepEqual(asked, ['301', '300', '302']);
    assert.equal(pin.holds(302), false);
  });

  it('asks again once the outside memory expires (a folder may have been moved in)', async () => {
    const {pin, asked, signal, advance} = setup({outsideMs: 1000});
    await pin.learn(400, signal);
    await pin.learn(400, signal);
    assert.deepEqual(asked, ['400']);
    advance(1000);
    await pin.learn(400, signal);
    assert.deepEqual(asked, ['400', '400']);
  });

  it('shares one walk among requests naming the same folder at once; one request giving up does not end it', async () => {
    const {pin, asked} = setup({delayMs: 20});
    const first = new AbortController();
    const learning = [pin.learn(202, first.signal), ...Array.from({length: 9}, () => pin.learn(202, new AbortController().signal))];
    first.abort(new Error('the visitor went away'));
    const results = await Promise.allSettled(learning);
    assert.equal(results[0]!.status, 'rejected');
    assert.equal(results.slice(1).every((r) => r.status === 'fulfilled'), true);
    assert.deepEqual(asked, ['202', '201', '200']);
    assert.equal(pin.holds(202), true);
  });

  it('keeps nothing when 123pan cannot tell, so the next request asks again', async () => {
    let fail = true;
    const asked: string[] = [];
    const pin = new DriveFolderPin(PIN, async (fileID) => {
      asked.push(fileID);
      if (fail) throw new Error('123pan could not be reached');
      return drive[fileID];
    });
    await assert.rejects(pin.learn(201, new AbortController().signal), /could not be reached/);
    fail = false;
    await pin.learn(201, new AbortController().signal);
    assert.equal(pin.holds(201), true);
    assert.deepEqual(asked, ['201', '201', '200']);
  });

  it('a walk that fails after every request waiting on it gave up is handled, and asked again next time', async () => {
    const asked: string[] = [];
    const pin = new DriveFolderPin(PIN, async (fileID) => {
      asked.push(fileID);
      await new Promise((resolve) => setTimeout(resolve, 20));
      throw new Error('123pan could not be reached');
    });
    const gone = new AbortController();
    gone.abort(new Error('the visitor went away'));
    await assert.rejects(pin.learn(201, gone.signal), /the visitor went away/);
    await new Promise((resolve) => setTimeout(resolve, 50)); // the walk fails meanwhile, with no one waiting
    await assert.rejects(pin.learn(201, new AbortController().signal), /could not be reached/);
    assert.deepEqual(asked, ['201', '201']);
  });

  it('a folder made inside by this proxy is held at once, even one remembered as outside before', async () => {
    const {pin, asked, signal} = setup();
    await pin.learn(999, signal);
    assert.equal(pin.holds(999), false);
    pin.remember(999);
    assert.equal(pin.holds(999), true);
    assert.deepEqual(asked, ['999']);
  });
});
