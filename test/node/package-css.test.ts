/** The build's minifier for the element's Lit `css` literals (lightningcss): it may drop only what CSS ignores. */
import assert from 'node:assert/strict';
import {readFileSync} from 'node:fs';
import {describe, it} from 'node:test';
import {minifyCSS, minifyLitCSS} from '../../scripts/build-css.mjs';

const STYLES = ['src/components/pan-uploader/pan-uploader.styles.ts', 'src/components/pan-uploader/url-import.styles.ts'];

/** Every `name:` of a declaration, sorted: what the minified CSS must still set. */
const declared = (css: string) => (css.match(/[{;]\s*-*[a-z][\w-]*\s*:(?!:)/g) ?? []).map((d) => d.replace(/[{;:\s]/g, '')).sort();

describe('minifyCSS (build)', () => {
  it('drops comments and layout whitespace', () => {
    const css = `
      /* a comment */
      :host {
        color: red;
        font-family: var(--f, 'Segoe UI', sans-serif);
      }
    `;
    assert.equal(minifyCSS(css), `:host{color:red;font-family:var(--f,"Segoe UI", sans-serif)}`);
  });

  it('keeps descendant combinators, pseudo-classes and spaces inside values', () => {
    const css = `:host([dragging]) [part~='dropzone'] :hover { padding: calc(var(--s) * 2) 4px; transition: a 0.1s, b 0.2s }`;
    assert.equal(minifyCSS(css), `:host([dragging]) [part~=dropzone] :hover{padding:calc(var(--s) * 2) 4px;transition:a .1s,b .2s}`);
  });

  it('writes for the browsers that have light-dark(): kept as written, media ranges in their short form', () => {
    assert.equal(minifyCSS(`:host { color: light-dark(#ffffff, #000000) }`), `:host{color:light-dark(#fff,#000)}`);
    assert.equal(minifyCSS(`@media (max-width: 30em) {\n  a:focus-visible > b { margin: 0 }\n}`), `@media (width<=30em){a:focus-visible>b{margin:0}}`);
  });

  it('fails on CSS it cannot parse instead of shipping it', () => {
    assert.throws(() => minifyCSS(`:host { color: red }}} a{`));
  });
});

describe('minifyLitCSS (build plugin)', () => {
  const plugin = minifyLitCSS();
  const transform = plugin.transform as (this: unknown, source: string, id: string) => {code: string} | undefined;
  const context = {
    error(message: string): never {
      throw new Error(message);
    },
  };

  for (const path of STYLES) {
    it(`keeps every declaration of ${path.split('/').pop()}`, () => {
      const source = readFileSync(path, 'utf8');
      const result = transform.call(context, source, `/repo/${path}`)!;
      const before = /\bcss`([^`$]*)`/.exec(source)![1];
      const after = /\bcss`([^`$]*)`/.exec(result.code)![1];
      assert.ok(after.length < before.length * 0.8, `${after.length} of ${before.length} characters`);
      assert.deepEqual(declared(after), declared(before.replace(/\/\*[\s\S]*?\*\//g, '')));
    });
  }

  it('leaves files other than the element styles alone', () => {
    assert.equal(transform.call(context, 'css`a { color: red }`', '/repo/src/other.ts'), undefined);
  });
});
