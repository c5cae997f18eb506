// The image benchmark's page: makes a 24 MP JPEG (before timing), loads the 12 MP HEIC fixture, and runs the
// image step's own code (prepareImage: worker, decode, scale to 2560 px, encode) on each, watching long tasks.
import {prepareImage} from '../../src/image/prepare-image.ts';
import {resolveImageOptions} from '../../src/image/resolve.ts';

export interface ImageRun {
  kind: 'jpeg' | 'heic';
}
export interface ImageResult {
  ms: number;
  bytesIn: number;
  bytesOut: number;
  width: number;
  height: number;
  longestTaskMs: number;
  longTasks: number;
  note?: string;
}

let jpeg: File | undefined;

/** 6000×4000 with gradients and noise, as a camera JPEG at quality 0.92 (made once, outside the timing). */
async function makeJpeg(): Promise<File> {
  const canvas = new OffscreenCanvas(6000, 4000);
  const ctx = canvas.getContext('2d')!;
  const gradient = ctx.createLinearGradient(0, 0, 6000, 4000);
  gradient.addColorStop(0, '#3a6ea5');
  gradient.addColorStop(0.5, '#f3c623');
  gradient.addColorStop(1, '#7a2e2e');
  ctx.fillStyle = gradient;
  ctx.fillRect(0, 0, 6000, 4000);
  const tile = ctx.createImageData(500, 500);
  let seed = 7;
  for (let i = 0; i < tile.data.length; i += 4) {
    seed = (seed * 1103515245 + 12345) >>> 0;
    tile.data.set([seed >>> 24, (seed >>> 16) & 255, (seed >>> 8) & 255, 40], i);
  }
  const noise = await createImageBitmap(tile);
  for (let y = 0; y < 4000; y += 500) for (let x = 0; x < 6000; x += 500) ctx.drawImage(noise, x, y);
  const blob = await canvas.convertToBlob({type: 'image/jpeg', quality: 0.92});
  return new File([blob], 'camera-24mp.jpg', {type: 'image/jpeg'});
}

async function run({kind}: ImageRun): Promise<ImageResult> {
  const file =
    kind === 'jpeg'
      ? (jpeg ??= await makeJpeg())
      : new File([await (await fetch('/test/fixtures/images/bench-4000x3000.heic')).blob()], 'phone-12mp.heic', {type: 'image/heic'});
  await new Promise((r) => setTimeout(r, 200)); // let the page settle before watching
  const tasks: number[] = [];
  const observer = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask') ? new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration))) : undefined;
  observer?.observe({type: 'longtask'});
  // Marks for a Chrome trace (bench:image's traced runs): the window the long tasks are watched in.
  performance.mark('image-watch-start');
  const options = resolveImageOptions({}, 'image')!;
  const started = performance.now();
  const outcome = await prepareImage({file, name: file.name, target: 'image'}, options, new AbortController().signal);
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 100));
  observer?.disconnect();
  performance.mark('image-watch-end');
  const out = outcome.file ?? file;
  const bitmap = await createImageBitmap(out);
  return {ms, bytesIn: file.size, bytesOut: out.size, width: bitmap.width, height: bitmap.height, longestTaskMs: Math.max(0, ...tasks), longTasks: tasks.length, note: outcome.note};
}

(window as unknown as {runImage: typeof run}).runImage = run;
