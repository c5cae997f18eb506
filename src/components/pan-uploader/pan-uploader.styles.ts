/**
 * The element's look. Public knobs are the --pan-* custom properties; private ones start with --_.
 * Light and dark come from `light-dark()`: the element follows the OS unless the page sets
 * `color-scheme: light` or `dark` on it.
 */
import {css} from 'lit';

export default css`
  :host {
    color-scheme: light dark;
    --_accent: var(--pan-color-accent, light-dark(#2456d3, #7aa2ff));
    --_accent-text: var(--pan-color-accent-text, light-dark(#ffffff, #0b1530));
    --_text: var(--pan-color-text, light-dark(#1d2433, #e7eaf1));
    --_muted: var(--pan-color-muted, light-dark(#5b6478, #a3abbd));
    --_bg: var(--pan-color-background, light-dark(#ffffff, #171a21));
    --_surface: var(--pan-color-surface, light-dark(#f5f7fb, #20242d));
    --_border: var(--pan-color-border, light-dark(#d5dbe6, #363c49));
    --_success: var(--pan-color-success, light-dark(#137a3b, #5fd08a));
    --_danger: var(--pan-color-danger, light-dark(#b42318, #ff8a80));
    --_warning: var(--pan-color-warning, light-dark(#8a5a00, #f3c35b));
    --_track: var(--pan-color-track, light-dark(#e3e8f2, #2c313c));
    --_radius: var(--pan-radius, 10px);
    --_space: var(--pan-spacing, 12px);
    --_thumb: var(--pan-thumbnail-size, 40px);
    --_focus: var(--pan-focus-ring, 0 0 0 3px color-mix(in srgb, var(--_accent) 45%, transparent));

    display: block;
    box-sizing: border-box;
    font-family: var(--pan-font-family, system-ui, -apple-system, 'Segoe UI', 'PingFang SC', 'Microsoft YaHei', sans-serif);
    font-size: var(--pan-font-size, 14px);
    line-height: 1.45;
    /* Inherited text styles reset, so a page theme's italics, capitals or spacing stay outside. */
    font-style: normal;
    font-weight: 400;
    letter-spacing: normal;
    word-spacing: normal;
    text-transform: none;
    text-indent: 0;
    text-align: start;
    text-shadow: none;
    cursor: auto;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    padding: var(--_space);
    /* Rows and grid columns follow the element's own width, not the window's. */
    container-type: inline-size;
  }
  :host([hidden]) {
    display: none;
  }
  /* Disabled dims only the controls (which are exempt from contrast rules), never the text. */
  :host([disabled]) [part~='dropzone'] {
    border-style: solid;
    cursor: not-allowed;
  }
  /* border-box set, not inherited: a page may force the host's own box-sizing. */
  *,
  *::before,
  *::after {
    box-sizing: border-box;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip-path: inset(50%);
    white-space: nowrap;
    border: 0;
  }

  [part~='dropzone'] {
    display: flex;
    flex-direction: column;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
    padding: calc(var(--_space) * 2) var(--_space);
    border: 2px dashed var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_surface);
    text-align: center;
    transition:
      border-color 0.15s,
      background-color 0.15s;
  }
  [part~='dropzone']:focus-within {
    border-color: var(--_accent);
  }
  :host([dragging]) [part~='dropzone'] {
    border-color: var(--_accent);
    background: color-mix(in srgb, var(--_accent) 10%, var(--_surface));
  }
  [part~='drop-icon'] {
    width: 36px;
    height: 36px;
    color: var(--_accent);
  }
  [part~='drop-title'] {
    margin: 0;
    font-size: 1.1em;
    font-weight: 600;
  }
  [part~='drop-hint'] {
    margin: 0;
    color: var(--_muted);
    font-size: 0.92em;
  }
  [part~='pickers'] {
    display: flex;
    flex-wrap: wrap;
    justify-content: center;
    gap: calc(var(--_space) * 0.5);
    margin-top: calc(var(--_space) * 0.25);
  }

  button {
    font: inherit;
    cursor: pointer;
    border-radius: calc(var(--_radius) - 4px);
    border: 1px solid var(--_border);
    background: var(--_bg);
    color: var(--_text);
    padding: 0.35em 0.8em;
    min-height: 32px;
  }
  button:hover:not(:disabled) {
    border-color: var(--_accent);
    color: var(--_accent);
  }
  button:focus-visible {
    outline: none;
    box-shadow: var(--_focus);
  }
  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }
  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_accent-text);
    font-weight: 600;
  }
  button.primary:hover:not(:disabled) {
    color: var(--_accent-text);
    background: color-mix(in srgb, var(--_accent) 85%, black);
  }
  button.small {
    min-height: 28px;
    padding: 0.15em 0.6em;
    font-size: 0.88em;
  }
  button.danger:hover:not(:disabled) {
    border-color: var(--_danger);
    color: var(--_danger);
  }

  [part~='summary'] {
    display: grid;
    grid-template-columns: 1fr auto;
    align-items: center;
    gap: 6px var(--_space);
    margin-top: var(--_space);
  }
  [part~='summary-text'] {
    color: var(--_muted);
    font-size: 0.92em;
    font-variant-numeric: tabular-nums;
  }
  [part~='summary-text'] strong {
    color: var(--_text);
  }
  [part~='toolbar'] {
    display: flex;
    gap: 6px;
    flex-wrap: wrap;
    justify-content: flex-end;
  }
  [part~='overall-progress'] {
    grid-column: 1 / -1;
  }

  [part~='progress'] {
    height: 6px;
    border-radius: 999px;
    background: var(--_track);
    overflow: hidden;
  }
  [part~='progress-bar'] {
    height: 100%;
    width: 100%;
    border-radius: inherit;
    background: var(--_accent);
    transform-origin: left center;
    transition: transform 0.2s linear;
  }
  [part~='progress-bar'].done {
    background: var(--_success);
  }
  [part~='progress-bar'].error {
    background: var(--_danger);
  }
  [part~='progress-bar'].paused {
    background: var(--_warning);
  }
  [part~='progress-bar'].hashing {
    background: color-mix(in srgb, var(--_accent) 55%, var(--_track));
  }

  [part~='list'],
  [part~='rejected-list'] {
    list-style: none;
    margin: var(--_space) 0 0;
    padding: 0;
    display: flex;
    flex-direction: column;
    gap: 6px;
  }
  [part~='list'] {
    max-height: var(--pan-list-max-height, 420px);
    overflow-y: auto;
    overscroll-behavior: contain;
  }
  [part~='item'] {
    display: grid;
    grid-template-columns: var(--_thumb) minmax(0, 1fr) auto;
    grid-template-areas:
      'thumb info actions'
      'thumb bar bar';
    align-items: center;
    column-gap: var(--_space);
    row-gap: 4px;
    padding: 8px 10px;
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 2px);
    background: var(--_bg);
  }
  [part~='item'].rejected {
    border-color: color-mix(in srgb, var(--_danger) 45%, var(--_border));
    grid-template-areas: 'thumb info actions';
  }
  [part~='thumbnail'] {
    grid-area: thumb;
    width: var(--_thumb);
    height: var(--_thumb);
    border-radius: 6px;
    object-fit: cover;
    background: var(--_surface);
    display: grid;
    place-items: center;
    color: var(--_muted);
    font-size: 0.7em;
    font-weight: 700;
    letter-spacing: 0.02em;
    text-transform: uppercase;
    overflow: hidden;
  }
  [part~='info'] {
    grid-area: info;
    min-width: 0;
  }
  [part~='name'] {
    display: block;
    font-weight: 600;
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
  }
  [part~='path'] {
    color: var(--_muted);
    font-weight: 400;
  }
  [part~='meta'] {
    display: flex;
    flex-wrap: wrap;
    gap: 0 10px;
    color: var(--_muted);
    font-size: 0.88em;
    font-variant-numeric: tabular-nums;
  }
  [part~='status'] {
    font-weight: 600;
    color: var(--_muted);
  }
  [part~='status'].uploading,
  [part~='status'].hashing,
  [part~='status'].creating,
  [part~='status'].completing {
    color: var(--_accent);
  }
  [part~='status'].done {
    color: var(--_success);
  }
  [part~='status'].error,
  [part~='reason'] {
    color: var(--_danger);
  }
  [part~='status'].paused {
    color: var(--_warning);
  }
  [part~='error'] {
    color: var(--_danger);
    font-size: 0.88em;
    overflow-wrap: anywhere;
  }
  [part~='trace-id'] {
    font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace;
    color: var(--_muted);
  }
  [part~='link'] {
    color: var(--_accent);
  }
  [part~='item-actions'] {
    grid-area: actions;
    display: flex;
    gap: 4px;
  }
  [part~='item'] > [part~='progress'] {
    grid-area: bar;
  }

  [part~='empty'] {
    margin: var(--_space) 0 0;
    text-align: center;
    color: var(--_muted);
    font-size: 0.92em;
  }

  @media (prefers-reduced-motion: reduce) {
    [part~='progress-bar'],
    [part~='dropzone'] {
      transition: none;
    }
  }
  @container (max-width: 480px) {
    :host(:not([layout='grid'])) [part~='item'] {
      grid-template-areas:
        'thumb info'
        'actions actions'
        'bar bar';
      grid-template-columns: var(--_thumb) minmax(0, 1fr);
    }
    [part~='item-actions'] {
      justify-content: flex-end;
    }
  }
`;
