/**
 * HEIC/HEIF decoding with libheif (LGPL-3.0, an Emscripten build with its wasm inside the module): loaded
 * with import() in the image worker only when a HEIC file arrives, never from a CDN.
 */

interface HeifImage {
  get_width(): number;
  get_height(): number;
  display(target: {data: Uint8ClampedArray; width: number; height: number}, done: (result: unknown) => void): void;
  free?(): void;
}
interface LibHeif {
  HeifDecoder: new () => {decode(bytes: Uint8Array): HeifImage[]};
}

let loaded: Promise<LibHeif> | undefined;

function libheif(): Promise<LibHeif> {
  loaded ??= import('libheif-js/libheif-wasm/libheif-bundle.mjs').then((m: {default: unknown}) => {
    const exported = m.default as LibHeif | (() => LibHeif | Promise<LibHeif>);
    return typeof exported === 'function' ? exported() : exported;
  });
  return loaded;
}

/** The primary image's pixels, or a thrown error; `maxPixels` is checked before the pixels are allocated. */
export async function decodeHeif(bytes: Uint8Array, maxPixels: number): Promise<ImageData> {
  const lib = await libheif();
  const images = new lib.HeifDecoder().decode(bytes);
  const image = images[0];
  if (!image) throw new Error('no image inside the HEIF container');
  const width = image.get_width();
  const height = image.get_height();
  if (width * height > maxPixels) throw new RangeError(`${width}×${height}`);
  const target = new ImageData(width, height);
  const ok = await new Promise<unknown>((done) => image.display(target, done));
  for (const each of images) each.free?.();
  if (!ok) throw new Error('libheif could not decode the image');
  return target;
}
