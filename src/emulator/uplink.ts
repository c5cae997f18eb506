/**
 * A client's uplink, for the Node server: request bodies to the upload and storage servers are read at most this
 * many bytes a second, all connections together, as one link carries them. Reading slower makes TCP hold the
 * sender back, so the browser's own upload slows as it would on a real link. Used by benchmarks to ask what an
 * upload costs when the network, not this machine's CPU, is what the user waits for.
 */
import {setTimeout as sleep} from 'node:timers/promises';

export class Uplink {
  /** When the link is free again (ms, performance.now()). */
  private freeAt = 0;

  constructor(private readonly bytesPerSecond: number) {
    if (!(bytesPerSecond > 0) || !Number.isFinite(bytesPerSecond)) throw new RangeError(`uplinkBytesPerSecond must be a positive number, not ${bytesPerSecond}`);
  }

  /** The body, its chunks let through no faster than the link carries them. */
  async *carry(body: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
    for await (const chunk of body) {
      const now = performance.now();
      this.freeAt = Math.max(this.freeAt, now) + (chunk.byteLength / this.bytesPerSecond) * 1000;
      // Waits of a few ms are let run ahead, so timers' granularity does not slow the link below its rate.
      if (this.freeAt - now > 4) await sleep(this.freeAt - now);
      yield chunk;
    }
  }
}
