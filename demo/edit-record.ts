/**
 * The drive card's "edit a record" form: it starts with the record's two files (value set from what the
 * record keeps: fileID, name and size), so they show as done, count toward max-files and are never sent
 * again. Against the emulator the record's files are made first, through the engine, as an earlier visit
 * would have; against the real service the record is whatever the form above last submitted.
 */
import {UploadManager, type ExistingFile, type PanUploader} from '../src/index.ts';
import type {PageStrings} from './page-strings.ts';

const RECORD_KEY = 'pan-demo-record';

export async function initEditRecord(config: {mode: 'emulator' | '123pan'; apiOrigin: string}, t: () => PageStrings): Promise<void> {
  const form = document.querySelector<HTMLFormElement>('#record-form')!;
  const el = document.querySelector<PanUploader>('#record')!;
  const output = document.querySelector<HTMLOutputElement>('#record-output')!;
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    if (!form.reportValidity()) {
      output.className = 'form-output bad';
      output.textContent = el.validationMessage;
      return;
    }
    output.className = 'form-output';
    output.textContent = t().submitted(new FormData(form).getAll('attachments') as string[]);
  });
  form.addEventListener('reset', () => (output.textContent = ''));
  // The form above: what it submits becomes the record on the real service.
  document.querySelector('#drive-form')!.addEventListener('submit', () => {
    sessionStorage.setItem(RECORD_KEY, JSON.stringify((document.querySelector('#drive') as PanUploader).existing));
  });
  el.value = config.mode === 'emulator' ? await seedRecord(config.apiOrigin) : (JSON.parse(sessionStorage.getItem(RECORD_KEY) ?? '[]') as ExistingFile[]);
}

/** Two small files on the emulator's drive, uploaded once per page load (the same bytes come back by 秒传). */
async function seedRecord(apiOrigin: string): Promise<ExistingFile[]> {
  const manager = new UploadManager({target: 'drive', apiBase: apiOrigin, tokenUrl: '/pan/token', resume: false});
  const files = [
    new File(['Terms agreed on 2026-11-02.\n'], 'contract.txt', {type: 'text/plain', lastModified: 1_762_000_000_000}),
    new File(['Meeting notes: ship the edit form.\n'], 'notes.txt', {type: 'text/plain', lastModified: 1_762_000_000_000}),
  ];
  const done = new Promise<void>((resolve) => manager.addEventListener('queue-complete', () => resolve(), {once: true}));
  manager.addFiles(files);
  await done;
  const record = manager.tasks
    .filter((task) => task.fileID !== undefined)
    .map((task) => ({fileID: task.fileID!, name: task.name, size: task.size}));
  manager.dispose();
  return record;
}
