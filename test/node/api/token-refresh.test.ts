/**
 * After a 401 the token source asks its hook for a fresh token. A backend may keep a token that young instead
 * of minting (pan-uploader/server does, against mint storms) and answer the refused one again: the source asks
 * again after a pause instead of handing the refused token back, and every request refused with it shares that.
 */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {TokenSource} from '../../../src/api/token.ts';

describe('TokenSource.refresh when the hook hands back the refused token', () => {
  it('asks again after a pause, once for all the requests refused with it, and returns the new token', async () => {
    const asks: {forceRefresh: boolean; at: number}[] = [];
    const started = Date.now();
    // Minted at first; the refused token again on the first forced ask (too young to replace); then a new one.
    const answers = ['token-a', 'token-a', 'token-b'];
    const source = new TokenSource({
      tokenProvider: async ({forceRefresh}) => {
        asks.push({forceRefresh, at: Date.now() - started});
        return answers.shift()!;
      },
    });
    assert.equal(await source.get(), 'token-a');
    const refreshed = await Promise.all([source.refresh('token-a'), source.refresh('token-a'), source.refresh('token-a')]);
    assert.deepEqual(refreshed, ['token-b', 'token-b', 'token-b']);
    assert.deepEqual(asks.map((a) => a.forceRefresh), [false, true, true]);
    assert.ok(asks[2]!.at - asks[1]!.at >= 2_400, `asked again ${asks[2]!.at - asks[1]!.at} ms later`);
    // The new token is cached: no further ask.
    assert.equal(await source.get(), 'token-b');
    assert.equal(asks.length, 3);
  });

  it('gives up after its pauses and returns what the hook answers, so the request fails with a clear 401', {timeout: 30_000}, async () => {
    let asks = 0;
    const source = new TokenSource({
      tokenProvider: async () => {
        asks++;
        return 'stuck';
      },
    });
    await source.get();
    assert.equal(await source.refresh('stuck'), 'stuck');
    // The first load, then one forced ask and one after each of the three pauses.
    assert.equal(asks, 5);
  });
});
