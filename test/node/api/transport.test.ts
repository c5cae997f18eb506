/** The client's one door to the network: an injected Transport carries every request, progress included. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {FetchTransport, PanApiError, PanClient, type SendRequest, type Transport} from '../../../src/api/index.ts';
import {ok, ScriptedTransport} from '../support/scripted-transport.ts';

describe('Transport', () => {
  it('an injected transport carries calls, multipart uploads and presigned PUTs, and its upload progress reaches the caller', async () => {
    const seen: SendRequest[] = [];
    const transport: Transport = {
      async send(request) {
        seen.push(request);
        // A transport with real upload events reports the body in steps.
        for (const loaded of [100, 200, 300]) request.onProgress?.(loaded);
        return request.method === 'PUT' ? {status: 200, text: '', contentType: null, retryAfter: null} : ok({fileID: 1});
      },
    };
    const client = new PanClient({apiBase: 'https://api.test', transport, tokenProvider: async () => 'tok'});
    const steps: number[] = [];
    await client.call('/upload/v2/file/create', {json: {a: 1}});
    await client.postForm('https://upload.test', '/upload/v2/file/slice', () => new FormData(), {onProgress: (n) => steps.push(n)});
    await client.putPresigned('https://storage.test/object?sig=secret', new Blob(['x']), {onProgress: (n) => steps.push(n)});
    assert.deepEqual(
      seen.map((r) => [r.method, r.url, Boolean(r.upload)]),
      [
        ['POST', 'https://api.test/upload/v2/file/create', false],
        ['POST', 'https://upload.test/upload/v2/file/slice', true],
        ['PUT', 'https://storage.test/object?sig=secret', true],
      ],
    );
    assert.deepEqual(steps, [100, 200, 300, 100, 200, 300]);
    assert.equal(seen[0]!.headers.Authorization, 'Bearer tok');
    assert.equal(seen[2]!.headers.Authorization, undefined, 'no token to storage');
  });

  it('asks token-url through the same transport, never from the HTTP cache', async () => {
    const inits: RequestInit[] = [];
    const fetchStub: typeof fetch = async (_input, init) => {
      inits.push(init!);
      const body = String(_input).endsWith('/pan/token') ? {accessToken: 'from-url', expiredAt: Date.now() + 3_600_000} : {code: 0, message: 'ok', data: {}};
      return new Response(JSON.stringify(body), {headers: {'content-type': 'application/json'}});
    };
    const client = new PanClient({apiBase: 'https://api.test', tokenUrl: 'https://site.test/pan/token', transport: new FetchTransport(fetchStub)});
    await client.call('/api/v1/file/list', {method: 'GET'});
    assert.equal(inits.length, 2);
    assert.equal(inits[0]!.cache, 'no-store');
    assert.equal(inits[0]!.credentials, 'same-origin');
    assert.equal(inits[1]!.cache, undefined);
    assert.equal(new Headers(inits[1]!.headers).get('authorization'), 'Bearer from-url');
  });

  it('a typed network failure from the transport is retried; anything untyped is a bug and surfaces at once', async () => {
    const transport = new ScriptedTransport();
    let calls = 0;
    transport.on('GET', '/api/v1/file/list', () => {
      if (++calls === 1) throw new PanApiError({code: 'network', message: 'offline', endpoint: '/api/v1/file/list'});
      return ok({n: calls});
    });
    const client = new PanClient({apiBase: 'https://api.test', transport, retryDelays: [1]});
    assert.deepEqual(await client.call('/api/v1/file/list', {method: 'GET'}), {n: 2});
    transport.on('GET', '/api/v1/file/list', () => {
      calls++;
      throw new TypeError('a bug in the transport');
    });
    calls = 0;
    await assert.rejects(client.call('/api/v1/file/list', {method: 'GET'}), /a bug in the transport/);
    assert.equal(calls, 1);
  });
});
