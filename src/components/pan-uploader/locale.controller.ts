/**
 * The element's language: its own `lang`, else the nearest `lang` above it (crossing shadow roots, as the
 * element may sit inside another component), watched so that a page switching language re-renders it.
 */
import type {ReactiveController, ReactiveControllerHost} from 'lit';
import {resolveLocale, strings, withOverrides, type Locale, type StringOverrides, type Strings} from './i18n.ts';

/** Every connected element: a language registered later re-renders them. */
const connected = new Set<ReactiveControllerHost>();

export class LocaleController implements ReactiveController {
  private inherited = '';
  private observer?: MutationObserver;
  private merged?: {base: Strings; overrides: StringOverrides; t: Strings};

  constructor(
    private readonly host: ReactiveControllerHost & HTMLElement,
    /** The page's `strings` overrides. */
    private readonly overrides: () => StringOverrides | undefined = () => undefined,
  ) {
    host.addController(this);
  }

  /** A language was registered: elements already shown may now speak it. */
  static refreshAll(): void {
    for (const host of connected) host.requestUpdate();
  }

  get locale(): Locale {
    return resolveLocale(this.host.lang || this.inherited);
  }

  get t(): Strings {
    const base = strings(this.locale);
    const overrides = this.overrides();
    if (!overrides) return base;
    if (this.merged?.base !== base || this.merged.overrides !== overrides) this.merged = {base, overrides, t: withOverrides(base, overrides)};
    return this.merged.t;
  }

  hostConnected(): void {
    connected.add(this.host);
    this.observer = new MutationObserver(() => this.readInherited());
    this.observer.observe(document.documentElement, {attributes: true, attributeFilter: ['lang'], subtree: true});
    this.readInherited();
  }

  hostDisconnected(): void {
    connected.delete(this.host);
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
