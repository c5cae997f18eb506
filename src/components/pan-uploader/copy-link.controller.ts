/** Copies a finished file's download link; its button says "Copied" (or that it failed) for a moment. */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {UploadTask} from '../../core/types.ts';

/** How long the button shows the outcome. */
const SHOWN_MS = 2500;

export class CopyLinkController implements ReactiveController {
  /** The row whose link was just copied, and whether the clipboard took it. */
  copied: {id: string; ok: boolean} | null = null;
  private timer?: ReturnType<typeof setTimeout>;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly said: (ok: boolean) => void,
  ) {
    host.addController(this);
  }

  /** The outcome for one row, or null when its link was not just copied. */
  outcomeFor(id: string): {ok: boolean} | null {
    return this.copied?.id === id ? this.copied : null;
  }

  async copy(task: UploadTask): Promise<void> {
    let ok = true;
    try {
      await navigator.clipboard.writeText(task.downloadURL!);
    } catch {
      ok = false;
    }
    this.show({id: task.id, ok});
    this.said(ok);
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.show(null), SHOWN_MS);
  }

  hostDisconnected(): void {
    clearTimeout(this.timer);
  }

  private show(copied: {id: string; ok: boolean} | null): void {
    this.copied = copied;
    this.host.requestUpdate();
  }
}
