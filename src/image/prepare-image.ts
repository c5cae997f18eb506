/**
 * One image made ready for upload: sniffed by its bytes, turned upright, scaled, re-encoded in a worker,
 * its location dropped; the original kept when the result is not smaller. Every outcome is either a file
 * to send (with a note the row shows) or a refusal naming the file.
 */
import {PanError} from '../shared/errors.ts';
import {ModuleWorker as Worker} from '../shared/module-worker.ts';
import {extensionOf, IMAGE_MAX_SIZE} from '../shared/rules.ts';
import {clearOrientation, findExif, hasGps, readOrientation, stripGps} from './exif.ts';
import {englishNote, type AsIsReason, type ImageNote, type Renamed} from './note.ts';
import {MAX_PIXELS, type ResolvedImageOptions} from './resolve.ts';
import {EXTENSIONS, MIME, sniff, type ImageFacts, type ImageFormat} from './sniff.ts';
import type {TransformJob, TransformReply} from './worker-messages.ts';

export interface ImageInput {
  file: File;
  name: string;
  target: 'drive' | 'image';
}

export interface ImageOutcome {
  file?: File;
  name?: string;
  /** In English; `imageNote` is the same as data, for the element's languages. */
  note?: string;
  imageNote?: ImageNote;
}

/** An image the image host cannot take: the message names the file once; `note` says why without the name. */
export class ImageRefusedError extends PanError {
  constructor(
    name: string,
    readonly note: Extract<ImageNote, {kind: 'refused'}>,
  ) {
    super('image-refused', `"${name}": ${englishNote(note)}`, {code: note.why ? 'image-not-converted' : 'target-too-large'});
  }
}

const noted = (imageNote: ImageNote, outcome: Omit<ImageOutcome, 'note' | 'imageNote'> = {}): ImageOutcome => ({...outcome, note: englishNote(imageNote), imageNote});

/** Enough for the headers read here (EXIF sits in the first 64 KB; SOF may follow a large thumbnail). */
const HEAD_BYTES = 512 * 1024;
/** Formats the image host takes as they are. */
const HOST_FORMATS: ReadonlySet<ImageFormat> = new Set(['jpeg', 'png', 'gif', 'webp', 'bmp', 'tiff', 'svg']);

/** Runs a job in a worker; ends the worker when aborted (a worker holds a decoded image's memory). */
export type RunJob = (job: TransformJob, signal: AbortSignal) => Promise<TransformReply>;

/** One worker kept for a while after a job, so a batch of photos (and libheif, once loaded) is not set up again each time. */
let spare: {worker: Worker; timer: ReturnType<typeof setTimeout>} | undefined;
const SPARE_MS = 15_000;

function takeWorker(): Worker {
  if (spare) {
    clearTimeout(spare.timer);
    const {worker} = spare;
    spare = undefined;
    return worker;
  }
  return new Worker(new URL('./image.worker.ts', import.meta.url), {type: 'module'});
}

function keepWorker(worker: Worker): void {
  if (spare) return worker.terminate();
  const timer = setTimeout(() => {
    spare = undefined;
    worker.terminate();
  }, SPARE_MS);
  spare = {worker, timer};
}

export const runInWorker: RunJob = (job, signal) =>
  new Promise<TransformReply>((resolve, reject) => {
    signal.throwIfAborted();
    if (typeof Worker === 'undefined') return resolve({ok: false, reason: 'unsupported', message: 'this browser cannot process images in the background (no Worker)'});
    let worker: Worker;
    try {
      worker = takeWorker();
    } catch (error) {
      // A policy that refuses the worker's URL may throw at once rather than fire `error`.
      return resolve({ok: false, reason: 'unsupported', message: `the image worker did not start (${(error as Error).message || 'no detail'})`});
    }
    const onAbort = () => {
      worker.terminate();
      reject(signal.reason);
    };
    signal.addEventListener('abort', onAbort, {once: true});
    worker.onmessage = ({data}: MessageEvent<TransformReply>) => {
      signal.removeEventListener('abort', onAbort);
      keepWorker(worker);
      resolve(data);
    };
    worker.onerror = (event) => {
      signal.removeEventListener('abort', onAbort);
      worker.terminate();
      resolve({ok: false, reason: 'unsupported', message: `the image worker did not start (${event.message || 'no detail'})`});
    };
    worker.postMessage(job);
  });

export async function prepareImage(input: ImageInput, o: ResolvedImageOptions, signal: AbortSignal, run: RunJob = runInWorker): Promise<ImageOutcome> {
  const outcome = await decide(input, o, signal, run);
  // A file let in over the image host's limit because it might shrink, that did not: refused, by name.
  const size = (outcome.file ?? input.file).size;
  if (input.target === 'image' && size > IMAGE_MAX_SIZE) throw new ImageRefusedError(input.name, {kind: 'refused', problem: 'too-big', size, limit: IMAGE_MAX_SIZE});
  return outcome;
}

