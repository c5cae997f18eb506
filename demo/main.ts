/**
 * The demo page: two uploaders wired to the page's backend hook, a switch between its two credential
 * modes, a live event log, theme and language switches, and (against the emulator) a panel that
 * injects faults through the emulator's control API.
 */
import '../src/index.ts';
import type {PanUploader} from '../src/index.ts';
import {formatBytes} from '../src/shared/format-bytes.ts';
import {UploadStatus} from '../src/core/types.ts';
import {initEditRecord} from './edit-record.ts';
import {initImageHostPanel, type PanelAccess} from './image-host-panel.ts';
import {pageStrings, type PageLocale, type PageStrings} from './page-strings.ts';

/** What `npm start` serves at /pan/config.json. */
interface DemoConfig {
  /** `emulator`: the local stand-in; `123pan`: the real service, credentials from the server's environment. */
  mode: 'emulator' | '123pan';
  /** Where token mode sends API calls. */
  apiOrigin: string;
  /** Where proxy mode sends them: the same-origin proxy. */
  proxyBase: string;
  /** The credential mode the page starts in. */
  credentials: Credentials;
  /** Emulator only: its control API, and addresses it serves to the image host's URL import. */
  control?: string;
  remotes?: string[];
}
type Credentials = 'token' | 'proxy';
const TOKEN_URL = '/pan/token';

const $ = <T extends Element = HTMLElement>(selector: string) => document.querySelector<T>(selector)!;
const uploaders = [...document.querySelectorAll('pan-uploader')] as PanUploader[];
let locale: PageLocale = 'en';
let config: DemoConfig | undefined;
let refreshing: Promise<void> | undefined;
let credentials: Credentials = 'token';
let panel: ReturnType<typeof initImageHostPanel> | undefined;
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
  if (config) showServerUp();
  updateCredentialsNote();
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

// ——— the server: the emulator or the real 123pan ———

const status = $('#emulator-status');
function showServerUp(): void {
  status.className = 'emulator-status up';
  status.textContent = config!.mode === '123pan' ? t().realUp(config!.apiOrigin) : t().emulatorUp(config!.apiOrigin);
}

async function control(path: string, body?: unknown): Promise<any> {
  if (!config?.control) throw new Error('no emulator: the fault panel works only against the 123pan emulator');
  const response = await fetch(`${config.control}/${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: body === undefined ? undefined : {'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const answer = await response.json();
  if (!response.ok) throw new Error(answer.error ?? `HTTP ${response.status}`);
  return answer;
}

// ——— credential modes ———

const credentialsBox = $<HTMLFieldSetElement>('#credentials');
const credentialsNote = $('#credentials-note');
const credentialRadios = [...document.querySelectorAll<HTMLInputElement>('input[name="credentials"]')];
const BUSY: ReadonlySet<string> = new Set([UploadStatus.QUEUED, UploadStatus.HASHING, UploadStatus.CREATING, UploadStatus.UPLOADING, UploadStatus.COMPLETING]);
const busy = () => uploaders.some((el) => el.tasks.some((task) => BUSY.has(task.status)));

/** Token mode: the element fetches a token and calls 123pan (here: its origin). Proxy mode: no token hook, calls to /pan-api. */
function accessFor(mode: Credentials): PanelAccess {
  return mode === 'token' ? {apiBase: config!.apiOrigin, tokenUrl: TOKEN_URL} : {apiBase: config!.proxyBase};
}

function applyCredentials(mode: Credentials): void {
  credentials = mode;
  const access = accessFor(mode);
  for (const el of uploaders) {
    el.setAttribute('api-base', access.apiBase);
    if (access.tokenUrl) el.setAttribute('token-url', access.tokenUrl);
    else el.removeAttribute('token-url');
  }
  for (const radio of credentialRadios) radio.checked = radio.value === mode;
  const hook = mode === 'token' ? `token-url="${TOKEN_URL}"` : `api-base="${config!.proxyBase}"`;
  $('#snippet').textContent =
    `<script type="module" src="pan-uploader.js"></script>\n<pan-uploader target="drive" ${hook} multiple></pan-uploader>`;
  localStorage.setItem(`pan-demo-credentials:${config!.mode}`, mode);
  panel?.setAccess(access);
  updateCredentialsNote();
}

function updateCredentialsNote(): void {
  if (!config) return;
  const locked = busy();
  credentialsBox.disabled = locked;
  credentialsNote.textContent = locked ? t().credentialsBusy : config.mode === '123pan' && credentials === 'token' ? t().tokenModeCors : '';
}

for (const radio of credentialRadios) {
  radio.addEventListener('change', () => {
    if (radio.checked) applyCredentials(radio.value as Credentials);
  });
}
// The image card lists what preparing did to each photo: its size before and after.
const imageUploader = document.querySelector<PanUploader>('#image');
imageUploader?.addEventListener('pan-upload-success', (event) => {
  const task = imageUploader.tasks.find((t) => t.id === (event as CustomEvent<{id: string}>).detail.id);
  if (!task?.note) return;
  const item = document.createElement('li');
  item.textContent = `${task.name}: ${task.note}`;
  document.querySelector('#image-sizes')?.append(item);
});

// Switching mid-upload would move a running upload to the other hook: the switch waits for the queue.
for (const type of ['pan-file-added', 'pan-upload-start', 'pan-upload-success', 'pan-upload-error', 'pan-queue-complete']) {
  document.addEventListener(type, () => queueMicrotask(updateCredentialsNote));
}

try {
  config = (await (await fetch('/pan/config.json')).json()) as DemoConfig;
  const real = config.mode === '123pan';
  // The control API exists only in the emulator: no faults to inject and no store to inspect on the real service.
  $('#faults-card').hidden = real;
  $('#files-card').hidden = real;
  if (real) {
    $('#footer-text').dataset.i18n = 'footerReal';
    $('#gallery-text').dataset.i18n = 'galleryTextReal';
    applyLanguage(locale);
  }
  const saved = localStorage.getItem(`pan-demo-credentials:${config.mode}`);
  const start: Credentials = saved === 'token' || saved === 'proxy' ? saved : config.credentials;
  applyCredentials(start);
  panel = initImageHostPanel(config, accessFor(start), t);
  for (const el of uploaders) el.disabled = false;
  void initEditRecord(config, t);
  showServerUp();
  if (!real) void refreshFiles();
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
  if (!config?.control) return;
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
  if (!config?.control || refreshing) return;
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
