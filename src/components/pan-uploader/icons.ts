/** Inline SVG icons (no network, fine under a strict CSP). Decorative: the buttons carry the names. */
import {svg, html, type TemplateResult} from 'lit';

const icon = (body: TemplateResult) =>
  html`<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="2"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">${body}</svg>`;

export const icons = {
  upload: html`<svg part="drop-icon" viewBox="0 0 24 24" fill="none" stroke="currentColor" stroke-width="1.6"
    stroke-linecap="round" stroke-linejoin="round" aria-hidden="true" focusable="false">
    ${svg`<path d="M7 18a4.5 4.5 0 0 1-.6-8.96A6 6 0 0 1 18 8.5h.5a4 4 0 0 1 0 8H17"/><path d="M12 12v9"/><path d="m8.5 15.5 3.5-3.5 3.5 3.5"/>`}
  </svg>`,
  pause: icon(svg`<rect x="6" y="5" width="4" height="14" rx="1"/><rect x="14" y="5" width="4" height="14" rx="1"/>`),
  resume: icon(svg`<path d="M7 5v14l11-7z"/>`),
  cancel: icon(svg`<path d="M6 6l12 12M18 6 6 18"/>`),
  retry: icon(svg`<path d="M3 12a9 9 0 0 1 15.5-6.2L21 8"/><path d="M21 3v5h-5"/><path d="M21 12a9 9 0 0 1-15.5 6.2L3 16"/><path d="M3 21v-5h5"/>`),
  remove: icon(svg`<path d="M4 7h16"/><path d="M10 11v6M14 11v6"/><path d="M6 7l1 13h10l1-13"/><path d="M9 7V4h6v3"/>`),
  copy: icon(svg`<path d="M10 14a4 4 0 0 0 5.66 0l3-3a4 4 0 0 0-5.66-5.66l-1 1"/><path d="M14 10a4 4 0 0 0-5.66 0l-3 3a4 4 0 0 0 5.66 5.66l1-1"/>`),
  check: icon(svg`<path d="m5 12 5 5 9-10"/>`),
  rename: icon(svg`<path d="M4 20h4L19 9l-4-4L4 16z"/>`),
};
