/**
 * An image note (image/note.ts) in a language's words: the sentence shapes live here once, each language
 * gives its phrases. English needs none of this: it shows the engine's own wording (`englishNote`).
 */
import type {AsIsReason, ImageNote, Renamed} from '../../image/note.ts';
import {formatBytes} from '../../shared/format-bytes.ts';

export interface ImageNoteWords {
  optimized: string;
  converted: (format: string) => string;
  kept: string;
  keptLocationRemoved: string;
  asIs: string;
  notImage: string;
  tooManyPixels: (size: string, megapixels: number) => string;
  undecodable: string;
  /** With the browser's own words. */
  unsupported: (detail: string) => string;
  renamed: (r: Renamed) => string;
  /** "<size> is above the image host's limit of <limit>". */
  over: (size: string, limit: string) => string;
  evenAfterCompression: string;
  heic: string;
  also: string;
}

export function imageNoteIn(w: ImageNoteWords): (note: ImageNote) => string {
  const why = (reason: AsIsReason): string => {
    if (reason.key === 'not-image') return w.notImage;
    if (reason.key === 'too-many-pixels') return w.tooManyPixels(reason.size, reason.megapixels);
    if (reason.key === 'undecodable') return w.undecodable + reason.detail;
    return w.unsupported(reason.detail);
  };
  const renamed = (r?: Renamed) => (r ? w.renamed(r) : '');
  return (note) => {
    const moved = 'from' in note ? ` · ${formatBytes(note.from)} → ${formatBytes(note.to)}` : '';
    if (note.kind === 'optimized') return w.optimized + moved;
    if (note.kind === 'converted') return w.converted(note.format) + moved;
    if (note.kind === 'kept') return (note.locationRemoved ? w.keptLocationRemoved : w.kept) + renamed(note.renamed);
    if (note.kind === 'as-is') return w.asIs + why(note.why) + renamed(note.renamed);
    const over = w.over(formatBytes(note.size), formatBytes(note.limit));
    if (!note.why) return over + w.evenAfterCompression;
    return why(note.why) + renamed(note.renamed) + (note.problem === 'heic' ? w.heic : w.also + over);
  };
}
