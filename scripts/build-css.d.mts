import type {Plugin} from 'vite';

/** The browsers lightningcss writes for (the first with `light-dark()`), in its version encoding. */
export const CSS_TARGETS: {chrome: number; firefox: number; safari: number};
/** The CSS text minified by lightningcss; invalid CSS throws. */
export function minifyCSS(text: string, filename?: string): string;
/** Minifies the element's Lit `css` literals (those with no `${…}`) at build time. */
export function minifyLitCSS(): Plugin;
