/**
 * The list's rows as pure templates: what a file looks like in each status, and the buttons that status
 * allows. They read the task and the context handed in, and call back for every action.
 */
import {html, nothing, type TemplateResult} from 'lit';
import {repeat} from 'lit/directives/repeat.js';
import {UploadStatus, type UploadTask} from '../../core/types.ts';
import {formatBytes} from '../../shared/format-bytes.ts';
import {errorText, formatDuration, type Strings} from './i18n.ts';
import {icons} from './icons.ts';
import {scaleX} from './scale-x.ts';
import {isFailed, isPending} from './status.ts';

/** What every template of the element reads: its strings and whether it is disabled. */
export interface TemplateContext {
  t: Strings;
  disabled: boolean;
}

/** What a file's buttons do. */
export interface TaskActions {
  pause(id: string): void;
  resume(id: string): void;
  cancel(id: string): void;
  retry(id: string): void;
  remove(id: string): void;
  copyLink(task: UploadTask): void;
  /** Opens the rename field of a file that has not started. */
  rename(id: string): void;
}

/** What list editing adds to a row (its code loads on first use). */
export interface RowEdit {
  /** The reorder handle (with `reorderable`). */
  handle?(task: UploadTask, context: TemplateContext): TemplateResult;
  /** The rename field, while this file is being renamed. */
  field(task: UploadTask, context: TemplateContext): TemplateResult | undefined;
}

export interface TaskRowContext extends TemplateContext {
  /** An image preview's URL; without one the row shows a tile with the extension. */
  thumbnail?: string;
  /** Whether this row's link was just copied, and whether the clipboard took it. */
  copied: {ok: boolean} | null;
  actions: TaskActions;
  edit?: RowEdit;
}

/** 123pan's own words in an error message ('… answered code 1 "文件上传失败" …'): code 1 is also a final refusal, whose reason only they give. */
function serverSays(message: string): string | undefined {
  return /answered code \d+ "([^"]{1,300})"/.exec(message)?.[1];
}

/** One file of the queue. */
export function taskRow(task: UploadTask, {t, disabled, thumbnail, copied, actions, edit}: TaskRowContext): TemplateResult {
  const status = task.status;
  const percent = status === UploadStatus.DONE ? 100 : task.total ? Math.min(100, Math.floor((task.loaded / task.total) * 100)) : 0;
  const uploading = status === UploadStatus.UPLOADING;
  // A URL import has no size until 123pan has the image: it shows where it comes from instead.
  const source = task.url && status !== UploadStatus.DONE ? hostOf(task.url) : undefined;
  const showBytes = !task.url && (uploading || status === UploadStatus.PAUSED || status === UploadStatus.COMPLETING);
  const statusText = task.missing
    ? t.notFound
    : status === UploadStatus.HASHING
      ? `${t.status.hashing} ${percent}%`
      : task.url && (status === UploadStatus.CREATING || uploading)
        ? t.importing
        : t.status[status];
  const error = status === UploadStatus.ERROR ? task.error : undefined;
  const done = status === UploadStatus.DONE;
  // An image-host file the record already has previews from its own link.
  const preview = thumbnail ?? task.thumbnailURL ?? (task.existing && task.target === 'image' ? task.downloadURL : undefined);
  const field = edit?.field(task, {t, disabled});
  return html`<li part="item" class=${status} data-id=${task.id}>
    ${edit?.handle?.(task, {t, disabled}) ?? nothing}
    ${preview
      ? // Its own <img> per picture: a row of a long list is reused for another file as the list scrolls, and an <img>
        // given a new src keeps showing the old picture until the new one is decoded.
        repeat([preview], (url) => url, (url) => html`<img part="thumbnail" src=${url} alt="" loading="lazy" decoding="async" />`)
      : tile(task.name)}
    <div part="info">
      ${field ??
        html`<span part="name" title=${joinPath(task.relativePath, task.name)}>${nameWithPath(task.relativePath, task.name)}</span>`}
      <div part="meta">
        <span part="status" class=${task.missing ? 'error' : status}>${statusText}</span>
        ${source !== undefined
          ? html`<span part="source" title=${task.url!}>${t.importFrom(source)}</span>`
          : task.missing ? nothing : html`<span part="size">${showBytes ? `${formatBytes(Math.min(task.loaded, task.size))} / ` : ''}${formatBytes(task.size)}</span>`}
        ${uploading || status === UploadStatus.PAUSED ? html`<span part="percent">${percent}%</span>` : nothing}
        ${uploading && task.bytesPerSecond > 0 ? html`<span part="speed">${t.speed(formatBytes(task.bytesPerSecond))}</span>` : nothing}
        ${uploading && task.etaSeconds !== undefined
          ? html`<span part="eta">${t.eta(formatDuration(t, task.etaSeconds))}</span>`
          : nothing}
        ${done && task.reused ? html`<span part="note">${t.instant}</span>` : nothing}
        ${task.resumed && !done ? html`<span part="note">${t.resumed}</span>` : nothing}
        ${task.note ? html`<span part="note prepared">${task.imageNote && t.imageNote ? t.imageNote(task.imageNote) : task.note}</span>` : nothing}
        ${done && task.downloadURL
          ? html`<a part="link" href=${task.downloadURL} target="_blank" rel="noopener noreferrer"
              aria-label=${t.actionOn(t.openLink, task.name)}>${t.openLink}</a>`
          : nothing}
      </div>
      ${error
        ? html`<div part="error">
            ${error.key === 'hook' ? error.message : errorText(t, error)}
            ${error.key === 'server' && serverSays(error.message) ? html`<span part="server-message">${serverSays(error.message)}</span>` : nothing}
            ${error.traceID ? html`<span part="trace-id">${t.traceID}: ${error.traceID}</span>` : nothing}
          </div>`
        : nothing}
    </div>
    <div part="item-actions">${taskButtons(task, t, disabled, copied, actions)}</div>
    ${done || status === UploadStatus.CANCELED
      ? nothing
      : html`<div part="progress" role="progressbar" aria-label=${t.progressOf(task.name)} aria-valuemin="0"
          aria-valuemax="100" aria-valuenow=${percent} aria-valuetext=${`${percent}% · ${statusText}`}>
          <div part="progress-bar" class=${status} ${scaleX(percent / 100)}></div>
        </div>`}
  </li>`;
}

