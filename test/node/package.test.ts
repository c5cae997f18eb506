/**
 * The built package (run `npm run build` first; `npm test` does): every export resolves to a file
 * with its declarations, the entries import in plain Node with no DOM (SSR), the React wrapper renders
 * on a server, and the CMS bundle is one file.
 */
import assert from 'node:assert/strict';
import {execFileSync} from 'node:child_process';
import {existsSync, readFileSync, readdirSync} from 'node:fs';
import {join} from 'node:path';
import {before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {parseSync} from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as {
  exports: Record<string, string | {types: string; import: string}>;
  sideEffects: string[];
};

/** Runs an ES module in a fresh, plain Node (no tsx, no DOM) from the package root, and returns what it prints. */
function runInNode(source: string): string {
  return execFileSync(process.execPath, ['--input-type=module', '-e', source], {cwd: root, encoding: 'utf8'});
}

describe('the built package', () => {
  before(() => {
    assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/ is missing: run `npm run build` first');
  });

  it('has a file and type declarations behind every export', () => {
    for (const [subpath, target] of Object.entries(pkg.exports)) {
      const files = typeof target === 'string' ? [target] : [target.import, target.types];
      for (const file of files) assert.ok(existsSync(join(root, file)), `exports["${subpath}"] → ${file} does not exist`);
    }
  });

  it('writes declarations whose relative imports point at .js files, as a consumer resolves them', () => {
    const dir = join(root, 'dist/types');
    const files = readdirSync(dir, {recursive: true, encoding: 'utf8'}).filter((f) => f.endsWith('.d.ts'));
    assert.ok(files.length > 20, `only ${files.length} declaration files in dist/types`);
    for (const file of files) {
      const text = readFileSync(join(dir, file), 'utf8');
      assert.doesNotMatch(text, /(?:from|import)\s*\(?\s*['"]\.\.?\/[^'"]+\.ts['"]/, `${file} imports a .ts path`);
      for (const [, spec] of text.matchAll(/(?:from|import)\s*\(?\s*['"](\.\.?\/[^'"]+\.js)['"]/g)) {
        const target = join(dir, file, '..', spec.replace(/\.js$/, '.d.ts'));
        assert.ok(existsSync(target), `${file} imports ${spec}, but ${target} does not exist`);
      }
    }
  });

  it('imports every entry by its package name in plain Node, with no DOM', () => {
    const out = runInNode(`
      const names = {};
      for (const spec of ['pan-uploader', 'pan-uploader/react', 'pan-uploader/oss', 'pan-uploader/server', 'pan-uploader/emulator', 'pan-uploader/emulator/node']) {
        names[spec] = Object.keys(await import(spec)).sort();
      }
      console.log(JSON.stringify({names, document: typeof document, window: typeof window}));
    `);
    const {names, document, window} = JSON.parse(out);
    assert.equal(document, 'undefined');
    assert.equal(window, 'undefined');
    for (const name of ['PanUploader', 'UploadManager', 'UploadStatus', 'validateFile', 'resolveLocale']) {
      assert.ok(names['pan-uploader'].includes(name), `pan-uploader does not export ${name}`);
    }
    assert.deepEqual(names['pan-uploader/react'], ['PanUploader', 'PanUploaderElement', 'panUploaderEvents']);
    for (const name of ['ImageHostClient', 'copyFromDrive', 'importFromURL', 'checkImportURL']) assert.ok(names['pan-uploader/oss'].includes(name), `pan-uploader/oss does not export ${name}`);
    // The element's entry does not carry the image host's management client (it loads on first URL import).
    assert.ok(!names['pan-uploader'].includes('ImageHostClient'), 'pan-uploader still exports ImageHostClient');
    for (const name of ['createTokenBroker', 'createTokenHandler', 'createProxy']) assert.ok(names['pan-uploader/server'].includes(name), name);
    assert.ok(names['pan-uploader/emulator'].includes('createEmulator'));
    assert.ok(names['pan-uploader/emulator/node'].includes('startEmulatorServer'));
  });

  it('registers <pan-uploader> once even when the entry and the wrapper both load', () => {
    const out = runInNode(`
      const {PanUploader} = await import('pan-uploader');
      const react = await import('pan-uploader/react');
      console.log(JSON.stringify({same: customElements.get('pan-uploader') === PanUploader, wrapped: react.PanUploaderElement === PanUploader}));
    `);
    assert.deepEqual(JSON.parse(out), {same: true, wrapped: true});
  });

  it('renders the React wrapper on a server', () => {
    const out = runInNode(`
      import {createElement} from 'react';
      import {renderToString} from 'react-dom/server';
      const {PanUploader} = await import('pan-uploader/react');
      console.log(renderToString(createElement(PanUploader, {target: 'image', className: 'up', onPanUploadSuccess() {}})));
    `);
    // Properties are set on the client after hydration; the server sends the tag to upgrade.
    assert.match(out, /^<pan-uploader class="up"><\/pan-uploader>$/m);
  });

  it('ships the CMS bundle as one file: no imports, the worker inlined', () => {
    const file = join(root, 'dist/pan-uploader.bundle.js');
    const code = readFileSync(file, 'utf8');
    const {program} = parseSync(file, code);
    const imports = program.body.filter((n) => n.type === 'ImportDeclaration' || n.type === 'ExportAllDeclaration' || (n.type === 'ExportNamedDeclaration' && n.source));
    assert.deepEqual(imports.map((n) => n.type), [], 'the bundle imports other files');
    assert.doesNotMatch(code, /\bimport\s*\(/, 'the bundle loads a file with import()');
    assert.doesNotMatch(code, /md5\.worker[-\w]*\.js/, 'the bundle refers to a worker file');
    assert.match(code, /createObjectURL\(new Blob\(/, 'the worker is not inlined as a blob: URL');
  });

  it('minifies the CMS bundle outright, whitespace too (a page loads it as is)', () => {
    const code = readFileSync(join(root, 'dist/pan-uploader.bundle.js'), 'utf8');
    // Lines left are the insides of templates; an ES library build that keeps whitespace indents every statement.
    const indented = code.split('\n').filter((line) => /^\t/.test(line)).length;
    assert.ok(indented < 100, `${indented} tab-indented lines: the bundle's whitespace was kept`);
  });

  it("starts the package build's one image worker beside the CMS bundle, by a URL relative to the bundle", () => {
    const code = readFileSync(join(root, 'dist/pan-uploader.bundle.js'), 'utf8');
    const named = [...code.matchAll(/["'`]([^"'`]*image\.worker[-\w]*\.js)["'`]/g)].map((m) => m[1]);
    const workers = readdirSync(join(root, 'dist/assets')).filter((f) => /^image\.worker[-\w]*\.js$/.test(f));
    assert.equal(workers.length, 1, `dist/assets ships ${workers.length} image workers`);
    assert.deepEqual(named, [`./assets/${workers[0]}`], 'the bundle names the worker relative to itself');
    assert.match(code, /new URL\([^)]*\.\/assets\/image\.worker[-\w]*\.js["'`],\s*import\.meta\.url\s*\)/);
  });

  it('loads the upload machinery on first use: the element entry does not import it statically', () => {
    // The files reached from `starts` by import/export … from, and those they only name in import().
    const walk = (starts: string[]) => {
      const files: string[] = [];
      const dynamic = new Set<string>();
      const pending = [...starts];
      while (pending.length) {
        const file = pending.shift()!;
        if (files.includes(file)) continue;
        files.push(file);
        const code = readFileSync(file, 'utf8');
        const {program} = parseSync(file, code);
        for (const node of program.body) {
          const source = 'source' in node && node.source && typeof node.source.value === 'string' ? node.source.value : undefined;
          if (source?.startsWith('.')) pending.push(join(file, '..', source));
        }
        for (const [, spec] of code.matchAll(/\bimport\(\s*["'](\.[^"']+)["']\s*\)/g)) dynamic.add(join(file, '..', spec));
      }
      return {files, dynamic: [...dynamic]};
    };
    const upfront = walk([join(root, 'dist/index.js')]);
    const machinery = upfront.dynamic.find((f) => /machinery[-\w]*\.js$/.test(f));
    assert.ok(machinery, `no import() of the machinery chunk from the entry (import() of: ${upfront.dynamic.join(', ')})`);
    assert.ok(!upfront.files.includes(machinery), 'the machinery chunk is also imported statically');
    // Markers of the protocols (an endpoint only they call: the page's options may name create, for its rate
    // limit), the API client (its Authorization scheme) and the hashing pool (its worker).
    const lazyCode = walk(upfront.dynamic).files.map((f) => readFileSync(f, 'utf8')).join('\n');
    for (const marker of ['/upload/v2/file/slice', 'Bearer', 'md5.worker']) {
      assert.ok(lazyCode.includes(marker), `"${marker}" is in no lazily loaded chunk: the check below would prove nothing`);
      for (const file of upfront.files) assert.ok(!readFileSync(file, 'utf8').includes(marker), `${file} (loaded up front) contains "${marker}"`);
    }
  });

  it('refuses bad engine options at once, though the API client that also checks them loads later', () => {
    const out = runInNode(`
      const {UploadManager} = await import('pan-uploader');
      const refused = [];
      for (const options of [{apiBase: 'ftp://x'}, {retryDelays: [-1]}, {rateLimits: {'/upload/v2/file/create': 0}}]) {
        try { new UploadManager(options); refused.push('accepted'); } catch (e) { refused.push(e.name + ': ' + e.message); }
      }
      const manager = new UploadManager();
      try { manager.setOptions({apiBase: 'open-api.123pan.com'}); refused.push('accepted'); } catch (e) { refused.push(e.name + ': ' + e.message); }
      console.log(JSON.stringify(refused));
    `);
    const refused = JSON.parse(out) as string[];
    assert.match(refused[0], /^RangeError: apiBase must start with/);
    assert.match(refused[1], /^RangeError: retryDelays must be non-negative/);
    assert.match(refused[2], /^RangeError: rateLimits\['\/upload\/v2\/file\/create'\] must be a positive number/);
    assert.match(refused[3], /^RangeError: apiBase must start with .*"open-api\.123pan\.com"/);
  });

  it('marks every file that registers the element as having side effects, so bundlers keep it', () => {
    const chunk = readdirSync(join(root, 'dist/chunks')).find((f) => f.endsWith('.js') && readFileSync(join(root, 'dist/chunks', f), 'utf8').includes('customElements.define'));
    assert.ok(chunk, 'no chunk defines the element');
    const patterns = pkg.sideEffects.map((p) => new RegExp(`^${p.replace(/[.]/g, '\\.').replace(/\*/g, '[^/]*')}$`));
    for (const file of ['./dist/index.js', './dist/react/index.js', `./dist/chunks/${chunk}`, './dist/pan-uploader.bundle.js']) {
      assert.ok(patterns.some((p) => p.test(file)), `${file} is not listed in sideEffects`);
    }
  });
});

describe('the source entry', () => {
  it('imports in Node with no DOM (SSR) and registers the element with Lit’s server shim', async () => {
    assert.equal(typeof (globalThis as {document?: unknown}).document, 'undefined');
    const entry = await import('../../src/index.ts');
    assert.equal(typeof entry.PanUploader, 'function');
    assert.equal(customElements.get('pan-uploader'), entry.PanUploader);
  });
});
