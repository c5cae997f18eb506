/**
 * Registers <pan-uploader>. Guarded: a CMS page may load the script twice, and a second
 * customElements.define of the same name would throw.
 */
import {PanUploader} from './components/pan-uploader/pan-uploader.component.ts';

if (!customElements.get('pan-uploader')) customElements.define('pan-uploader', PanUploader);

declare global {
  interface HTMLElementTagNameMap {
    'pan-uploader': PanUploader;
  }
}
