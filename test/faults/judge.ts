/**
 * The verdict on one case: every file accounted for, errors clear, and the emulator holding exactly the
 * expected bytes (by MD5) — nothing lost, nothing silently dropped, nothing overwritten unasked, no token leaked.
 */
import type {Page} from 'puppeteer-core';
import type {StoredFile} from '../../src/emulator/types.ts';
import type {CaseContext, FileOutcome} from './harness.ts';

export interface Expected {
  name: string;
  md5: string;
  size: number;
}

export interface CaseResult {
  /** Outcomes of the files the step under test handed over. */
  files: FileOutcome[];
  /** What the emulator must hold afterwards, exactly. Default: every file expected to succeed, under its own name. */
  stored?: Expected[];
  /** What it held before the step under test; none of it may change unless `overwriteAsked`. */
  before?: StoredFile[];
  overwriteAsked?: boolean;
  /** Case-specific assertions: [what, held]. */
  checks?: [string, boolean][];
  /** Pages to search for leaked tokens (default: the case's page). */
  pages?: Page[];
  /** A word for the outcome column when it is more than the files' outcomes (e.g. "resumed"). */
  note?: string;
  /** The case planted the token in these places on purpose: the leak search must find exactly them. */
  planted?: string[];
}

export interface Verdict {
  passed: boolean;
  outcome: string;
  bytes: string;
  problems: string[];
  uploadsCompleted: number;
  clearErrors: number;
  dataLost: number;
  silentDrops: number;
  unaskedOverwrites: number;
}

const key = (f: {name: string; md5: string; size: number}) => `${f.name}\u0000${f.md5}\u0000${f.size}`;
const mib = (n: number) => (n >= 1024 * 1024 ? `${(n / 1024 / 1024).toFixed(n >= 100 * 1024 * 1024 ? 0 : 1)} MiB` : `${n} B`);

export async function judge(ctx: CaseContext, result: CaseResult): Promise<Verdict> {
  const problems: string[] = [];
  const stored = await ctx.files();
  const files = result.files;

  const expectedStored =
    result.stored ?? files.filter((f) => f.given.expect === 'success').map((f) => ({name: f.given.name, md5: f.given.md5, size: f.given.size}));

  let uploadsCompleted = 0;
  let clearErrors = 0;
  let silentDrops = 0;
  const lost = new Set<string>();
  for (const f of files) {
    const label = f.given.name.length > 40 ? `${f.given.name.slice(0, 37)}…` : f.given.name;
    if (f.outcome === 'none' || f.outcome === 'unfinished') {
      silentDrops++;
      problems.push(`${label}: ${f.outcome === 'none' ? 'neither uploaded, failed nor refused' : `still ${f.text}`}`);
      continue;
    }
    if (f.outcome === 'success') {
      uploadsCompleted++;
      const held = stored.find((s) => String(s.fileID) === String(f.task?.fileID));
      if (!held || held.md5 !== f.given.md5 || held.size !== f.given.size) {
        lost.add(f.given.name);
        problems.push(`${label}: reported uploaded as ${f.task?.fileID}, but the server holds ${held ? `${held.size} bytes, MD5 ${held.md5}` : 'no such file'}`);
      }
    } else if (f.clear) {
      clearErrors++;
    } else {
      problems.push(`${label}: ${f.outcome} without a clear message naming the file and the reason: ${JSON.stringify(f.text)}`);
    }
    if (f.outcome !== f.given.expect) problems.push(`${label}: expected ${f.given.expect}, got ${f.outcome} (${f.text})`);
  }

  // Exactly the expected files: none missing (lost), none extra (a duplicate nobody asked for, or a leftover).
  const remaining = [...stored];
  for (const e of expectedStored) {
    const i = remaining.findIndex((s) => key(s) === key(e));
    if (i >= 0) remaining.splice(i, 1);
    else {
      // A file that failed with a clear message is not lost: the user knows and can retry it.
      const reported = files.some((f) => f.given.name === e.name && f.outcome !== 'success' && f.outcome !== 'none' && f.outcome !== 'unfinished' && f.clear);
      if (!reported) lost.add(e.name);
      problems.push(`the server lacks ${e.name.slice(0, 40)} (${e.size} bytes, MD5 ${e.md5})`);
    }
  }
  for (const extra of remaining) problems.push(`the server holds an unexpected file ${extra.path} (${extra.size} bytes, MD5 ${extra.md5})`);

  let unaskedOverwrites = 0;
  if (!result.overwriteAsked) {
    for (const b of result.before ?? []) {
      const now = stored.find((s) => s.fileID === b.fileID);
      if (!now || now.md5 !== b.md5 || now.size !== b.size || now.name !== b.name) {
        unaskedOverwrites++;
        problems.push(`${b.path} was replaced or removed without duplicate="overwrite"`);
      }
    }
  }

  const leaks = await ctx.leaks(result.pages);
  if (result.planted) {
    const missed = result.planted.filter((p) => !leaks.includes(p));
    if (missed.length) problems.push(`the leak search missed a planted token: ${missed.join(', ')}`);
    for (const leak of leaks) if (!result.planted.includes(leak)) problems.push(leak);
  } else {
    for (const leak of leaks) problems.push(leak);
  }
  for (const [what, held] of result.checks ?? []) if (!held) problems.push(`check failed: ${what}`);

  const counts = new Map<string, number>();
  for (const f of files) counts.set(f.outcome, (counts.get(f.outcome) ?? 0) + 1);
  const outcome = [result.note, [...counts].map(([o, n]) => (files.length === 1 ? o : `${n} ${o}`)).join(', ')].filter(Boolean).join(': ') || 'nothing given';
  const bytesOk = lost.size === 0 && remaining.length === 0;
  const total = stored.reduce((n, s) => n + s.size, 0);
  const bytes = `${bytesOk ? 'ok' : 'MISMATCH'}: ${stored.length} file${stored.length === 1 ? '' : 's'} held${stored.length ? `, ${mib(total)} MD5-checked` : ''}`;

  return {
    passed: problems.length === 0,
    outcome,
    bytes,
    problems,
    uploadsCompleted,
    clearErrors,
    dataLost: lost.size,
    silentDrops,
    unaskedOverwrites,
  };
}
