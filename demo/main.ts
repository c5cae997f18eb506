/**
 * The demo page: two uploaders wired to the local 123pan emulator, a live event log,
 * theme and language switches, and a panel that injects faults through the emulator's control API.
 */
import '../src/index.ts';
import type {PanUploader} from '../src/index.ts';
import {formatBytes} from '../src/components/pan-uploader/i18n.ts';
import {initImageHostPanel} from './image-host-panel.ts';
import {pageStrings, type PageLocale, type PageStrings} from './page-strings.ts';

interface DemoConfig {
  apiOrigin: string;
  uploadOrigin: string;
  storageOrigin: string;
  control: string;
  /** Addresses the emulator serves to the image host's URL import. */
  remotes?: string[];
}

const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const uploaders = [...document.querySelectorAll('pan-uploader')] as PanUploader[];
let locale: PageLocale = 'en';
let config: DemoConfig | undefined;
let refreshing: Promise<void> | undefined;
const t = (): PageStrings => pageStrings[locale] as PageStrings;

// ——— language and theme ———

function applyLanguage(next: PageLocale): void {
  locale = next;
  // The uploaders inherit `lang` from <html>: no attribute on them needed.
  document.documentElement.lang = next;
  for (const node of document.querySelectorAll<HTMLElement>('[data-i18n]')) {
    const value = t()[node.dataset.i18n as keyof PageStrings];
    if (typeof value === 'string') node.textContent = value;
  }
  localStorage.setItem('pan-demo-lang', next);
  if (config) showEmulatorUp();
}

function applyTheme(theme: string): void {
  if (theme === 'auto') delete document.documentElement.dataset.theme;
  else document.documentElement.dataset.theme = theme;
  localStorage.setItem('pan-demo-theme', theme);
}

const langSwitch = $<HTMLSelectElement>('#lang-switch');
const themeSwitch = $<HTMLSelectElement>('#theme-switch');
const savedLang = localStorage.getItem('pan-demo-lang') ?? (navigator.language.startsWith('zh') ? 'zh-CN' : 'en');
langSwitch.value = savedLang === 'zh-CN' ? 'zh-CN' : 'en';
themeSwitch.value = localStorage.getItem('pan-demo-theme') ?? 'auto';
applyLanguage(langSwitch.value as PageLocale);
applyTheme(themeSwitch.value);
langSwitch.addEventListener('change', () => applyLanguage(langSwitch.value as PageLocale));
themeSwitch.addEventListener('change', () => applyTheme(themeSwitch.value));

// ——— the emulator ———

const status = $('#emulator-status');
function showEmulatorUp(): void {
  status.className = 'emulator-status up';
  status.textContent = t().emulatorUp(config!.apiOrigin);
}

