/**
 * Files dropped anywhere on the element (folders walked with `directory`) or pasted into it. Only drags that
 * carry files are taken, so text dragged over the page still goes where it was going.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {FileWithPath} from '../../core/types.ts';
import {filesFromDataTransfer} from './collect-files.ts';

const EVENTS = ['dragenter', 'dragover', 'dragleave', 'drop', 'paste'] as const;

export interface DropOptions {
  disabled(): boolean;
  /** Walk dropped folders (the `directory` attribute). */
  folders(): boolean;
  add(files: FileWithPath[]): void;
}

export class DropController implements ReactiveController {
  /** A drag with files is over the element. */
  dragging = false;
  /** dragenter and dragleave fire for every child crossed: count them to know when the drag really left. */
  private depth = 0;

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    private readonly options: DropOptions,
  ) {
    host.addController(this);
  }

  hostConnected(): void {
    for (const type of EVENTS) this.host.addEventListener(type, this);
  }

  hostDisconnected(): void {
    for (const type of EVENTS) this.host.removeEventListener(type, this);
  }

  /** The host's listener for every event in EVENTS. */
  handleEvent(event: Event): void {
    if (event.type === 'dragenter') this.onDragEnter(event as DragEvent);
    else if (event.type === 'dragover') this.onDragOver(event as DragEvent);
    else if (event.type === 'dragleave') this.onDragLeave();
    else if (event.type === 'drop') void this.onDrop(event as DragEvent);
    else if (event.type === 'paste') void this.onPaste(event as ClipboardEvent);
  }

  private setDragging(dragging: boolean): void {
    if (dragging === this.dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }

  private takes(event: DragEvent): boolean {
    return !this.options.disabled() && !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
  }

  private onDragEnter(event: DragEvent): void {
    if (!this.takes(event)) return;
    event.preventDefault();
    this.depth++;
    this.setDragging(true);
  }

  private onDragOver(event: DragEvent): void {
    if (!this.takes(event)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
  }

  private onDragLeave(): void {
    this.depth = Math.max(0, this.depth - 1);
    if (!this.depth) this.setDragging(false);
  }

  private async onDrop(event: DragEvent): Promise<void> {
    this.depth = 0;
    this.setDragging(false);
    if (this.options.disabled() || !event.dataTransfer) return;
    event.preventDefault();
    const files = await filesFromDataTransfer(event.dataTransfer, {folders: this.options.folders()});
    if (files.length) this.options.add(files);
  }

  private async onPaste(event: ClipboardEvent): Promise<void> {
    if (this.options.disabled() || !event.clipboardData?.files.length) return;
    event.preventDefault();
    const files = await filesFromDataTransfer(event.clipboardData, {folders: false});
    if (files.length) this.options.add(files);
  }
}
