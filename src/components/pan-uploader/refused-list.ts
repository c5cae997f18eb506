/**
 * The list of files not added, loaded with the first refusal: the latest few listed one by one with their
 * reasons, after a line counting the others.
 */
import {html, nothing, type TemplateResult} from 'lit';
import {repeat} from 'lit/directives/repeat.js';
import type {RejectedFile} from '../../core/types.ts';
import {formatBytes} from '../../shared/format-bytes.ts';
import {icons} from './icons.ts';
import {iconButton, joinPath, nameWithPath, tile, type TemplateContext} from './rows.ts';

/**
 * Refused files listed one by one, at most this many (the latest): a folder of thousands refused would otherwise be
 * thousands of rows made at once. A line before them counts the others.
 */
const REFUSED_SHOWN = 100;

/** The list of files not added: the latest REFUSED_SHOWN, each with its reason, after a line counting the others. */
export function refusedList(refused: readonly (RejectedFile & {id: string})[], context: TemplateContext, dismiss: (id: string) => void): TemplateResult {
  const {t} = context;
  const more = Math.max(0, refused.length - REFUSED_SHOWN);
  return html`<ul part="rejected-list" aria-label=${t.rejectedList}>
    ${more ? html`<li part="rejected-more">${t.moreRejected ? t.moreRejected(more) : more === 1 ? '1 more file was not added' : `${more} more files were not added`}</li>` : nothing}
    ${repeat(refused.slice(more), (entry) => entry.id, (entry) => refusedRow(entry, context, () => dismiss(entry.id)))}
  </ul>`;
}

/** One file refused before anything was sent, with the reason in the element's language. */
function refusedRow(entry: RejectedFile, {t, disabled}: TemplateContext, dismiss: () => void): TemplateResult {
  return html`<li part="item" class="rejected">
    ${tile(entry.name)}
    <div part="info">
      <span part="name" title=${joinPath(entry.relativePath, entry.name)}>${nameWithPath(entry.relativePath, entry.name)}</span>
      <div part="meta">
        <span part="status" class="error">${t.rejected}</span>
        <span part="size">${formatBytes(entry.size)}</span>
        <span part="reason">${entry.key === 'hook' ? entry.reason : (t.reject[entry.key] ?? entry.reason)}</span>
      </div>
    </div>
    <div part="item-actions">${iconButton('dismiss-button', icons.cancel, t.actionOn(t.dismiss, entry.name), disabled, dismiss)}</div>
  </li>`;
}
