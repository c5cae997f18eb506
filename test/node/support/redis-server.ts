import {spawn, type ChildProcess} from 'node:child_process';
import {createServer} from 'node:net';
import {createClient} from 'redis';

export interface RedisServer {
  url: string;
  stop(): Promise<void>;
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const {port} = server.address() as {port: number};
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/**
 * Debian's redis-server on a free loopback port, nothing saved to disk. Resolves a reason instead when
 * it cannot start (not installed, no port): the tests then skip with that one line.
 */
export async function startRedisServer(): Promise<RedisServer | string> {
  const port = await freePort();
  let child: ChildProcess;
  try {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], {stdio: 'ignore'});
  } catch (error) {
    return `redis-server could not start: ${(error as Error).message}`;
  }
  const failed = new Promise<string>((resolve) => {
    child.once('error', (error) => resolve(`redis-server could not start: ${error.message} (install Debian's redis-server)`));
    child.once('exit', (code) => resolve(`redis-server exited at once (code ${code})`));
  });
  const url = `redis://127.0.0.1:${port}`;
  const ready = (async () => {
    for (let i = 0; i < 100; i++) {
      const client = createClient({url, socket: {reconnectStrategy: false}});
      client.on('error', () => undefined);
      try {
        await client.connect();
        await client.ping();
        await client.close();
        return true;
      } catch {
        await new Promise((resolve) => setTimeout(resolve, 50));
      }
    }
    return false;
  })();
  const outcome = await Promise.race([ready, failed]);
  if (outcome !== true) {
    child.kill();
    return typeof outcome === 'string' ? outcome : 'redis-server did not answer within 5 s';
  }
  return {
    url,
    stop: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill();
      }),
  };
}
