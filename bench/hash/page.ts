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
  /** Main-thread tasks over 50 ms while hashing (PerformanceObserver 'longtask'). */
  longTasks: number;
  longestTaskMs: number;
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
  const longTasks: PerformanceEntry[] = [];
  const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
  observer.observe({type: 'longtask'});
  const started = performance.now();
  const result = await pool.run({blob: file, engine, sliceSize});
  const ms = performance.now() - started;
  await new Promise((resolve) => setTimeout(resolve, 0));
  observer.disconnect();
  pool.close();
  return {
    ms,
    md5: result.md5,
    sliceCount: result.sliceMD5s.length,
    engine: result.engine,
    size: file.size,
    longTasks: longTasks.length,
    longestTaskMs: Math.max(0, ...longTasks.map((t) => t.duration)),
  };
};
