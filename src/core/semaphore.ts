/** A counting limit with a FIFO wait list, abortable while waiting: slices of all files share one. */
export class Semaphore {
  private limit: number;
  private used = 0;
  private readonly waiting: {grant: () => void; signal?: AbortSignal; onAbort: () => void}[] = [];
  constructor(limit: number) {
    this.limit = Math.max(1, Math.floor(limit));
  }

  get inUse(): number {
    return this.used;
  }

  setLimit(limit: number): void {
    this.limit = Math.max(1, Math.floor(limit));
    this.drain();
  }

  acquire(signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    if (this.used < this.limit && this.waiting.length === 0) {
      this.used++;
      return Promise.resolve();
    }
    return new Promise((resolve, reject) => {
      const entry = {
        signal,
        grant: () => {
          signal?.removeEventListener('abort', entry.onAbort);
          resolve();
        },
        onAbort: () => {
          const i = this.waiting.indexOf(entry);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal!.reason);
        },
      };
      signal?.addEventListener('abort', entry.onAbort, {once: true});
      this.waiting.push(entry);
    });
  }

  release(): void {
    this.used = Math.max(0, this.used - 1);
    this.drain();
  }

  private drain(): void {
    while (this.used < this.limit && this.waiting.length) {
      this.used++;
      this.waiting.shift()!.grant();
    }
  }
}
