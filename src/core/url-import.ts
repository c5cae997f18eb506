/** URL imports as queue entries: the checks made before anything is sent, and the task's stand-in file. */
import {checkImportURL, checkCallBackUrl} from '../oss/import-url.ts';
import {OssInputError} from '../oss/errors.ts';
import type {RejectKey, RejectedFile} from './types.ts';

export interface ImportSource {
  url: string;
  fileName: string;
  callBackUrl?: string;
  /** The offline migration task, once 123pan has made it (kept across pause and resume). */
  taskID?: number;
}

/** The import to queue, or why it is refused (naming the URL and the reason). */
export function checkImport(
  url: string,
  options: {fileName?: string; callBackUrl?: string},
  queued: number,
  maxFiles: number | undefined,
): ImportSource | RejectedFile {
  const refuse = (key: RejectKey, reason: string): RejectedFile => ({name: String(url), relativePath: '', size: 0, key, reason});
  try {
    const checked = checkImportURL(url, options.fileName);
    if (maxFiles !== undefined && queued >= maxFiles) {
      return refuse('too-many-files', `"${url}": at most ${maxFiles} file${maxFiles === 1 ? '' : 's'} may be added`);
    }
    const source: ImportSource = {url: checked.url, fileName: checked.fileName};
    if (options.callBackUrl !== undefined) source.callBackUrl = checkCallBackUrl(options.callBackUrl);
    return source;
  } catch (error) {
    if (!(error instanceof OssInputError)) throw error;
    return refuse(error.key === 'bad-input' ? 'bad-url' : error.key, error.message);
  }
}

/** An empty File under the image's name: the task list shows it like any other, with no bytes to preview. */
export function importPlaceholder(fileName: string): File {
  return new File([], fileName, {type: ''});
}
