/** The looks that load with list editing: reorder handles, the rename field, and the grid and compact layouts. */
import {css} from 'lit';

export default css`
  [part~='reorder-handle'] {
    grid-area: handle;
    cursor: grab;
    touch-action: none;
  }
  [part~='rename-input'] {
    width: 100%;
    font: inherit;
    font-weight: 600;
    color: inherit;
    background: var(--_bg);
    border: 1px solid var(--_accent);
    border-radius: 6px;
    padding: 1px 6px;
  }
  [part~='rename-input']:focus {
    outline: none;
    box-shadow: var(--_focus);
  }
  :host([reorderable]) [part~='list'] > [part~='item'] {
    grid-template-columns: auto var(--_thumb) minmax(0, 1fr) auto;
    grid-template-areas:
      'handle thumb info actions'
      'handle thumb bar bar';
  }

  /* compact: one line a file, no thumbnail. */
  :host([layout='compact']) [part~='list'] {
    gap: 0;
  }
  :host([layout='compact']) [part~='item'] {
    padding: 4px 6px;
    border-width: 0 0 1px;
    border-radius: 0;
    row-gap: 2px;
  }
  :host([layout='compact']) [part~='list'] [part~='thumbnail'] {
    display: none;
  }
  :host([layout='compact']) [part~='list'] [part~='info'] {
    display: flex;
    gap: 10px;
    align-items: baseline;
  }

  /* grid: tiles with large thumbnails, as many columns as the element's width holds. */
  :host([layout='grid']) [part~='list'] {
    display: grid;
    grid-template-columns: repeat(auto-fill, minmax(150px, 1fr));
    gap: 8px;
  }
  :host([layout='grid']) [part~='list'] > [part~='item'] {
    grid-template-columns: auto minmax(0, 1fr);
    grid-template-areas:
      'thumb thumb'
      'info info'
      'bar bar'
      'handle actions';
    align-items: start;
  }
  :host([layout='grid']) [part~='list'] [part~='thumbnail'] {
    width: 100%;
    height: auto;
    aspect-ratio: 4 / 3;
    font-size: 1.1em;
  }
  :host([layout='grid']) [part~='item-actions'] {
    justify-content: flex-end;
    flex-wrap: wrap;
  }

  @container (max-width: 480px) {
    :host([reorderable]:not([layout='grid'])) [part~='list'] > [part~='item'] {
      grid-template-areas:
        'handle thumb info'
        'actions actions actions'
        'bar bar bar';
      grid-template-columns: auto var(--_thumb) minmax(0, 1fr);
    }
  }
`;
