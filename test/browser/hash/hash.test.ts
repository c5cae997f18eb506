import {expect} from 'chai';
import {HashError, HashPool, hashBlob, hashFile, type HashEngine, type HashProgress} from '../../../src/hash/index.ts';
import {PIPELINE_MIN_SIZE} from '../../../src/hash/pool.ts';
import type {ReadMethod} from '../../../src/hash/types.ts';
import {fixtureBytes, fixtureCases, MiB} from './bytes.ts';
import {expectedMD5s} from './expected.ts';

const realWorker = () => new Worker(new URL('../../../src/hash/md5.worker.ts', import.meta.url), {type: 'module'});
const fileOf = (size: number, name = `fixture-${size}.bin`) => new File([fixtureBytes(size)], name);

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected the promise to reject');
}

describe('hashFile', () => {
  for (const engine of ['wasm', 'spark'] as const) {
    describe(`with engine ${engine}`, () => {
      for (const {name, size, sliceSize} of fixtureCases) {
        it(`matches node:crypto: ${name} (${size} bytes, slices of ${sliceSize})`, async () => {
          const result = await hashFile(fileOf(size), {sliceSize, engine});
          expect(result).to.deep.equal({...expectedMD5s[name], engine});
        });
      }
      it('returns no slice MD5s without a sliceSize', async () => {
        const result = await hashFile(fileOf(MiB + 1), {engine});
        expect(result).to.deep.equal({md5: expectedMD5s['one slice and one byte']!.md5, sliceMD5s: [], engine});
      });
    });
  }

  it("uses WebAssembly by default ('auto')", async () => {
    const result = await hashFile(fileOf(1));
    expect(result.engine).to.equal('wasm');
    expect(result.md5).to.equal(expectedMD5s['one byte']!.md5);
  });

  const tunings: {label: string; chunkSize: number; readAhead: number; readMethod: ReadMethod}[] = [
    {label: 'read chunks that straddle slice boundaries', chunkSize: 300_001, readAhead: 1, readMethod: 'slices'},
    {label: 'no read-ahead', chunkSize: 1 << 20, readAhead: 0, readMethod: 'slices'},
    {label: "the blob's stream", chunkSize: 1 << 20, readAhead: 2, readMethod: 'stream'},
    {label: 'FileReaderSync', chunkSize: 777_777, readAhead: 0, readMethod: 'sync'},
    // In WebKit (no BYOB reader on blob streams) this proves the fallback to slices instead.
    {label: 'a reused buffer filled from the byte stream', chunkSize: 300_001, readAhead: 0, readMethod: 'byob'},
  ];
  for (const tuning of tunings) {
    it(`stays correct with ${tuning.label}`, async () => {
      for (const helpers of [true, false]) {
        const pool = new HashPool({size: 2, helpers, tuning});
        try {
          for (const name of ['several slices', 'many slices per read chunk'] as const) {
            const {size, sliceSize} = fixtureCases.find((c) => c.name === name)!;
            for (const engine of ['wasm', 'spark'] as const) {
              const {md5, sliceMD5s} = await pool.run({blob: fileOf(size), sliceSize, engine});
              expect({md5, sliceMD5s}, `${name}, ${engine}, helpers ${helpers}`).to.deep.equal(expectedMD5s[name]);
            }
          }
        } finally {
          pool.close();
        }
      }
    });
  }

  it('reports progress in order, ending at the total', async () => {
    const size = 3 * MiB + 12_345;
    const seen: HashProgress[] = [];
    const pool = new HashPool({size: 1, tuning: {chunkSize: MiB}});
    await pool.run({blob: fileOf(size), engine: 'auto', onProgress: (p) => seen.push(p)});
    pool.close();
    expect(seen.length).to.be.greaterThanOrEqual(4);
    expect(seen.every((p) => p.total === size)).to.equal(true);
    expect(seen.map((p) => p.loaded)).to.deep.equal([...seen.map((p) => p.loaded)].sort((a, b) => a - b));
    expect(seen.at(-1)).to.deep.equal({loaded: size, total: size});
  });

  it('refuses bad input with the field and the reason', async () => {
    expect(await rejection(hashFile('x' as unknown as Blob)))
      .to.be.instanceOf(TypeError)
      .with.property('message', 'file must be a File or Blob, got string');
    for (const sliceSize of [0, -1, 1.5, Number.NaN]) {
      const error = await rejection(hashFile(fileOf(1), {sliceSize}));
      expect(error).to.be.instanceOf(RangeError);
      expect((error as Error).message).to.contain('sliceSize must be a positive whole number');
    }
    const error = await rejection(hashFile(fileOf(1), {engine: 'md4' as HashEngine}));
    expect((error as Error).message).to.equal('engine must be one of auto, wasm, spark, got "md4"');
    expect(await rejection(hashBlob(null as unknown as Blob))).to.have.property('message', 'blob must be a File or Blob, got null');
  });
});

