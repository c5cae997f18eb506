// The comparison's page: makes the 24 MP JPEG, loads the 12 MP HEIC fixture, and runs every candidate in
// a worker (warm-up first, then `runs` timed runs; the median kept). A candidate that fails in a worker is
// run on the page too, so its speed is still known.
import {makeJpeg} from '../image/make-jpeg.ts';
import {run, type Codec, type HeicDecoder, type Job, type Reply, type Scaler} from './candidates.ts';

export interface Row {
  group: 'heic' | 'encode' | 'resize';
  name: string;
  worker: true | string;
  ms?: number;
  bytes?: number;
  width?: number;
  height?: number;
  ssim?: number;
  error?: string;
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[values.length >> 1]!;

function inWorker(worker: Worker, job: Job): Promise<Reply> {
  return new Promise((resolve) => {
    worker.onmessage = ({data}: MessageEvent<Reply>) => resolve(data);
    worker.onerror = (e) => resolve({ok: false, error: e.message || 'the worker failed'});
    worker.postMessage(job);
  });
}

async function measure(group: Row['group'], name: string, job: Job, runs: number): Promise<Row> {
  const worker = new Worker(new URL('./worker.ts', import.meta.url), {type: 'module'});
  try {
    let where: true | string = true;
    let call = () => inWorker(worker, job);
    const first = await call();
    if (!first.ok) {
      where = first.error;
      call = () => run(job);
      const onPage = await call();
      if (!onPage.ok) return {group, name, worker: where, error: onPage.error};
    }
    const replies: Reply[] = [];
    for (let i = 0; i < runs; i++) replies.push(await call());
    const ok = replies.filter((r): r is Extract<Reply, {ok: true}> => r.ok);
    if (ok.length < replies.length) return {group, name, worker: where, error: (replies.find((r) => !r.ok) as {error: string}).error};
    const last = ok[ok.length - 1]!;
    return {group, name, worker: where, ms: Math.round(median(ok.map((r) => r.ms))), bytes: last.bytes, width: last.width, height: last.height, ssim: last.ssim};
  } finally {
    worker.terminate();
  }
}

async function compare({runs}: {runs: number}): Promise<Row[]> {
  const rows: Row[] = [];
  const jpeg = await makeJpeg();
  const heic = await (await fetch('/test/fixtures/images/bench-4000x3000.heic')).blob();
  for (const decoder of ['libheif-js', 'heic-to', 'heic2any'] as HeicDecoder[]) {
    rows.push(await measure('heic', decoder, {op: 'heic', decoder, blob: heic, quality: 0.85}, runs));
  }
  // What the image step encodes: the photo at 2560 px.
  const bitmap = await createImageBitmap(jpeg, {resizeWidth: 2560, resizeHeight: 1707, resizeQuality: 'high'});
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  ctx.drawImage(bitmap, 0, 0);
  const pixels = ctx.getImageData(0, 0, canvas.width, canvas.height);
  for (const quality of [0.75, 0.85]) {
    for (const codec of ['canvas-jpeg', 'mozjpeg', 'canvas-webp', 'libwebp'] as Codec[]) {
      rows.push(await measure('encode', `${codec} q${quality}`, {op: 'encode', codec, pixels, quality}, runs));
    }
  }
  for (const scaler of ['createImageBitmap', 'drawImage', 'pica'] as Scaler[]) {
    // Speed at the image host's size; quality at a quarter, against the exact box reduction.
    const speed = await measure('resize', `${scaler} → 2560×1707`, {op: 'resize', scaler, blob: jpeg, width: 2560, height: 1707}, runs);
    const quality = await measure('resize', `${scaler} → 1500×1000`, {op: 'resize', scaler, blob: jpeg, width: 1500, height: 1000, factor: 4}, 1);
    rows.push({...speed, ssim: quality.ssim, error: speed.error ?? quality.error});
  }
  return rows;
}

(window as unknown as {runCompare: typeof compare}).runCompare = compare;
