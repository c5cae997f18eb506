/**
 * Editing the list before it is sent: renaming a file that has not started (inline, 123pan's name rules,
 * the extension kept unless the user types another) and reordering (`reorderable`: a handle per row,
 * arrow keys or a pointer drag; each move announced). The form value follows the list's order.
 * Loaded on first use, with the styles of the handles, the rename field and the grid and compact layouts.
 */
import {html, nothing, svg, type ReactiveController, type ReactiveControllerHost, type TemplateResult} from 'lit';
import type {UploadTask} from '../../core/types.ts';
import type {UploadEngine} from '../../core/upload-engine.ts';
import type {Strings} from './i18n.ts';
import type {RowEdit, TemplateContext} from './rows.ts';

export {default as editStyles} from './list-edit.styles.ts';

/** A file being renamed: its id, and why the last name was refused. */
interface Renaming {
  id: string;
  error?: string;
}

const grip = html`<svg viewBox="0 0 24 24" width="16" height="16" fill="none" stroke="currentColor" stroke-width="3"
  stroke-linecap="round" aria-hidden="true" focusable="false">${svg`<path d="M9 6h.01M9 12h.01M9 18h.01M15 6h.01M15 12h.01M15 18h.01"/>`}</svg>`;

export interface ListEditOptions {
  engine(): UploadEngine;
  strings(): Strings;
  announce(text: string): void;
  /** The list's order or a name changed: the form value follows. */
  changed(): void;
  /** Brings a row into view and into the DOM (a long list renders only the rows in view). */
  reveal(id: string): Promise<void> | undefined;
}

const STEP: Record<string, number> = {ArrowUp: -1, ArrowLeft: -1, ArrowDown: 1, ArrowRight: 1};

