/**
 * What a screen reader hears, through one polite live region: files added, refused, started, done or
 * failed, the batch's 25/50/75 % milestones and its summary. A big batch is not read file by file.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {QueueTotals, RejectKey, UploadErrorInfo} from '../../core/types.ts';
import {errorText, type Strings} from './i18n.ts';

const MILESTONES = [25, 50, 75];
/** Per-file "done" announcements only for small batches; a big batch gets milestones and a summary. */
const ANNOUNCE_EACH_UP_TO = 3;

export class AnnouncerController implements ReactiveController {
  /** The live region's text. */
  text = '';
  private batchActive = false;
  private batchSize = 0;
  private readonly milestonesSaid = new Set<number>();
  private saidThisFrame = false;
  private frameEnded = false;

  constructor(
    private readonly host: ReactiveControllerHost,
    private readonly strings: () => Strings,
    /** The queue's totals, undefined while there is no engine. */
    private readonly totals: () => QueueTotals | undefined,
  ) {
    host.addController(this);
  }

  added(count: number): void {
    this.say(this.strings().announceAdded(count));
  }

  rejected(name: string, key: RejectKey, reason: string): void {
    const t = this.strings();
    this.say(t.announceRejected(name, t.reject[key] ?? reason));
  }

  /** A file started; the first of a batch announces the batch, whose size `pending` counts. */
  started(pending: () => number): void {
    if (this.batchActive) return;
    this.batchActive = true;
    this.milestonesSaid.clear();
    this.batchSize = pending();
    this.say(this.strings().announceStart(this.batchSize));
  }

  succeeded(name: string): void {
    if (this.batchSize <= ANNOUNCE_EACH_UP_TO) this.say(this.strings().announceDone(name));
  }

  failed(name: string, error: UploadErrorInfo): void {
    const t = this.strings();
    this.say(t.announceError(name, errorText(t, error)));
  }

  completed(succeeded: number, failed: number): void {
    this.batchActive = false;
    this.say(this.strings().announceComplete(succeeded, failed));
  }

  /** Words of the element's own (a move in the list). */
  announce(text: string): void {
    this.say(text);
  }

  resumed(count: number): void {
    this.say(this.strings().announceResumed(count));
  }

  copied(ok: boolean): void {
    const t = this.strings();
    this.say(ok ? t.copied : t.copyFailed);
  }

  /** A repaint frame ended: its update says the milestone reached, unless a file's own news came in this frame. */
  endFrame(): void {
    this.frameEnded = true;
  }

  hostUpdate(): void {
    if (!this.frameEnded) return;
    this.frameEnded = false;
    const totals = this.batchActive ? this.totals() : undefined;
    if (totals?.total) {
      const percent = (totals.loaded / totals.total) * 100;
      const reached = MILESTONES.filter((m) => percent >= m && !this.milestonesSaid.has(m));
      if (reached.length) {
        for (const m of reached) this.milestonesSaid.add(m);
        if (!this.saidThisFrame) this.say(this.strings().announceMilestone(reached[reached.length - 1]));
      }
    }
    this.saidThisFrame = false;
  }

  private say(text: string): void {
    this.saidThisFrame = true;
    // The same words twice would not be re-read: alternate a zero-width space.
    this.text = this.text === text ? `${text}\u200b` : text;
    this.host.requestUpdate();
  }
}
