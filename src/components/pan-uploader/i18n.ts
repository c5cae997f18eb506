/**
 * Every string the element shows or announces: English here, Simplified and Traditional Chinese in
 * i18n.zh-CN.ts and i18n.zh-TW.ts (loaded on use), and whatever a page registers.
 * The engine hands over keys (RejectKey, ErrorKey, UploadStatus); this file turns them into words.
 */
import type {ErrorKey, RejectKey, UploadErrorInfo, UploadStatus} from '../../core/types.ts';
import type {ImageNote} from '../../image/note.ts';

/** A language tag: the three shipped, or one a page registered (`PanUploader.registerLocale`). */
export type Locale = 'en' | 'zh-CN' | 'zh-TW' | (string & {});

export interface Strings {
  dropTitle: string;
  dropHint: string;
  dropHintImage: string;
  dropActive: string;
  chooseFiles: string;
  chooseFolder: string;
  takePhoto: string;
  recordVideo: string;
  empty: string;
  fileList: string;
  rejectedList: string;
  overall: string;
  upload: string;
  pauseAll: string;
  resumeAll: string;
  clear: string;
  pause: string;
  resume: string;
  cancel: string;
  retry: string;
  remove: string;
  dismiss: string;
  copyLink: string;
  copied: string;
  copyFailed: string;
  openLink: string;
  instant: string;
  resumed: string;
  rejected: string;
  /** URL import (image host): the field's label, its button, the status while 123pan downloads, the source. */
  importLabel: string;
  importButton: string;
  importing: string;
  importFrom: (host: string) => string;
  status: Record<UploadStatus, string>;
  reject: Record<RejectKey, string>;
  /** 'image-refused' has none: its reason is the error's image note (`imageNote` below), or else its message. */
  error: Record<Exclude<ErrorKey, 'image-refused'>, string>;
  /** What preparing did to an image (the row's note), and why the image host cannot take one ('image-refused', the file not named). */
  imageNote: (note: ImageNote) => string;
  /** The line before the refused files listed one by one, counting the others (a refused folder of thousands). */
  moreRejected?: (n: number) => string;
  traceID: string;
  valueMissing: string;
  uploadsRunning: string;
  /** "3 of 10 uploaded" */
  countDone: (done: number, total: number) => string;
  failedCount: (n: number) => string;
  speed: (perSecond: string) => string;
  eta: (time: string) => string;
  seconds: (s: number) => string;
  minutes: (m: number, s: number) => string;
  hours: (h: number, m: number) => string;
  progressOf: (name: string) => string;
  actionOn: (action: string, name: string) => string;
  announceAdded: (n: number) => string;
  announceStart: (n: number) => string;
  announceMilestone: (percent: number) => string;
  announceDone: (name: string) => string;
  announceError: (name: string, message: string) => string;
  announceRejected: (name: string, reason: string) => string;
  announceComplete: (succeeded: number, failed: number) => string;
  /** An existing file the detail call did not find. */
  notFound: string;
  rename: string;
  renameLabel: (name: string) => string;
  /** The reorder handle's label, and how to use it from the keyboard. */
  moveLabel: (name: string) => string;
  moveHint: string;
  announceMoved: (name: string, position: number, total: number) => string;
  announceResumed: (n: number) => string;
}

/** A page's overrides: any string, and any entry of the keyed tables. */
export type StringOverrides = {[K in keyof Strings]?: NonNullable<Strings[K]> extends (...args: never[]) => string ? Strings[K] : Strings[K] extends string ? string : Partial<Strings[K]>};

