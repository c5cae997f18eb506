/**
 * The page's own checks: `beforeAdd(file)` when a file is added and `beforeUpload(task)` just before it is
 * hashed. Either may accept (nothing, `true`), refuse (`false`, or `{reject: 'why'}`), rename (`{name}`) or
 * replace the bytes (a `File`, or `{file}`); sync or async. A refusal or a throw fails that file only.
 */
import {PanError} from '../shared/errors.ts';
import type {PrepareOutcome} from './prepare.ts';
import type {UploadTask} from './types.ts';

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
