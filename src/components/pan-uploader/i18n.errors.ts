/**
 * The English error texts and image notes: shown only once a file has failed or been prepared, so they load
 * with the first file queued, not up front. The image notes are the engine's own English wording.
 */
import type {Strings} from './i18n.ts';

export {englishNote as enImageNote} from '../../image/note.ts';

export const enErrors: Strings['error'] = {
  network: 'The network connection failed.',
  timeout: 'The server took too long to answer.',
  auth: 'Not signed in to 123pan, or the access was refused.',
  'token-limit': 'The 123pan account has too many active access tokens.',
  'rate-limited': '123pan is receiving too many requests; try again shortly.',
  'traffic-limit': 'The 123pan account has used up its traffic allowance.',
  server: '123pan reported an internal error.',
  'not-found': 'The file or folder no longer exists on 123pan.',
  'verify-timeout': '123pan did not finish verifying the file in time.',
  'etag-mismatch': 'The uploaded bytes did not match the file: it may have changed while uploading.',
  'mixed-content': 'The upload server uses plain HTTP, which this secure page cannot reach.',
  'cors-refused': '123pan does not let this page call it directly. The site must upload through its own server (proxy mode).',
  'hash-failed': 'The file could not be read to compute its checksum.',
  refused: '123pan refused the upload.',
  'url-failed': '123pan could not download an image from this address: it may be unreachable, not an image, or over 100 MB.',
  hook: 'Refused by this page.',
  'content-review': "123pan's content review rejected this file: it is stored but cannot be shared or downloaded.",
  unknown: 'Something went wrong.',
};
