// WebKitGTK's WebDriver server, started inside xvfb-run (its MiniBrowser needs an X display), and always taken
// down with Xvfb: on stop(), on this process's exit, and on Ctrl-C or SIGTERM.
import {spawn} from 'node:child_process';
import {readdirSync, readFileSync} from 'node:fs';
import {createServer} from 'node:net';
import {engines} from './browsers.mjs';

/** A free loopback port (the driver takes --port, it cannot report one it chose). */
function freePort() {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const {port} = server.address();
      server.close(() => resolve(port));
    });
  });
}

/** The pid of the first process below `root` whose command name is `comm` (for memory figures of the browser). */
export function descendantNamed(root, comm) {
  const parent = new Map();
  const names = new Map();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      names.set(Number(entry), stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')')));
      parent.set(Number(entry), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // ended while we looked
    }
  }
  for (const [pid, name] of names) {
    if (name !== comm) continue;
    for (let p = pid; p > 1; p = parent.get(p) ?? 0) if (p === root) return pid;
  }
  return undefined;
}

/**
 * Starts `xvfb-run -a WebKitWebDriver --port=N` in its own process group and waits until it answers /status.
 * @returns {Promise<{port: number; pid: number; stop(): Promise<void>}>}
 */
export async function startWebKitDriver({timeoutMs = 30_000} = {}) {
  const driver = engines.webkit.find();
  if (!driver) throw new Error('WebKitWebDriver not found');
  const port = await freePort();
  // detached: a group of its own, so one kill reaches xvfb-run, Xvfb, the driver and the MiniBrowser it starts.
  const child = spawn('xvfb-run', ['-a', '-s', '-screen 0 1280x1024x24', driver, `--port=${port}`, '--host=127.0.0.1'], {
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  let exited = false;
  child.once('exit', () => (exited = true));

  const kill = (pid, signal) => {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  };
  // Ending the driver lets xvfb-run stop Xvfb and remove its temporary folder itself; the MiniBrowser goes with
  // its display. Killing the whole group is the fallback, for a driver that does not end.
  const endDriver = () => {
    const driverPid = descendantNamed(child.pid, 'WebKitWebDriver');
    if (driverPid) kill(driverPid, 'SIGTERM');
    else if (!exited) kill(-child.pid, 'SIGTERM');
  };
  const stop = async () => {
    process.off('exit', onExit);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    if (exited) return;
    const gone = new Promise((resolve) => child.once('exit', resolve));
    endDriver();
    const timers = [setTimeout(() => kill(-child.pid, 'SIGTERM'), 5000), setTimeout(() => kill(-child.pid, 'SIGKILL'), 8000)];
    await gone;
    timers.forEach(clearTimeout);
  };
  // This process may end without stop(): on exit only synchronous work is possible, so end the driver and let
  // xvfb-run finish on its own; on Ctrl-C or SIGTERM, stop properly first.
  const onExit = () => endDriver();
  const onSignal = (signal) => void stop().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
  process.once('exit', onExit);
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);

  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (exited) throw new Error(`WebKitWebDriver exited before it answered: ${stderr.trim()}`);
    try {
      const response = await fetch(`http://127.0.0.1:${port}/status`);
      if (response.ok) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      await stop();
      throw new Error(`WebKitWebDriver did not answer on port ${port} within ${timeoutMs} ms: ${stderr.trim()}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
  return {port, pid: child.pid, stop};
}
