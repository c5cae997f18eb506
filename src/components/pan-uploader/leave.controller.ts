/**
 * No lost work: while files upload, leaving the page asks first (`beforeunload`, unless `no-leave-warning`),
 * and with `title-progress` the tab's title starts with the overall percent until the queue is done.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import type {QueueTotals, UploadTask} from '../../core/types.ts';
import {isPending} from './status.ts';

export interface LeaveHost extends ReactiveControllerHost, HTMLElement {
  noLeaveWarning: boolean;
  titleProgress: boolean;
}

export class LeaveController implements ReactiveController {
  /** The page's own title, while ours is shown. */
  private pageTitle?: string;
  private shown = '';

  constructor(
    private readonly host: LeaveHost,
    private readonly queue: () => {tasks: readonly UploadTask[]; totals(): QueueTotals} | undefined,
  ) {
    host.addController(this);
  }

  private readonly onBeforeUnload = (event: BeforeUnloadEvent) => {
    if (this.host.noLeaveWarning || !this.running()) return;
    event.preventDefault();
    // Older engines ask only when returnValue is set.
    event.returnValue = '';
  };

  hostConnected(): void {
    addEventListener('beforeunload', this.onBeforeUnload);
  }

  hostDisconnected(): void {
    removeEventListener('beforeunload', this.onBeforeUnload);
    this.restoreTitle();
  }

  hostUpdated(): void {
    const queue = this.queue();
    if (!this.host.titleProgress || !queue || !this.running()) return this.restoreTitle();
    const {loaded, total} = queue.totals();
    // The page may change its title meanwhile: that becomes the title to restore.
    if (this.pageTitle === undefined || document.title !== this.shown) this.pageTitle = document.title;
    this.shown = `${total ? Math.floor((loaded / total) * 100) : 0}% · ${this.pageTitle}`;
    document.title = this.shown;
  }

  /** Files wait, run or are paused: there is work a closed tab would lose. */
  running(): boolean {
    return this.queue()?.tasks.some((task) => isPending(task.status) || task.status === 'paused') ?? false;
  }

  private restoreTitle(): void {
    if (this.pageTitle === undefined) return;
    if (document.title === this.shown) document.title = this.pageTitle;
    this.pageTitle = undefined;
  }
}
