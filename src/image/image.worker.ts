/**
 * Decodes, turns upright, scales and encodes one image off the main thread (OffscreenCanvas), so the page
 * stays responsive while a 24 MP photo is processed. HEIC goes to the browser's own decoder first (Safari
 * has one) and to libheif otherwise.
 */
import type {TransformJob, TransformReply} from './worker-messages.ts';

const scope = self as unknown as {onmessage: ((event: MessageEvent<TransformJob>) => void) | null; postMessage(reply: TransformReply): void};

scope.onmessage = async ({data: job}) => {
  scope.postMessage(await transform(job).catch((error: unknown): TransformReply => ({ok: false, reason: 'undecodable', message: (error as Error)?.message ?? String(error)})));
};

async function transform(job: TransformJob): Promise<TransformReply> {
  if (typeof OffscreenCanvas === 'undefined' || typeof createImageBitmap === 'undefined') {
    return {ok: false, reason: 'unsupported', message: 'this browser cannot draw images in a worker (no OffscreenCanvas)'};
  }
  let source: ImageBitmap;
  let decoder: 'browser' | 'libheif' = 'browser';
  try {
    source = await decode(job);
  } catch (error) {
    if (!job.heif) return {ok: false, reason: 'undecodable', message: `the browser could not decode it (${(error as Error).message || 'no detail'})`};
    const {decodeHeif} = await import('./heif-decode.ts');
    let pixels: ImageData;
    try {
      pixels = await decodeHeif(new Uint8Array(await job.blob.arrayBuffer()), job.maxPixels);
    } catch (heifError) {
      if (heifError instanceof RangeError) return {ok: false, reason: 'too-large', message: heifError.message};
      return {ok: false, reason: 'undecodable', message: `HEIC could not be decoded (${(heifError as Error).message || 'no detail'})`};
    }
    source = await createImageBitmap(pixels);
    decoder = 'libheif';
  }
  // The stored size: from the header when known (the bitmap may already be scaled), else the bitmap's.
  const sourceWidth = job.width ?? source.width;
  const sourceHeight = job.height ?? source.height;
  if (sourceWidth * sourceHeight > job.maxPixels) {
    source.close();
    return {ok: false, reason: 'too-large', message: `${sourceWidth}×${sourceHeight}`};
  }
  const turned = job.orientation >= 5;
  const {width, height} = fit(sourceWidth, sourceHeight, job);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) return {ok: false, reason: 'unsupported', message: 'this browser has no 2D OffscreenCanvas'};
  if (job.mime === 'image/jpeg') {
    // JPEG has no transparency: transparent pixels become white rather than black.
    ctx.fillStyle = '#fff';
    ctx.fillRect(0, 0, width, height);
  }
  ctx.imageSmoothingEnabled = true;
  ctx.imageSmoothingQuality = 'high';
  orient(ctx, job.orientation, width, height);
  ctx.drawImage(source, 0, 0, turned ? height : width, turned ? width : height);
  source.close();
  const blob = await canvas.convertToBlob({type: job.mime, quality: job.quality});
  // An engine without an encoder for the type (WebKit and WebP) hands back PNG instead: say so, never mislabel.
  if (blob.type !== job.mime) return {ok: false, reason: 'unsupported', message: `this browser cannot encode ${job.mime} (it gave ${blob.type || 'nothing'})`};
  return {ok: true, blob, width, height, sourceWidth, sourceHeight, decoder};
}

/** The upright size, scaled down (never up) to fit the bounds. */
function fit(sourceWidth: number, sourceHeight: number, job: TransformJob): {width: number; height: number} {
  const turned = job.orientation >= 5;
  const uprightW = turned ? sourceHeight : sourceWidth;
  const uprightH = turned ? sourceWidth : sourceHeight;
  const scale = Math.min(1, job.maxWidth / uprightW, job.maxHeight / uprightH);
  return {width: Math.max(1, Math.round(uprightW * scale)), height: Math.max(1, Math.round(uprightH * scale))};
}

/**
 * Decodes the image; when its size is known and it shrinks, asks for the scaled size at once (Chromium then
 * decodes a JPEG at reduced resolution, far faster than decoding 24 MP and scaling). An engine that ignores
 * the resize options hands back the full size, which drawImage then scales.
 */
async function decode(job: TransformJob): Promise<ImageBitmap> {
  if (job.width && job.height && job.width * job.height <= job.maxPixels) {
    const {width, height} = fit(job.width, job.height, job);
    const turned = job.orientation >= 5;
    const [w, h] = turned ? [height, width] : [width, height];
    if (w < job.width) {
      try {
        return await createImageBitmap(job.blob, {resizeWidth: w, resizeHeight: h, resizeQuality: 'high'});
      } catch {
        // an engine without resize options: decode at full size below
      }
    }
  }
  return createImageBitmap(job.blob);
}

/** The canvas transform that draws a picture stored with EXIF orientation `o` upright in a width × height canvas. */
function orient(ctx: OffscreenCanvasRenderingContext2D, o: number, width: number, height: number): void {
  const moves: Record<number, [number, number, number, number, number, number]> = {
    2: [-1, 0, 0, 1, width, 0],
    3: [-1, 0, 0, -1, width, height],
    4: [1, 0, 0, -1, 0, height],
    5: [0, 1, 1, 0, 0, 0],
    6: [0, 1, -1, 0, width, 0],
    7: [0, -1, -1, 0, width, height],
    8: [0, -1, 1, 0, 0, height],
  };
  const m = moves[o];
  if (m) ctx.transform(...m);
}
