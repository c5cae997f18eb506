// A folder upload to the drive against the emulator's Node server: each folder made once with mkdir (or
// found), files sent into their folder's ID, a lost answer leaving no copy, a refusal naming file and folder.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {PanClient} from '../../../src/api/client.ts';
import {FetchTransport} from '../../../src/api/transport.ts';
import type {EmulatorServer} from '../../../src/emulator/node.ts';
import {createProtocols} from '../../../src/protocols/registry.ts';
import type {FileInfo} from '../../../src/protocols/types.ts';
import {md5, useEmulatorServer} from '../support/emulator-server.ts';

let server: EmulatorServer;
let token: string;
useEmulatorServer({limits: 'none', minPollIntervalMs: 0, serverScheme: 'http', singleDomain: '', retiredHosts: []}, (s, t) => {
  server = s;
  token = t;
});

function protocols() {
  const client = new PanClient({apiBase: server.apiOrigin, tokenProvider: async () => ({accessToken: token, expiredAt: new Date(Date.now() + 3600_000).toISOString()}), transport: new FetchTransport(), retryDelays: [50, 50, 50, 50]});
  return createProtocols({client, completeTimeoutMs: 10_000, pollIntervalMs: 1000, driveLink: 'none'});
}

const info = (body: string, filename: string, relativePath: string, duplicate: 1 | 2 = 1): FileInfo => ({filename, containDir: false, parentID: 0, etag: md5(body), size: Buffer.byteLength(body), duplicate, relativePath});
const signal = () => new AbortController().signal;
const mkdirs = () => server.emulator.requests.filter((r) => r.path === '/upload/v1/file/mkdir');
/** Every drive file as its full path, with its bytes' MD5. */
function tree(): Record<string, string> {
  const folders = server.emulator.folders().filter((f) => f.target === 'drive');
  const pathOf = (id: number | string): string => {
    const folder = folders.find((f) => f.id === id);
    return folder ? `${pathOf(folder.parentID)}${folder.name}/` : '/';
  };
  return Object.fromEntries(server.emulator.files().filter((f) => f.target === 'drive').map((f) => [`${pathOf(f.parentID)}${f.name}`, f.md5]));
}
/** A folder made by another client of the account. */
const mkdirDirect = (name: string, parentID = 0) =>
  fetch(`${server.apiOrigin}/upload/v1/file/mkdir`, {method: 'POST', headers: {authorization: `Bearer ${token}`, platform: 'open_platform', 'content-type': 'application/json'}, body: JSON.stringify({name, parentID})})
    .then((r) => r.json() as Promise<{data: {dirID: number}}>)
    .then((r) => r.data.dirID);

