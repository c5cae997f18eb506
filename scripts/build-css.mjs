// A build plugin that minifies the element's Lit `css` literals (comments and layout whitespace out):
// neither Vite nor its minifier touches CSS inside JavaScript strings, and every page would ship it.
// Only literals with no `${…}` are rewritten, and only in the element's own sources.

/** The CSS text with comments dropped and whitespace cut to what the syntax needs. */
export function minifyCSS(text) {
  return text
    .replace(/\/\*[\s\S]*?\*\//g, '')
    .replace(/\s+/g, ' ')
    .replace(/\s*([{};,>])\s*/g, '$1')
    // A declaration's `name: value` (a name right after { or ;), not a selector's pseudo-class.
    .replace(/([{;]-*[\w-]+):\s+/g, '$1:')
    .replace(/;}/g, '}')
    .trim();
}

export function minifyLitCSS() {
  return {
    name: 'pan-minify-lit-css',
    enforce: 'pre',
    transform(source, id) {
      if (!/\/src\/components\/.+\.styles\.ts$/.test(id)) return undefined;
      let count = 0;
      const code = source.replace(/\bcss`([^`$]*)`/g, (_, body) => {
        count++;
        return `css\`${minifyCSS(body)}\``;
      });
      if (!count) this.error(`${id}: no css\`…\` literal without \${…} was found to minify; update scripts/build-css.mjs`);
      return {code, map: null};
    },
  };
}