async function decide(input: ImageInput, o: ResolvedImageOptions, signal: AbortSignal, run: RunJob): Promise<ImageOutcome> {
  const {file, target} = input;
  const head = new Uint8Array(await file.slice(0, HEAD_BYTES).arrayBuffer());
  signal.throwIfAborted();
  const facts = sniff(head);
  const host = target === 'image';
  /** The original goes, with a note why; on the image host only if it takes the format and the size. */
  const asIs = (why: AsIsReason, renamed?: Renamed): ImageOutcome => {
    const problem = host && facts?.format === 'heif' ? 'heic' : host && file.size > IMAGE_MAX_SIZE ? 'too-big' : undefined;
    if (problem) throw new ImageRefusedError(input.name, {kind: 'refused', problem, size: file.size, limit: IMAGE_MAX_SIZE, why, ...(renamed && {renamed})});
    return noted({kind: 'as-is', why, ...(renamed && {renamed})}, {name: renamed?.name});
  };

  if (!facts) return asIs({key: 'not-image'});
  if (facts.format === 'svg' || facts.animated) return {};
  if (facts.format === 'gif') return {}; // a still GIF is small and palette-based: re-encoding rarely helps
  if (facts.format === 'heif' && !o.convertHeif) return {};
  // A name that says one format over bytes of another: the name follows the bytes.
  const named = nameFor(input.name, facts.format);
  const renamed: Renamed | undefined = named !== input.name ? {format: facts.format.toUpperCase(), name: named} : undefined;
  const tooManyPixels = (size: string): AsIsReason => ({key: 'too-many-pixels', size, megapixels: MAX_PIXELS / 1e6});
  if (facts.width && facts.height && facts.width * facts.height > MAX_PIXELS) return asIs(tooManyPixels(`${facts.width}×${facts.height}`), renamed);

  const exif = facts.format === 'jpeg' ? findExif(head) : null;
  const orientation = exif ? readOrientation(head, exif) : 1;
  let blob: Blob = file;
  if (orientation !== 1 && exif) {
    // The decoder is handed orientation 1, and the worker turns the pixels itself: the same in every engine.
    const patched = head.slice(0, exif.segmentEnd);
    clearOrientation(patched, exif);
    blob = new Blob([patched, file.slice(exif.segmentEnd)], {type: file.type});
  }
  const format = outputFormat(o, facts.format);
  const mime = MIME[format];
  const reply = await run({blob, heif: facts.format === 'heif', width: facts.width, height: facts.height, orientation, maxWidth: o.maxWidth, maxHeight: o.maxHeight, maxPixels: MAX_PIXELS, mime, quality: o.quality}, signal);
  signal.throwIfAborted();

  if (!reply.ok) {
    if (reply.reason === 'too-large') return asIs(tooManyPixels(reply.message), renamed);
    return asIs({key: reply.reason, detail: reply.message}, renamed);
  }
  const outName = nameFor(input.name, format);
  let out: Blob = reply.blob;
  if (o.keepMetadata && exif && format === 'jpeg') out = await withExif(reply.blob, head.slice(exif.segmentStart, exif.segmentEnd));

  const mustConvert = facts.format === 'heif' || !HOST_FORMATS.has(facts.format) || format !== facts.format;
  if (!mustConvert && out.size >= file.size) {
    // Not smaller: the original goes, its GPS zeroed in place unless metadata is kept.
    if (!o.keepMetadata && exif && hasGps(head, exif)) {
      const cleaned = head.slice(0, exif.segmentEnd);
      stripGps(cleaned, exif);
      const bytes = new File([cleaned, file.slice(exif.segmentEnd)], named, {type: file.type, lastModified: file.lastModified});
      return noted({kind: 'kept', locationRemoved: true, ...(renamed && {renamed})}, {file: bytes, name: renamed?.name});
    }
    return noted({kind: 'kept', locationRemoved: false, ...(renamed && {renamed})}, {name: renamed?.name});
  }
  const result = new File([out], outName, {type: mime, lastModified: file.lastModified});
  const moved = {from: file.size, to: result.size};
  return noted(facts.format === 'heif' ? {kind: 'converted', format: format.toUpperCase(), ...moved} : {kind: 'optimized', ...moved}, {file: result, name: outName === input.name ? undefined : outName});
}

function outputFormat(o: ResolvedImageOptions, source: ImageFormat): 'jpeg' | 'png' | 'webp' {
  if (o.type !== 'keep') return o.type;
  if (source === 'png' || source === 'webp' || source === 'jpeg') return source;
  return source === 'bmp' ? 'png' : 'jpeg';
}

/** `name` with an extension of `format` (unchanged when it already has one). */
export function nameFor(name: string, format: ImageFormat): string {
  const ext = extensionOf(name);
  if (EXTENSIONS[format].includes(ext)) return name;
  const base = ext ? name.slice(0, -ext.length - 1) : name;
  return `${base}.${EXTENSIONS[format][0]}`;
}

/** The encoder's JPEG with the original EXIF block (orientation already reset) inserted after its SOI. */
async function withExif(jpeg: Blob, app1: Uint8Array): Promise<Blob> {
  const block = findExif(new Uint8Array([0xff, 0xd8, ...app1]));
  if (block) {
    const bytes = new Uint8Array([0xff, 0xd8, ...app1]);
    clearOrientation(bytes, block);
    return new Blob([bytes, jpeg.slice(2)], {type: 'image/jpeg'});
  }
  return jpeg;
}

export type {ImageFacts};
