/** The URL-import field (`url-import` on the image host): a labelled input and a button, below the drop zone. */
import {css} from 'lit';

export default css`
  [part~='url-import'] {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: calc(var(--_space) * 0.5);
    margin-top: calc(var(--_space) * 0.75);
  }
  [part~='url-label'] {
    flex-basis: 100%;
    font-weight: 600;
    font-size: 0.92em;
  }
  [part~='url-input'] {
    flex: 1 1 16em;
    min-width: 0;
    min-height: 32px;
    box-sizing: border-box;
    padding: 0.35em 0.6em;
    font: inherit;
    color: var(--_text);
    background: var(--_bg);
    border: 1px solid var(--_border);
    border-radius: calc(var(--_radius) - 4px);
  }
  [part~='url-input']:focus-visible {
    outline: none;
    border-color: var(--_accent);
    box-shadow: var(--_focus);
  }
  [part~='url-input']:disabled {
    opacity: 0.55;
    cursor: not-allowed;
  }
  [part~='source'] {
    overflow: hidden;
    text-overflow: ellipsis;
    white-space: nowrap;
    max-width: 22em;
  }
`;
