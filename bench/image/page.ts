// The image benchmark's page: makes a 24 MP JPEG (before timing), loads the 12 MP HEIC fixture, and runs the
// image step's own code (prepareImage: worker, decode, scale to 2560 px, encode) on each, watching long tasks.
import {prepareImage} from '../../src/image/prepare-image.ts';
import {resolveImageOptions} from '../../src/image/resolve.ts';
import {makeJpeg} from './make-jpeg.ts';

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

async function run({kind}: ImageRun): Promise<ImageResult> {
  const file =
    kind === 'jpeg'
      ? (jpeg ??= await makeJpeg())
      : new File([await (await fetch('/test/fixtures/images/bench-4000x3000.heic')).blob()], 'phone-12mp.heic', {type: 'image/heic'});
  await new Promise((r) => setTimeout(r, 200)); // let the page settle before watching
  const tasks: number[] = [];
  const observer = typeof PerformanceObserver !== 'undefined' && PerformanceObserver.supportedEntryTypes?.includes('longtask') ? new PerformanceObserver((list) => tasks.push(...list.getEntries().map((e) => e.duration))) : undefined;
  observer?.observe({type: 'longtask'});
  const options = resolveImageOptions({}, 'image')!;
  const started = performance.now();
  // Marks for a Chrome trace (bench:image's traced run): the main thread's tasks between them are the step's.
  performance.mark('image-step-start');
  const outcome = await prepareImage({file, name: file.name, target: 'image'}, options, new AbortController().signal);
  performance.mark('image-step-end');
  const ms = performance.now() - started;
  await new Promise((r) => setTimeout(r, 100));
  observer?.disconnect();
  const out = outcome.file ?? file;
  const bitmap = await createImageBitmap(out);
  return {ms, bytesIn: file.size, bytesOut: out.size, width: bitmap.width, height: bitmap.height, longestTaskMs: Math.max(0, ...tasks), longTasks: tasks.length, note: outcome.note};
}

(window as unknown as {runImage: typeof run}).runImage = run;
