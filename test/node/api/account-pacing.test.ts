// Two clients of one account on one page (two <pan-uploader> elements) share the account's pacing:
// 123pan counts its limits per account, so each pacing itself alone would send twice the rate.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PanClient} from '../../../src/api/client.ts';
import {accountLimiter, DEFAULT_RATE_LIMITS} from '../../../src/api/rate-limit.ts';
import {FetchTransport} from '../../../src/api/transport.ts';
import type {EmulatorServer} from '../../../src/emulator/node.ts';
import {useEmulatorServer} from '../support/emulator-server.ts';

let server: EmulatorServer;
let token: string;
useEmulatorServer({limits: 'free'}, (s, t) => {
  server = s;
  token = t;
});

describe('pacing per account', () => {
  it('two clients with one API base and token source send download_info at 2/s together, not each', async () => {
    const tokenProvider = async () => ({accessToken: token, expiredAt: new Date(Date.now() + 3600_000).toISOString()});
    // When each request leaves this process: the pacing under test, apart from how late the network delivers it.
    const sent: number[] = [];
    const recording: typeof fetch = (input, init) => {
      if (String(input).includes('/download_info')) sent.push(performance.now());
      return fetch(input, init);
    };
    const clients = [0, 1].map(() => new PanClient({apiBase: server.apiOrigin, tokenProvider, transport: new FetchTransport(recording)}));
    // A file that is not there: each call is answered (5066) and counted by the account's limit all the same.
    await Promise.all(clients.flatMap((c) => [1, 2, 3].map(() => c.call('/api/v1/file/download_info', {method: 'GET', query: {fileId: 1}}).catch(() => undefined))));
    assert.ok(sent.length >= 6, `${sent.length} sends`);
    // Any three sends span more than the one-second window.
    const crowded = sent.slice(2).map((t, i) => Math.round(t - sent[i]!)).filter((span) => span < 1000);
    assert.deepEqual(crowded, [], 'three download_info calls inside one second');
  });

  it('shares one limiter by API base and token source, and no more widely', () => {
    const limits = {...DEFAULT_RATE_LIMITS};
    const provider = async () => ({accessToken: 't', expiredAt: ''});
    const a = accountLimiter({apiBase: '/pan-api'}, limits);
    assert.equal(accountLimiter({apiBase: '/pan-api'}, {...limits}), a);
    assert.notEqual(accountLimiter({apiBase: '/other-api'}, limits), a);
    assert.equal(accountLimiter({apiBase: 'https://x', tokenSource: '/pan/token'}, limits), accountLimiter({apiBase: 'https://x', tokenSource: '/pan/token'}, limits));
    assert.notEqual(accountLimiter({apiBase: 'https://x', tokenSource: '/pan/token'}, limits), accountLimiter({apiBase: 'https://x', tokenSource: '/other/token'}, limits));
    assert.equal(accountLimiter({apiBase: 'https://x', tokenSource: provider}, limits), accountLimiter({apiBase: 'https://x', tokenSource: provider}, limits));
    assert.notEqual(accountLimiter({apiBase: 'https://x', tokenSource: provider}, limits), accountLimiter({apiBase: 'https://x', tokenSource: async () => ({accessToken: 't', expiredAt: ''})}, limits));
    assert.notEqual(accountLimiter({apiBase: '/pan-api'}, {...limits, '/upload/v2/file/create': 20}), a, 'other limits');
  });
});
