/**
 * What the cases are built from: file specs, the bystander every case seeds, whether a fault struck,
 * and the common shape of a case (seed, open the page, mount, fault, add, wait, collect).
 */
import type {EmulatorOptions, Fault, RequestLogEntry} from '../../src/emulator/types.ts';
import type {FileSpec} from './bytes.ts';
import type {Bystander, CaseContext, Given, Mode, Place} from './harness.ts';
import type {CaseResult} from './judge.ts';

export interface Case {
  name: string;
  expected: string;
  /** Part of the quick run `npm test` does: together the fast cases meet every fault family. */
  fast?: boolean;
  /** Engines the case cannot run in, each with the reason (the run prints it). */
  notIn?: Partial<Record<'firefox', string>>;
  emulator?: EmulatorOptions;
  /**
   * The upload server answers https too (test/fixtures/tls), named by 123pan's own upload host, which the
   * case's proxies reach it by: what a case needs to see which scheme the token travelled by.
   */
  uploadTls?: true;
  timeoutMs?: number;
  run(ctx: CaseContext): Promise<CaseResult>;
}

export const MiB = 1024 * 1024;
/** Just above the single-step limit (16 MiB): the v2 sliced flow, 17 slices of the suite's 1 MiB. */
export const V2 = 17 * MiB;
export const SLICE = '/upload/v2/file/slice';
export const CREATE = '/upload/v2/file/create';
export const COMPLETE = '/upload/v2/file/upload_complete';
export const SINGLE = '/upload/v2/file/single/create';
export const PRESIGNED = '/presigned/*';
export const OSS_COMPLETE = '/upload/v1/oss/file/upload_complete';

/** The folders cases upload into when they do not use the root. */
export const INBOX: Place = {target: 'drive', folder: 'inbox'};
export const GALLERY: Place = {target: 'image', folder: 'gallery'};
export const IMAGE_ROOT: Place = {target: 'image'};

let seed = 1000;
export function spec(name: string, size: number, type = ''): FileSpec {
  return {name, size, seed: seed++, type};
}

/** 123pan's name for a second file of the same name in a folder, under duplicate=1 (keep both). */
export function kept(name: string, k = 1): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)}(${k})${name.slice(dot)}` : `${name}(${k})`;
}

/**
 * The file already in the case's place before the client starts, with other bytes than any given file.
 * On the drive it takes the name of `first`, so keeping both must give the upload a "(1)" name and an
 * overwrite shows at once. The image host refuses a second image of one name in a folder (a case of its own
 * tests that), so there the bystander sits beside the upload under a neighbouring name.
 */
export function bystander(place: Place, first?: FileSpec): {file: Bystander; storedAs?: string} {
  const name = first?.name ?? (place.target === 'drive' ? 'bystander.bin' : 'bystander.png');
  const file = {name: place.target === 'drive' ? name : `old-${name}`, size: 1234 + (seed % 97), seed: seed++};
  return {file, storedAs: first && place.target === 'drive' ? kept(first.name) : first?.name};
}

/** Seeds the place with one bystander named after `first`; returns the name `first` will be stored under. */
export async function prepare(ctx: CaseContext, place: Place, first?: FileSpec): Promise<string | undefined> {
  const b = bystander(place, first);
  await ctx.seed(place, [b.file]);
  return b.storedAs;
}

/** Whether the emulator's log shows the fault really struck. */
export function struck(log: RequestLogEntry[], fault: Fault): boolean {
  const matches = (path: string) => fault.path === path || (fault.path.endsWith('*') && path.startsWith(fault.path.slice(0, -1)));
  return log.some((r) => {
    if (!matches(r.path)) return false;
    switch (fault.kind) {
      case 'drop':
      case 'reset':
      case 'cut':
        return r.status === 0;
      case 'http500':
        return r.status === 500;
      case 'code1':
        return r.code === 1 || (r.path.startsWith('/presigned/') && r.status === 500);
      case '429':
        return r.status === 429 || r.status === 503;
      case '401':
        return r.status === 401 || r.status === 403;
      default:
        return true;
    }
  });
}

export interface Plan {
  mode?: Mode;
  /** Where the files go (default: the drive's root). */
  place?: Place;
  attrs?: Record<string, string | boolean>;
  specs: FileSpec[];
  expect?: Given['expect'];
  reason?: RegExp;
  faults?: Fault[];
  timeoutMs?: number;
  /** Runs while the upload is under way (after the files were added). */
  during?: (ctx: CaseContext) => Promise<void>;
  csp?: boolean;
  /** The bystander takes a name of its own instead of the first file's (where "(1)" would break a rule under test). */
  apart?: boolean;
}

/** The common shape: seed, open the page, mount, inject faults, add files, wait, collect outcomes and fault hits. */
export async function upload(ctx: CaseContext, plan: Plan): Promise<CaseResult> {
  const expect = plan.expect ?? 'success';
  const first = plan.specs[0];
  const storedAs = (await prepare(ctx, plan.place ?? {target: 'drive'}, expect === 'success' && !plan.apart ? first : undefined)) ?? first?.name;
  await ctx.openPage({csp: plan.csp});
  await ctx.mount(plan.mode ?? 'token', plan.attrs);
  for (const f of plan.faults ?? []) await ctx.fault(f);
  await ctx.add(plan.specs);
  if (plan.during) await plan.during(ctx);
  const settled = await ctx.settle(plan.specs.length, plan.timeoutMs ?? 60_000);
  await ctx.clearFaults();
  const files = await ctx.outcomes(plan.specs.map((s, i) => ctx.given(s, expect, plan.reason, i === 0 ? storedAs : s.name)));
  const log = await ctx.requests();
  const checks: [string, boolean][] = [['every file ended within the time limit', settled]];
  if (expect === 'error') {
    // What the user sees: the file's row with the reason under it.
    const {rows} = await ctx.rendered();
    for (const s of plan.specs) checks.push([`the row of ${s.name} shows why it failed`, rows.some((r) => !r.rejected && r.title === s.name && r.error.length > 0)]);
  }
  for (const f of plan.faults ?? []) if (f.kind !== 'slow') checks.push([`fault ${f.kind} on ${f.path} struck`, struck(log, f)]);
  return {files, checks};
}

/** A rate of faults, with the first one certain, so the case cannot pass without meeting a fault. */
export const rate = (path: string, kind: Fault['kind'], r: number): Fault[] => [
  {path, kind, times: 1},
  {path, kind, rate: r},
];

/**
 * After a reload, exactly the slices the server had not answered before it are sent again, give or take the
 * ones whose answer was on its way when the page went (at most `inFlight`, the engine's concurrency).
 */
export function resentOnlyMissing(log: RequestLogEntry[], isSlice: (r: RequestLogEntry) => boolean, reloadedAt: number, total: number, inFlight = 3): [string, boolean] {
  const storedBefore = log.filter((r) => isSlice(r) && r.status === 200 && r.time < reloadedAt).length;
  const after = log.filter((r) => isSlice(r) && r.status === 200 && r.time >= reloadedAt).length;
  const missing = total - storedBefore;
  return [`after the reload ${after} slices were sent; ${missing} of ${total} were missing (at most ${inFlight} more may be re-sent)`, storedBefore > 0 && after >= missing && after <= missing + inFlight];
}