export class ListEditController implements ReactiveController, RowEdit {
  renaming?: Renaming;
  /** Ends the drag in progress. */
  private endDrag?: () => void;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: ListEditOptions,
  ) {
    host.addController(this);
  }

  handle = (task: UploadTask, {t, disabled}: TemplateContext): TemplateResult =>
    html`<button type="button" part="button reorder-handle" class="small" aria-label=${t.moveLabel(task.name)}
      aria-describedby="move-hint" ?disabled=${disabled} @keydown=${(e: KeyboardEvent) => this.moveKey(task.id, e)}
      @pointerdown=${(e: PointerEvent) => this.moveStart(task.id, e)}>${grip}</button>`;

  field(task: UploadTask, {t}: TemplateContext): TemplateResult | undefined {
    const renaming = this.renaming;
    if (renaming?.id !== task.id) return undefined;
    return html`<input part="rename-input" aria-label=${t.renameLabel(task.name)} .value=${task.name} spellcheck="false"
        aria-invalid=${renaming.error ? 'true' : 'false'} aria-describedby="rename-error"
        @keydown=${(e: KeyboardEvent) => this.renameKey(task.id, e)} @blur=${(e: FocusEvent) => this.renameDone(task.id, e)} />
      ${renaming.error ? html`<div part="error" id="rename-error" role="alert">${renaming.error}</div>` : nothing}`;
  }

  rename(id: string): void {
    this.renaming = {id};
    this.host.requestUpdate();
    this.host.updateComplete.then(() => {
      const input = this.find<HTMLInputElement>(id, 'rename-input');
      if (!input) return;
      input.focus();
      // The name without its extension is selected: typing replaces it and keeps the extension.
      const dot = input.value.lastIndexOf('.');
      input.setSelectionRange(0, dot > 0 ? dot : input.value.length);
    });
  }

  renameKey(id: string, event: KeyboardEvent): void {
    if (event.key === 'Enter') {
      event.preventDefault();
      this.commit(id, (event.target as HTMLInputElement).value);
    } else if (event.key === 'Escape') {
      event.preventDefault();
      this.close(id);
    }
  }

  renameDone(id: string, event: FocusEvent): void {
    // Leaving the field keeps a valid name; a refused one stays shown with its reason.
    if (this.renaming?.id === id && !this.renaming.error) this.commit(id, (event.target as HTMLInputElement).value, false);
  }

  moveKey(id: string, event: KeyboardEvent): void {
    const tasks = this.options.engine().tasks;
    const from = tasks.findIndex((task) => task.id === id);
    let to = from + (STEP[event.key] ?? 0);
    if (event.key === 'Home') to = 0;
    if (event.key === 'End') to = tasks.length - 1;
    if (from < 0 || to === from) return;
    event.preventDefault();
    this.moveTo(id, to, true);
  }

  /** A drag from the handle: the row follows the pointer, to the place of the nearest row. */
  moveStart(id: string, event: PointerEvent): void {
    if (event.button !== 0) return;
    event.preventDefault();
    (event.currentTarget as HTMLElement).focus();
    // On the window, not captured on the handle: the row's element moves in the DOM while dragging.
    const move = (e: PointerEvent) => {
      const to = this.indexAt(e.clientX, e.clientY);
      if (to >= 0) this.moveTo(id, to, false);
    };
    this.endDrag?.();
    const end = () => {
      this.endDrag = undefined;
      removeEventListener('pointermove', move);
      removeEventListener('pointerup', end);
      removeEventListener('pointercancel', end);
      const tasks = this.options.engine().tasks;
      const at = tasks.findIndex((task) => task.id === id);
      if (at >= 0 && at !== from) this.said(id, at);
      this.find(id, 'reorder-handle')?.focus();
    };
    const from = this.options.engine().tasks.findIndex((task) => task.id === id);
    this.endDrag = end;
    addEventListener('pointermove', move);
    addEventListener('pointerup', end);
    addEventListener('pointercancel', end);
  }

  hostDisconnected(): void {
    this.endDrag?.();
  }

  private moveTo(id: string, to: number, announce: boolean): void {
    const engine = this.options.engine();
    const from = engine.tasks.findIndex((task) => task.id === id);
    engine.move?.(id, to);
    if (engine.tasks.findIndex((task) => task.id === id) === from) return;
    this.options.changed();
    this.host.requestUpdate();
    if (announce) this.said(id, to);
    // Moving a row's element takes the focus from its handle: it goes back (in view, in a long list).
    this.host.updateComplete.then(() => this.options.reveal(id)).then(() => this.find(id, 'reorder-handle')?.focus());
  }

  private said(id: string, at: number): void {
    const tasks = this.options.engine().tasks;
    const task = tasks[at];
    if (task?.id === id) this.options.announce(this.options.strings().announceMoved(task.name, at + 1, tasks.length));
  }

  private commit(id: string, typed: string, refocus = true): void {
    const engine = this.options.engine();
    const task = engine.tasks.find((t) => t.id === id);
    if (!task) return this.close(id);
    let name = typed.trim();
    // The extension stays unless the user typed one.
    const dot = task.name.lastIndexOf('.');
    if (dot > 0 && name && !name.includes('.')) name += task.name.slice(dot);
    if (name === task.name) return this.close(id, refocus);
    const refusal = engine.rename ? engine.rename(id, name) : `"${task.name}" cannot be renamed here`;
    if (refusal) {
      this.renaming = {id, error: refusal};
      this.host.requestUpdate();
      this.host.updateComplete.then(() => this.find<HTMLInputElement>(id, 'rename-input')?.focus());
      return;
    }
    this.options.changed();
    this.close(id, refocus);
  }

  private close(id: string, refocus = true): void {
    if (this.renaming?.id !== id) return;
    this.renaming = undefined;
    this.host.requestUpdate();
    if (refocus) this.host.updateComplete.then(() => this.find(id, 'rename-button')?.focus());
  }

  private indexAt(x: number, y: number): number {
    const rows = [...this.host.shadowRoot!.querySelectorAll<HTMLElement>('[part~="list"] > [part~="item"]')];
    let best: HTMLElement | undefined;
    let bestDistance = Infinity;
    for (const row of rows) {
      const r = row.getBoundingClientRect();
      const distance = Math.hypot(x - (r.left + r.width / 2), y - (r.top + r.height / 2));
      if (distance < bestDistance) [best, bestDistance] = [row, distance];
    }
    // The list's index, not the DOM's: a long list renders only a window of its rows.
    const id = best?.dataset.id;
    return id === undefined ? -1 : this.options.engine().tasks.findIndex((task) => task.id === id);
  }

  private find<T extends HTMLElement>(id: string, part: string): T | null {
    return this.host.shadowRoot!.querySelector<T>(`[data-id="${CSS.escape(id)}"] [part~="${part}"]`);
  }
}
