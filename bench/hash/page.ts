// The benchmark's page: hashes the file set on #file with the options the driver passes, and times it.
import {HashPool} from '../../src/hash/index.ts';
import type {HashEngine, HashTuning} from '../../src/hash/types.ts';

export interface BenchRun {
  engine: HashEngine;
  sliceSize?: number;
  tuning?: Partial<HashTuning>;
  /** false: one worker does everything; default: the pool's own choice (a second worker hashes slices). */
  helpers?: boolean;
}

export interface BenchResult {
  ms: number;
  md5: string;
  sliceCount: number;
  engine: 'wasm' | 'spark';
  size: number;
  longestMainThreadGapMs: number;
}

declare global {
  interface Window {
    runHash(run: BenchRun): Promise<BenchResult>;
  }
}

window.runHash = async ({engine, sliceSize, tuning, helpers}) => {
  const file = (document.getElementById('file') as HTMLInputElement).files![0]!;
  const pool = new HashPool({tuning, helpers});
  // Start the workers and their engines first, so the timing is of hashing, not of starting.
  await Promise.all([1, 2].map(() => pool.run({blob: new Blob([new Uint8Array(1)]), engine})));
  // How long the page's thread was ever blocked: a timer that should fire every 10 ms.
  let longestGap = 0;
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    longestGap = Math.max(longestGap, now - last);
    last = now;
  }, 10);
  const started = performance.now();
  const result = await pool.run({blob: file, engine, sliceSize});
  const ms = performance.now() - started;
  clearInterval(ticker);
  pool.close();
  return {ms, md5: result.md5, sliceCount: result.sliceMD5s.length, engine: result.engine, size: file.size, longestMainThreadGapMs: longestGap};
};