/** The buttons a file's status allows. */
function taskButtons(task: UploadTask, t: Strings, disabled: boolean, copied: {ok: boolean} | null, actions: TaskActions): TemplateResult {
  const {id, name, status} = task;
  const button = (part: string, icon: TemplateResult, label: string, onClick: () => void) => iconButton(part, icon, label, disabled, onClick);
  const buttons: TemplateResult[] = [];
  if (isPending(status)) buttons.push(button('pause-button', icons.pause, t.actionOn(t.pause, name), () => actions.pause(id)));
  if (status === UploadStatus.PAUSED) buttons.push(button('resume-button', icons.resume, t.actionOn(t.resume, name), () => actions.resume(id)));
  if (isPending(status) || status === UploadStatus.PAUSED) {
    buttons.push(button('cancel-button', icons.cancel, t.actionOn(t.cancel, name), () => actions.cancel(id)));
  }
  // A file not yet started may be renamed (a hook or image step may still rename it after).
  if (status === UploadStatus.QUEUED && !task.url && !task.existing) {
    buttons.push(button('rename-button', icons.rename, t.actionOn(t.rename, name), () => actions.rename(id)));
  }
  if (isFailed(status)) buttons.push(button('retry-button', icons.retry, t.actionOn(t.retry, name), () => actions.retry(id)));
  if (status === UploadStatus.DONE && task.downloadURL) {
    const label = copied ? (copied.ok ? t.copied : t.copyFailed) : t.actionOn(t.copyLink, name);
    buttons.push(button('copy-button', copied?.ok ? icons.check : icons.copy, label, () => actions.copyLink(task)));
  }
  if (!isPending(status) && status !== UploadStatus.PAUSED) {
    buttons.push(button('remove-button', icons.remove, t.actionOn(t.remove, name), () => actions.remove(id)));
  }
  return html`${buttons}`;
}

export function iconButton(part: string, icon: TemplateResult, label: string, disabled: boolean, onClick: () => void): TemplateResult {
  return html`<button type="button" part="button ${part}" class="small" aria-label=${label} title=${label}
    ?disabled=${disabled} @click=${onClick}>${icon}</button>`;
}

/** A tile with the file's extension, where there is no image preview. */
export function tile(name: string): TemplateResult {
  const dot = name.lastIndexOf('.');
  const ext = dot > 0 && name.length - dot <= 5 ? name.slice(dot + 1) : '';
  return html`<span part="thumbnail" aria-hidden="true">${ext || '•'}</span>`;
}

export function nameWithPath(relativePath: string, name: string): TemplateResult {
  return html`${relativePath ? html`<span part="path">${relativePath}/</span>` : nothing}${name}`;
}

export function joinPath(folder: string, name: string): string {
  return folder ? `${folder}/${name}` : name;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url;
  }
}
