/** The drop zone with its pickers, and the image host's URL-import field, as pure templates. */
import {html, nothing, type TemplateResult} from 'lit';
import {icons} from './icons.ts';
import type {TemplateContext} from './rows.ts';

export interface DropZoneContext extends TemplateContext {
  image: boolean;
  dragging: boolean;
  /** Offer a folder picker. */
  directory: boolean;
  multiple: boolean;
  accept: string;
  /** Camera buttons to offer (phones open the camera through `capture`; desktops show a file picker). */
  camera: readonly ('photo' | 'video')[];
  openPicker(kind: 'files' | 'folder' | 'photo' | 'video'): void;
  picked(event: Event): void;
}

export function dropZone({t, disabled, image, dragging, directory, multiple, accept, camera, openPicker, picked}: DropZoneContext): TemplateResult {
  return html`<div part="dropzone" class=${dragging ? 'dragging' : ''} role="group" aria-labelledby="drop-title"
    aria-describedby="drop-hint">
    <slot name="drop-icon">${icons.upload}</slot>
    <p part="drop-title" id="drop-title"><slot name="drop-title">${dragging ? t.dropActive : t.dropTitle}</slot></p>
    <p part="drop-hint" id="drop-hint"><slot name="drop-hint">${image ? t.dropHintImage : t.dropHint}</slot></p>
    <div part="pickers">
      <button type="button" part="button choose-files" class="primary" ?disabled=${disabled}
        @click=${() => openPicker('files')}>${t.chooseFiles}</button>
      ${directory
        ? html`<button type="button" part="button choose-folder" ?disabled=${disabled}
            @click=${() => openPicker('folder')}>${t.chooseFolder}</button>`
        : nothing}
      ${camera.map(
        (kind) => html`<button type="button" part="button camera-${kind}" ?disabled=${disabled}
          @click=${() => openPicker(kind)}>${kind === 'photo' ? t.takePhoto : t.recordVideo}</button>`,
      )}
    </div>
    ${camera.map(
      (kind) => html`<input type="file" data-picker=${kind} hidden tabindex="-1" aria-hidden="true" capture="environment"
        accept=${kind === 'photo' ? 'image/*' : 'video/*'} @change=${picked} />`,
    )}
    <input type="file" data-picker="files" hidden tabindex="-1" aria-hidden="true" ?multiple=${multiple}
      accept=${accept || (image ? 'image/*' : '')} @change=${picked} />
    ${directory
      ? html`<input type="file" data-picker="folder" hidden tabindex="-1" aria-hidden="true" webkitdirectory multiple
          @change=${picked} />`
      : nothing}
  </div>`;
}

/** A field where an image's web address is pasted for the image host to download. */
export function urlImportForm({t, disabled}: TemplateContext, submit: (event: SubmitEvent) => void): TemplateResult {
  return html`<form part="url-import" @submit=${submit}>
    <label part="url-label" for="url-input">${t.importLabel}</label>
    <input part="url-input" id="url-input" type="url" inputmode="url" autocomplete="off" spellcheck="false"
      placeholder="https://example.com/image.png" ?disabled=${disabled} />
    <button type="submit" part="button url-submit" ?disabled=${disabled}>${t.importButton}</button>
  </form>`;
}
