/** Bytes per second over a sliding window, and the ETA it implies. */
export class SpeedMeter {
  private readonly windowMs: number;
  private samples: {time: number; bytes: number}[] = [];
  constructor(windowMs = 3000) {
    this.windowMs = windowMs;
  }

  /** `bytes` is the running total sent so far. */
  add(bytes: number, time = performance.now()): void {
    this.samples.push({time, bytes});
    while (this.samples.length > 2 && time - this.samples[0].time > this.windowMs) this.samples.shift();
  }

  reset(): void {
    this.samples = [];
  }

  bytesPerSecond(now = performance.now()): number {
    if (this.samples.length < 2) return 0;
    const first = this.samples[0];
    const last = this.samples[this.samples.length - 1];
    // A stall shows as falling speed rather than the last good figure.
    const span = Math.max(now, last.time) - first.time;
    return span > 0 ? Math.max(0, ((last.bytes - first.bytes) * 1000) / span) : 0;
  }
}

export function etaSeconds(remaining: number, bytesPerSecond: number): number | undefined {
  if (remaining <= 0) return 0;
  return bytesPerSecond > 0 ? remaining / bytesPerSecond : undefined;
}
