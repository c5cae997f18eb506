// The image host's task endpoints through the same-origin proxy, against the emulator: refused unless a
// host allows them, folder pins applied to businessDirID and toParentFileID, URL import working end to end
// with the browser holding no token.
import assert from 'node:assert/strict';
import {once} from 'node:events';
import {createServer, type Server} from 'node:http';
import {after, before, describe, it} from 'node:test';
import {PanApiError, PanClient} from '../../../src/api/index.ts';
import {startEmulatorServer, type EmulatorServer} from '../../../src/emulator/node.ts';
import {ImageHostClient} from '../../../src/oss/index.ts';
import {createProxy, createTokenBroker, MANAGEMENT_ENDPOINTS, URL_IMPORT_ENDPOINTS} from '../../../src/server/index.ts';
import {xorshiftBytes} from '../../support/bytes.ts';

const PNG = xorshiftBytes(1500, 13);

describe('image-host tasks through the proxy', () => {
  let pan: EmulatorServer;
  const sites: Server[] = [];
  let pinned = '';
  let other = '';

  /** A proxy with these options on its own port; answers the ImageHostClient the browser would use. */
  async function site(options: {allow?: readonly string[]; image?: string}): Promise<ImageHostClient> {
    const broker = createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: pan.apiOrigin});
    const proxy = createProxy({broker, apiBase: pan.apiOrigin, prefix: '/pan-api', allow: options.allow, pinParentID: options.image === undefined ? undefined : {image: options.image}});
    const server = createServer(proxy.handle);
    server.listen(0, '127.0.0.1');
    await once(server, 'listening');
    sites.push(server);
    const origin = `http://127.0.0.1:${(server.address() as {port: number}).port}`;
    // No token hook: the proxy adds the token.
    return new ImageHostClient(new PanClient({apiBase: `${origin}/pan-api`, retryDelays: [10]}));
  }

  const refusedBy = async (promise: Promise<unknown>, pattern: RegExp) => {
    const error = await promise.then(() => undefined, (e: unknown) => e);
    assert.ok(error instanceof PanApiError, `expected a refusal, got ${String(error)}`);
    assert.equal(error.httpStatus, 403);
    assert.match(error.message, pattern);
  };

  before(async () => {
    pan = await startEmulatorServer({ossTaskMs: 200});
    const {accessToken} = pan.emulator.issueToken();
    for (const name of ['pinned', 'other']) {
      const res = await fetch(`${pan.apiOrigin}/upload/v1/oss/file/mkdir`, {
        method: 'POST',
        headers: {authorization: `Bearer ${accessToken}`, platform: 'open_platform', 'content-type': 'application/json'},
        body: JSON.stringify({name, parentID: '', type: 1}),
      });
      const id = ((await res.json()) as {data: {list: {dirID: string}[]}}).data.list[0]!.dirID;
      if (name === 'pinned') pinned = id;
      else other = id;
    }
    pan.emulator.addRemote('https://img.example.com/a.png', {bytes: PNG, contentType: 'image/png'});
  });
  after(async () => {
    for (const server of sites) {
      server.close();
      server.closeAllConnections();
    }
    await pan.close();
  });

  it('lists every task endpoint as management: refused unless allowed', async () => {
    const paths = MANAGEMENT_ENDPOINTS.map((r) => `${r.method} ${r.path}`);
    for (const entry of [...URL_IMPORT_ENDPOINTS, 'POST /api/v1/oss/source/copy', 'GET /api/v1/oss/source/copy/process', 'GET /api/v1/oss/source/copy/fail']) {
      assert.ok(paths.includes(entry), entry);
    }
    const oss = await site({});
    await refusedBy(oss.importFromURL('https://img.example.com/a.png', {businessDirID: pinned}), /offline\/download/);
    await refusedBy(oss.copyFromDrive([1], pinned), /source\/copy/);
    await refusedBy(oss.listPage(''), /oss\/file\/list/);
    assert.equal(pan.emulator.requests.filter((r) => r.path.startsWith('/api/v1/oss/')).length, 0, 'nothing reached 123pan');
  });

  it('with URL_IMPORT_ENDPOINTS allowed and an image pin, imports into the pinned folder only', async () => {
    const oss = await site({allow: URL_IMPORT_ENDPOINTS, image: pinned});
    await refusedBy(oss.importFromURL('https://img.example.com/a.png'), /businessDirID is missing: this server only uploads into image folder/);
    await refusedBy(oss.importFromURL('https://img.example.com/a.png', {businessDirID: other}), /only uploads into image folder/);
    const result = await oss.importFromURL('https://img.example.com/a.png', {businessDirID: pinned, fileName: 'via-proxy.png'});
    assert.equal(result.parentFileId, pinned);
    assert.equal(result.size, PNG.length);
    assert.ok(result.downloadURL);
    assert.deepEqual(pan.emulator.files().map((f) => f.path), ['/pinned/via-proxy.png']);
  });

  it('copy from the drive, once allowed, is pinned by toParentFileID', async () => {
    const oss = await site({allow: ['POST /api/v1/oss/source/copy'], image: pinned});
    await refusedBy(oss.copyFromDrive([1], other), /toParentFileID "[^"]+": this server only uploads into image folder/);
  });
});
