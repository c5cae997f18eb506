/**
 * The element's language: its own `lang`, else the nearest `lang` above it (crossing shadow roots, as the
 * element may sit inside another component), watched so that a page switching language re-renders it.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import {resolveLocale, strings, type Locale, type Strings} from './i18n.ts';

export class LocaleController implements ReactiveController {
  private inherited = '';
  private observer?: MutationObserver;

  constructor(private readonly host: ReactiveControllerHost & HTMLElement) {
    host.addController(this);
  }

  get locale(): Locale {
    return resolveLocale(this.host.lang || this.inherited);
  }

  get t(): Strings {
    return strings(this.locale);
  }

  hostConnected(): void {
    this.observer = new MutationObserver(() => this.readInherited());
    this.observer.observe(document.documentElement, {attributes: true, attributeFilter: ['lang'], subtree: true});
    this.readInherited();
  }

  hostDisconnected(): void {
    this.observer?.disconnect();
  }

  private readInherited(): void {
    const host = this.host;
    let node: Element | null = host.parentElement ?? ((host.getRootNode() as ShadowRoot).host ?? null);
    let from = '';
    while (node) {
      const found = node.closest('[lang]');
      if (found) {
        from = found.getAttribute('lang') ?? '';
        break;
      }
      node = (node.getRootNode() as ShadowRoot).host ?? null;
    }
    if (from === this.inherited) return;
    this.inherited = from;
    host.requestUpdate();
  }
}
