/** What the page and the image worker say to each other. */

export interface TransformJob {
  /** The bytes to decode: for a JPEG, a copy whose EXIF orientation is already 1 (no engine rotates it). */
  blob: Blob;
  heif: boolean;
  /** The stored size from the header, when known: the decoder is then asked for the scaled size directly. */
  width?: number;
  height?: number;
  /** EXIF orientation 1–8 to apply to the pixels. */
  orientation: number;
  maxWidth: number;
  maxHeight: number;
  maxPixels: number;
  /** The MIME type to encode to. */
  mime: string;
  quality: number;
}

export type TransformReply =
  | {ok: true; blob: Blob; width: number; height: number; sourceWidth: number; sourceHeight: number; decoder: 'browser' | 'libheif'}
  /** `unsupported`: this browser cannot do it (no OffscreenCanvas, no encoder); `undecodable`: the bytes are not a readable image; `too-large`: over maxPixels. */
  | {ok: false; reason: 'unsupported' | 'undecodable' | 'too-large'; message: string};
