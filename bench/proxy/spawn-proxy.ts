import {spawn} from 'node:child_process';
import {createInterface} from 'node:readline';
import {fileURLToPath} from 'node:url';

export interface ProxyStats {
  rss: number;
  heapUsed: number;
  arrayBuffers: number;
  peakRss: number;
  /** Peak of heapUsed + arrayBuffers: where buffered bodies would show. */
  peakHeap: number;
  /** User + system CPU time of the proxy process so far. */
  cpuMs: number;
}

export interface ProxyProcess {
  origin: string;
  stats(): Promise<ProxyStats>;
  resetStats(): Promise<ProxyStats>;
  close(): Promise<void>;
}

/** Starts bench/proxy/proxy-process.ts in a child process (tsx) and waits until it listens. */
export async function startProxyProcess(env: {apiBase: string; clientID?: string; clientSecret?: string; prefix?: string; execArgv?: string[]; pipeFloor?: boolean}): Promise<ProxyProcess> {
  const script = fileURLToPath(new URL('./proxy-process.ts', import.meta.url));
  const child = spawn(process.execPath, [...(env.execArgv ?? []), '--import', 'tsx', script], {
    env: {
      ...process.env,
      PAN_API_BASE: env.apiBase,
      PAN_CLIENT_ID: env.clientID ?? 'test-client',
      PAN_CLIENT_SECRET: env.clientSecret ?? 'test-secret',
      PAN_PREFIX: env.prefix ?? '/pan-api',
      PAN_PIPE_FLOOR: env.pipeFloor ? '1' : '0',
    },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const origin = await new Promise<string>((resolve, reject) => {
    const lines = createInterface({input: child.stdout!});
    lines.once('line', (line) => resolve((JSON.parse(line) as {origin: string}).origin));
    child.once('exit', (code) => reject(new Error(`proxy process exited early (code ${code})`)));
  });
  const get = async (path: string, method = 'GET') => (await (await fetch(`${origin}${path}`, {method})).json()) as ProxyStats;
  return {
    origin,
    stats: () => get('/__stats'),
    resetStats: () => get('/__stats/reset', 'POST'),
    close: async () => {
      child.kill('SIGTERM');
      await exited;
    },
  };
}
