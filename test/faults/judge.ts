/**
 * The verdict on one case. `assess` is the pure part: what each file became, against what the server holds
 * (name, folder, target and MD5 of every file) and what it held before. `judge` adds what only a live case
 * has: the leak search and the case's own checks.
 */
import type {Page} from 'puppeteer-core';
import type {StoredFile} from '../../src/emulator/types.ts';
import type {CaseContext} from './harness.ts';

export type Target = 'drive' | 'image';

/** A file the server must hold afterwards: where, and which bytes. */
export interface Expected {
  target: Target;
  /** Full path from the target's root, as 123pan keeps it ('/inbox/a(1).bin'). */
  path: string;
  md5: string;
  size: number;
}

/** A file handed to the client, with what the case expects of it. */
export interface Given {
  name: string;
  size: number;
  /** MD5 of the bytes; '' for files never read (refused by size). */
  md5: string;
  /** 'canceled': the case cancels it on purpose. */
  expect: 'success' | 'error' | 'rejected' | 'canceled';
  /** For error/rejected: the reason the message must give. */
  reason?: RegExp;
  /**
   * For success: where it must land. For an error 123pan reports after keeping the file (content review
   * rejected it: stored, never served): where it is kept; the file is then neither lost nor a copy.
   */
  lands?: {target: Target; path: string};
}

export interface FileOutcome {
  given: Given;
  outcome: 'success' | 'error' | 'rejected' | 'canceled' | 'none' | 'unfinished';
  /** Names the file and gives the reason (error or refusal). */
  clear: boolean;
  text: string;
  /** What the client says of the file (its task, when it made one). */
  task?: {fileID?: number | string; resumed?: boolean; reused?: boolean};
}

export interface CaseResult {
  /** Outcomes of the files the step under test handed over. */
  files: FileOutcome[];
  /** What the server must hold besides `before`, exactly. Default: where every file expected to succeed lands. */
  stored?: Expected[];
  /** What it held before the step under test (default: what the case seeded); none of it may change unless listed in `mayReplace`. */
  before?: StoredFile[];
  /** Paths of `before` files the case asked to overwrite (duplicate="overwrite"). */
  mayReplace?: string[];
  /** Case-specific assertions: [what, held]. */
  checks?: [string, boolean][];
  /** Pages to search for leaked tokens (default: the case's page). */
  pages?: Page[];
  /** A word for the outcome column when it is more than the files' outcomes (e.g. "resumed"). */
  note?: string;
  /** The case planted the token in these places on purpose: the leak search must find exactly them. */
  planted?: string[];
}

export interface Counts {
  uploadsCompleted: number;
  clearErrors: number;
  /** Files neither on the server where expected (nor anywhere) nor clearly reported as failed. */
  dataLost: number;
  /** Files that ended neither uploaded, failed nor refused. */
  silentDrops: number;
  /** Files that were there before and were replaced or removed without being asked. */
  unaskedOverwrites: number;
  /** Extra copies of a given file's bytes beyond what the case expects. */
  duplicates: number;
  /** Files whose bytes arrived, but under another name, in another folder or on the other target. */
  wrongPlace: number;
  /** Files that should have succeeded but ended in an error or a refusal. */
  gaveUp: number;
  /** Files handed over in a case that crashed or ran out of time, so nobody can say what became of them. */
  unaccounted: number;
}

export interface Verdict extends Counts {
  passed: boolean;
  outcome: string;
  bytes: string;
  problems: string[];
}

export const zeroCounts = (): Counts => ({
  uploadsCompleted: 0,
  clearErrors: 0,
  dataLost: 0,
  silentDrops: 0,
  unaskedOverwrites: 0,
  duplicates: 0,
  wrongPlace: 0,
  gaveUp: 0,
  unaccounted: 0,
});

const content = (f: {md5: string; size: number}) => `${f.md5}/${f.size}`;
const where = (f: {target: string; path: string}) => `${f.target}:${f.path}`;
const short = (name: string) => (name.length > 40 ? `${name.slice(0, 37)}…` : name);
const ended = (o: FileOutcome['outcome']) => o === 'error' || o === 'rejected';

/** Where every given file expected to succeed lands, and every failed one 123pan keeps: the default expectation. */
export function landing(files: FileOutcome[]): Expected[] {
  return files
    .filter((f) => f.given.expect === 'success' || (f.given.expect === 'error' && f.given.lands))
    .map((f) => {
      if (!f.given.lands) throw new Error(`${f.given.name}: a file expected to succeed must say where it lands`);
      return {...f.given.lands, md5: f.given.md5, size: f.given.size};
    });
}

export interface Assessment extends Counts {
  problems: string[];
  bytesOk: boolean;
}

