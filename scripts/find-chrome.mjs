// Stops `npm test` early, with one clear line, when no browser is installed.
import {findChrome} from './chrome-path.mjs';

if (!findChrome()) {
  console.error('No Chrome or Chromium found: install one (Debian: `apt-get install -y chromium`) or set CHROME_PATH.');
  process.exit(1);
}
