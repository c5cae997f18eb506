/**
 * The candidates compared by bench/image-compare.bench.ts: each decodes, encodes or scales, timed, and its
 * output is read back for SSIM. Run in a worker (where the image step works) and, for one that cannot, on the page.
 */
import {boxReduce, ssim} from './ssim.ts';

export type Job =
  | {op: 'heic'; decoder: HeicDecoder; blob: Blob; quality: number}
  | {op: 'encode'; codec: Codec; pixels: ImageData; quality: number}
  | {op: 'resize'; scaler: Scaler; blob: Blob; width: number; height: number; factor?: number};
export type HeicDecoder = 'libheif-js' | 'heic-to' | 'heic2any';
export type Codec = 'canvas-jpeg' | 'mozjpeg' | 'canvas-webp' | 'libwebp';
export type Scaler = 'createImageBitmap' | 'drawImage' | 'pica';
export type Reply = {ok: true; ms: number; bytes?: number; width?: number; height?: number; ssim?: number; pixels?: ImageData} | {ok: false; error: string};


function pixelsOf(image: ImageBitmap | OffscreenCanvas, width = image.width, height = image.height): ImageData {
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d')!;
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(image, 0, 0, width, height);
  return ctx.getImageData(0, 0, width, height);
}

async function toJpeg(bitmap: ImageBitmap | ImageData, quality: number): Promise<Blob> {
  const canvas = new OffscreenCanvas(bitmap.width, bitmap.height);
  const ctx = canvas.getContext('2d')!;
  if (bitmap instanceof ImageData) ctx.putImageData(bitmap, 0, 0);
  else ctx.drawImage(bitmap, 0, 0);
  return canvas.convertToBlob({type: 'image/jpeg', quality});
}

/** HEIC → full-size JPEG at `quality`: what converting a phone photo costs with each decoder. */
async function heic(decoder: HeicDecoder, blob: Blob, quality: number): Promise<Reply> {
  const started = performance.now();
  let out: Blob;
  if (decoder === 'libheif-js') {
    const {decodeHeif} = await import('../../src/image/heif-decode.ts');
    out = await toJpeg(await decodeHeif(new Uint8Array(await blob.arrayBuffer()), 80e6), quality);
  } else if (decoder === 'heic-to') {
    const {heicTo} = await import('heic-to');
    out = await toJpeg(await heicTo({blob, type: 'bitmap'}), quality);
  } else {
    const {default: heic2any} = await import('heic2any');
    out = (await heic2any({blob, toType: 'image/jpeg', quality})) as Blob;
  }
  const ms = performance.now() - started;
  const bitmap = await createImageBitmap(out);
  const reply = {ok: true as const, ms, bytes: out.size, width: bitmap.width, height: bitmap.height};
  bitmap.close();
  return reply;
}

export async function run(job: Job): Promise<Reply> {
  try {
    return await runJob(job);
  } catch (error) {
    return {ok: false, error: (error as Error)?.message ?? String(error)};
  }
}

async function runJob(job: Job): Promise<Reply> {
  if (job.op === 'heic') return heic(job.decoder, job.blob, job.quality);
  if (job.op === 'encode') return encode(job.codec, job.pixels, job.quality);
  return resize(job.scaler, job.blob, job.width, job.height, job.factor);
}

async function encode(codec: Codec, pixels: ImageData, quality: number): Promise<Reply> {
  const started = performance.now();
  let bytes: ArrayBuffer | Blob;
  if (codec === 'mozjpeg') bytes = await (await import('@jsquash/jpeg/encode')).default(pixels, {quality: Math.round(quality * 100)});
  else if (codec === 'libwebp') bytes = await (await import('@jsquash/webp/encode')).default(pixels, {quality: Math.round(quality * 100)});
  else {
    const canvas = new OffscreenCanvas(pixels.width, pixels.height);
    canvas.getContext('2d')!.putImageData(pixels, 0, 0);
    bytes = await canvas.convertToBlob({type: codec === 'canvas-jpeg' ? 'image/jpeg' : 'image/webp', quality});
  }
  const ms = performance.now() - started;
  const blob = bytes instanceof Blob ? bytes : new Blob([bytes]);
  const decoded = await createImageBitmap(blob);
  const reply = {ok: true as const, ms, bytes: blob.size, ssim: ssim(pixels, pixelsOf(decoded))};
  decoded.close();
  return reply;
}

let reference: {factor: number; pixels: ImageData} | undefined;

/** Blob → width×height pixels (decoding included); with `factor`, SSIM against the exact box reduction. */
async function resize(scaler: Scaler, blob: Blob, width: number, height: number, factor?: number): Promise<Reply> {
  const started = performance.now();
  let pixels: ImageData;
  if (scaler === 'createImageBitmap') {
    pixels = pixelsOf(await createImageBitmap(blob, {resizeWidth: width, resizeHeight: height, resizeQuality: 'high'}));
  } else if (scaler === 'drawImage') {
    pixels = pixelsOf(await createImageBitmap(blob), width, height);
  } else {
    const {default: createPica} = await import('pica');
    // In this worker pica runs its JS/wasm filters itself (its own workers need a DOM to start).
    const pica = createPica({features: ['js', 'wasm']});
    const source = await createImageBitmap(blob);
    const from = new OffscreenCanvas(source.width, source.height);
    from.getContext('2d')!.drawImage(source, 0, 0);
    const to = new OffscreenCanvas(width, height);
    await pica.resize(from as unknown as HTMLCanvasElement, to as unknown as HTMLCanvasElement, {filter: 'lanczos3'});
    pixels = to.getContext('2d')!.getImageData(0, 0, width, height);
  }
  const ms = performance.now() - started;
  if (!factor) return {ok: true, ms, width, height};
  if (reference?.factor !== factor) reference = {factor, pixels: boxReduce(pixelsOf(await createImageBitmap(blob)), factor)};
  return {ok: true, ms, width, height, ssim: ssim(reference.pixels, pixels)};
}