describe('hashBlob', () => {
  it("hashes one slice on its own, matching that slice's MD5 from the whole-file pass", async () => {
    const {size, sliceSize} = fixtureCases.find((c) => c.name === 'several slices')!;
    const file = fileOf(size);
    for (const engine of ['auto', 'wasm', 'spark'] as const) {
      expect(await hashBlob(file.slice(sliceSize, 2 * sliceSize), {engine})).to.equal(expectedMD5s['several slices']!.sliceMD5s[1]);
      expect(await hashBlob(file.slice(3 * sliceSize), {engine})).to.equal(expectedMD5s['several slices']!.sliceMD5s[3]);
    }
  });
});

describe('cancelling', () => {
  it('rejects at once with the reason of a signal already aborted, starting no worker', async () => {
    const pool = new HashPool({size: 1});
    const reason = new Error('user left');
    expect(await rejection(pool.run({blob: fileOf(10), engine: 'auto', signal: AbortSignal.abort(reason)}))).to.equal(reason);
    expect(pool.workerCount).to.equal(0);
  });

  it('stops within one chunk with an AbortError, and the pool keeps working', async () => {
    const size = 64 * MiB;
    const blob = new Blob([fixtureBytes(16 * MiB), fixtureBytes(16 * MiB), fixtureBytes(16 * MiB), fixtureBytes(16 * MiB)]);
    const pool = new HashPool({size: 1, tuning: {chunkSize: MiB}});
    const controller = new AbortController();
    let abortedAt = 0;
    let lastLoaded = 0;
    const job = pool.run({
      blob,
      engine: 'spark',
      signal: controller.signal,
      onProgress: ({loaded}) => {
        lastLoaded = loaded;
        if (!abortedAt && loaded >= 2 * MiB) {
          abortedAt = performance.now();
          controller.abort();
        }
      },
    });
    const error = await rejection(job);
    const latency = performance.now() - abortedAt;
    expect(error).to.be.instanceOf(DOMException).with.property('name', 'AbortError');
    expect(latency).to.be.lessThan(100);
    expect(lastLoaded).to.be.lessThan(size);
    expect(pool.workerCount).to.equal(0);
    const after = await pool.run({blob: fileOf(1), engine: 'auto'});
    expect(after.md5).to.equal(expectedMD5s['one byte']!.md5);
    pool.close();
  });

  it('takes a job that is still waiting for a worker out of the queue', async () => {
    const pool = new HashPool({size: 1});
    const first = pool.run({blob: fileOf(MiB), engine: 'spark'});
    const controller = new AbortController();
    const second = pool.run({blob: fileOf(1), engine: 'auto', signal: controller.signal});
    controller.abort();
    expect(await rejection(second)).to.have.property('name', 'AbortError');
    expect((await first).md5).to.equal(expectedMD5s['exactly one slice']!.md5);
    pool.close();
  });
});

