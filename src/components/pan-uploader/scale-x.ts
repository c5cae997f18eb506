/**
 * Sets a progress bar's fill through the CSSOM. Lit's styleMap writes a `style` attribute on first
 * render, which a strict CSP (style-src without 'unsafe-inline') blocks; CSSOM writes are allowed.
 */
import {noChange} from 'lit';
import {Directive, directive, PartType, type ElementPart, type PartInfo} from 'lit/directive.js';

class ScaleX extends Directive {
  constructor(info: PartInfo) {
    super(info);
    if (info.type !== PartType.ELEMENT) throw new Error('scaleX() goes on an element: <div ${scaleX(0.5)}>');
  }
  render(_fraction: number) {
    return noChange;
  }
  override update(part: ElementPart, [fraction]: [number]) {
    (part.element as HTMLElement).style.transform = `scaleX(${Math.max(0, Math.min(1, fraction))})`;
    return noChange;
  }
}

export const scaleX = directive(ScaleX);
