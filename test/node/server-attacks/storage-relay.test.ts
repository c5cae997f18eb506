// The storage relay: the proxy PUTs a slice on to storage only for presigned URLs it handed out itself,
// signed and expiring; never to a host an attacker names, never with a token.
import assert from 'node:assert/strict';
import {createServer, type IncomingMessage, type Server} from 'node:http';
import {after, before, describe, it} from 'node:test';
import {UploadTickets} from '../../../src/server/upload-hosts.ts';
import {closeServer, listen, md5, rawRequest, useAttackBench, type Envelope} from './fixture.ts';

const SHARED = 'a-secret-this-deployment-alone-holds-0123';

describe('attacks: the storage relay as a way to reach another host', () => {
  const bench = useAttackBench({ticketSecret: SHARED});
  let listener: Server;
  let listenerOrigin: string;
  const received: {method: string; url: string; authorization?: string}[] = [];
  before(async () => {
    listener = createServer((req: IncomingMessage, res) => {
      received.push({method: req.method!, url: req.url!, authorization: req.headers.authorization});
      req.resume();
      res.end('ok');
    });
    listenerOrigin = await listen(listener, '127.0.0.2');
  });
  after(() => closeServer(listener));

  const call = async <T>(path: string, body: unknown) => {
    const res = await fetch(`${bench.origin}/pan-api${path}`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify(body)});
    const envelope = (await res.json()) as Envelope<T>;
    assert.equal(envelope.code, 0, `${path}: ${envelope.message}`);
    return envelope.data;
  };
  /** A v1 upload of `bytes` through the proxy, up to its get_upload_url answer. */
  const begin = async (bytes: Uint8Array) => {
    const created = await call<{preuploadID: string}>('/upload/v1/file/create', {parentFileID: bench.pinned, filename: `relay-${Math.random()}.bin`, etag: md5(bytes), size: bytes.length});
    const url = await call<{presignedURL: string; relayURL?: string}>('/upload/v1/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
    return {preuploadID: created.preuploadID, ...url};
  };
  const put = (address: string, body: Uint8Array | string = 'bytes', method = 'PUT') =>
    rawRequest(`${bench.origin}${new URL(address, bench.origin).pathname}`, {method, body, headers: {'content-length': String(typeof body === 'string' ? Buffer.byteLength(body) : body.length)}});
  const storageTicket = (url: string, options: {secret?: string; apiBase?: string; now?: () => number} = {}) =>
    new UploadTickets({secret: options.secret ?? SHARED, apiBase: options.apiBase ?? bench.pan.apiOrigin, lifetimeMs: 3600_000, now: options.now, purpose: 'storage'}).issue(url);
  const nothingSent = () => {
    assert.deepEqual(received, [], 'the listener was sent a request');
    assert.deepEqual(bench.sent().filter((r) => r.method === 'PUT'), [], 'a PUT went upstream');
    assert.deepEqual(bench.upstream().filter((r) => r.method === 'PUT'), [], 'storage saw a PUT');
  };

  it('hands out a relay address beside each presigned URL and relays a genuine slice, with no token', async () => {
    const bytes = new TextEncoder().encode('relayed through the proxy');
    const {preuploadID, presignedURL, relayURL} = await begin(bytes);
    assert.ok(presignedURL.startsWith(bench.pan.storageOrigin), 'the presigned URL stays 123pan\'s own');
    assert.match(relayURL ?? '', /^\/pan-api\/__storage\/[\w-]+\.[\w-]+$/);
    const res = await put(relayURL!, bytes);
    assert.equal(res.status, 200, res.text);
    const [sent] = bench.sent().filter((r) => r.method === 'PUT');
    assert.equal(sent?.url, presignedURL);
    assert.equal(sent?.headers.get('authorization'), null, 'the relay sent a token to storage');
    const done = await call<{completed?: boolean; async?: boolean}>('/upload/v1/file/upload_complete', {preuploadID});
    assert.ok(done.completed || done.async);
  });

  it('refuses a forged ticket: random bytes, a swapped URL under a genuine MAC, the wrong key', async () => {
    const genuine = await storageTicket(`${bench.pan.storageOrigin}/presigned/x/1`);
    const mac = genuine.split('.')[1]!;
    const swapped = `${Buffer.from(`${listenerOrigin}/steal\n${Math.ceil(Date.now() / 1000) + 3600}`).toString('base64url')}.${mac}`;
    const wrongKey = await storageTicket(`${listenerOrigin}/steal`, {secret: 'x'.repeat(40)});
    for (const ticket of ['AAAA.BBBB', swapped, wrongKey, 'not-a-ticket']) {
      const res = await put(`/pan-api/__storage/${ticket}`);
      assert.equal(res.status, 403, `${ticket}: ${res.text}`);
      assert.match(res.json().message, /storage address was not handed out by this proxy/);
    }
    nothingSent();
  });

  it('refuses an expired ticket', async () => {
    const ticket = await storageTicket(`${bench.pan.storageOrigin}/presigned/x/1`, {now: () => Date.now() - 2 * 3600_000});
    const res = await put(`/pan-api/__storage/${ticket}`);
    assert.equal(res.status, 403, res.text);
    nothingSent();
  });

  it('refuses a ticket of another kind or another deployment: an upload-server ticket, another API base', async () => {
    const uploadTicket = await new UploadTickets({secret: SHARED, apiBase: bench.pan.apiOrigin, lifetimeMs: 3600_000}).issue(listenerOrigin);
    const otherDeployment = await storageTicket(`${listenerOrigin}/steal`, {apiBase: 'https://staging.example'});
    for (const ticket of [uploadTicket, otherDeployment]) {
      const res = await put(`/pan-api/__storage/${ticket}`);
      assert.equal(res.status, 403, res.text);
    }
    // And a storage ticket does not open an upload server either (where the token would go).
    const asUpload = await storageTicket(listenerOrigin);
    const res = await rawRequest(`${bench.origin}/pan-api/__upload/${asUpload}/upload/v2/file/slice`, {method: 'POST', headers: {'content-type': 'multipart/form-data; boundary=b'}, body: '--b--\r\n'});
    assert.equal(res.status, 403, res.text);
    nothingSent();
  });

  it('takes PUT only', async () => {
    const {relayURL} = await begin(new TextEncoder().encode('x'));
    for (const method of ['GET', 'POST', 'DELETE']) {
      const res = await put(relayURL!, method === 'GET' ? '' : 'x', method);
      assert.equal(res.status, 405, `${method}: ${res.text}`);
    }
    nothingSent();
  });
});
