// A build plugin that minifies the element's Lit `css` literals with lightningcss: neither Vite nor its
// minifier touches CSS inside JavaScript strings, and every page would ship the comments and indentation.
// Only literals with no `${…}` are rewritten, and only in the element's own sources.
import {transform} from 'lightningcss';

const version = (major, minor = 0) => (major << 16) | (minor << 8);

/**
 * The first versions with `light-dark()`, which the element's colours need: lightningcss emits no syntax
 * these browsers lack (and would prefix or lower what they do lack).
 */
export const CSS_TARGETS = {chrome: version(123), firefox: version(120), safari: version(17, 5)};

/** The CSS text minified; invalid CSS throws with its line and column, failing the build. */
export function minifyCSS(text, filename = 'styles.css') {
  return transform({filename, code: Buffer.from(text), minify: true, targets: CSS_TARGETS}).code.toString();
}

export function minifyLitCSS() {
  return {
    name: 'pan-minify-lit-css',
    enforce: 'pre',
    transform(source, id) {
      if (!/\/src\/components\/.+\.styles\.ts$/.test(id)) return undefined;
      let count = 0;
      const code = source.replace(/\bcss`([^`$]*)`/g, (_, body) => {
        // The source holds the literal's raw text: an escape in it would need cooking first.
        if (body.includes('\\')) this.error(`${id}: a css\`…\` literal with a backslash; scripts/build-css.mjs takes raw text only`);
        count++;
        return `css\`${minifyCSS(body, id).replace(/[`\\]/g, '\\$&')}\``;
      });
      if (!count) this.error(`${id}: no css\`…\` literal without \${…} was found to minify; update scripts/build-css.mjs`);
      return {code, map: null};
    },
  };
}
