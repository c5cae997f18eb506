/**
 * The words every layer uses: where bytes go, which 123pan flow carries them, why a file is refused
 * and why an upload failed. The UI translates the keys; messages stay plain English.
 */

/** Where the bytes go: the cloud drive or the image host (图床). */
export type UploadTarget = 'drive' | 'image';

/** The 123pan upload flows: drive v2 slices, drive v2 single-step, drive v1 presigned, image host presigned, image URL import. */
export type UploadFlow = 'v2' | 'single' | 'v1' | 'image' | 'url';

/** Why a file was refused before anything was sent. */
export type RejectKey =
  | 'name-empty'
  | 'name-too-long'
  | 'name-forbidden-char'
  | 'name-only-spaces'
  | 'too-large'
  | 'target-too-large'
  | 'not-accepted'
  | 'not-image'
  | 'too-many-files'
  | 'already-queued'
  /** A URL to import that is not an http(s) address. */
  | 'bad-url';

/** Why an upload failed. */
export type ErrorKey =
  | 'network'
  | 'timeout'
  | 'auth'
  | 'token-limit'
  | 'rate-limited'
  | 'traffic-limit'
  | 'server'
  | 'not-found'
  | 'verify-timeout'
  | 'etag-mismatch'
  | 'mixed-content'
  | 'hash-failed'
  | 'refused'
  /** The image host's offline migration could not fetch or store the image at a URL. */
  | 'url-failed'
  /** 123pan's content review rejected the file (its `status` is above 100). */
  | 'content-review'
  | 'unknown';
