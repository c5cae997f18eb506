/**
 * The demo's image-host panel: the folder's listing with thumbnails, through the headless
 * ImageHostClient (paged by lastFileId), and addresses the emulator serves for URL import.
 */
import type {PanUploader} from '../src/index.ts';
import {ImageHostClient, type OssFile} from '../src/oss/index.ts';
import {formatBytes} from '../src/shared/format-bytes.ts';
import type {PageStrings} from './page-strings.ts';

interface PanelConfig {
  remotes?: string[];
}

/** How the panel reaches 123pan: the same backend hook as the uploaders (token mode: with tokenUrl; proxy mode: without). */
export interface PanelAccess {
  apiBase: string;
  tokenUrl?: string;
}

const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;

export function initImageHostPanel(
  config: PanelConfig,
  access: PanelAccess,
  t: () => PageStrings,
): {render(): void; setAccess(access: PanelAccess): void} {
  let oss = new ImageHostClient(access);
  const uploader = $<PanUploader>('#image');
  const gallery = $<HTMLUListElement>('#gallery');
  const empty = $('#gallery-empty');
  const where = $('#gallery-path');
  const up = $<HTMLButtonElement>('#gallery-up');
  const status = $('#gallery-status');
  /** The folders entered, from the root: [{id, name}]. */
  const trail: {id: string; name: string}[] = [];
  let entries: OssFile[] = [];
  let loading: Promise<void> | undefined;
  let again = false;

  const folderID = () => trail.at(-1)?.id ?? '';

  async function load(): Promise<void> {
    if (loading) {
      again = true;
      return loading;
    }
    loading = (async () => {
      try {
        const found: OssFile[] = [];
        for await (const entry of oss.list(folderID(), {limit: 100})) found.push(entry);
        entries = found;
        status.textContent = '';
      } catch (error) {
        status.textContent = (error as Error).message;
      } finally {
        loading = undefined;
      }
      render();
      if (again) {
        again = false;
        void load();
      }
    })();
    return loading;
  }

  function render(): void {
    where.textContent = `/${trail.map((f) => f.name).join('/')}`;
    up.disabled = trail.length === 0;
    const items = entries.map((entry) => {
      const item = document.createElement('li');
      item.className = entry.type === 1 ? 'tile folder' : 'tile';
      const figure = entry.type === 1 ? document.createElement('button') : document.createElement('a');
      figure.className = 'tile-body';
      if (entry.type === 1) {
        (figure as HTMLButtonElement).type = 'button';
        figure.addEventListener('click', () => {
          trail.push({id: entry.fileId, name: entry.filename});
          void load();
        });
        const icon = document.createElement('span');
        icon.className = 'tile-icon';
        icon.setAttribute('aria-hidden', 'true');
        icon.textContent = '📁';
        figure.append(icon);
      } else {
        const link = figure as HTMLAnchorElement;
        link.href = entry.downloadURL;
        link.target = '_blank';
        link.rel = 'noopener noreferrer';
        const img = document.createElement('img');
        img.src = entry.downloadURL;
        img.alt = '';
        img.loading = 'lazy';
        img.decoding = 'async';
        figure.append(img);
      }
      const name = document.createElement('span');
      name.className = 'tile-name';
      name.textContent = entry.filename;
      name.title = entry.filename;
      const meta = document.createElement('span');
      meta.className = 'tile-meta';
      meta.textContent = entry.type === 1 ? t().folder : formatBytes(entry.size);
      figure.append(name, meta);
      item.append(figure);
      return item;
    });
    gallery.replaceChildren(...items);
    empty.hidden = items.length > 0;
  }

  up.addEventListener('click', () => {
    trail.pop();
    void load();
  });
  $('#gallery-refresh').addEventListener('click', () => void load());
  uploader.addEventListener('pan-upload-success', () => void load());

  // Addresses the emulator serves: one click imports through the element, like a pasted URL.
  const samples = $<HTMLUListElement>('#sample-urls');
  samples.replaceChildren(
    ...(config.remotes ?? []).map((url) => {
      const item = document.createElement('li');
      const code = document.createElement('code');
      code.textContent = url;
      const button = document.createElement('button');
      button.type = 'button';
      button.className = 'button small ghost';
      button.dataset.i18n = 'importThis';
      button.textContent = t().importThis;
      button.addEventListener('click', () => uploader.importURL(url));
      item.append(code, button);
      return item;
    }),
  );

  void load();
  return {
    render,
    setAccess(next) {
      oss = new ImageHostClient(next);
      void load();
    },
  };
}
