import {LitElement, html} from 'lit';
import {customElement, property} from 'lit/decorators.js';

@customElement('pan-uploader-probe')
export class Probe extends LitElement {
  @property() target = 'drive';
  override render() {
    return html`<p>${this.target}</p>`;
  }
}