/** The pure verdict: outcomes against the server's files. Every loss it names is counted per file. */
export function assess(input: {files: FileOutcome[]; expected: Expected[]; stored: StoredFile[]; before: StoredFile[]; mayReplace?: string[]}): Assessment {
  const {files, expected, stored, before} = input;
  const counts = zeroCounts();
  const problems: string[] = [];

  // What each file became, as the client tells it.
  for (const f of files) {
    const label = short(f.given.name);
    // A file canceled by nobody is one the user no longer hears about: as silent as one never reported.
    if (f.outcome === 'none' || f.outcome === 'unfinished' || (f.outcome === 'canceled' && f.given.expect !== 'canceled')) {
      counts.silentDrops++;
      problems.push(`${label}: ${f.outcome === 'none' ? 'neither uploaded, failed nor refused' : f.outcome === 'canceled' ? 'canceled, though nobody canceled it' : `still ${f.text}`}`);
      continue;
    }
    if (f.outcome === 'success') {
      counts.uploadsCompleted++;
      const held = stored.find((s) => String(s.fileID) === String(f.task?.fileID));
      if (!held || held.md5 !== f.given.md5 || held.size !== f.given.size) {
        problems.push(`${label}: reported uploaded as ${f.task?.fileID}, but the server holds ${held ? `${held.size} bytes, MD5 ${held.md5} there` : 'no such file'}`);
      }
    } else if (f.outcome === 'canceled') {
      // As asked: nothing to report.
    } else if (f.clear) {
      counts.clearErrors++;
    } else {
      problems.push(`${label}: ${f.outcome} without a clear message naming the file and the reason: ${JSON.stringify(f.text)}`);
    }
    if (f.given.expect === 'success' && ended(f.outcome)) counts.gaveUp++;
    if (f.outcome !== f.given.expect) problems.push(`${label}: expected ${f.given.expect}, got ${f.outcome} (${f.text})`);
  }

  const remaining = [...stored];
  const take = (i: number) => remaining.splice(i, 1)[0]!;

  // What was there before stays exactly as it was, unless the case asked to overwrite it.
  const mayReplace = new Set(input.mayReplace ?? []);
  for (const b of before) {
    const i = remaining.findIndex((s) => String(s.fileID) === String(b.fileID) && s.md5 === b.md5 && s.size === b.size && where(s) === where(b));
    if (i >= 0) take(i);
    else if (!mayReplace.has(b.path)) {
      counts.unaskedOverwrites++;
      problems.push(`${b.path} (${b.target}) was replaced, moved or removed without duplicate="overwrite"`);
    }
  }

  // Exactly the expected files, each in its place.
  const missing: Expected[] = [];
  for (const e of expected) {
    const i = remaining.findIndex((s) => where(s) === where(e) && content(s) === content(e));
    if (i >= 0) take(i);
    else missing.push(e);
  }
  // A file clearly reported as failed is not lost (the user knows and can retry); each report excuses one file.
  const excused = files.filter((f) => ended(f.outcome) && f.clear);
  for (const e of missing) {
    const i = remaining.findIndex((s) => content(s) === content(e));
    if (i >= 0) {
      const s = take(i);
      counts.wrongPlace++;
      problems.push(`${e.path} (${e.target}) arrived as ${s.path} (${s.target}) instead`);
      continue;
    }
    const k = excused.findIndex((f) => content(f.given) === content(e));
    if (k >= 0) excused.splice(k, 1);
    else counts.dataLost++;
    problems.push(`the server lacks ${short(e.path)} (${e.target}, ${e.size} bytes, MD5 ${e.md5})`);
  }

  // Whatever is left was not expected: a copy of a given file is a duplicate; anything else is a stray.
  const givenContent = new Set(files.filter((f) => f.given.md5).map((f) => content(f.given)));
  for (const s of remaining) {
    if (givenContent.has(content(s)) || expected.some((e) => content(e) === content(s))) {
      counts.duplicates++;
      problems.push(`an extra copy: ${s.path} (${s.target}, ${s.size} bytes)`);
    } else {
      problems.push(`the server holds an unexpected file ${s.path} (${s.target}, ${s.size} bytes, MD5 ${s.md5})`);
    }
  }

  const bytesOk = counts.dataLost + counts.wrongPlace + counts.duplicates + counts.unaskedOverwrites === 0 && remaining.length === 0 && missing.length === 0;
  return {...counts, problems, bytesOk};
}

const mib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n >= 100 * 1024 * 1024 ? 0 : 1)} MiB` : `${n} B`);

export async function judge(ctx: CaseContext, result: CaseResult): Promise<Verdict> {
  const stored = await ctx.files();
  const files = result.files;
  const a = assess({files, expected: result.stored ?? landing(files), stored, before: result.before ?? ctx.before, mayReplace: result.mayReplace});
  const {problems, bytesOk, ...counts} = a;

  const leaks = await ctx.leaks(result.pages);
  if (result.planted) {
    const missed = result.planted.filter((p) => !leaks.includes(p));
    if (missed.length) problems.push(`the leak search missed a planted token: ${missed.join(', ')}`);
    for (const leak of leaks) if (!result.planted.includes(leak)) problems.push(leak);
  } else {
    for (const leak of leaks) problems.push(leak);
  }
  for (const [what, held] of result.checks ?? []) if (!held) problems.push(`check failed: ${what}`);

  const tally = new Map<string, number>();
  for (const f of files) tally.set(f.outcome, (tally.get(f.outcome) ?? 0) + 1);
  const outcome = [result.note, [...tally].map(([o, n]) => (files.length === 1 ? o : `${n} ${o}`)).join(', ')].filter(Boolean).join(': ') || 'nothing given';
  const total = stored.reduce((n, s) => n + s.size, 0);
  const bytes = `${bytesOk ? 'ok' : 'MISMATCH'}: ${stored.length} file${stored.length === 1 ? '' : 's'} held${stored.length ? `, ${mib(total)} MD5-checked` : ''}`;
  return {...counts, passed: problems.length === 0, outcome, bytes, problems};
}
