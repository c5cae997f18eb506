import assert from 'node:assert/strict';
import {createHmac} from 'node:crypto';
import {createServer, type IncomingMessage, type Server} from 'node:http';
import {after, before, describe, it} from 'node:test';
import {createProxy, createTokenBroker} from '../../../src/server/index.ts';
import {closeServer, listen, rawRequest, useAttackBench} from './fixture.ts';

const SHARED = 'a-secret-that-staging-and-production-share';

describe('attacks: upload-server tickets as a way to send the token elsewhere', () => {
  const bench = useAttackBench({ticketSecret: SHARED});
  // The attacker's listener (another loopback address than the emulator's): it records what it is sent.
  let listener: Server;
  let listenerOrigin: string;
  const received: {url: string; authorization?: string}[] = [];
  before(async () => {
    listener = createServer((req: IncomingMessage, res) => {
      received.push({url: req.url!, authorization: req.headers.authorization});
      req.resume();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({code: 0, message: 'ok', data: {fileID: 1, completed: true}, 'x-traceID': 'attacker'}));
    });
    listenerOrigin = await listen(listener, '127.0.0.2');
  });
  after(() => closeServer(listener));

  const slice = (address: string) =>
    // Always to this site: an address is a path on it, whatever origin an answer puts in front.
    rawRequest(`${bench.origin}${new URL(address, bench.origin).pathname}/upload/v2/file/slice`, {
      method: 'POST',
      headers: {'content-type': 'multipart/form-data; boundary=b'},
      body: '--b\r\nContent-Disposition: form-data; name="preuploadID"\r\n\r\nx\r\n--b--\r\n',
    });

  it('refuses a ticketSecret under 32 bytes at start, the empty one included, saying what to use', () => {
    for (const ticketSecret of ['', 'secret', 'x'.repeat(31)]) {
      assert.throws(
        () => createProxy({broker: createTokenBroker({clientID: 'c', clientSecret: 's'}), ticketSecret}),
        (error: Error) => error instanceof TypeError && /ticketSecret must be a string of at least 32 bytes/.test(error.message),
        JSON.stringify(ticketSecret),
      );
    }
  });

  it('refuses a ticket forged the old way (HMAC over the origin alone) for an attacker\'s listener', async () => {
    const forged = `${Buffer.from(listenerOrigin).toString('base64url')}.${createHmac('sha256', SHARED).update(listenerOrigin).digest('base64url')}`;
    const res = await slice(`/pan-api/__upload/${forged}`);
    assert.equal(res.status, 403, res.text);
    assert.deepEqual(received, [], 'the listener was sent a request');
    assert.deepEqual(bench.sent(), []);
  });

  it('refuses a ticket of another deployment sharing the secret (staging → production)', async () => {
    // Staging: same secret, its own API base and upload server (the attacker's listener stands in for both).
    const staging = createProxy({broker: createTokenBroker({clientID: 'c', clientSecret: 's', mint: async () => ({accessToken: 'staging', expiredAt: Date.now() + 3600_000})}), apiBase: listenerOrigin, ticketSecret: SHARED, fetch: async () => Response.json({code: 0, message: 'ok', data: [listenerOrigin], 'x-traceID': 's'})});
    const domain = (await (await staging.fetch(new Request('https://staging.site.test/pan-api/upload/v2/file/domain'))).json()) as {data: string[]};
    const res = await slice(domain.data[0]!);
    assert.equal(res.status, 403, res.text);
    assert.deepEqual(received, [], 'production sent its token to staging');
  });

  it('hands out no address for an upload server off 123pan\'s domains, and answers why', async () => {
    bench.remount({
      ticketSecret: SHARED,
      fetch: async () => Response.json({code: 0, message: 'ok', data: ['http://upload.evil.example', 'evil.example:8443'], 'x-traceID': 'x'}),
    });
    const res = await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`);
    assert.equal(res.status, 502);
    assert.match(res.json().message, /no upload server this proxy may send the token to/);
  });

  it('still forwards a genuine ticket of its own', async () => {
    const domain = (await (await fetch(`${bench.origin}/pan-api/upload/v2/file/domain`)).json()) as {data: string[]};
    const res = await slice(domain.data[0]!);
    assert.notEqual(res.status, 403, res.text);
    assert.equal(bench.sent('/upload/v2/file/slice').length, 1);
  });
});

describe('plain-http upload servers: the token goes over https only', () => {
  // What the proxy puts on the wire, seen at its fetch: 123pan's create answer names plain-http and
  // scheme-less servers, as its own example does; https to them fails here (no such host on loopback).
  const wire: {url: string; authorization: string | null}[] = [];
  const fake = async (input: string | URL | Request, init: RequestInit = {}) => {
    const url = String(input);
    wire.push({url, authorization: new Headers(init.headers).get('authorization')});
    if (url.endsWith('/api/v1/access_token')) return Response.json({code: 0, message: 'ok', data: {accessToken: 'the-token', expiredAt: new Date(Date.now() + 86_400_000).toISOString()}, 'x-traceID': 't'});
    if (url.endsWith('/upload/v2/file/create')) {
      return Response.json({code: 0, message: 'ok', data: {reuse: false, preuploadID: 'p', sliceSize: 1024, servers: ['http://openapi-upload.123242.com', 'openapi-upload.123pan.com']}, 'x-traceID': 'c'});
    }
    throw new TypeError('fetch failed: connect ECONNREFUSED');
  };
  let site: Server;
  let origin: string;
  before(async () => {
    const proxy = createProxy({broker: createTokenBroker({clientID: 'c', clientSecret: 's', apiBase: 'https://open-api.123pan.com', fetch: fake as typeof fetch}), fetch: fake as typeof fetch});
    site = createServer((req, res) => proxy.handle(req, res));
    origin = await listen(site);
  });
  after(() => closeServer(site));

  it('upgrades http:// and scheme-less servers to https, and refuses clearly when https fails', async () => {
    const created = await rawRequest(`${origin}/pan-api/upload/v2/file/create`, {
      method: 'POST',
      headers: {'content-type': 'application/json'},
      body: JSON.stringify({parentFileID: 0, filename: 'a.bin', etag: '0'.repeat(32), size: 2048, duplicate: 1}),
    });
    assert.equal(created.status, 200, created.text);
    const servers = created.json().data.servers as string[];
    assert.equal(servers.length, 2);
    for (const server of servers) {
      const res = await rawRequest(`${origin}${server}/upload/v2/file/slice`, {method: 'POST', headers: {'content-type': 'multipart/form-data; boundary=b'}, body: '--b\r\nContent-Disposition: form-data; name="preuploadID"\r\n\r\np\r\n--b--\r\n'});
      assert.equal(res.status, 502, res.text);
      assert.match(res.json().message, /could not be reached over https \(the token is never sent over plain http/);
    }
    const slices = wire.filter((r) => r.url.includes('/upload/v2/file/slice'));
    assert.deepEqual(slices.map((r) => new URL(r.url).origin), ['https://openapi-upload.123242.com', 'https://openapi-upload.123pan.com']);
    assert.ok(wire.every((r) => !(r.url.startsWith('http:') && r.authorization)), 'a token went over plain http');
    assert.ok(slices.every((r) => r.authorization === 'Bearer the-token'));
  });
});
