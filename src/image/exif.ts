/**
 * The EXIF block of a JPEG, read and edited in place: orientation (read, and set to 1 once applied to the
 * pixels), GPS (zeroed without re-encoding), and the block itself (carried over when metadata is kept).
 */

export interface ExifBlock {
  /** Offset of the APP1 segment's marker in the file. */
  segmentStart: number;
  /** Offset just past the segment. */
  segmentEnd: number;
  /** Offset of the TIFF header ("II*\0" or "MM\0*"), where every EXIF offset counts from. */
  tiff: number;
  little: boolean;
}

const TYPE_SIZE: Record<number, number> = {1: 1, 2: 1, 3: 2, 4: 4, 5: 8, 6: 1, 7: 1, 8: 2, 9: 4, 10: 8, 11: 4, 12: 8};
const ORIENTATION = 0x0112;
const GPS_IFD = 0x8825;

/** The first EXIF APP1 segment of a JPEG within `bytes` (the file's head), or null. */
export function findExif(bytes: Uint8Array): ExifBlock | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 <= bytes.length && bytes[at] === 0xff) {
    const marker = bytes[at + 1]!;
    if (marker === 0xda || marker === 0xd9) return null; // image data begins: no EXIF before it
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    const end = at + 2 + length;
    if (marker === 0xe1 && end <= bytes.length && ascii(bytes, at + 4, 6) === 'Exif\0\0') {
      const tiff = at + 10;
      const order = ascii(bytes, tiff, 2);
      if (order !== 'II' && order !== 'MM') return null;
      return {segmentStart: at, segmentEnd: end, tiff, little: order === 'II'};
    }
    at = end;
  }
  return null;
}

function ascii(bytes: Uint8Array, at: number, length: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + length));
}

class Reader {
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly block: ExifBlock,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  u16(offset: number): number {
    return this.view.getUint16(this.block.tiff + offset, this.block.little);
  }
  u32(offset: number): number {
    return this.view.getUint32(this.block.tiff + offset, this.block.little);
  }
  setU16(offset: number, value: number): void {
    this.view.setUint16(this.block.tiff + offset, value, this.block.little);
  }
  inside(offset: number, length: number): boolean {
    return offset >= 0 && this.block.tiff + offset + length <= this.block.segmentEnd && this.block.tiff + offset + length <= this.bytes.length;
  }
  /** The entries of the IFD at `offset`: each entry's own offset and tag. */
  entries(offset: number): {at: number; tag: number; type: number; count: number}[] {
    if (!this.inside(offset, 2)) return [];
    const n = this.u16(offset);
    const out = [];
    for (let i = 0; i < n; i++) {
      const at = offset + 2 + i * 12;
      if (!this.inside(at, 12)) break;
      out.push({at, tag: this.u16(at), type: this.u16(at + 2), count: this.u32(at + 4)});
    }
    return out;
  }
  ifd0(): number {
    return this.u32(4);
  }
}

/** EXIF orientation 1–8 (1 when absent or unreadable). */
export function readOrientation(bytes: Uint8Array, block: ExifBlock | null = findExif(bytes)): number {
  if (!block) return 1;
  const r = new Reader(bytes, block);
  const entry = r.entries(r.ifd0()).find((e) => e.tag === ORIENTATION);
  const value = entry ? r.u16(entry.at + 8) : 1;
  return value >= 1 && value <= 8 ? value : 1;
}

/** Sets the orientation tag to 1 in place (the pixels are then drawn upright by whoever wrote them). */
export function clearOrientation(bytes: Uint8Array, block: ExifBlock | null = findExif(bytes)): void {
  if (!block) return;
  const r = new Reader(bytes, block);
  const entry = r.entries(r.ifd0()).find((e) => e.tag === ORIENTATION);
  if (entry) r.setU16(entry.at + 8, 1);
}

/**
 * Zeroes the GPS block in place: every GPS entry's value (inline or pointed to) and the entry count, so no
 * reader finds a position. Returns whether there was one. The file keeps its length, so nothing else moves.
 */
export function stripGps(bytes: Uint8Array, block: ExifBlock | null = findExif(bytes)): boolean {
  if (!block) return false;
  const r = new Reader(bytes, block);
  const pointer = r.entries(r.ifd0()).find((e) => e.tag === GPS_IFD);
  if (!pointer) return false;
  const gps = r.u32(pointer.at + 8);
  const entries = r.entries(gps);
  if (entries.length === 0) return false;
  for (const e of entries) {
    const size = (TYPE_SIZE[e.type] ?? 1) * e.count;
    if (size > 4) {
      const valueAt = r.u32(e.at + 8);
      if (r.inside(valueAt, size)) bytes.fill(0, block.tiff + valueAt, block.tiff + valueAt + size);
    }
    bytes.fill(0, block.tiff + e.at, block.tiff + e.at + 12);
  }
  r.setU16(gps, 0);
  return true;
}

/** Whether the EXIF block holds any GPS entry. */
export function hasGps(bytes: Uint8Array, block: ExifBlock | null = findExif(bytes)): boolean {
  if (!block) return false;
  const r = new Reader(bytes, block);
  const pointer = r.entries(r.ifd0()).find((e) => e.tag === GPS_IFD);
  return pointer ? r.entries(r.u32(pointer.at + 8)).length > 0 : false;
}
