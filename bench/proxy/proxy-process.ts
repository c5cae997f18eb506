/**
 * A proxy in a process of its own, so its memory can be measured apart from the client and the
 * upstream. Configured by environment (PAN_API_BASE, PAN_CLIENT_ID, PAN_CLIENT_SECRET, PAN_PREFIX);
 * prints `{"origin": …}` on stdout once listening. `GET /__stats` answers its memory (RSS peak sampled
 * every 20 ms, heap every 200 ms) and CPU time, `POST /__stats/reset` restarts the peaks.
 * With PAN_PIPE_FLOOR=1 it also answers `POST /__floor/<ticket>/upload/v2/file/slice` with nothing but
 * `req.pipe(upstream)` (no checks at all): the floor any node:http proxy stands on, for comparison.
 */
import {createServer, request} from 'node:http';
import {createProxy, createTokenBroker} from '../../src/server/index.ts';

const apiBase = process.env.PAN_API_BASE;
if (!apiBase) throw new Error('proxy-process: PAN_API_BASE is required');

const broker = createTokenBroker({
  clientID: process.env.PAN_CLIENT_ID ?? 'test-client',
  clientSecret: process.env.PAN_CLIENT_SECRET ?? 'test-secret',
  apiBase,
});
const proxy = createProxy({broker, apiBase, prefix: process.env.PAN_PREFIX ?? '/pan-api'});

let peakRss = 0;
let peakHeap = 0;
// rss() alone is cheap enough to sample often; the full breakdown is read less often.
const sampleRss = (): void => {
  peakRss = Math.max(peakRss, process.memoryUsage.rss());
};
const sample = (): NodeJS.MemoryUsage => {
  const usage = process.memoryUsage();
  peakRss = Math.max(peakRss, usage.rss);
  peakHeap = Math.max(peakHeap, usage.heapUsed + usage.arrayBuffers);
  return usage;
};
setInterval(sampleRss, 20).unref();
setInterval(sample, 200).unref();

/** Bench only: the ticket is decoded, not verified. */
const floor = /^\/__floor\/([A-Za-z0-9_-]+)\.[A-Za-z0-9_-]+(\/upload\/v2\/file\/slice)$/;

const server = createServer((req, res) => {
  const bare = process.env.PAN_PIPE_FLOOR === '1' ? floor.exec(req.url ?? '') : null;
  if (bare) {
    void broker.getToken().then((token) => {
      // The ticket's payload is "<origin>\n<expiry>".
      const upstream = request(`${Buffer.from(bare[1]!, 'base64url').toString().split('\n')[0]}${bare[2]}`, {
        method: 'POST',
        headers: {'content-type': req.headers['content-type']!, 'content-length': req.headers['content-length']!, authorization: `Bearer ${token.accessToken}`, platform: 'open_platform'},
      }, (answer) => {
        res.writeHead(answer.statusCode ?? 502, {'content-type': 'application/json'});
        answer.pipe(res);
      });
      req.pipe(upstream);
    });
    return;
  }
  proxy.handle(req, res, () => {
    if (req.url === '/__stats/reset') {
      sample();
      peakRss = 0;
      peakHeap = 0;
      sample();
    }
    const usage = sample();
    res.setHeader('content-type', 'application/json');
    const cpu = process.cpuUsage();
    res.end(JSON.stringify({rss: usage.rss, heapUsed: usage.heapUsed, arrayBuffers: usage.arrayBuffers, peakRss, peakHeap, cpuMs: (cpu.user + cpu.system) / 1000}));
  });
});
// The bench asks for stats between runs that can outlast node's 5 s keep-alive on a loaded machine;
// a pooled connection closed by the server just as it is reused fails the whole bench.
server.keepAliveTimeout = 120_000;
server.listen(0, '127.0.0.1', () => {
  const {port} = server.address() as {port: number};
  process.stdout.write(`${JSON.stringify({origin: `http://127.0.0.1:${port}`})}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
