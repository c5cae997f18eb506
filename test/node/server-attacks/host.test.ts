import assert from 'node:assert/strict';
import {createServer} from 'node:http';
import {describe, it} from 'node:test';
import {createTokenBroker, createTokenHandler} from '../../../src/server/index.ts';
import {closeServer, listen, rawRequest, useAttackBench} from './fixture.ts';

describe('attacks: Host and other headers that reach the host process', () => {
  const bench = useAttackBench();

  it('the token handler answers Host: a@b with 400 and keeps serving (the process lives)', async () => {
    const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: bench.pan.apiOrigin});
    const tokens = createTokenHandler(broker);
    const uncaught: unknown[] = [];
    const record = (error: unknown) => uncaught.push(error);
    process.on('uncaughtException', record);
    const server = createServer(tokens.handle);
    const origin = await listen(server);
    try {
      for (const host of ['a@b', 'a b', 'site.test/pan/token#', '[::1', 'x:99999999']) {
        const res = await rawRequest(`${origin}/pan/token`, {headers: {host}});
        assert.equal(res.status, 400, host);
        assert.equal(res.json().code, 400);
      }
      const ok = await rawRequest(`${origin}/pan/token`);
      assert.equal(ok.status, 200);
      assert.ok(JSON.parse(ok.text).accessToken);
    } finally {
      process.off('uncaughtException', record);
      await closeServer(server);
    }
    assert.deepEqual(uncaught, []);
  });

  it('the proxy answers Host: a@b with 400, sending nothing on', async () => {
    const res = await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`, {headers: {host: 'a@b'}});
    assert.equal(res.status, 400);
    assert.deepEqual(bench.sent(), []);
  });

  it('a forged Host does not change which endpoint is dispatched', async () => {
    const host = `${new URL(bench.origin).host}/pan-api/upload/v2/file/create#`;
    const res = await rawRequest(`${bench.origin}/pan-api/api/v1/oss/file/delete`, {
      method: 'POST',
      headers: {host, 'content-type': 'application/json'},
      body: JSON.stringify({parentFileID: bench.pinned, filename: 'x.bin', etag: 'd41d8cd98f00b204e9800998ecf8427e', size: 0, duplicate: 1}),
    });
    assert.ok(res.status >= 400, res.text);
    assert.deepEqual(bench.sent(), []);
    assert.deepEqual(bench.upstream(), []);
  });

  it('a forged Host does not change the upload addresses an answer names', async () => {
    const res = await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`, {headers: {host: 'evil.example'}});
    assert.equal(res.status, 200, res.text);
    const [address] = res.json().data as string[];
    assert.ok(address!.startsWith('/pan-api/__upload/'), address);
    bench.remount({publicOrigin: 'https://www.site.test'});
    const pinned = await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`, {headers: {host: 'evil.example'}});
    assert.ok((pinned.json().data as string[])[0]!.startsWith('https://www.site.test/pan-api/__upload/'));
  });

  it('an authorize that throws is a 500 envelope, not a crash', async () => {
    bench.remount({
      authorize: () => {
        throw new Error('session store down');
      },
    });
    const res = await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`);
    assert.equal(res.status, 500);
    assert.doesNotMatch(res.text, /session store down/);
    assert.deepEqual(bench.sent(), []);
  });
});
