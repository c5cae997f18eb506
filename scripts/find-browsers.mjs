// Stops `npm test` early, before the build, with one line per missing engine naming its Debian package.
// Checks the engines given with --browser, else PAN_BROWSERS (comma list), else all three.
import {browsersFromArgs, engineNames, engines, missingLine} from './browsers.mjs';

const fallback = process.env.PAN_BROWSERS ? process.env.PAN_BROWSERS.split(',') : [...engineNames];
const {browsers} = browsersFromArgs(process.argv.slice(2), fallback);
const missing = browsers.filter((name) => !engines[name].find());
for (const name of missing) console.error(missingLine(name));
process.exit(missing.length ? 1 : 0);
