import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {createHash, randomBytes} from 'node:crypto';
import {createServer, request, type Server} from 'node:http';
import {once} from 'node:events';
import {Readable} from 'node:stream';
import {startProxyProcess} from '../../bench/proxy/spawn-proxy.ts';

const GiB = 1 << 30;
const MiB = 1 << 20;

async function listen(server: Server): Promise<string> {
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  return `http://127.0.0.1:${(server.address() as {port: number}).port}`;
}

const envelope = (data: unknown, code = 0) => JSON.stringify({code, message: code ? 'refused' : 'ok', data, 'x-traceID': 't'});

describe('proxy streaming', () => {
  it('passes 1 GiB to an upload server with flat memory, byte for byte', {timeout: 90_000}, async () => {
    // Upstream: an API that mints and creates, and an upload server that hashes what arrives.
    let received = {bytes: 0, md5: '', authorization: ''};
    const sink = createServer(async (req, res) => {
      const hash = createHash('md5');
      let bytes = 0;
      for await (const chunk of req as AsyncIterable<Buffer>) {
        bytes += chunk.length;
        hash.update(chunk);
      }
      received = {bytes, md5: hash.digest('hex'), authorization: req.headers.authorization ?? ''};
      res.setHeader('content-type', 'application/json');
      res.end(envelope(null));
    });
    const sinkOrigin = await listen(sink);
    const api = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      req.resume();
      req.once('end', () => {
        if (req.url === '/api/v1/access_token') return res.end(envelope({accessToken: 'stream-token', expiredAt: new Date(Date.now() + 86400_000).toISOString()}));
        res.end(envelope({fileID: 0, reuse: false, preuploadID: 'p', sliceSize: GiB, servers: [sinkOrigin]}));
      });
    });
    const apiOrigin = await listen(api);
    const proxy = await startProxyProcess({apiBase: apiOrigin});
    try {
      const create = (await (await fetch(`${proxy.origin}/pan-api/upload/v2/file/create`, {method: 'POST', headers: {'content-type': 'application/json'}, body: JSON.stringify({parentFileID: 0})})).json()) as {data: {servers: string[]}};
      const target = new URL(`${new URL(create.data.servers[0]!, proxy.origin).href}/upload/v2/file/slice`);
      const baseline = await proxy.resetStats();

      // 1 GiB generated on the fly (1 MiB random block, a counter stamped into each copy), never held whole.
      const block = randomBytes(MiB);
      const sent = createHash('md5');
      let n = 0;
      const body = new Readable({
        read() {
          if (n === GiB / MiB) return void this.push(null);
          const chunk = Buffer.from(block);
          chunk.writeUInt32BE(n++, 0);
          sent.update(chunk);
          this.push(chunk);
        },
      });
      const started = performance.now();
      const answer = await new Promise<string>((resolve, reject) => {
        const req = request(target, {method: 'POST', headers: {'content-type': 'multipart/form-data; boundary=stream', 'content-length': String(GiB)}}, (res) => {
          let text = '';
          res.setEncoding('utf8');
          res.on('data', (c: string) => (text += c));
          res.on('end', () => resolve(text));
        });
        req.on('error', reject);
        body.pipe(req);
      });
      const seconds = (performance.now() - started) / 1000;
      const after = await proxy.stats();

      assert.equal(JSON.parse(answer).code, 0);
      assert.equal(received.bytes, GiB);
      assert.equal(received.md5, sent.digest('hex'));
      assert.equal(received.authorization, 'Bearer stream-token');
      const growthMiB = (after.peakRss - baseline.rss) / MiB;
      const heapMiB = after.peakHeap / MiB;
      console.log(`# 1 GiB through the proxy in ${seconds.toFixed(1)} s (${(1024 / seconds).toFixed(0)} MiB/s); proxy RSS ${(baseline.rss / MiB).toFixed(0)} → peak ${(after.peakRss / MiB).toFixed(0)} MiB (+${growthMiB.toFixed(0)}), peak heap+buffers ${heapMiB.toFixed(0)} MiB`);
      // Buffering even a tenth of the body would add ~100 MiB; streaming stays within a few chunks.
      assert.ok(growthMiB < 64, `proxy RSS grew by ${growthMiB.toFixed(0)} MiB while 1 GiB passed`);
      assert.ok(heapMiB < 96, `proxy heap + buffers peaked at ${heapMiB.toFixed(0)} MiB`);
    } finally {
      await proxy.close();
      sink.close();
      api.close();
    }
  });
});
