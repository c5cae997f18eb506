// Runs after `tsc -p tsconfig.build.json` has emitted declarations into dist/types: rewrites relative
// imports from `.ts` to `.js`. tsc keeps the source's `.ts` specifiers in declarations, and a
// consumer's TypeScript would look for files that are not there.
import {readFileSync, readdirSync, writeFileSync} from 'node:fs';
import {join} from 'node:path';

const outDir = 'dist/types';

// `from './x.ts'`, `import './x.ts'` and `import('./x.ts')`, relative specifiers only.
const specifier = /((?:from|import)\s*\(?\s*)(['"])(\.\.?\/[^'"]+?)\.ts\2/g;
let files = 0;
for (const entry of readdirSync(outDir, {recursive: true, withFileTypes: true})) {
  if (!entry.isFile() || !entry.name.endsWith('.d.ts')) continue;
  const path = join(entry.parentPath, entry.name);
  const text = readFileSync(path, 'utf8');
  const rewritten = text.replace(specifier, '$1$2$3.js$2');
  if (/(?:from|import)\s*\(?\s*['"]\.\.?\/[^'"]+\.ts['"]/.test(rewritten)) throw new Error(`${path}: a .ts import was left`);
  if (rewritten !== text) writeFileSync(path, rewritten);
  files += 1;
}
if (files === 0) throw new Error(`tsc wrote no declarations into ${outDir}`);
