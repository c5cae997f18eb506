// A presigned PUT the page cannot send (storage refuses browsers) goes through the proxy's relay, and so
// do later ones to that storage host; a slow or failing PUT is not a refusal and stays on storage.
import assert from 'node:assert/strict';
import {beforeEach, describe, it} from 'node:test';
import {PanApiError, PanClient} from '../../../src/api/index.ts';
import {forgetRelayedStorage, isRelayed, putSlice} from '../../../src/protocols/storage-relay.ts';
import {httpStatus, ScriptedTransport} from '../support/scripted-transport.ts';

const STORAGE = 'https://storage.example/presigned/up/1?sig=secret';
const RELAY = 'https://site.example/pan-api/__storage/ticket.mac';
const refused = () => {
  throw new PanApiError({code: 'network', message: 'PUT: network error', endpoint: 'https://storage.example/presigned/up/1'});
};

describe('storage relay', () => {
  let transport: ScriptedTransport;
  let client: PanClient;
  beforeEach(() => {
    forgetRelayedStorage();
    transport = new ScriptedTransport();
    client = new PanClient({transport, retryDelays: [1, 1, 1]});
  });
  const body = new Blob(['slice bytes']);

  it('a refusal before any byte went: one direct try, then the relay, remembered for that storage host', async () => {
    transport.on('PUT', '/presigned/up/1', refused).on('PUT', '/pan-api/__storage/ticket.mac', httpStatus(200));
    await putSlice(client, STORAGE, RELAY, body, {});
    assert.deepEqual(transport.log, ['PUT /presigned/up/1', 'PUT /pan-api/__storage/ticket.mac']);
    assert.equal(isRelayed(STORAGE), true);
    await putSlice(client, 'https://storage.example/presigned/up/2?sig=x', RELAY, body, {});
    assert.equal(transport.count('/presigned/up/1') + transport.count('/presigned/up/2'), 1, 'storage was tried again after it refused');
    // Another storage host is tried on its own.
    assert.equal(isRelayed('https://other-storage.example/p/1'), false);
  });

  it('an HTTP failure is storage answering: retried on storage, never relayed', async () => {
    transport.on('PUT', '/presigned/up/1', httpStatus(200)).on('PUT', '/presigned/up/1', httpStatus(503, '<Code>SlowDown</Code>'), 2);
    await putSlice(client, STORAGE, RELAY, body, {});
    assert.deepEqual(transport.log, ['PUT /presigned/up/1', 'PUT /presigned/up/1', 'PUT /presigned/up/1']);
    assert.equal(isRelayed(STORAGE), false);
  });

  it('a timeout is a slow upload, not a refusal; a non-retryable answer fails at once', async () => {
    transport
      .on('PUT', '/presigned/up/1', httpStatus(200))
      .on('PUT', '/presigned/up/1', () => {
        throw new PanApiError({code: 'timeout', message: 'no answer', endpoint: 'x'});
      }, 1);
    await putSlice(client, STORAGE, RELAY, body, {});
    assert.equal(transport.count('/pan-api/__storage/ticket.mac'), 0);
    transport.on('PUT', '/presigned/up/1', httpStatus(403, '<Code>AccessDenied</Code>'));
    await assert.rejects(putSlice(client, STORAGE, RELAY, body, {}), /storage answered HTTP 403 \(AccessDenied\)/);
    assert.equal(transport.count('/pan-api/__storage/ticket.mac'), 0);
  });

  it('without a relay (token mode) a refusal stays a network error, retried on storage as before', async () => {
    transport.on('PUT', '/presigned/up/1', refused);
    await assert.rejects(putSlice(client, STORAGE, undefined, body, {}), (error: PanApiError) => error.code === 'network');
    assert.equal(transport.count('/presigned/up/1'), 4, 'one try and three retries');
    assert.equal(transport.count('/pan-api/__storage/ticket.mac'), 0);
  });
});
