/**
 * The Vue 3 and Svelte examples build with Vite against the built package (run `npm run build`
 * first), so they cannot rot: each must bundle the element's registration and emit the hashing worker
 * as its own file, the way an app that installs pan-uploader gets it.
 */
import assert from 'node:assert/strict';
import {existsSync, mkdtempSync, readFileSync, readdirSync, rmSync} from 'node:fs';
import {tmpdir} from 'node:os';
import {join} from 'node:path';
import {after, before, describe, it} from 'node:test';
import {fileURLToPath} from 'node:url';
import {build} from 'vite';

const root = fileURLToPath(new URL('../..', import.meta.url));
const outRoot = mkdtempSync(join(tmpdir(), 'pan-examples-'));

async function buildExample(name: string): Promise<{js: string; files: string[]; ms: number}> {
  const outDir = join(outRoot, name);
  const started = performance.now();
  await build({
    configFile: join(root, 'examples', name, 'vite.config.ts'),
    logLevel: 'silent',
    build: {outDir, minify: false},
  });
  const ms = performance.now() - started;
  const files = readdirSync(join(outDir, 'assets'));
  const js = files.filter((f) => f.startsWith('index-') && f.endsWith('.js')).map((f) => readFileSync(join(outDir, 'assets', f), 'utf8')).join('\n');
  return {js, files, ms};
}

describe('framework examples', {timeout: 120_000}, () => {
  before(() => assert.ok(existsSync(join(root, 'dist/index.js')), 'dist/ is missing: run `npm run build` first'));
  after(() => rmSync(outRoot, {recursive: true, force: true}));

  it('Vue 3: builds, registers the element, listens for its events and passes tokenProvider as a property', async () => {
    const {js, files, ms} = await buildExample('vue');
    assert.ok(ms < 30_000, `the Vue build took ${Math.round(ms)} ms`);
    assert.match(js, /customElements\.define\("pan-uploader"/);
    assert.ok(files.some((f) => /^md5\.worker.*\.js$/.test(f)), `no hashing worker among ${files.join(', ')}`);
    // The compiled template: the tag left to the browser (not resolved as a Vue component), the
    // listener for the custom event, and the function sent as a property.
    assert.match(js, /create(?:BaseVNode|ElementBlock|ElementVNode)\("pan-uploader", \{/);
    assert.match(js, /onPanUploadSuccess: onSuccess/);
    assert.match(js, /"\.tokenProvider": tokenProvider/);
    assert.doesNotMatch(js, /resolveComponent\("pan-uploader"\)/);
  });

  it('Svelte 5: builds, registers the element, listens for its events and passes tokenProvider as a property', async () => {
    const {js, files, ms} = await buildExample('svelte');
    assert.ok(ms < 30_000, `the Svelte build took ${Math.round(ms)} ms`);
    assert.match(js, /customElements\.define\("pan-uploader"/);
    assert.ok(files.some((f) => /^md5\.worker.*\.js$/.test(f)), `no hashing worker among ${files.join(', ')}`);
    assert.match(js, /event\("pan-upload-success", pan_uploader, onSuccess\)/);
    assert.match(js, /set_custom_element_data\(pan_uploader, "tokenProvider", tokenProvider\)/);
  });
});
