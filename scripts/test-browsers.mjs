// npm run test:browser [-- --browser firefox[,webkit]] [wtr options]: the browser suite in each engine, one
// after another (two cores), printing each engine's wall time. Without --browser: all three, or PAN_BROWSERS.
// An engine that is not installed stops the run with one line naming its Debian package.
import {spawn} from 'node:child_process';
import {createRequire} from 'node:module';
import {pathToFileURL} from 'node:url';
import {browsersFromArgs, engineNames, engines, missingLine} from './browsers.mjs';

// wtr's own script run by node directly (not through npx), so a signal we forward reaches the runner itself.
const wtr = new URL('bin.js', pathToFileURL(createRequire(import.meta.url).resolve('@web/test-runner'))).pathname;

const fallback = process.env.PAN_BROWSERS ? process.env.PAN_BROWSERS.split(',') : [...engineNames];
const {browsers, rest} = browsersFromArgs(process.argv.slice(2), fallback);

const missing = browsers.filter((name) => !engines[name].find());
if (missing.length) {
  for (const name of missing) console.error(missingLine(name));
  process.exit(1);
}

// Ctrl-C reaches wtr too: let it stop its browser (and WebKit's driver and Xvfb) before we report and exit.
// A SIGTERM (a CI timeout) reaches only us: pass it on, and end once wtr has cleaned up.
let child;
let interrupted = false;
process.on('SIGINT', () => (interrupted = true));
process.on('SIGTERM', () => {
  interrupted = true;
  if (child) child.kill('SIGTERM');
  else process.exit(143);
});

const times = [];
let failed = false;
for (const name of browsers) {
  console.log(`\n=== ${engines[name].label}: browser tests ===`);
  const started = performance.now();
  const code = await new Promise((resolve) => {
    child = spawn('node', [wtr, ...rest], {stdio: 'inherit', env: {...process.env, PAN_BROWSER: name}});
    child.once('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
  });
  child = undefined;
  const seconds = (performance.now() - started) / 1000;
  times.push(`${engines[name].label} ${code === 0 ? 'passed' : 'FAILED'} in ${seconds.toFixed(0)} s`);
  console.log(`=== ${times.at(-1)} ===`);
  if (code !== 0) failed = true;
  if (interrupted) break;
}
if (browsers.length > 1) console.log(`\nbrowser tests: ${times.join('; ')}`);
process.exit(failed ? 1 : 0);
