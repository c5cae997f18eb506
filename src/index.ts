/**
 * Public entry: registers <pan-uploader> and exports the element, its event types and the headless engine.
 * The image host's management client is its own entry, pan-uploader/oss, so a page with the element does not ship it.
 */
import './pan-uploader.ts';

export {PanUploader} from './components/pan-uploader/pan-uploader.component.ts';
export type {UploadEngine} from './core/upload-engine.ts';
export type * from './components/pan-uploader/events.ts';
export {resolveLocale, type Locale, type StringOverrides, type Strings} from './components/pan-uploader/i18n.ts';
export * from './core/index.ts';