describe('worker pool', () => {
  it('never runs more workers than its size; waiting jobs run in turn', async () => {
    const pool = new HashPool({size: 2});
    let most = 0;
    const jobs = fixtureCases.map(({size, sliceSize}) =>
      pool.run({blob: fileOf(size), sliceSize, engine: 'spark', onProgress: () => (most = Math.max(most, pool.workerCount))}),
    );
    const results = await Promise.all(jobs);
    expect(results.map((r) => r.md5)).to.deep.equal(fixtureCases.map((c) => expectedMD5s[c.name]!.md5));
    expect(most).to.equal(2);
    expect(pool.workerCount).to.equal(2);
    pool.close();
    expect(pool.workerCount).to.equal(0);
  });

  it('hashes slices on a second worker when one is free, with the same results', async () => {
    const {size, sliceSize} = fixtureCases.find((c) => c.name === 'many slices per read chunk')!;
    for (const helpers of [true, false]) {
      const pool = new HashPool({size: 2, helpers, tuning: {chunkSize: 300_001}});
      for (const engine of ['wasm', 'spark'] as const) {
        let workersDuringJob = 0;
        const {md5, sliceMD5s} = await pool.run({blob: fileOf(size), sliceSize, engine, onProgress: () => (workersDuringJob = pool.workerCount)});
        expect({md5, sliceMD5s}, `helpers ${helpers}, ${engine}`).to.deep.equal(expectedMD5s['many slices per read chunk']);
        expect(workersDuringJob, `helpers ${helpers}`).to.equal(helpers ? 2 : 1);
      }
      pool.close();
    }
  });

  it("reads a big file on one worker and hashes it on another, with the one-worker result (the engine's whole-file MD5)", async () => {
    const blob = fileOf(PIPELINE_MIN_SIZE + 12_345, 'big.bin');
    const results: Record<string, string> = {};
    for (const helpers of [true, false]) {
      const pool = new HashPool({size: 2, helpers, tuning: {chunkSize: 1_000_003}});
      for (const engine of ['wasm', 'spark'] as const) {
        let workersDuringJob = 0;
        let progressed = 0;
        const {md5, sliceMD5s} = await pool.run({blob, engine, onProgress: ({loaded}) => ((workersDuringJob = pool.workerCount), (progressed = loaded))});
        expect(sliceMD5s).to.deep.equal([]);
        expect(workersDuringJob, `helpers ${helpers}`).to.equal(helpers ? 2 : 1);
        expect(progressed).to.equal(blob.size);
        results[`${engine}, ${helpers ? 'two workers' : 'one worker'}`] = md5;
      }
      pool.close();
    }
    expect(new Set(Object.values(results)).size, JSON.stringify(results)).to.equal(1);
  });

  it('fails the job with a HashError when the slice worker dies, and replaces both workers', async () => {
    let made = 0;
    const pool = new HashPool({
      size: 2,
      createWorker: () => (made++ === 1 ? new Worker(new URL('./dying.worker.ts', import.meta.url), {type: 'module'}) : realWorker()),
    });
    const {size, sliceSize} = fixtureCases.find((c) => c.name === 'several slices')!;
    const error = await rejection(pool.run({blob: fileOf(size, 'big.bin'), sliceSize, engine: 'auto'}));
    expect(error).to.be.instanceOf(HashError).with.property('message').that.contains('"big.bin"').and.contains('engine crashed on purpose');
    expect(pool.workerCount).to.equal(0);
    const again = await pool.run({blob: fileOf(size), sliceSize, engine: 'auto'});
    expect({md5: again.md5, sliceMD5s: again.sliceMD5s}).to.deep.equal(expectedMD5s['several slices']);
    expect(made).to.equal(4);
    pool.close();
  });

  it('reports a worker that dies as a HashError, and replaces it', async () => {
    const made: string[] = [];
    const pool = new HashPool({
      size: 1,
      createWorker: () => {
        made.push(made.length === 0 ? 'dying' : 'real');
        return made.length === 1 ? new Worker(new URL('./dying.worker.ts', import.meta.url), {type: 'module'}) : realWorker();
      },
    });
    const error = await rejection(pool.run({blob: fileOf(5, 'photo.jpg'), engine: 'auto'}));
    expect(error).to.be.instanceOf(HashError);
    expect((error as HashError).name).to.equal('HashError');
    expect((error as HashError).message).to.contain('"photo.jpg"').and.contain('engine crashed on purpose').and.contain('replaced');
    const after = await pool.run({blob: fileOf(1), engine: 'auto'});
    expect(after.md5).to.equal(expectedMD5s['one byte']!.md5);
    expect(made).to.deep.equal(['dying', 'real']);
    pool.close();
  });

  it('declares a worker that goes silent dead after the stall timeout, instead of hanging', async () => {
    let made = 0;
    const pool = new HashPool({
      size: 1,
      stallTimeout: 300,
      createWorker: () => (made++ === 0 ? new Worker(new URL('./silent.worker.ts', import.meta.url), {type: 'module'}) : realWorker()),
    });
    const started = performance.now();
    const error = await rejection(pool.run({blob: fileOf(5), engine: 'auto'}));
    expect(error).to.be.instanceOf(HashError).with.property('message').that.contains('went silent for 300 ms');
    expect(performance.now() - started).to.be.lessThan(2000);
    expect((await pool.run({blob: fileOf(1), engine: 'auto'})).md5).to.equal(expectedMD5s['one byte']!.md5);
    pool.close();
  });

  // A small file is one arrayBuffer() read; a big one streams into reused buffers, whose failure is a bare TypeError.
  const reads = [['one read', undefined], ['a stream read into reused buffers', {chunkSize: 4, readMethod: 'byob'}]] as const;
  for (const [how, tuning] of reads) {
    it(`reports a failed read (${how}) as a HashError naming the file and the reason`, async function () {
      // A File snapshot of a file changed afterwards can no longer be read, as when a user edits a picked file:
      // NotReadableError in Chromium, AbortError in Firefox; the message says so in words either way.
      // Not in WebKitGTK: it has no origin-private file system here, and a page has no other way to change a File's bytes.
      if (!navigator.storage?.getDirectory) this.skip();
      const root = await navigator.storage.getDirectory();
      const handle = await root.getFileHandle('hash-read-failure.bin', {create: true});
      let writable = await handle.createWritable();
      await writable.write(fixtureBytes(10));
      await writable.close();
      const snapshot = await handle.getFile();
      await new Promise((resolve) => setTimeout(resolve, 20));
      writable = await handle.createWritable();
      await writable.write(fixtureBytes(11));
      await writable.close();
      const pool = new HashPool({size: 1, tuning});
      const error = await rejection(pool.run({blob: snapshot, engine: 'auto'}));
      await root.removeEntry('hash-read-failure.bin');
      expect(error).to.be.instanceOf(HashError);
      expect((error as Error).message).to.contain('"hash-read-failure.bin"').and.contain('could not be read (changed, moved or deleted');
      // The worker itself is fine: it stays in the pool and hashes the next job.
      expect(pool.workerCount).to.equal(1);
      expect((await pool.run({blob: fileOf(1), engine: 'auto'})).md5).to.equal(expectedMD5s['one byte']!.md5);
      pool.close();
    });
  }
});

