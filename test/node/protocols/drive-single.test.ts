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

/**
 * What a browser does when a reused keep-alive connection closes before any byte of the answer: it sends
 * the same request again by itself, and the page only sees the second answer.
 */
const replayingFetch: typeof fetch = async (input, init) => {
  if (String(input).includes('/single/create')) await fetch(input, init).then((r) => r.arrayBuffer());
  return fetch(input, init);
};

function protocol(fetchImpl?: typeof fetch) {
  const client = new PanClient({apiBase: server.apiOrigin, tokenProvider: async () => ({accessToken: token, expiredAt: new Date(Date.now() + 3600_000).toISOString()}), transport: new FetchTransport(fetchImpl), retryDelays: [50, 50, 50, 50]});
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
    // whenOk: the send refused for the bystander's name is answered; the one that stores is reset.
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'reset', times: 1, whenOk: true});
    const done = await protocol().create(text(mine), info(mine), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name).sort(), ['note(1).txt', 'note.txt']);
    assert.equal(done.fileID, server.emulator.files().find((f) => f.name === 'note(1).txt')!.fileID);
    assert.ok(server.emulator.requests.some((r) => r.path === '/upload/v2/file/single/create' && r.status === 0), 'the storing send was reset');
  });

  it('a send the browser replays by itself (its answer lost on a reused connection) stores one file', async () => {
    const body = 'replayed';
    const done = await protocol(replayingFetch).create(text(body), info(body), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name), ['note.txt']);
    assert.equal(done.fileID, server.emulator.files()[0]!.fileID);
    assert.equal(server.emulator.requests.filter((r) => r.path === '/upload/v2/file/single/create').length, 2);
  });

  it('keep-both, replayed: the name(k) chosen is stored once, beside the bystander and an earlier copy', async () => {
    await protocol().create(text('the bystander'), info('the bystander'), {signal: signal()});
    await protocol().create(text('an earlier copy'), info('an earlier copy'), {signal: signal()});
    const mine = 'mine, replayed';
    const done = await protocol(replayingFetch).create(text(mine), info(mine), {signal: signal()});
    const files = server.emulator.files();
    assert.deepEqual(files.map((f) => f.name).sort(), ['note(1).txt', 'note(2).txt', 'note.txt']);
    const stored = files.find((f) => f.md5 === info(mine).etag);
    assert.equal(stored?.name, 'note(2).txt');
    assert.equal(done.fileID, stored.fileID);
    // Untouched: the files that were there before.
    assert.equal(files.find((f) => f.name === 'note.txt')?.md5, info('the bystander').etag);
    assert.equal(files.find((f) => f.name === 'note(1).txt')?.md5, info('an earlier copy').etag);
  });

  it('keep-both: the same bytes already under the name are that file, not copied', async () => {
    const body = 'same bytes';
    const first = await protocol().create(text(body), info(body), {signal: signal()});
    const again = await protocol().create(text(body), info(body), {signal: signal()});
    assert.deepEqual(server.emulator.files().map((f) => f.name), ['note.txt']);
    assert.equal(again.fileID, first.fileID);
  });

  it('keep-both where the listing is refused (a proxy that does not forward it): 123pan names the copy, as before', async () => {
    await protocol().create(text('the bystander'), info('the bystander'), {signal: signal()});
    const noListing: typeof fetch = async (input, init) =>
      String(input).includes('/api/v2/file/list') ? Response.json({code: 403, message: 'not forwarded', data: null}, {status: 403}) : fetch(input, init);
    const mine = 'mine, no listing';
    const done = await protocol(noListing).create(text(mine), info(mine), {signal: signal()});
    const stored = server.emulator.files().find((f) => f.md5 === info(mine).etag);
    assert.equal(stored?.name, 'note(1).txt');
    assert.equal(done.fileID, stored.fileID);
  });

  it('overwrite asked: duplicate 2 sent as before', async () => {
    await protocol().create(text('old'), info('old'), {signal: signal()});
    await protocol(replayingFetch).create(text('new'), {...info('new'), duplicate: 2}, {signal: signal()});
    const files = server.emulator.files();
    assert.deepEqual(files.map((f) => [f.name, f.md5]), [['note.txt', info('new').etag]]);
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
