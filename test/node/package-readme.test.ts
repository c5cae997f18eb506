/**
 * README.md: the API section matches custom-elements.json (regenerate with
 * `node scripts/readme-api.mjs`), and the set-up commands stay where readers look first.
 */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, it} from 'node:test';
// @ts-expect-error a plain .mjs script without declarations
import {END, START, renderApi, withApiSection} from '../../scripts/readme-api.mjs';

const read = (path: string) => readFileSync(new URL(`../../${path}`, import.meta.url), 'utf8');
const readme = read('README.md');
const manifest = JSON.parse(read('custom-elements.json'));

describe('README.md', () => {
  it('has an API section that matches custom-elements.json', () => {
    assert.ok(readme.includes(START) && readme.includes(END), 'the api markers are missing');
    assert.equal(readme, withApiSection(readme, manifest), 'the API section is stale: run node scripts/readme-api.mjs');
  });

  it('lists every attribute, event, slot, part and CSS property of the element', () => {
    const section = renderApi(manifest) as string;
    const element = manifest.modules.flatMap((m: {declarations?: unknown[]}) => m.declarations ?? []).find((d: {tagName?: string}) => d.tagName === 'pan-uploader');
    const names = [
      ...element.attributes.map((a: {name: string}) => a.name),
      ...element.events.map((e: {name: string}) => e.name),
      ...element.slots.map((s: {name: string}) => s.name),
      ...element.cssParts.map((p: {name: string}) => p.name),
      ...element.cssProperties.map((p: {name: string}) => p.name),
      ...element.members.filter((m: {kind: string; privacy?: string; static?: boolean}) => m.kind === 'method' && !m.privacy && !m.static).map((m: {name: string}) => `${m.name}(`),
    ];
    assert.ok(names.length > 60, `only ${names.length} names in the manifest`);
    for (const name of names) assert.ok(section.includes(`\`${name}`), `the API section does not list ${name}`);
  });

  it('keeps the set-up commands near the top', () => {
    const setUp = readme.indexOf('## Set up');
    assert.ok(setUp >= 0 && setUp < 1500, 'the Set up section moved');
    assert.match(readme, /^npm install && npm start {3}# /m);
    assert.match(readme, /^npm test {19}# /m);
  });
});
