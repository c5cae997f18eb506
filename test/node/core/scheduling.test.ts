import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {Semaphore} from '../../../src/core/semaphore.ts';
import {etaSeconds, SpeedMeter} from '../../../src/core/speed.ts';
import {toErrorInfo} from '../../../src/core/errors.ts';
import {PanApiError} from '../../../src/api/index.ts';
import {UploadError} from '../../../src/protocols/index.ts';
import {HashError} from '../../../src/hash/hash-error.ts';

describe('Semaphore', () => {
  it('lets `limit` holders in, then hands slots over in FIFO order', async () => {
    const s = new Semaphore(2);
    const order: number[] = [];
    await s.acquire();
    await s.acquire();
    const waiting = [3, 4].map((n) => s.acquire().then(() => order.push(n)));
    assert.equal(s.inUse, 2);
    s.release();
    await waiting[0];
    s.release();
    await waiting[1];
    assert.deepEqual(order, [3, 4]);
    assert.equal(s.inUse, 2);
  });
  it('an aborted waiter leaves the line without taking a slot', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const controller = new AbortController();
    const aborted = s.acquire(controller.signal);
    const next = s.acquire();
    controller.abort(new Error('stop'));
    await assert.rejects(aborted, /stop/);
    s.release();
    await next;
    assert.equal(s.inUse, 1);
  });
  it('a raised limit lets waiters in at once', async () => {
    const s = new Semaphore(1);
    await s.acquire();
    const waiter = s.acquire();
    s.setLimit(2);
    await waiter;
    assert.equal(s.inUse, 2);
  });
});

describe('SpeedMeter', () => {
  it('measures bytes per second over its window and forgets older samples', () => {
    const m = new SpeedMeter(1000);
    m.add(0, 0);
    m.add(1000, 500);
    assert.equal(m.bytesPerSecond(500), 2000);
    m.add(1500, 3000); // the first samples fall out of the window
    assert.equal(Math.round(m.bytesPerSecond(3000)), 200);
  });
  it('shows a stall as falling speed', () => {
    const m = new SpeedMeter(10_000);
    m.add(0, 0);
    m.add(1000, 1000);
    assert.equal(m.bytesPerSecond(2000), 500);
  });
  it('gives no ETA without speed, 0 when nothing is left', () => {
    assert.equal(etaSeconds(100, 0), undefined);
    assert.equal(etaSeconds(0, 0), 0);
    assert.equal(etaSeconds(100, 50), 2);
  });
});

describe('toErrorInfo', () => {
  it('keeps code, key, traceID and retryable of an API error', () => {
    const info = toErrorInfo(new PanApiError({code: 5113, message: 'traffic limit exceeded', endpoint: '/upload/v2/file/create', traceID: 't-1'}));
    assert.deepEqual(info, {code: 5113, key: 'traffic-limit', message: 'traffic limit exceeded', traceID: 't-1', retryable: false});
  });
  it('maps flow and hashing failures to their keys', () => {
    assert.equal(toErrorInfo(new UploadError('verify-timeout', 'late', {retryable: true})).key, 'verify-timeout');
    assert.equal(toErrorInfo(new HashError('worker died')).key, 'hash-failed');
    // Only the project's own errors carry a key: a look-alike is not trusted.
    assert.equal(toErrorInfo(Object.assign(new Error('look-alike'), {key: 'auth'})).key, 'unknown');
    assert.equal(toErrorInfo('weird').key, 'unknown');
  });
});
