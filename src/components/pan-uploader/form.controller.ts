/**
 * Form participation through ElementInternals: the value is the uploaded files' fileIDs (one form entry
 * each, under `name`); `required` with nothing uploaded, or uploads still running or paused, make it invalid.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {ExistingFile} from '../../core/existing.ts';
import {UploadStatus, type UploadTask} from '../../core/types.ts';
import type {Strings} from './i18n.ts';
import {isPending} from './status.ts';

export interface FormHost extends ReactiveControllerHost, HTMLElement {
  name: string;
  required: boolean;
}

export interface FormOptions {
  /** The engine's tasks, or undefined while there is no engine. */
  tasks(): readonly UploadTask[] | undefined;
  /** Where the browser points its validation bubble. */
  anchor(): HTMLElement | undefined;
  strings(): Strings;
}

export class FormController implements ReactiveController {
  readonly internals: ElementInternals;
  /** A fieldset or form disables the element. */
  disabled = false;
  private valueKey = '';
  private idsKey = '';
  private resetting = false;
  private synced?: {name: string; required: boolean};

  constructor(
    private readonly host: FormHost,
    private readonly options: FormOptions,
  ) {
    this.internals = host.attachInternals();
    host.addController(this);
  }

  /** The uploaded files' fileIDs, in list order. */
  get value(): string[] {
    return (this.options.tasks() ?? [])
      .filter((task) => task.status === UploadStatus.DONE && task.fileID !== undefined && task.fileID !== '' && task.fileID !== 0)
      .map((task) => String(task.fileID));
  }

  /** The value's files as existing-file entries (what a restored form lists again). */
  entries(): ExistingFile[] {
    return (this.options.tasks() ?? [])
      .filter((task) => task.status === UploadStatus.DONE && task.fileID !== undefined && task.fileID !== '' && task.fileID !== 0)
      .map((task) => ({
        fileID: task.fileID!,
        name: task.name,
        size: task.size,
        ...(task.downloadURL ? {url: task.downloadURL} : {}),
        ...(task.thumbnailURL ? {thumbnail: task.thumbnailURL} : {}),
      }));
  }

  /** Sets the form value when it changed (with `change` when `dispatchChange`), then the validity. */
  sync(dispatchChange: boolean): void {
    const host = this.host;
    const ids = this.value;
    const idsKey = ids.join('\u0000');
    // The state the browser gives back on back/forward navigation: the entries with their names and sizes.
    const state = JSON.stringify(this.entries());
    const key = `${host.name}\u0001${idsKey}\u0001${state}`;
    if (key !== this.valueKey) {
      const valueChanged = idsKey !== this.idsKey;
      this.valueKey = key;
      this.idsKey = idsKey;
      if (host.name && ids.length) {
        const data = new FormData();
        for (const id of ids) data.append(host.name, id);
        this.internals.setFormValue(data, state);
      } else {
        this.internals.setFormValue(null, state);
      }
      if (dispatchChange && valueChanged && !this.resetting) host.dispatchEvent(new Event('change', {bubbles: true, composed: true}));
    }
    this.syncValidity();
  }

  syncValidity(): void {
    const t = this.options.strings();
    const running = this.options.tasks()?.some((task) => isPending(task.status) || task.status === UploadStatus.PAUSED) ?? false;
    const anchor = this.options.anchor();
    if (running) {
      this.internals.setValidity({customError: true}, t.uploadsRunning, anchor);
    } else if (this.host.required && this.value.length === 0) {
      this.internals.setValidity({valueMissing: true}, t.valueMissing, anchor);
    } else {
      this.internals.setValidity({});
    }
  }

  /**
   * The form was reset: `restore` returns the list to the value the page set (empty when none); like a
   * native input's, a reset dispatches no `change`.
   */
  async reset(restore: () => unknown): Promise<void> {
    this.resetting = true;
    try {
      await restore();
    } finally {
      this.resetting = false;
    }
    this.sync(false);
  }

  setDisabled(disabled: boolean): void {
    if (disabled === this.disabled) return;
    this.disabled = disabled;
    this.host.requestUpdate();
  }

  hostConnected(): void {
    this.sync(false);
  }

  hostUpdate(): void {
    const {name, required} = this.host;
    if (this.synced?.name === name && this.synced.required === required) return;
    this.synced = {name, required};
    this.sync(false);
  }

  hostUpdated(): void {
    // The anchor for validation bubbles exists only after the first render.
    if (!this.internals.validity.valid) this.syncValidity();
  }
}
