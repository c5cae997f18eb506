/** Test fixtures: <pan-uploader> on a scripted engine, and helpers to wait for its throttled repaints. */
import {PanUploader} from '../../../src/components/pan-uploader/pan-uploader.component.ts';
import type {UploadManagerOptions} from '../../../src/core/types.ts';
import {FakeManager} from './fake-manager.ts';

export class FakePanUploader extends PanUploader {
  fake!: FakeManager;
  renders = 0;
  protected override createManager(options: Partial<UploadManagerOptions>): FakeManager {
    this.fake = new FakeManager(options);
    return this.fake;
  }
  protected override render() {
    this.renders++;
    return super.render();
  }
}
if (!customElements.get('pan-uploader-fake')) customElements.define('pan-uploader-fake', FakePanUploader);

declare global {
  interface HTMLElementTagNameMap {
    'pan-uploader-fake': FakePanUploader;
  }
}

/** Waits for the next animation frame and the render it triggers. */
export async function settle(el: PanUploader): Promise<void> {
  await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await new Promise((resolve) => requestAnimationFrame(() => resolve(undefined)));
  await el.updateComplete;
}

/** Mounts markup in a fresh container; returns the first <pan-uploader-fake>. */
export async function mount(markup: string): Promise<FakePanUploader> {
  const host = document.createElement('div');
  host.className = 'fixture';
  host.innerHTML = markup;
  document.body.append(host);
  const el = host.querySelector('pan-uploader-fake')!;
  // Methods create the engine lazily; touching `tasks` builds it so tests can script it.
  void el.tasks;
  await el.updateComplete;
  return el;
}

export function cleanup(): void {
  for (const node of document.querySelectorAll('.fixture')) node.remove();
}

export function file(name: string, size = 1024, type = ''): File {
  return new File([new Uint8Array(size)], name, {type, lastModified: 1_700_000_000_000});
}

export function part(el: Element, name: string): HTMLElement | null {
  return el.shadowRoot!.querySelector(`[part~="${name}"]`);
}

export function parts(el: Element, name: string): HTMLElement[] {
  return [...el.shadowRoot!.querySelectorAll<HTMLElement>(`[part~="${name}"]`)];
}

/** Collects every pan-* and change event the element dispatches. */
export function record(el: Element): Array<{type: string; detail: any; bubbles: boolean; composed: boolean}> {
  const log: Array<{type: string; detail: any; bubbles: boolean; composed: boolean}> = [];
  for (const type of [
    'pan-file-added',
    'pan-file-rejected',
    'pan-upload-start',
    'pan-upload-progress',
    'pan-upload-success',
    'pan-upload-error',
    'pan-queue-complete',
    'change',
  ]) {
    el.addEventListener(type, (event) =>
      log.push({type, detail: (event as CustomEvent).detail, bubbles: event.bubbles, composed: event.composed}),
    );
  }
  return log;
}