// imageNote loads with the error texts (until then the engine's English note is shown); moreRejected's English is
// in refused-list.ts, the only place that shows it.
const en = {
  dropTitle: 'Drop files here',
  dropHint: 'or paste them, or choose from your device',
  dropHintImage: 'Images only: PNG, JPEG, GIF, WebP, SVG, BMP, TIFF, up to 100 MB each',
  dropActive: 'Release to add the files',
  chooseFiles: 'Choose files',
  chooseFolder: 'Choose folder',
  takePhoto: 'Take photo',
  recordVideo: 'Record video',
  empty: 'No files yet',
  fileList: 'Files to upload',
  rejectedList: 'Files not added',
  overall: 'Overall progress',
  upload: 'Upload',
  pauseAll: 'Pause all',
  resumeAll: 'Resume all',
  clear: 'Clear list',
  pause: 'Pause',
  resume: 'Resume',
  cancel: 'Cancel',
  retry: 'Retry',
  remove: 'Remove',
  dismiss: 'Dismiss',
  copyLink: 'Copy link',
  copied: 'Link copied',
  copyFailed: 'Could not copy the link',
  openLink: 'Open',
  instant: 'instant upload: already on 123pan',
  resumed: 'continued from an earlier upload',
  rejected: 'Not added',
  importLabel: 'Or import an image from a web address',
  importButton: 'Import',
  importing: '123pan is downloading',
  importFrom: (host) => `from ${host}`,
  status: {
    queued: 'Waiting',
    preparing: 'Processing file',
    hashing: 'Checking file',
    creating: 'Preparing',
    uploading: 'Uploading',
    completing: 'Verifying',
    done: 'Uploaded',
    error: 'Failed',
    paused: 'Paused',
    canceled: 'Canceled',
  },
  reject: {
    'name-empty': 'The file has no name.',
    'name-too-long': 'The name is longer than 255 characters.',
    'name-forbidden-char': 'The name contains one of " \\ / : * ? | > <.',
    'name-only-spaces': 'The name is only spaces.',
    'too-large': 'The file is larger than the size allowed here.',
    'target-too-large': 'The file is larger than 123pan accepts for this destination.',
    'not-accepted': 'This type of file is not accepted here.',
    'not-image': 'The image host accepts only PNG, GIF, JPEG, TIFF, WebP, SVG and BMP images.',
    'too-many-files': 'Too many files: the limit has been reached.',
    'already-queued': 'This file is already in the list.',
    'bad-url': 'Paste a web address starting with http:// or https://.',
    hook: 'Refused by this page.',
  },
  // Shown only once a file has failed: loaded with the first file queued (loadErrorStrings).
  error: {} as Strings['error'],
  traceID: 'Trace ID',
  valueMissing: 'Please upload at least one file.',
  uploadsRunning: 'Please wait until the uploads have finished.',
  countDone: (done, total) => `${done} of ${total} uploaded`,
  failedCount: (n) => `${n} failed`,
  speed: (perSecond) => `${perSecond}/s`,
  eta: (time) => `${time} left`,
  seconds: (s) => `${s} s`,
  minutes: (m, s) => `${m} min ${s} s`,
  hours: (h, m) => `${h} h ${m} min`,
  progressOf: (name) => `Progress of ${name}`,
  actionOn: (action, name) => `${action} ${name}`,
  announceAdded: (n) => (n === 1 ? '1 file added.' : `${n} files added.`),
  announceStart: (n) => (n === 1 ? 'Uploading 1 file.' : `Uploading ${n} files.`),
  announceMilestone: (percent) => `Upload ${percent}% done.`,
  announceDone: (name) => `${name} uploaded.`,
  announceError: (name, message) => `${name} failed: ${message}`,
  announceRejected: (name, reason) => `${name} was not added: ${reason}`,
  announceComplete: (succeeded, failed) =>
    failed ? `Uploads finished: ${succeeded} uploaded, ${failed} failed.` : `Uploads finished: ${succeeded} uploaded.`,
  notFound: 'Not found on 123pan',
  rename: 'Rename',
  renameLabel: (name) => `New name for ${name}`,
  moveLabel: (name) => `Move ${name}`,
  moveHint: 'Arrow keys move the file up or down the list.',
  announceMoved: (name, position, total) => `${name} moved to position ${position} of ${total}.`,
  announceResumed: (n) => (n === 1 ? '1 file continues where it left off.' : `${n} files continue where they left off.`),
} satisfies Omit<Strings, 'imageNote'>;


