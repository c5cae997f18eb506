import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {createTokenBroker, createTokenHandler} from '../../../src/server/index.ts';
import {useAttackBench} from './fixture.ts';

describe('attacks: mint storms against an upstream that refuses every token', () => {
  const bench = useAttackBench();
  const mints = () => bench.upstream('/api/v1/access_token').length;
  const complete = () =>
    fetch(`${bench.origin}/pan-api/upload/v2/file/upload_complete`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({preuploadID: 'p'})});

  for (const minTokenAgeMs of [undefined, 0]) {
    it(`5 calls in a row mint at most twice (minTokenAgeMs ${minTokenAgeMs ?? 'default'})`, async () => {
      bench.remount({broker: createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: bench.pan.apiOrigin, minTokenAgeMs})});
      bench.pan.emulator.fault({path: '/upload/v2/file/upload_complete', kind: '401'});
      for (let i = 0; i < 5; i++) {
        const res = await complete();
        assert.equal(((await res.json()) as {code: number}).code, 401);
      }
      assert.ok(mints() <= 2, `${mints()} tokens minted (each logs older ones out)`);
    });
  }

  it('the token endpoint: five refresh asks naming the current token mint at most once', async () => {
    const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: bench.pan.apiOrigin});
    const tokens = createTokenHandler(broker);
    const ask = async (refused?: string) => {
      const res = await tokens.fetch(new Request(`https://site.test/pan/token${refused ? '?refresh=1' : ''}`, {headers: refused ? {'x-pan-refused-token': refused} : {}}));
      return ((await res.json()) as {accessToken: string}).accessToken;
    };
    let token = await ask();
    for (let i = 0; i < 5; i++) token = await ask(token);
    assert.ok(mints() <= 2, `${mints()} tokens minted`);
  });
});
