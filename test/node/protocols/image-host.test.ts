// The image host against the emulator's Node server: a folder made meanwhile ("already exists") is listed and
// reused; a file content review rejected ends in its own error; a passing async-result hiccup is retried.
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, it} from 'node:test';
import {PanClient} from '../../../src/api/client.ts';
import {FetchTransport} from '../../../src/api/transport.ts';
import type {RawResponse} from '../../../src/api/errors.ts';
import type {SendRequest} from '../../../src/api/transport.ts';
import type {EmulatorServer} from '../../../src/emulator/node.ts';
import {ImageHostProtocol} from '../../../src/protocols/image-host.ts';
import {ImageFolders} from '../../../src/protocols/image-folders.ts';
import {UploadError} from '../../../src/protocols/errors.ts';
import {useEmulatorServer} from '../support/emulator-server.ts';

let server: EmulatorServer;
let token: string;
useEmulatorServer({limits: 'none', minPollIntervalMs: 0, completePolls: 0, reviewRejects: []}, (s, t) => {
  server = s;
  token = t;
});

/** A transport that runs `before` ahead of each request it sends. */
class Hooked extends FetchTransport {
  constructor(private readonly before: (request: SendRequest) => Promise<void>) {
    super();
  }
  override async send(request: SendRequest): Promise<RawResponse> {
    await this.before(request);
    return super.send(request);
  }
}

function client(before: (request: SendRequest) => Promise<void> = async () => {}) {
  return new PanClient({
    apiBase: server.apiOrigin,
    tokenProvider: async () => ({accessToken: token, expiredAt: new Date(Date.now() + 3600_000).toISOString()}),
    transport: new Hooked(before),
    retryDelays: [50, 50, 50],
  });
}

const api = (path: string, body: unknown) =>
  fetch(`${server.apiOrigin}${path}`, {method: 'POST', headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform', 'Content-Type': 'application/json'}, body: JSON.stringify(body)}).then((r) => r.json());

describe('image host', () => {
  it('mkdir "already exists" (made by another tab between list and mkdir): listed and reused', async () => {
    let raced = false;
    const folders = new ImageFolders(
      client(async (request) => {
        if (!raced && request.url.endsWith('/upload/v1/oss/file/mkdir')) {
          raced = true;
          assert.equal((await api('/upload/v1/oss/file/mkdir', {name: ['album'], parentID: '', type: 1})).code, 0);
        }
      }),
    );
    const id = await folders.resolve('', 'album', new AbortController().signal);
    assert.ok(raced);
    assert.deepEqual(server.emulator.folders().map((f) => [f.id, f.name]), [[id, 'album']]);
    assert.ok(server.emulator.requests.some((r) => r.path === '/upload/v1/oss/file/mkdir' && r.code === 5060), 'the mkdir was refused');
  });

  async function uploadImage(bytes: Uint8Array<ArrayBuffer>, name: string) {
    const protocol = new ImageHostProtocol({client: client(), completeTimeoutMs: 20_000, pollIntervalMs: 1000, driveLink: 'none'});
    const signal = new AbortController().signal;
    const etag = createHash('md5').update(bytes).digest('hex');
    const created = await protocol.create(new Blob([bytes]), {filename: name, containDir: false, parentID: '', etag, size: bytes.length, duplicate: 1}, {signal});
    assert.equal(created.kind, 'session');
    if (created.kind !== 'session') throw new Error('unreachable');
    const {data} = await api('/upload/v1/oss/file/get_upload_url', {preuploadID: created.session.preuploadID, sliceNo: 1});
    assert.equal((await fetch(data.presignedURL, {method: 'PUT', body: bytes})).status, 200);
    const fileID = await protocol.complete(created.session, {signal});
    return {protocol, fileID, etag, signal};
  }

  it('an image content review rejected: the content-review error, naming the file', async () => {
    const bytes = new Uint8Array([137, 80, 78, 71, 1, 2, 3, 4]);
    server.emulator.configure({reviewRejects: [createHash('md5').update(bytes).digest('hex')]});
    const {protocol, fileID, signal} = await uploadImage(bytes, 'rejected.png');
    const error = await protocol.resolveURL(fileID, {signal}).catch((e: unknown) => e);
    assert.ok(error instanceof UploadError, String(error));
    assert.equal(error.key, 'content-review');
    assert.match(error.message, /"rejected\.png" was rejected by 123pan's content review/);
    server.emulator.configure({reviewRejects: []});
    assert.ok((await protocol.resolveURL(fileID, {signal})).downloadURL, 'an accepted image gets its link');
  });

  it('upload_async_result answering a passing "preuploadID must not be empty" is polled again', async () => {
    server.emulator.configure({completePolls: 1});
    server.emulator.fault({path: '/upload/v1/oss/file/upload_async_result', kind: 'code1', message: 'preuploadID must not be empty', times: 1});
    const {fileID} = await uploadImage(new Uint8Array([1, 2, 3, 4, 5]), 'hiccup.png');
    assert.equal(fileID, server.emulator.files()[0]!.fileID);
    assert.ok(server.emulator.requests.some((r) => r.path === '/upload/v1/oss/file/upload_async_result' && r.code === 1));
  });
});
