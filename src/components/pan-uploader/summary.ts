/** The queue's summary as a pure template: overall progress, speed and time left, and the buttons for all files. */
import {html, nothing, type TemplateResult} from 'lit';
import type {QueueTotals, UploadTask} from '../../core/types.ts';
import {formatBytes} from '../../shared/format-bytes.ts';
import {formatDuration} from './i18n.ts';
import type {TemplateContext} from './rows.ts';
import {scaleX} from './scale-x.ts';

/** What the queue's buttons do. */
export interface QueueActions {
  start(): void;
  pause(): void;
  resume(): void;
  retry(): void;
  clear(): void;
}

export interface SummaryContext extends TemplateContext {
  /** With `manual`, an Upload button starts the queued files. */
  manual: boolean;
  actions: QueueActions;
}

/** The counts come with the engine's totals (one pass, which the bytes need anyway): none of its own over a long list. */
export function queueSummary(tasks: readonly UploadTask[], totals: QueueTotals, {t, disabled, manual, actions}: SummaryContext): TemplateResult {
  const counted = tasks.length - totals.canceled;
  const percent = totals.total ? Math.min(100, Math.floor((totals.loaded / totals.total) * 100)) : 0;
  const running = totals.active > 0;
  const queued = totals.queued > 0;
  const paused = totals.paused > 0;
  const failed = totals.failed + totals.canceled > 0;
  const figures = [
    running && totals.bytesPerSecond > 0 ? t.speed(formatBytes(totals.bytesPerSecond)) : '',
    running && totals.etaSeconds !== undefined ? t.eta(formatDuration(t, totals.etaSeconds)) : '',
  ].filter(Boolean);
  const button = (part: string, label: string, onClick: () => void, className = 'small') =>
    html`<button type="button" part="button ${part}" class=${className} ?disabled=${disabled} @click=${onClick}>${label}</button>`;
  return html`
    <div part="summary">
      <div part="summary-text">
        <strong>${t.countDone(totals.succeeded, counted)}</strong>
        ${totals.failed ? html` · <span>${t.failedCount(totals.failed)}</span>` : nothing}
        ${figures.length ? html` · ${figures.join(' · ')}` : nothing}
      </div>
      <div part="toolbar">
        ${manual && queued ? button('upload', t.upload, () => actions.start(), 'primary small') : nothing}
        ${running || (queued && !manual) ? button('pause-all', t.pauseAll, () => actions.pause()) : nothing}
        ${paused ? button('resume-all', t.resumeAll, () => actions.resume()) : nothing}
        ${failed ? button('retry-all', t.retry, () => actions.retry()) : nothing}
        ${button('clear', t.clear, () => actions.clear(), 'small danger')}
      </div>
      <div part="overall-progress progress" role="progressbar" aria-label=${t.overall} aria-valuemin="0"
        aria-valuemax="100" aria-valuenow=${percent}>
        <div part="progress-bar" class=${totals.failed && !running ? 'error' : percent === 100 ? 'done' : ''}
          ${scaleX(percent / 100)}></div>
      </div>
    </div>
  `;
}