describe('main thread', () => {
  it('sees no long task (> 50 ms) while a large file is hashed', async function () {
    this.timeout(60_000);
    // Chromium only: Firefox and WebKit have no Long Tasks API, and a timer watching for gaps cannot tell a long
    // task from the OS pausing a busy machine (gaps of 50–140 ms with nothing running, measured at load 20).
    if (!PerformanceObserver.supportedEntryTypes.includes('longtask')) this.skip();
    const part = fixtureBytes(16 * MiB);
    const blob = new Blob(Array.from({length: 20}, () => part));
    const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
    await pause(50); // let the task that built the blob end before observing
    const longTasks: PerformanceEntry[] = [];
    const observer = new PerformanceObserver((list) => longTasks.push(...list.getEntries()));
    observer.observe({type: 'longtask'});
    // The observer must be able to see one: a deliberate 80 ms task first.
    await pause(0);
    const busyUntil = performance.now() + 80;
    while (performance.now() < busyUntil);
    await pause(50);
    // Some: on a loaded machine another task (the test runner's own) may also run long here.
    expect(longTasks.some((t) => t.duration >= 80), 'the observer saw the deliberate long task').to.equal(true);
    longTasks.length = 0;
    let progressEvents = 0;
    const result = await hashFile(blob, {sliceSize: 16 * MiB, onProgress: () => progressEvents++});
    await new Promise((resolve) => setTimeout(resolve, 50));
    observer.disconnect();
    expect(result.sliceMD5s).to.have.length(20);
    expect(new Set(result.sliceMD5s).size).to.equal(1);
    expect(progressEvents).to.be.greaterThan(20);
    expect(longTasks.map((t) => Math.round(t.duration))).to.deep.equal([]);
  });
});
