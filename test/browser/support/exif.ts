/**
 * A tiny EXIF writer and reader for tests, written apart from src/image/exif.ts so the code under test is
 * not its own judge: it inserts an APP1 block (orientation, a camera make, GPS latitude/longitude) into a
 * JPEG, and lists every tag it finds in IFD0 and the GPS IFD.
 */

/** Rationals that spell a position; tests look for these bytes anywhere in a file after upload. */
export const GPS_MARK = [0x0b, 0xad, 0xc0, 0xde];

/** The JPEG with an EXIF block (big-endian) after its SOI: orientation, Make "TestCam", and a GPS IFD. */
export function addExif(jpeg: Uint8Array, {orientation = 1, gps = true}: {orientation?: number; gps?: boolean} = {}): Uint8Array<ArrayBuffer> {
  const entries0: [number, number, number, number | Uint8Array][] = [
    [0x010f, 2, 8, new TextEncoder().encode('TestCam\0')], // Make
    [0x0112, 3, 1, orientation],
  ];
  if (gps) entries0.push([0x8825, 4, 1, 0]); // pointer filled below
  // Layout after the 8-byte TIFF header: IFD0, its out-of-line values, the GPS IFD, its values.
  const ifd0Size = 2 + entries0.length * 12 + 4;
  const makeAt = 8 + ifd0Size;
  const gpsAt = makeAt + 8;
  const gpsEntries = 3; // GPSLatitudeRef, GPSLatitude, GPSLongitude
  const gpsSize = 2 + gpsEntries * 12 + 4;
  const latAt = gpsAt + gpsSize;
  const lonAt = latAt + 24;
  const tiffLength = gps ? lonAt + 24 : makeAt + 8;
  const tiff = new Uint8Array(tiffLength);
  const v = new DataView(tiff.buffer);
  tiff.set([0x4d, 0x4d, 0, 42, 0, 0, 0, 8]);
  v.setUint16(8, entries0.length);
  entries0.forEach(([tag, type, count, value], i) => {
    const at = 10 + i * 12;
    v.setUint16(at, tag);
    v.setUint16(at + 2, type);
    v.setUint32(at + 4, count);
    if (value instanceof Uint8Array) {
      v.setUint32(at + 8, makeAt);
      tiff.set(value, makeAt);
    } else if (tag === 0x8825) v.setUint32(at + 8, gpsAt);
    else if (type === 3) v.setUint16(at + 8, value);
    else v.setUint32(at + 8, value);
  });
  if (gps) {
    v.setUint16(gpsAt, gpsEntries);
    const gpsEntry = (i: number, tag: number, type: number, count: number, value: number) => {
      const at = gpsAt + 2 + i * 12;
      v.setUint16(at, tag);
      v.setUint16(at + 2, type);
      v.setUint32(at + 4, count);
      v.setUint32(at + 8, value);
    };
    gpsEntry(0, 0x0001, 2, 2, 0x4e000000); // "N\0" inline
    gpsEntry(1, 0x0002, 5, 3, latAt);
    gpsEntry(2, 0x0004, 5, 3, lonAt);
    for (const at of [latAt, lonAt]) for (let k = 0; k < 6; k++) tiff.set(GPS_MARK, at + k * 4);
  }
  const app1 = new Uint8Array(4 + 6 + tiff.length);
  app1.set([0xff, 0xe1, (app1.length - 2) >> 8, (app1.length - 2) & 0xff]);
  app1.set(new TextEncoder().encode('Exif\0\0'), 4);
  app1.set(tiff, 10);
  const out = new Uint8Array(jpeg.length + app1.length);
  out.set(jpeg.subarray(0, 2));
  out.set(app1, 2);
  out.set(jpeg.subarray(2), 2 + app1.length);
  return out;
}

export interface ExifTags {
  /** Tags of IFD0 (tag → first value for short/long). */
  ifd0: Map<number, number>;
  /** Tags of the GPS IFD. */
  gps: number[];
}

/** Every EXIF block's IFD0 and GPS tags (null when the file has no EXIF block). */
export function readExif(bytes: Uint8Array): ExifTags | null {
  if (bytes[0] !== 0xff || bytes[1] !== 0xd8) return null;
  let at = 2;
  while (at + 4 < bytes.length && bytes[at] === 0xff && bytes[at + 1] !== 0xda) {
    const length = (bytes[at + 2]! << 8) | bytes[at + 3]!;
    if (bytes[at + 1] === 0xe1 && String.fromCharCode(...bytes.subarray(at + 4, at + 8)) === 'Exif') {
      const base = at + 10;
      const v = new DataView(bytes.buffer, bytes.byteOffset + base);
      const le = bytes[base] === 0x49;
      const ifd = (offset: number) => {
        const n = v.getUint16(offset, le);
        return Array.from({length: n}, (_, i) => {
          const e = offset + 2 + i * 12;
          const type = v.getUint16(e + 2, le);
          return {tag: v.getUint16(e, le), value: type === 3 ? v.getUint16(e + 8, le) : v.getUint32(e + 8, le)};
        });
      };
      const first = ifd(v.getUint32(4, le));
      const pointer = first.find((e) => e.tag === 0x8825);
      return {ifd0: new Map(first.map((e) => [e.tag, e.value])), gps: pointer ? ifd(pointer.value).map((e) => e.tag).filter((t) => t !== 0) : []};
    }
    at += 2 + length;
  }
  return null;
}

/** Whether `needle` occurs anywhere in `bytes`. */
export function contains(bytes: Uint8Array, needle: readonly number[]): boolean {
  outer: for (let i = 0; i + needle.length <= bytes.length; i++) {
    for (let k = 0; k < needle.length; k++) if (bytes[i + k] !== needle[k]) continue outer;
    return true;
  }
  return false;
}
