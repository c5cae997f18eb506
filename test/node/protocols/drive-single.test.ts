// Single-step uploads against the emulator's Node server: a lost answer leaves no copy, a retired domain is
// asked for again, code 1 ends after two retries with 123pan's message and x-traceID.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, it} from 'node:test';
import {PanClient} from '../../../src/api/client.ts';
import {FetchTransport} from '../../../src/api/transport.ts';
import type {EmulatorServer} from '../../../src/emulator/node.ts';
import {DriveSingleProtocol} from '../../../src/protocols/drive-single.ts';
import {useEmulatorServer} from '../support/emulator-server.ts';

let server: EmulatorServer;
let token: string;
useEmulatorServer({limits: 'none', minPollIntervalMs: 0, serverScheme: 'http', singleDomain: '', retiredHosts: []}, (s, t) => {
  server = s;
  token = t;
});

function protocol() {
  const client = new PanClient({apiBase: server.apiOrigin, tokenProvider: async () => ({accessToken: token, expiredAt: new Date(Date.now() + 3600_000).toISOString()}), transport: new FetchTransport(), retryDelays: [50, 50, 50, 50]});
  return new DriveSingleProtocol({client, completeTimeoutMs: 10_000, pollIntervalMs: 1000, driveLink: 'none'});
}

const text = (s: string) => new Blob([s]);
const info = (body: string, filename = 'note.txt', parentID = 0) => ({filename, containDir: false, parentID, etag: createHash('md5').update(body).digest('hex'), size: Buffer.byteLength(body), duplicate: 1 as const});
const signal = () => new AbortController().signal;

describe('single-step retries', () => {
  it('an answer lost after the file was stored: the retry finds it, no name(1)', async () => {
    const body = 'stored once';
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'reset', times: 1});
    const done = await protocol().create(text(body), info(body), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name), ['note.txt']);
    assert.equal(done.fileID, server.emulator.files()[0]!.fileID);
    assert.ok(server.emulator.requests.some((r) => r.path === '/api/v2/file/list'), 'looked before sending again');
  });

  it('keep-both: the lost answer had stored "name(1)"; found by that name, not stored again', async () => {
    const other = 'the bystander';
    const mine = 'my bytes';
    await protocol().create(text(other), info(other), {signal: signal()});
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'reset', times: 1});
    const done = await protocol().create(text(mine), info(mine), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name).sort(), ['note(1).txt', 'note.txt']);
    assert.equal(done.fileID, server.emulator.files().find((f) => f.name === 'note(1).txt')!.fileID);
  });

  it('an answer cut off mid-way after the file was stored: found, not stored again', async () => {
    const body = 'cut answer';
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'cut', times: 1});
    await protocol().create(text(body), info(body), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name), ['note.txt']);
    assert.equal(server.emulator.requests.filter((r) => r.path === '/upload/v2/file/single/create').length, 1);
  });

  it('a request dropped before it was stored is sent again', async () => {
    const body = 'dropped first';
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'drop', times: 1});
    await protocol().create(text(body), info(body), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name), ['note.txt']);
  });

  it('a retired domain: the failed upload asks for the domain again and goes to the live one', async () => {
    const single = protocol();
    await single.create(text('first'), info('first', 'a.txt'), {signal: signal()});
    const port = new URL(server.uploadOrigin).port;
    server.emulator.configure({retiredHosts: [new URL(server.uploadOrigin).host], singleDomain: `http://localhost:${port}`});
    await single.create(text('second'), info('second', 'b.txt'), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name).sort(), ['a.txt', 'b.txt']);
    assert.equal(server.emulator.requests.filter((r) => r.path === '/upload/v2/file/domain').length, 2);
  });

  it('code 1 on every try: two retries, then the server message and x-traceID', async () => {
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'code1', message: 'Please include the platform field'});
    const started = Date.now();
    const error = await protocol().create(text('x'), info('x'), {signal: signal()}).catch((e: unknown) => e as Error & {traceID?: string});
    assert.match(String((error as Error).message), /Please include the platform field.*x-traceID/);
    assert.match(String((error as {traceID?: string}).traceID), /_emulator$/);
    assert.equal(server.emulator.requests.filter((r) => r.path === '/upload/v2/file/single/create').length, 3);
    assert.ok(Date.now() - started < 10_000);
    assert.equal(server.emulator.files().length, 0);
  });
});