async function control(path: string, body?: unknown): Promise<any> {
  const response = await fetch(`${config!.control}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

try {
  config = (await (await fetch('/pan/config.json')).json()) as DemoConfig;
  for (const el of uploaders) {
    // API calls go to the emulator; the token comes from the page's own backend hook (/pan/token).
    el.setAttribute('api-base', config.apiOrigin);
    el.disabled = false;
  }
  showEmulatorUp();
  void refreshFiles();
  initImageHostPanel(config, t);
} catch (error) {
  status.className = 'emulator-status down';
  status.textContent = t().emulatorDown((error as Error).message);
}

// ——— event log ———

const log = $<HTMLOListElement>('#event-log');
const logEmpty = $('#log-empty');
const showProgress = $<HTMLInputElement>('#log-progress');
const EVENTS = [
  'pan-file-added',
  'pan-file-rejected',
  'pan-upload-start',
  'pan-upload-progress',
  'pan-upload-success',
  'pan-upload-error',
  'pan-queue-complete',
  'change',
] as const;
const MAX_LOG = 200;

for (const type of EVENTS) {
  document.addEventListener(type, (event) => {
    const source = event.target as HTMLElement;
    if (source.localName !== 'pan-uploader') return;
    if (type === 'pan-upload-progress' && !showProgress.checked) return;
    const detail = type === 'change' ? {value: (source as PanUploader).value} : (event as CustomEvent).detail;
    addLogEntry(source.id, type, detail);
    if (type === 'pan-upload-success' || type === 'pan-queue-complete') void refreshFiles();
  });
}

function addLogEntry(source: string, type: string, detail: unknown): void {
  const item = document.createElement('li');
  const time = document.createElement('time');
  const now = new Date();
  time.dateTime = now.toISOString();
  time.textContent = now.toLocaleTimeString(locale, {hour12: false});
  const from = document.createElement('span');
  from.className = 'source';
  from.textContent = `#${source}`;
  const name = document.createElement('span');
  name.className = `type${type.endsWith('success') || type.endsWith('complete') ? ' ok' : type.endsWith('error') || type.endsWith('rejected') ? ' bad' : ''}`;
  name.textContent = type;
  const body = document.createElement('span');
  body.className = 'detail';
  body.textContent = JSON.stringify(detail);
  item.append(time, from, name, body);
  log.prepend(item);
  while (log.children.length > MAX_LOG) log.lastElementChild!.remove();
  logEmpty.hidden = true;
}

$('#log-clear').addEventListener('click', () => {
  log.replaceChildren();
  logEmpty.hidden = false;
});

// ——— the form around the drive uploader ———

const form = $<HTMLFormElement>('#drive-form');
const output = $<HTMLOutputElement>('#form-output');
form.addEventListener('submit', (event) => {
  event.preventDefault();
  if (!form.reportValidity()) {
    output.className = 'form-output bad';
    output.textContent = ($('#drive') as PanUploader).validationMessage;
    return;
  }
  output.className = 'form-output';
  output.textContent = t().submitted(new FormData(form).getAll('attachments') as string[]);
});
form.addEventListener('reset', () => (output.textContent = ''));

// ——— faults ———

const faultStatus = $('#fault-status');
const faultForm = $<HTMLFormElement>('#fault-form');
async function run(action: () => Promise<string>): Promise<void> {
  if (!config) return;
  try {
    faultStatus.textContent = await action();
  } catch (error) {
    faultStatus.textContent = (error as Error).message;
  }
}
faultForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(faultForm);
  const path = String(data.get('path'));
  const kind = String(data.get('kind'));
  const times = Math.max(1, Number(data.get('times')) || 1);
  void run(async () => {
    await control('fault', {path, kind, times});
    return t().faultAdded(kind, path, times);
  });
});
$('#clear-faults').addEventListener('click', () =>
  run(async () => {
    await control('clear-faults', {});
    return t().faultsCleared;
  }),
);
$('#expire-tokens').addEventListener('click', () =>
  run(async () => {
    await control('expire-tokens', {});
    return t().tokensExpired;
  }),
);
const polls = $<HTMLInputElement>('#complete-polls');
polls.addEventListener('change', () =>
  run(async () => {
    const n = Math.max(0, Math.min(20, Number(polls.value) || 0));
    await control('configure', {completePolls: n});
    return t().pollsSet(n);
  }),
);

// ——— what the emulator holds ———

async function refreshFiles(): Promise<void> {
  if (!config || refreshing) return;
  refreshing = (async () => {
    try {
      const {files} = await control('files');
      const rows = (files as Array<{target: string; path: string; size: number; fileID: string | number; md5: string}>).map((file) => {
        const row = document.createElement('tr');
        const cells = [file.target === 'image' ? t().image : t().drive, file.path, formatBytes(file.size), String(file.fileID), file.md5];
        cells.forEach((text, i) => {
          const cell = document.createElement('td');
          if (i >= 3) cell.className = 'mono';
          cell.textContent = text;
          row.append(cell);
        });
        return row;
      });
      $('#server-files').replaceChildren(...rows.reverse());
      $('#files-empty').hidden = rows.length > 0;
    } finally {
      refreshing = undefined;
    }
  })();
  return refreshing;
}
$('#refresh-files').addEventListener('click', () => void refreshFiles());
