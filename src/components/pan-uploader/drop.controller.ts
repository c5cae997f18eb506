/**
 * Files dropped anywhere on the element (folders walked with `directory`) or pasted into it. Only drags that
 * carry files are taken, so text dragged over the page still goes where it was going.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {FileWithPath} from '../../core/types.ts';
import {filesFromDataTransfer} from './collect-files.ts';

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
    this.host.addEventListener('dragenter', this.onDragEnter);
    this.host.addEventListener('dragover', this.onDragOver);
    this.host.addEventListener('dragleave', this.onDragLeave);
    this.host.addEventListener('drop', this.onDrop);
    this.host.addEventListener('paste', this.onPaste);
  }

  hostDisconnected(): void {
    this.host.removeEventListener('dragenter', this.onDragEnter);
    this.host.removeEventListener('dragover', this.onDragOver);
    this.host.removeEventListener('dragleave', this.onDragLeave);
    this.host.removeEventListener('drop', this.onDrop);
    this.host.removeEventListener('paste', this.onPaste);
  }

  private setDragging(dragging: boolean): void {
    if (dragging === this.dragging) return;
    this.dragging = dragging;
    this.host.requestUpdate();
  }

  private takes(event: DragEvent): boolean {
    return !this.options.disabled() && !!event.dataTransfer && Array.from(event.dataTransfer.types).includes('Files');
  }

  private readonly onDragEnter = (event: DragEvent) => {
    if (!this.takes(event)) return;
    event.preventDefault();
    this.depth++;
    this.setDragging(true);
  };

  private readonly onDragOver = (event: DragEvent) => {
    if (!this.takes(event)) return;
    event.preventDefault();
    event.dataTransfer!.dropEffect = 'copy';
  };

  private readonly onDragLeave = () => {
    this.depth = Math.max(0, this.depth - 1);
    if (!this.depth) this.setDragging(false);
  };

  private readonly onDrop = async (event: DragEvent) => {
    this.depth = 0;
    this.setDragging(false);
    if (this.options.disabled() || !event.dataTransfer) return;
    event.preventDefault();
    const files = await filesFromDataTransfer(event.dataTransfer, {folders: this.options.folders()});
    if (files.length) this.options.add(files);
  };

  private readonly onPaste = async (event: ClipboardEvent) => {
    if (this.options.disabled() || !event.clipboardData?.files.length) return;
    event.preventDefault();
    const files = await filesFromDataTransfer(event.clipboardData, {folders: false});
    if (files.length) this.options.add(files);
  };
}
