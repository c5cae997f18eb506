/**
 * What an offline migration (URL import) may be asked for, checked before anything is sent:
 * an http/https URL, an image name in one of the documented formats, a folder that is not the root.
 */
import {checkName, IMAGE_EXTENSIONS} from '../shared/rules.ts';
import {OssInputError} from './errors.ts';

export interface CheckedImport {
  /** The URL as sent (normalized). */
  url: string;
  /** The name the image will have: the one given, or the URL's last path segment. */
  fileName: string;
}

/** Throws OssInputError naming the field and the reason; returns what will be sent. */
export function checkImportURL(url: string, fileName?: string): CheckedImport {
  if (typeof url !== 'string' || url.trim() === '') throw new OssInputError('bad-url', 'url: paste the address of an image (http or https)');
  let parsed: URL;
  try {
    parsed = new URL(url.trim());
  } catch {
    throw new OssInputError('bad-url', `url "${url}" is not a web address: it must start with http:// or https://`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new OssInputError('bad-url', `url "${url}": 123pan imports only http and https addresses, not ${parsed.protocol.slice(0, -1)}`);
  }
  if (parsed.username || parsed.password) throw new OssInputError('bad-url', `url "${url}": an address with a user name or password cannot be imported`);
  const name = fileName ?? lastSegment(parsed);
  const field = fileName === undefined ? `url "${url}"` : `fileName "${fileName}"`;
  if (!name) throw new OssInputError('not-image', `${field}: the address names no file; give a fileName ending in ${IMAGE_EXTENSIONS.join(', ')}`);
  const problem = checkName(name, field);
  if (problem) throw new OssInputError(problem.key, problem.reason);
  const dot = name.lastIndexOf('.');
  const ext = dot < 0 ? '' : name.slice(dot + 1).toLowerCase();
  if (!(IMAGE_EXTENSIONS as readonly string[]).includes(ext)) {
    throw new OssInputError(
      'not-image',
      `${field}: "${name}" is not one of the image formats the image host imports (${IMAGE_EXTENSIONS.join(', ')})${fileName === undefined ? '; give a fileName if the address hides the format' : ''}`,
    );
  }
  return {url: parsed.href, fileName: name};
}

/** An http(s) address for 123pan to call back, or a clear refusal. */
export function checkCallBackUrl(callBackUrl: string): string {
  let parsed: URL;
  try {
    parsed = new URL(callBackUrl);
  } catch {
    throw new OssInputError('bad-input', `callBackUrl "${callBackUrl}" is not an absolute http or https URL`);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new OssInputError('bad-input', `callBackUrl "${callBackUrl}" must be an http or https URL`);
  return parsed.href;
}

function lastSegment(url: URL): string {
  const segment = url.pathname.split('/').pop() ?? '';
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
