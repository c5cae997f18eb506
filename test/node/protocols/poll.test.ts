// Completion polls: code 1 is tried again at most twice, then its message and x-traceID end the wait at once.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PanApiError} from '../../../src/api/errors.ts';
import {pollUntil} from '../../../src/protocols/poll.ts';

const code1 = (trace: string) =>
  new PanApiError({code: 1, message: `/upload/v2/file/upload_complete: 123pan answered code 1 "文件上传失败" (x-traceID ${trace})`, endpoint: '/x', traceID: trace});
const verifying = () => new PanApiError({code: 20103, message: 'verifying', endpoint: '/x'});
const options = (deadlineMs = 300_000) => ({intervalMs: 1000, deadlineMs, signal: new AbortController().signal, what: 'upload_complete'});

describe('pollUntil and code 1', () => {
  it('stops after the third code 1 in a row, long before the deadline, with the message and traceID', async () => {
    let calls = 0;
    const started = Date.now();
    const error = await pollUntil(async () => {
      calls++;
      throw code1(`trace-${calls}`);
    }, options()).catch((e: unknown) => e);
    assert.ok(error instanceof PanApiError, String(error));
    assert.equal(calls, 3);
    assert.equal(error.code, 1);
    assert.equal(error.traceID, 'trace-3');
    assert.match(error.message, /文件上传失败/);
    assert.ok(Date.now() - started < 5000, 'two 1 s pauses, not the 5-minute deadline');
  });

  it('a passing code 1 between other answers is only a hiccup', async () => {
    const answers: Array<() => unknown> = [() => { throw code1('a'); }, () => { throw code1('b'); }, () => undefined, () => { throw code1('c'); }, () => { throw verifying(); }, () => 42];
    let at = 0;
    assert.equal(await pollUntil(async () => answers[at++]!() as number | undefined, options()), 42);
    assert.equal(at, 6);
  });
});
