/**
 * The page's own checks: `beforeAdd(file)` when a file is added and `beforeUpload(task)` just before it is
 * hashed. Either may accept (nothing, `true`), refuse (`false`, or `{reject: 'why'}`), rename (`{name}`) or
 * replace the bytes (a `File`, or `{file}`); sync or async. A refusal or a throw fails that file only.
 */
import {raceAbort} from '../shared/abort.ts';
import {PanError} from '../shared/errors.ts';
import type {PrepareOutcome} from './prepare.ts';
import type {FileWithPath, RejectedFile, UploadTask} from './types.ts';

export type HookResult = void | undefined | boolean | File | {file?: File; name?: string; reject?: string; note?: string};

export type BeforeAddHook = (file: File, context: {signal: AbortSignal; relativePath: string}) => HookResult | Promise<HookResult>;
export type BeforeUploadHook = (task: Readonly<UploadTask>, context: {signal: AbortSignal}) => HookResult | Promise<HookResult>;

/** A hook's answer as a prepare outcome, or the refusal's message. */
export function readHookResult(result: HookResult, name: string): PrepareOutcome | {reject: string} {
  if (result === undefined || result === true) return {};
  if (result === false) return {reject: `"${name}" was refused by the page`};
  if (result instanceof File) return {file: result};
  if (typeof result !== 'object' || result === null) throw new TypeError(`"${name}": the hook answered ${String(result)}, not true, false, a File or {file, name, reject}`);
  if (result.reject !== undefined) return {reject: String(result.reject) || `"${name}" was refused by the page`};
  if (result.file !== undefined && !(result.file instanceof File)) throw new TypeError(`"${name}": the hook's file is not a File`);
  if (result.name !== undefined && typeof result.name !== 'string') throw new TypeError(`"${name}": the hook's name is not a string`);
  const outcome: PrepareOutcome = {};
  if (result.file) outcome.file = result.file;
  if (result.name !== undefined) outcome.name = result.name;
  if (result.note !== undefined) outcome.note = String(result.note);
  return outcome;
}

/** Runs the page's `beforeUpload` as the first prepare step (before image transforms see the file). */
export async function runBeforeUpload(hook: BeforeUploadHook, task: UploadTask, signal: AbortSignal): Promise<PrepareOutcome> {
  // Paused or canceled while this code loaded: the page's hook is not asked at all.
  signal.throwIfAborted();
  let result: HookResult;
  try {
    result = await hook(task, {signal});
  } catch (error) {
    if (signal.aborted) throw error;
    throw new PanError('hook', (error as Error)?.message || String(error), {code: 'hook', retryable: true, cause: error});
  }
  const outcome = readHookResult(result, task.name);
  if ('reject' in outcome) throw new PanError('hook', outcome.reject, {code: 'hook', retryable: false});
  return outcome;
}

/**
 * Runs the page's `beforeAdd` on each file (all at once, answers kept in the order given). What it accepts,
 * renamed or replaced, goes on to the engine's own checks; what it refuses (or throws on) is refused with
 * the page's reason. Files whose hook was still running when `signal` aborted are dropped with the batch.
 */
export async function screenFiles(
  files: readonly (File | FileWithPath)[],
  hook: BeforeAddHook,
  signal: AbortSignal,
): Promise<{accepted: (File | FileWithPath)[]; refused: RejectedFile[]}> {
  const answers = await Promise.all(
    files.map(async (entry): Promise<File | FileWithPath | RejectedFile> => {
      const file = entry instanceof Blob ? entry : entry.file;
      const relativePath = entry instanceof Blob ? folderOf(file) : entry.relativePath;
      const refused = (reason: string): RejectedFile => ({name: file.name, relativePath, size: file.size, key: 'hook', reason});
      try {
        const outcome = readHookResult(await raceAbort(Promise.resolve(hook(file, {signal, relativePath})), signal), file.name);
        if ('reject' in outcome) return refused(outcome.reject);
        if (!outcome.file && (outcome.name === undefined || outcome.name === file.name)) return entry;
        let next = outcome.file ?? file;
        if (outcome.name !== undefined && outcome.name !== next.name) next = new File([next], outcome.name, {type: next.type, lastModified: next.lastModified});
        return {file: next, relativePath};
      } catch (error) {
        return refused(`"${file.name}": ${(error as Error)?.message || String(error)}`);
      }
    }),
  );
  signal.throwIfAborted();
  const accepted: (File | FileWithPath)[] = [];
  const refused: RejectedFile[] = [];
  for (const answer of answers) {
    if (answer instanceof Blob || 'file' in answer) accepted.push(answer);
    else refused.push(answer);
  }
  return {accepted, refused};
}

/** A picked folder's file carries its path in webkitRelativePath; a renamed copy would lose it. */
function folderOf(file: File): string {
  const path = (file as File & {webkitRelativePath?: string}).webkitRelativePath ?? '';
  return path.slice(0, Math.max(0, path.lastIndexOf('/')));
}
