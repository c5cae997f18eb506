/**
 * The import graph of src/ runs one way: each layer imports only layers below it, and code that runs in
 * the browser never imports the server or the emulator (separate exports, with Node-only code).
 */
import assert from 'node:assert/strict';
import {readdirSync, readFileSync} from 'node:fs';
import {dirname, join, relative, resolve} from 'node:path';
import {describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';

const SRC = resolve(dirname(fileURLToPath(import.meta.url)), '../../src');

/**
 * Bottom to top; a layer may import its own folder and any layer of a lower rank. hash and api share
 * a rank and know nothing of each other; so does image (resize, orientation, HEIC), which the engine's
 * image step loads on first use. The image-host client (oss) sits below
 * the protocols, since URL import is a flow that uses it.
 */
const RANK: Record<string, number> = {
  shared: 0,
  hash: 1,
  api: 1,
  oss: 2,
  protocols: 3,
  image: 1,
  core: 4,
  components: 5,
  // src/pan-uploader.ts: registers the tag, guarded.
  'pan-uploader.ts': 6,
  react: 7,
  // src/index.ts: the public entry.
  'index.ts': 8,
};
/** The order as the failure message shows it: `shared ← hash, api ← …`. */
const ORDER = [...new Set(Object.values(RANK))].map((rank) => Object.keys(RANK).filter((k) => RANK[k] === rank).join(', ')).join(' ← ');
/** Lower layers a layer must still go around: the engine reaches the image host only through a flow. */
const AROUND: Record<string, Record<string, string>> = {
  core: {oss: 'the engine reaches the image host through protocols/: URL import is a flow'},
};
/** Node-side exports: they may use the shared words, and nothing the browser runs may use them. */
const SEPARATE = new Set(['server', 'emulator']);

function layerOf(file: string): string {
  return relative(SRC, file).split(/[\\/]/)[0]!;
}

function* sources(dir: string): Generator<string> {
  for (const entry of readdirSync(dir, {withFileTypes: true})) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) yield* sources(path);
    else if (/\.ts$/.test(entry.name) && !entry.name.endsWith('.d.ts')) yield path;
  }
}

/** Relative specifiers of static imports, re-exports, type imports and import() calls. */
function importsOf(code: string): string[] {
  const found: string[] = [];
  const patterns = [/\b(?:import|export)\s[^'"`;]*?\bfrom\s*['"](\.[^'"]+)['"]/g, /\bimport\s*['"](\.[^'"]+)['"]/g, /\bimport\s*\(\s*['"](\.[^'"]+)['"]\s*\)/g];
  for (const pattern of patterns) for (const match of code.matchAll(pattern)) found.push(match[1]!);
  return found;
}

/** Every import that goes against the direction, as "from → to (why)". */
function violations(root = SRC): string[] {
  const wrong: string[] = [];
  for (const file of sources(root)) {
    const from = layerOf(file);
    for (const specifier of importsOf(readFileSync(file, 'utf8'))) {
      const target = resolve(dirname(file), specifier);
      if (!target.startsWith(SRC)) continue;
      const to = layerOf(target);
      if (to === from) continue;
      const where = `${relative(SRC, file)} → ${relative(SRC, target)}`;
      if (SEPARATE.has(to)) wrong.push(`${where} (browser code must not import ${to}/)`);
      else if (SEPARATE.has(from)) {
        if (to !== 'shared') wrong.push(`${where} (${from}/ may import only shared/)`);
      } else if (!(to in RANK) || !(from in RANK)) wrong.push(`${where} (a folder with no layer: add it to RANK)`);
      else if (AROUND[from]?.[to]) wrong.push(`${where} (${AROUND[from]![to]})`);
      else if (RANK[to]! >= RANK[from]!) wrong.push(`${where} (${from} may not import ${to}: imports run ${ORDER})`);
    }
  }
  return wrong;
}

describe('import direction', () => {
  it('reads every kind of import, so none slips past', () => {
    const code = `import {a} from '../api/a.ts';\nimport type {B} from './b.ts';\nexport * from '../shared/c.ts';\nexport {d} from '../core/d.ts';\nimport '../e.ts';\nconst f = import('../oss/f.ts');\nimport {\n  g,\n} from '../hash/g.ts';`;
    assert.deepEqual(importsOf(code).sort(), ['../api/a.ts', '../core/d.ts', '../e.ts', '../hash/g.ts', '../oss/f.ts', '../shared/c.ts', './b.ts']);
  });
  it('src/ imports only downwards, and never the server or the emulator from browser code', () => {
    assert.deepEqual(violations(), []);
  });
});
