/** The build's minifier for the element's Lit `css` literals: it may drop only what CSS ignores. */
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {minifyCSS} from '../../scripts/build-css.mjs';

describe('minifyCSS (build)', () => {
  it('drops comments and layout whitespace', () => {
    const css = `
      /* a comment */
      :host {
        color: red;
        font-family: var(--f, 'Segoe UI', sans-serif);
      }
    `;
    assert.equal(minifyCSS(css), `:host{color:red;font-family:var(--f,'Segoe UI',sans-serif)}`);
  });

  it('keeps descendant combinators, pseudo-classes and spaces inside values', () => {
    const css = `:host([dragging]) [part~='dropzone'] :hover { padding: calc(var(--s) * 2) 4px; transition: a 0.1s, b 0.2s }`;
    assert.equal(minifyCSS(css), `:host([dragging]) [part~='dropzone'] :hover{padding:calc(var(--s) * 2) 4px;transition:a 0.1s,b 0.2s}`);
  });

  it('keeps nested rules inside at-rules intact', () => {
    const css = `@media (max-width: 30em) {\n  a:focus-visible > b { margin: 0 }\n}`;
    assert.equal(minifyCSS(css), `@media (max-width: 30em){a:focus-visible>b{margin:0}}`);
  });
});
