/** Failures the flows themselves detect (the API client types the ones the server reports). */
import {PanError} from '../shared/errors.ts';

export class UploadError extends PanError {
  override readonly name = 'UploadError';
}

export {isAbort} from '../shared/abort.ts';
