import type {Plugin} from 'vite';

/** The CSS text with comments dropped and whitespace cut to what the syntax needs. */
export function minifyCSS(text: string): string;
/** Minifies the element's Lit `css` literals (those with no `${…}`) at build time. */
export function minifyLitCSS(): Plugin;
