/**
 * At most one call per interval: a call inside the interval is deferred to its end (once, however many
 * came), so the last figures always go out. Used for each task's progress events and the queue's.
 */
export class Throttle {
  private last = 0;
  private timer?: ReturnType<typeof setTimeout>;
  private readonly interval: () => number;
  private readonly send: () => void;
  constructor(interval: () => number, send: () => void) {
    this.interval = interval;
    this.send = send;
  }

  /** Sends now when the interval has passed (or `force`), else once at its end. */
  request(force = false): void {
    const now = performance.now();
    const interval = this.interval();
    if (force || now - this.last >= interval) {
      this.cancel();
      this.fire();
    } else {
      this.timer ??= setTimeout(() => this.fire(), interval - (now - this.last));
    }
  }

  cancel(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
  }

  private fire(): void {
    this.last = performance.now();
    this.timer = undefined;
    this.send();
  }
}
