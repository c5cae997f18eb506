/**
 * What preparing did to an image, as data: the element words it in the page's language (its i18n tables),
 * the engine's `note` and error messages in English (`englishNote`). A refusal leaves the file's name out:
 * whoever shows it already names the file.
 */
import {formatBytes} from '../shared/format-bytes.ts';

/** Why the original goes instead of a transformed copy. `detail` is the browser's own words, shown as they are. */
export type AsIsReason =
  | {key: 'not-image'}
  | {key: 'too-many-pixels'; size: string; megapixels: number}
  | {key: 'undecodable'; detail: string}
  | {key: 'unsupported'; detail: string};

/** A name that said one format over bytes of another: the file goes under `name`, as its bytes are `format`. */
export interface Renamed {
  format: string;
  name: string;
}

export type ImageNote =
  | {kind: 'optimized'; from: number; to: number}
  | {kind: 'converted'; format: string; from: number; to: number}
  | {kind: 'kept'; locationRemoved: boolean; renamed?: Renamed}
  | {kind: 'as-is'; why: AsIsReason; renamed?: Renamed}
  /** The image host cannot take it: a HEIC that could not be converted, or over its limit (`why`: it was sent as is). */
  | {kind: 'refused'; problem: 'heic' | 'too-big'; size: number; limit: number; why?: AsIsReason; renamed?: Renamed};

function why(reason: AsIsReason): string {
  if (reason.key === 'not-image') return 'its bytes are not an image this uploader can read';
  if (reason.key === 'too-many-pixels') return `${reason.size} is more than the ${reason.megapixels} megapixels this browser is asked to decode`;
  if (reason.key === 'undecodable') return `it could not be read as an image: ${reason.detail}`;
  return reason.detail;
}

const renamedText = (r?: Renamed) => (r ? ` (its bytes are ${r.format}, so it goes as ${r.name})` : '');

export function englishNote(note: ImageNote): string {
  const moved = 'from' in note ? ` · ${formatBytes(note.from)} → ${formatBytes(note.to)}` : '';
  if (note.kind === 'optimized') return `optimized${moved}`;
  if (note.kind === 'converted') return `converted to ${note.format}${moved}`;
  if (note.kind === 'kept') {
    return note.locationRemoved
      ? `kept as is (re-encoding would not make it smaller), location removed${renamedText(note.renamed)}`
      : `kept as is: re-encoding would not make it smaller${renamedText(note.renamed)}`;
  }
  if (note.kind === 'as-is') return `sent as is: ${why(note.why)}${renamedText(note.renamed)}`;
  const limit = `the image host's limit of ${formatBytes(note.limit)}`;
  if (!note.why) return `${formatBytes(note.size)} is above ${limit} even after compression`;
  const problem = note.problem === 'heic' ? 'the image host does not take HEIC' : `at ${formatBytes(note.size)} it is above ${limit}`;
  return `${why(note.why)}${renamedText(note.renamed)}, and ${problem}`;
}
