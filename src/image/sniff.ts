/**
 * What an image is by its bytes, not its name: the format, its size in pixels when the header says so
 * (so a huge image is turned away before it is decoded), and whether it moves (animated GIF and WebP pass
 * through untouched).
 */

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'tiff' | 'svg' | 'heif';

export interface ImageFacts {
  format: ImageFormat;
  width?: number;
  height?: number;
  animated: boolean;
}

export const MIME: Record<ImageFormat, string> = {
  jpeg: 'image/jpeg',
  png: 'image/png',
  gif: 'image/gif',
  webp: 'image/webp',
  bmp: 'image/bmp',
  tiff: 'image/tiff',
  svg: 'image/svg+xml',
  heif: 'image/heic',
};

/** The extensions a name may have for each format (the first is the one given to a renamed file). */
export const EXTENSIONS: Record<ImageFormat, readonly string[]> = {
  jpeg: ['jpg', 'jpeg', 'jfif'],
  png: ['png'],
  gif: ['gif'],
  webp: ['webp'],
  bmp: ['bmp'],
  tiff: ['tif', 'tiff'],
  svg: ['svg'],
  heif: ['heic', 'heif', 'hif'],
};

const HEIF_BRANDS = new Set(['heic', 'heix', 'hevc', 'hevx', 'heim', 'heis', 'hevm', 'hevs', 'mif1', 'msf1']);

/** Facts from the file's first bytes (a few hundred KB is enough for every header read here), or null. */
export function sniff(bytes: Uint8Array): ImageFacts | null {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const text = (at: number, n: number) => String.fromCharCode(...bytes.subarray(at, at + n));
  if (bytes.length < 12) return null;
  if (bytes[0] === 0xff && bytes[1] === 0xd8 && bytes[2] === 0xff) return {format: 'jpeg', animated: false, ...jpegSize(bytes)};
  if (text(1, 3) === 'PNG' && bytes[0] === 0x89) {
    // An APNG has an acTL chunk before its first IDAT.
    return {format: 'png', width: view.getUint32(16), height: view.getUint32(20), animated: hasChunkBefore(bytes, 'acTL', 'IDAT')};
  }
  if (text(0, 4) === 'GIF8') return {format: 'gif', width: view.getUint16(6, true), height: view.getUint16(8, true), animated: gifFrames(bytes) > 1};
  if (text(0, 4) === 'RIFF' && text(8, 4) === 'WEBP') return webp(bytes, view);
  if (text(0, 2) === 'BM' && bytes.length >= 26) return {format: 'bmp', width: Math.abs(view.getInt32(18, true)), height: Math.abs(view.getInt32(22, true)), animated: false};
  if (text(0, 4) === 'II*\0' || text(0, 4) === 'MM\0*') return {format: 'tiff', animated: false};
  if (text(4, 4) === 'ftyp' && HEIF_BRANDS.has(text(8, 4))) return {format: 'heif', animated: false};
  const head = new TextDecoder().decode(bytes.subarray(0, 1024)).trimStart().toLowerCase();
  if ((head.startsWith('<?xml') || head.startsWith('<svg') || head.startsWith('<!--') || head.startsWith('<!doctype svg')) && head.includes('<svg')) return {format: 'svg', animated: false};
  return null;
}

function jpegSize(bytes: Uint8Array): {width?: number; height?: number} {
  let at = 2;
  while (at + 9 < bytes.length) {
    if (bytes[at] !== 0xff) return {};
    const marker = bytes[at + 1]!;
    if (marker === 0xff) {
      at++;
      continue;
    }
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    // SOF0–SOF15 except DHT (C4), JPG (C8) and DAC (CC) carry the frame size.
    if (marker >= 0xc0 && marker <= 0xcf && marker !== 0xc4 && marker !== 0xc8 && marker !== 0xcc) {
      return {height: (bytes[at + 5]! << 8) | bytes[at + 6]!, width: (bytes[at + 7]! << 8) | bytes[at + 8]!};
    }
    if (marker === 0xda) return {};
    at += 2 + length;
  }
  return {};
}

function hasChunkBefore(bytes: Uint8Array, wanted: string, before: string): boolean {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let at = 8;
  while (at + 8 <= bytes.length) {
    const length = view.getUint32(at);
    const type = String.fromCharCode(...bytes.subarray(at + 4, at + 8));
    if (type === wanted) return true;
    if (type === before) return false;
    at += 12 + length;
  }
  return false;
}

/** Image descriptors counted by walking the GIF's blocks (stops at 2: enough to know it moves). */
function gifFrames(bytes: Uint8Array): number {
  let at = 13;
  if (bytes[10]! & 0x80) at += 3 * 2 ** ((bytes[10]! & 7) + 1);
  let frames = 0;
  const skipSubBlocks = () => {
    while (at < bytes.length && bytes[at] !== 0) at += bytes[at]! + 1;
    at++;
  };
  while (at < bytes.length && frames < 2) {
    const kind = bytes[at];
    if (kind === 0x3b) break;
    if (kind === 0x21) {
      at += 2;
      skipSubBlocks();
    } else if (kind === 0x2c) {
      frames++;
      const packed = bytes[at + 9]!;
      at += 10;
      if (packed & 0x80) at += 3 * 2 ** ((packed & 7) + 1);
      at++; // LZW minimum code size
      skipSubBlocks();
    } else break;
  }
  return frames;
}

function webp(bytes: Uint8Array, view: DataView): ImageFacts {
  const chunk = String.fromCharCode(...bytes.subarray(12, 16));
  const u24 = (at: number) => bytes[at]! | (bytes[at + 1]! << 8) | (bytes[at + 2]! << 16);
  if (chunk === 'VP8X') return {format: 'webp', animated: (bytes[20]! & 0x02) !== 0, width: u24(24) + 1, height: u24(27) + 1};
  if (chunk === 'VP8L') {
    const bits = view.getUint32(21, true);
    return {format: 'webp', animated: false, width: (bits & 0x3fff) + 1, height: ((bits >> 14) & 0x3fff) + 1};
  }
  return {format: 'webp', animated: false, width: view.getUint16(26, true) & 0x3fff, height: view.getUint16(28, true) & 0x3fff};
}
