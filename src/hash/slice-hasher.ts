import type {MD5Hasher} from './md5-hasher.ts';

/** Turns a stream of chunks into one MD5 per `sliceSize` bytes, cutting chunks at slice boundaries with views, never copies. */
export class SliceHasher {
  private readonly md5s: string[] = [];
  private fill = 0;

  constructor(
    private readonly hasher: MD5Hasher,
    private readonly sliceSize: number,
  ) {}

  update(chunk: Uint8Array): void {
    for (let offset = 0; offset < chunk.length; ) {
      const take = Math.min(chunk.length - offset, this.sliceSize - this.fill);
      this.hasher.update(chunk.subarray(offset, offset + take));
      offset += take;
      this.fill += take;
      if (this.fill === this.sliceSize) {
        this.md5s.push(this.hasher.digest());
        this.fill = 0;
      }
    }
  }

  /** Every slice's MD5, the last (shorter) slice included. */
  finish(): string[] {
    if (this.fill > 0) this.md5s.push(this.hasher.digest());
    this.fill = 0;
    return this.md5s;
  }
}
