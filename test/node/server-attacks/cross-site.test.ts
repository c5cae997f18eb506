import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {createTokenBroker, createTokenHandler} from '../../../src/server/index.ts';
import {rawRequest, useAttackBench} from './fixture.ts';
import {multipartBody, multipartType, validParts} from './multipart-form.ts';

const EVIL = 'https://evil.example';

describe('attacks: requests other sites make a visitor\'s browser send', () => {
  const bench = useAttackBench();
  const create = (headers: Record<string, string>) =>
    rawRequest(`${bench.origin}/pan-api/upload/v2/file/create`, {
      method: 'POST',
      headers: {cookie: 'session=visitor', ...headers},
      body: JSON.stringify({parentFileID: bench.pinned, filename: 'csrf.bin', etag: 'd41d8cd98f00b204e9800998ecf8427e', size: 0, duplicate: 1}),
    });
  const nothingSent = () => {
    assert.deepEqual(bench.sent(), []);
    assert.deepEqual(bench.upstream(), []);
  };

  it('refuses a text/plain POST from another site (no preflight needed), creating nothing', async () => {
    const res = await create({'content-type': 'text/plain', origin: EVIL, 'sec-fetch-site': 'cross-site'});
    assert.equal(res.status, 403, res.text);
    nothingSent();
  });

  it('refuses a page\'s JSON endpoint call that is not application/json, even from its own site', async () => {
    const own = new URL(bench.origin).origin;
    for (const type of ['text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', 'application/json; charset=latin1']) {
      const res = await create({'content-type': type, origin: own, 'sec-fetch-site': 'same-origin'});
      assert.equal(res.status, 415, type);
    }
    nothingSent();
  });

  it('refuses Sec-Fetch-Site: cross-site whatever the type, unless crossSiteOrigins lists the origin', async () => {
    const json = {'content-type': 'application/json', origin: EVIL, 'sec-fetch-site': 'cross-site'};
    assert.equal((await create(json)).status, 403);
    assert.equal((await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`, {headers: {'sec-fetch-site': 'cross-site'}})).status, 403);
    nothingSent();
    bench.remount({crossSiteOrigins: [EVIL]});
    assert.equal((await create(json)).json().code, 0);
  });

  it('refuses an older browser\'s cross-site request by its Origin alone', async () => {
    assert.equal((await create({'content-type': 'application/json', origin: EVIL})).status, 403);
    assert.equal((await create({'content-type': 'application/json', origin: 'null'})).status, 403);
    nothingSent();
  });

  it('refuses a cross-site single-step upload form', async () => {
    const url = await bench.singleCreateURL();
    const res = await rawRequest(url, {method: 'POST', headers: {'content-type': multipartType(), origin: EVIL, 'sec-fetch-site': 'cross-site'}, body: multipartBody(validParts(bench.pinned))});
    assert.equal(res.status, 403);
    nothingSent();
    assert.deepEqual(bench.stored(), []);
  });

  it('the token endpoint refuses another site\'s ?refresh=1 (an image tag could otherwise make it mint)', async () => {
    const tokens = createTokenHandler(createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: bench.pan.apiOrigin}));
    const res = await tokens.fetch(new Request('https://site.test/pan/token?refresh=1', {headers: {'sec-fetch-site': 'cross-site'}}));
    assert.equal(res.status, 403);
    nothingSent();
  });

  it('sends exactly application/json upstream', async () => {
    const res = await create({'content-type': 'application/json; charset=UTF-8', origin: new URL(bench.origin).origin, 'sec-fetch-site': 'same-origin'});
    assert.equal(res.json().code, 0, res.text);
    assert.equal(bench.sent('/upload/v2/file/create')[0]?.headers.get('content-type'), 'application/json');
  });
});
