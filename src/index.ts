/** Public entry: registers <pan-uploader> and exports the element, its event types and the headless engine. */
import './pan-uploader.ts';

export {PanUploader, type UploadEngine} from './components/pan-uploader/pan-uploader.component.ts';
export type * from './components/pan-uploader/events.ts';
export {resolveLocale, type Locale} from './components/pan-uploader/i18n.ts';
export * from './core/index.ts';
export * from './oss/index.ts';
