import assert from 'node:assert/strict';
import {mkdtemp, readdir, rm} from 'node:fs/promises';
import {connect} from 'node:net';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {describe, it} from 'node:test';
import {startEmulatorServer} from '../../../src/emulator/node.ts';
import {createProxy, createTokenBroker} from '../../../src/server/index.ts';
import {checkedForm} from '../../../src/server/multipart-form.ts';
import {rawRequest, useAttackBench, type Envelope} from './fixture.ts';
import {BOUNDARY, field, multipartBody, validParts} from './multipart-form.ts';

const EMPTY_MD5 = 'd41d8cd98f00b204e9800998ecf8427e';

describe('attacks that already failed, kept failing', () => {
  const bench = useAttackBench();
  const createBody = () => JSON.stringify({parentFileID: bench.pinned, filename: 'held.bin', etag: EMPTY_MD5, size: 0, duplicate: 1});

  it('path tricks reach no other endpoint', async () => {
    const paths = [
      '/pan-api/upload/v2/file/create/../../../../api/v1/oss/file/delete',
      '/pan-api/upload/v2/file/create/%2e%2e/%2e%2e/%2e%2e/%2e%2e/api/v1/oss/file/delete',
      '/pan-api/api%2Fv1%2Foss%2Ffile%2Fdelete',
      '/pan-api//api/v1/oss/file/delete',
      '/pan-api/API/v1/oss/file/delete',
      '/pan-api\\api\\v1\\oss\\file\\delete',
      '/pan-api/api/v1/oss/file/delete.',
      '/pan-api/api/v1/oss/file/delete;x',
      'http://evil.example/pan-api/upload/v2/file/create',
    ];
    for (const path of paths) {
      const tricked = await new Promise<string>((resolve) => {
        const socket = connect(Number(new URL(bench.origin).port), '127.0.0.1', () => {
          socket.end(`POST ${path} HTTP/1.1\r\nHost: ${new URL(bench.origin).host}\r\nContent-Type: application/json\r\nContent-Length: ${Buffer.byteLength(createBody())}\r\nConnection: close\r\n\r\n${createBody()}`);
        });
        let text = '';
        socket.on('data', (chunk) => (text += chunk));
        socket.on('close', () => resolve(text));
      });
      assert.match(tricked, /^HTTP\/1\.1 4\d\d/, `${path}: ${tricked.slice(0, 200)}`);
    }
    assert.deepEqual(bench.sent('/api/v1/oss/file/delete'), []);
    assert.deepEqual(bench.upstream('/api/v1/oss/file/delete'), []);
  });

  it('method-override headers change nothing', async () => {
    for (const [method, path, override] of [['POST', '/upload/v2/file/domain', 'GET'], ['GET', '/upload/v2/file/create', 'POST'], ['POST', '/api/v1/oss/file/delete', 'GET']] as const) {
      const res = await rawRequest(`${bench.origin}/pan-api${path}`, {method, headers: {'x-http-method-override': override, 'x-method-override': override, 'content-type': 'application/json'}, body: method === 'POST' ? '{}' : undefined});
      assert.equal(res.status, 403, `${method} ${path} as ${override}`);
    }
    assert.deepEqual(bench.sent(), []);
  });

  it('Content-Length beside Transfer-Encoding is refused by the HTTP parser', async () => {
    const answer = await new Promise<string>((resolve) => {
      const socket = connect(Number(new URL(bench.origin).port), '127.0.0.1', () => {
        socket.end(`POST /pan-api/upload/v2/file/create HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n2\r\n{}\r\n0\r\n\r\n`);
      });
      let text = '';
      socket.on('data', (chunk) => (text += chunk));
      socket.on('close', () => resolve(text));
    });
    assert.match(answer, /^HTTP\/1\.1 400/);
    assert.deepEqual(bench.sent(), []);
  });

  it('JSON pins: duplicate, escaped and other-case keys carry no other folder', async () => {
    const post = (body: string) => rawRequest(`${bench.origin}/pan-api/upload/v2/file/create`, {method: 'POST', headers: {'content-type': 'application/json'}, body});
    const rest = `"filename": "pin.bin", "etag": "${EMPTY_MD5}", "size": 0, "duplicate": 1`;
    assert.equal((await post(`{"parentFileID": ${bench.pinned}, ${rest}, "parentFile\\u0049D": ${bench.elsewhere}}`)).status, 403, 'escaped');
    assert.equal((await post(`{"parentFileID": ${bench.pinned}, ${rest}, "PARENTFILEID": ${bench.elsewhere}}`)).status, 403, 'other case');
    assert.equal(bench.forwarded().length, 0);
    const duplicate = await post(`{"parentFileID": ${bench.elsewhere}, ${rest}, "parentFileID": ${bench.pinned}}`);
    assert.equal(duplicate.json().code, 0, 'the last key wins, and only it is sent');
    assert.equal(JSON.parse(bench.sent('/upload/v2/file/create')[0]!.body!).parentFileID, bench.pinned);
    assert.ok(bench.stored().every((f) => f.parentID === bench.pinned));
  });

  it('a multipart body split at every position passes the same (boundaries across chunks)', async () => {
    const body = multipartBody(validParts(7));
    const read = async (chunks: Uint8Array[]) => {
      const source = new ReadableStream<Uint8Array>({
        start(controller) {
          for (const chunk of chunks) controller.enqueue(chunk);
          controller.close();
        },
      });
      const out = source.pipeThrough(checkedForm(BOUNDARY, {fields: ['parentFileID', 'filename', 'etag', 'size', 'duplicate'], file: 'file', pin: {field: 'parentFileID', check: (v) => (v === '7' ? undefined : 'no')}}));
      return Buffer.from(await new Response(out).arrayBuffer());
    };
    const whole = await read([body]);
    assert.equal(whole.toString('latin1'), Buffer.from(body).toString('latin1'), 'a body written as browsers write it is passed on as it came');
    for (let at = 1; at < body.length; at++) {
      assert.ok((await read([body.subarray(0, at), body.subarray(at)])).equals(whole), `split at ${at}`);
    }
  });

  it('a 10 MiB JSON body is refused with 413, and nothing is sent on', async () => {
    const res = await rawRequest(`${bench.origin}/pan-api/upload/v2/file/create`, {method: 'POST', headers: {'content-type': 'application/json'}, body: `{"filename": "${'x'.repeat(10 << 20)}"}`});
    assert.equal(res.status, 413);
    assert.deepEqual(bench.sent(), []);
  });

  it('no answer carries the account\'s token, refusals and 123pan\'s own errors included', async () => {
    const texts: string[] = [];
    texts.push((await rawRequest(`${bench.origin}/pan-api/upload/v2/file/domain`)).text);
    texts.push((await rawRequest(`${bench.origin}/pan-api/upload/v2/file/create`, {method: 'POST', headers: {'content-type': 'application/json'}, body: createBody()})).text);
    texts.push((await rawRequest(`${bench.origin}/pan-api/api/v1/oss/file/delete`, {method: 'POST', body: '{}'})).text);
    bench.pan.emulator.fault({path: '/upload/v2/file/upload_complete', kind: '401'});
    texts.push((await rawRequest(`${bench.origin}/pan-api/upload/v2/file/upload_complete`, {method: 'POST', headers: {'content-type': 'application/json'}, body: '{"preuploadID":"p"}'})).text);
    const sent = bench.sent().map((r) => r.headers.get('authorization')!.replace('Bearer ', ''));
    assert.ok(sent.length > 0 && sent.every((token) => token.startsWith('emu.')));
    for (const text of texts) for (const token of sent) assert.ok(!text.includes(token), text);
  });

  it('file names do not reach the emulator\'s disk store: its files are named by the store alone', async () => {
    const root = await mkdtemp(join(tmpdir(), 'pan-attack-'));
    const dataDir = join(root, 'data');
    const pan = await startEmulatorServer({dataDir});
    try {
      const proxy = createProxy({broker: createTokenBroker({clientID: 'test-client', clientSecret: 'test-secret', apiBase: pan.apiOrigin}), apiBase: pan.apiOrigin, publicOrigin: 'https://site.test'});
      const domain = (await (await proxy.fetch(new Request('https://site.test/pan-api/upload/v2/file/domain'))).json()) as Envelope<string[]>;
      for (const name of ['../escape.txt', '..\\escape.txt', 'escape.txt']) {
        const parts = validParts(0, 'x.txt').map((part) => (part.head.includes('name="filename"') ? field('filename', name) : part));
        parts[parts.length - 1]!.head = `Content-Disposition: form-data; name="file"; filename="../../${name.replace(/\\/g, '/')}"`;
        await proxy.fetch(new Request(`${domain.data[0]}/upload/v2/file/single/create`, {method: 'POST', headers: {'content-type': `multipart/form-data; boundary=${BOUNDARY}`}, body: multipartBody(parts)}));
      }
      assert.deepEqual(await readdir(root), ['data'], 'something was written beside the store');
      for (const file of await readdir(dataDir)) assert.match(file, /^b\d+-[0-9a-z]+$/);
      assert.equal(pan.emulator.files().length, 1, 'only the plain name was stored');
    } finally {
      await pan.close();
      await rm(root, {recursive: true, force: true});
    }
  });
});