describe('drive folder uploads', () => {
  it('makes the folder tree with one mkdir per folder, whichever flow each file takes, and no containDir', async () => {
    const p = protocols();
    const files: [string, string, string, 'single' | 'v2' | 'v1'][] = [
      ['x', 'x.txt', 'a/b', 'single'],
      ['y', 'y.txt', 'a/b', 'v2'],
      ['z', 'z.txt', 'a/c', 'v1'],
      ['w', 'w.txt', 'a', 'single'],
    ];
    for (const [body, name, path, flow] of files) {
      const created = await p[flow].create(new Blob([body]), info(body, name, path), {signal: signal()});
      if (created.kind === 'session') {
        const protocol = p[flow] as import('../../../src/protocols/types.ts').SlicedProtocol;
        await protocol.sendSlice(created.session, {sliceNo: 1, blob: new Blob([body]), md5: async () => md5(body)}, {signal: signal()});
        await protocol.complete(created.session, {signal: signal()});
      }
    }
    assert.deepEqual(tree(), {'/a/b/x.txt': md5('x'), '/a/b/y.txt': md5('y'), '/a/c/z.txt': md5('z'), '/a/w.txt': md5('w')});
    assert.equal(mkdirs().length, 3, 'a, a/b and a/c: once each');
  });

  it('reuses a folder that is already there: mkdir is refused (code 1) once, the listing finds it', async () => {
    const existing = await mkdirDirect('photos');
    const done = await protocols().single.create(new Blob(['p']), info('p', 'p.txt', 'photos'), {signal: signal()});
    assert.equal(server.emulator.files().find((f) => f.fileID === done.fileID)?.parentID, existing);
    assert.deepEqual(mkdirs().map((r) => r.code), [0, 1], 'the direct mkdir, then ours refused once and not retried');
    assert.equal(server.emulator.folders().filter((f) => f.name === 'photos').length, 1);
  });

  it('concurrent files of one new folder share one mkdir', async () => {
    const p = protocols();
    const bodies = Array.from({length: 20}, (_, i) => `file ${i}`);
    await Promise.all(bodies.map((body, i) => p.single.create(new Blob([body]), info(body, `f${i}.txt`, 'batch/inner'), {signal: signal()})));
    assert.equal(mkdirs().length, 2, 'batch and batch/inner');
    assert.equal(Object.keys(tree()).filter((path) => path.startsWith('/batch/inner/')).length, 20);
  });

  it('a lost answer to a file sent into a new folder leaves no copy', async () => {
    // whenOk: only the send that stored the file is reset; the retry lists the folder the mkdir made.
    server.emulator.fault({path: '/upload/v2/file/single/create', kind: 'reset', times: 1, whenOk: true});
    const done = await protocols().single.create(new Blob(['once']), info('once', 'once.txt', 'fresh'), {signal: signal()});
    assert.deepEqual(tree(), {'/fresh/once.txt': md5('once')});
    assert.equal(server.emulator.files()[0]!.fileID, done.fileID);
    assert.ok(server.emulator.requests.some((r) => r.path === '/upload/v2/file/single/create' && r.status === 0), 'the storing send was reset');
  });

  it('a lost answer to mkdir: the folder it made is found, not made twice', async () => {
    server.emulator.fault({path: '/upload/v1/file/mkdir', kind: 'reset', times: 1, whenOk: true});
    await protocols().single.create(new Blob(['m']), info('m', 'm.txt', 'made'), {signal: signal()});
    assert.deepEqual(tree(), {'/made/m.txt': md5('m')});
    assert.equal(server.emulator.folders().filter((f) => f.name === 'made').length, 1);
  });

  it('keep-both and overwrite act per file inside the folder', async () => {
    const p = protocols();
    await p.single.create(new Blob(['old']), info('old', 'doc.txt', 'keep'), {signal: signal()});
    await p.single.create(new Blob(['new']), info('new', 'doc.txt', 'keep', 1), {signal: signal()});
    await p.single.create(new Blob(['old']), info('old', 'doc.txt', 'over'), {signal: signal()});
    await p.single.create(new Blob(['new']), info('new', 'doc.txt', 'over', 2), {signal: signal()});
    assert.deepEqual(tree(), {'/keep/doc.txt': md5('old'), '/keep/doc(1).txt': md5('new'), '/over/doc.txt': md5('new')});
  });

  it('a refusal names the file and the folder, with 123pan\'s reason', async () => {
    // A file holds the folder's name: 123pan refuses the mkdir as taken, and no folder of that name is there.
    await protocols().single.create(new Blob(['f']), {...info('f', 'notes', ''), relativePath: undefined}, {signal: signal()});
    await assert.rejects(protocols().v2.create(new Blob(['x']), info('x', 'x.txt', 'notes/2024'), {signal: signal()}), (error: Error) => {
      assert.match(error.message, /"notes\/2024\/x\.txt": folder "notes" could not be made/);
      assert.match(error.message, /a file named "notes"/);
      return true;
    });
    // A folder name 123pan refuses (the element refuses it first; a page calling the flow directly meets 123pan's own refusal).
    await assert.rejects(protocols().single.create(new Blob(['y']), info('y', 'y.txt', 'ok/b*d'), {signal: signal()}), (error: Error) => {
      assert.match(error.message, /"ok\/b\*d\/y\.txt": folder "ok\/b\*d" could not be made/);
      assert.match(error.message, /forbidden character/);
      return true;
    });
    assert.equal(server.emulator.files().length, 1);
  });
});
