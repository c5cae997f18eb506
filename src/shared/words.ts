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
  | 'bad-url'
  /** The page's own check (its beforeAdd hook) refused the file; the reason is the page's. */
  | 'hook';

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
  /** 123pan's API (or an upload server) refuses calls from browser pages (CORS): token mode cannot work there. */
  | 'cors-refused'
  | 'hash-failed'
  | 'refused'
  /** The image host's offline migration could not fetch or store the image at a URL. */
  | 'url-failed'
  /** The page's beforeUpload hook refused the file or threw; the message is the page's. */
  | 'hook'
  /** An image the image host cannot take as it is, that could not be converted: the message names the file and why. */
  | 'image-refused'
  /** 123pan's content review rejected the file (its `status` is above 100). */
  | 'content-review'
  | 'unknown';