// English ships with the element; other languages load on first use (a page in English does not pay for them).
const tables: Record<string, Strings> = {en: en as Strings};
const loading = new Map<Locale, Promise<void>>();
const shipped: Record<string, () => Promise<Strings>> = {
  'zh-CN': () => import('./i18n.zh-CN.ts').then((m) => m.zhCN),
  'zh-TW': () => import('./i18n.zh-TW.ts').then((m) => m.zhTW),
};

/** Adds (or replaces) a language; typed as `Strings`, so a missing key is a type error. */
export function registerLocale(tag: string, table: Strings): void {
  tables[tag] = table;
  loading.delete(tag);
}

/**
 * A `lang` to a table's tag: an exact (case-blind) match, then its language alone ("ja-JP" → "ja");
 * Chinese by script or region (Hant, TW, HK, MO → zh-TW; the rest → zh-CN); else English.
 */
export function resolveLocale(lang: string | null | undefined): Locale {
  const wanted = (lang ?? '').trim().toLowerCase();
  if (!wanted) return 'en';
  const known = [...Object.keys(tables), ...Object.keys(shipped)];
  const exact = known.find((tag) => tag.toLowerCase() === wanted);
  if (exact) return exact;
  if (/^zh\b/.test(wanted)) return /-(hant|tw|hk|mo)\b/.test(wanted) ? 'zh-TW' : 'zh-CN';
  const primary = wanted.split('-')[0];
  return known.find((tag) => tag.toLowerCase() === primary) ?? 'en';
}

/** A language's strings; English until that language's chunk has loaded (see loadLocale). */
export function strings(locale: Locale): Strings {
  return tables[locale] ?? tables.en!;
}

let errorsLoad: Promise<void> | undefined;

/**
 * Loads the English error texts (a new English table, so cached merges see it): undefined when they are
 * there. Until then a failed file shows the engine's own English message.
 */
export function loadErrorStrings(): Promise<void> | undefined {
  if (tables.en !== en) return undefined;
  errorsLoad ??= import('./i18n.errors.ts').then(
    ({enErrors, enImageNote}) => {
      if (tables.en === en) tables.en = {...en, error: enErrors, imageNote: enImageNote};
    },
    (error: unknown) => {
      errorsLoad = undefined;
      throw error;
    },
  );
  return errorsLoad;
}

/** A failed file's reason in the table's words (an image refusal without the name its row already shows). */
export function errorText(t: Strings, error: UploadErrorInfo): string {
  if (error.note && t.imageNote) return t.imageNote(error.note);
  return (t.error as Partial<Record<string, string>>)[error.key] ?? error.message;
}

/** The page's overrides over a table (the keyed tables merged entry by entry). */
export function withOverrides(base: Strings, overrides: StringOverrides | undefined): Strings {
  if (!overrides) return base;
  const merged = {...base, ...overrides} as Strings;
  merged.status = {...base.status, ...overrides.status};
  merged.reject = {...base.reject, ...overrides.reject};
  merged.error = {...base.error, ...overrides.error};
  return merged;
}

/**
 * Loads a language's strings: undefined when they are already there, else a promise for their chunk.
 * A failed load (the chunk unreachable) rejects once and is tried again on the next call.
 */
export function loadLocale(locale: Locale): Promise<void> | undefined {
  if (tables[locale] || !shipped[locale]) return undefined;
  let pending = loading.get(locale);
  if (!pending) {
    pending = shipped[locale]().then(
      (table) => {
        tables[locale] ??= table;
      },
      (error: unknown) => {
        loading.delete(locale);
        throw new Error(`<pan-uploader>: the ${locale} strings could not be loaded: ${(error as Error).message}`);
      },
    );
    loading.set(locale, pending);
  }
  return pending;
}

/** The languages the element ships with (a page may register more). */
export const locales: readonly Locale[] = ['en', 'zh-CN', 'zh-TW'];

export function formatDuration(t: Strings, seconds: number): string {
  const s = Math.max(0, Math.ceil(seconds));
  if (s < 60) return t.seconds(s);
  if (s < 3600) return t.minutes(Math.floor(s / 60), s % 60);
  return t.hours(Math.floor(s / 3600), Math.floor((s % 3600) / 60));
}
