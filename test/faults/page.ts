/**
 * The page side of the fault suite: mounts a real <pan-uploader>, builds Files, and records everything
 * the element says (events, what it renders, what it leaves in storage) for the Node runner to judge.
 */
import '../../src/index.ts';
import type {PanUploader} from '../../src/components/pan-uploader/pan-uploader.component.ts';
import {fileBytes, type FileSpec} from './bytes.ts';

export interface RecordedEvent {
  type: string;
  detail: unknown;
}

export interface TaskSummary {
  id: string;
  name: string;
  size: number;
  status: string;
  fileID?: number | string;
  resumed: boolean;
  reused: boolean;
  loaded: number;
  error?: {code: number | string; key: string; message: string; retryable: boolean};
}

export interface RenderedRow {
  rejected: boolean;
  name: string;
  title: string;
  status: string;
  error: string;
  reason: string;
}

const EVENTS = ['pan-file-added', 'pan-file-rejected', 'pan-upload-start', 'pan-upload-success', 'pan-upload-error', 'pan-queue-complete', 'pan-upload-progress'];
const events: RecordedEvent[] = [];
const violations: string[] = [];
for (const type of EVENTS) {
  document.addEventListener(type, (event) => {
    // Copied through JSON: what a host page could send anywhere (an analytics call, a log line).
    events.push({type, detail: JSON.parse(JSON.stringify((event as CustomEvent).detail ?? null))});
  });
}
document.addEventListener('securitypolicyviolation', (event) => violations.push(`${event.violatedDirective} ${event.blockedURI}`));

let element: PanUploader | undefined;

async function dumpIndexedDB(): Promise<string> {
  const out: unknown[] = [];
  for (const info of await indexedDB.databases()) {
    if (!info.name) continue;
    const db = await new Promise<IDBDatabase>((resolve, reject) => {
      const open = indexedDB.open(info.name!);
      open.onsuccess = () => resolve(open.result);
      open.onerror = () => reject(open.error);
    });
    for (const store of Array.from(db.objectStoreNames)) {
      const rows = await new Promise<unknown[]>((resolve, reject) => {
        const request = db.transaction(store, 'readonly').objectStore(store).getAll();
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
      out.push({db: info.name, store, rows});
    }
    db.close();
  }
  return JSON.stringify(out);
}

const harness = {
  async mount(attributes: Record<string, string | boolean>): Promise<void> {
    element?.remove();
    element = document.createElement('pan-uploader');
    for (const [name, value] of Object.entries(attributes)) {
      if (value === true) element.setAttribute(name, '');
      else if (value !== false) element.setAttribute(name, value);
    }
    document.body.append(element);
    await element.updateComplete;
  },

  /** Files built in the page (small ones: Chromium cannot read in-page Blobs of ~384 MiB or more). */
  add(specs: FileSpec[]): {added: number; rejected: number} {
    const files = specs.map((s) => {
      const file = new File([fileBytes(s.size, s.seed)], s.name, {type: s.type ?? '', lastModified: s.lastModified ?? 1_700_000_000_000});
      return s.folder ? {file, relativePath: s.folder} : file;
    });
    const {added, rejected} = element!.addFiles(files);
    return {added: added.length, rejected: rejected.length};
  },

  /** The element's own file picker, for the driver to set files from disk on. */
  picker(): HTMLInputElement {
    return element!.shadowRoot!.querySelector('input[data-picker="files"]')!;
  },

  tasks(): TaskSummary[] {
    return (element?.tasks ?? []).map((t) => ({
      id: t.id,
      name: t.name,
      size: t.size,
      status: t.status,
      fileID: t.fileID,
      resumed: t.resumed,
      reused: t.reused,
      loaded: t.loaded,
      ...(t.error ? {error: {code: t.error.code, key: t.error.key, message: t.error.message, retryable: t.error.retryable}} : {}),
    }));
  },

  events(): RecordedEvent[] {
    return events.filter((e) => e.type !== 'pan-upload-progress');
  },

  /** Confirmed bytes of the first task, as the element reports them while uploading. */
  uploadedBytes(): number {
    const last = [...events].reverse().find((e) => e.type === 'pan-upload-progress' && (e.detail as {phase: string}).phase === 'uploading');
    return last ? (last.detail as {loaded: number}).loaded : 0;
  },

  async rendered(): Promise<{rows: RenderedRow[]; injected: number; xss: boolean}> {
    await element!.updateComplete;
    await new Promise((resolve) => requestAnimationFrame(() => resolve(null)));
    await element!.updateComplete;
    const root = element!.shadowRoot!;
    const text = (row: Element, part: string) => row.querySelector(`[part~="${part}"]`)?.textContent?.trim() ?? '';
    const rows = Array.from(root.querySelectorAll('[part~="item"]'), (row) => ({
      rejected: row.classList.contains('rejected'),
      name: text(row, 'name'),
      title: row.querySelector('[part~="name"]')?.getAttribute('title') ?? '',
      status: text(row, 'status'),
      error: text(row, 'error'),
      reason: text(row, 'reason'),
    }));
    // Markup from a file name would show up as elements the template never makes.
    const injected = root.querySelectorAll('[part~="name"] *:not([part]), script, iframe, [onerror], [onload]').length;
    return {rows, injected, xss: (window as {__xss?: boolean}).__xss === true};
  },

  async storage(): Promise<{local: string; session: string; indexedDB: string}> {
    return {local: JSON.stringify({...localStorage}), session: JSON.stringify({...sessionStorage}), indexedDB: await dumpIndexedDB()};
  },

  /** True when this page may not compile WebAssembly (so hashing had to be pure JS). */
  async wasmBlocked(): Promise<boolean> {
    try {
      await WebAssembly.compile(new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]));
      return false;
    } catch {
      return true;
    }
  },

  violations(): string[] {
    return violations;
  },
};

export type FaultHarness = typeof harness;
(window as unknown as {faults: FaultHarness}).faults = harness;
document.documentElement.dataset.ready = 'true';
