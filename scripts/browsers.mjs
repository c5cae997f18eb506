// The three browser engines the tests and benchmarks run in, all from Debian's packages: where each one is
// installed, the one line that names the missing package, and how a script (fault suite, benchmarks) opens it.
import {existsSync} from 'node:fs';
import {chromeArgs, findChrome} from './chrome-path.mjs';

const firstExisting = (paths) => paths.find((path) => path && existsSync(path));

/** @type {Record<'chromium' | 'firefox' | 'webkit', {label: string; packages: string; find(): string | undefined; env: string}>} */
export const engines = {
  chromium: {label: 'Chromium', packages: 'chromium', env: 'CHROME_PATH', find: findChrome},
  firefox: {
    label: 'Firefox ESR',
    packages: 'firefox-esr',
    env: 'FIREFOX_PATH',
    find: () => firstExisting([process.env.FIREFOX_PATH, '/usr/bin/firefox-esr', '/usr/bin/firefox']),
  },
  webkit: {
    label: 'WebKitGTK',
    packages: 'webkit2gtk-driver xvfb',
    env: 'WEBKIT_WEBDRIVER',
    // The driver starts its MiniBrowser on an X display, which xvfb-run provides.
    find: () => (existsSync('/usr/bin/xvfb-run') ? firstExisting([process.env.WEBKIT_WEBDRIVER, '/usr/bin/WebKitWebDriver']) : undefined),
  },
};

export const engineNames = /** @type {const} */ (['chromium', 'firefox', 'webkit']);

/** Throws unless `name` is one of the engines. */
export function engineOf(name) {
  if (!engineNames.includes(name)) throw new Error(`unknown browser "${name}": choose ${engineNames.join(', ')}`);
  return name;
}

/** The one line for a machine that lacks the engine: the Debian packages to install, or the variable to set. */
export function missingLine(name) {
  const e = engines[name];
  return `${e.label} not found: install it (Debian: \`apt-get install -y ${e.packages}\`) or set ${e.env}.`;
}

/** Reads `--browser X` or `--browser=X` (also `--browsers`) from argv; a comma list or repeated flags give several. */
export function browsersFromArgs(argv, fallback) {
  const picked = [];
  const rest = [];
  for (let i = 0; i < argv.length; i++) {
    const match = /^--browsers?(?:=(.*))?$/.exec(argv[i]);
    if (!match) {
      rest.push(argv[i]);
      continue;
    }
    const value = match[1] ?? argv[++i] ?? '';
    picked.push(...value.split(',').filter(Boolean).map(engineOf));
  }
  return {browsers: picked.length ? picked : fallback, rest};
}

/**
 * Launches Chromium or Firefox through puppeteer-core (Firefox over WebDriver BiDi). WebKit has no puppeteer
 * transport; scripts that need it go through scripts/webkit-driver.mjs.
 */
export async function launchPuppeteer(name, options = {}) {
  const {default: puppeteer} = await import('puppeteer-core');
  if (name === 'firefox') return puppeteer.launch({browser: 'firefox', executablePath: engines.firefox.find(), headless: true, ...options});
  if (name === 'chromium') return puppeteer.launch({executablePath: findChrome(), args: chromeArgs, ...options});
  throw new Error(`puppeteer cannot drive ${name}`);
}
