/**
 * The rule that picks an upload flow for a file. Apart from the protocols themselves, so the engine
 * can hold its defaults and the element's entry can export it without loading the upload machinery.
 */
import type {UploadFlow, UploadTarget} from '../shared/words.ts';

/** 123pan's cap on single-step uploads. */
export const SINGLE_STEP_MAX_SIZE = 1024 ** 3;

/**
 * Default for 'auto': files up to one slice of 123pan's usual drive sliceSize (16 MiB) go single-step.
 * Such a file would be one slice anyway, so slicing buys no parallelism or resume, and single-step
 * saves the create and completion round trips (and the ≥ 1 s completion polls).
 */
export const DEFAULT_SINGLE_MAX_SIZE = 16 * 1024 * 1024;

/**
 * `tokenInBrowser` false means proxy mode (no token hook: a same-origin proxy adds the token). 'auto'
 * then takes v1 for every drive file: its bytes go to presigned storage URLs, while single-step and v2
 * slices would stream every byte through the proxy.
 */
export function chooseFlow(
  target: UploadTarget,
  driveFlow: 'auto' | 'v2' | 'single' | 'v1',
  size: number,
  singleMaxSize = DEFAULT_SINGLE_MAX_SIZE,
  tokenInBrowser = true,
): UploadFlow {
  if (target === 'image') return 'image';
  if (driveFlow === 'auto' && !tokenInBrowser) return 'v1';
  if (driveFlow === 'auto') return size <= Math.min(singleMaxSize, SINGLE_STEP_MAX_SIZE) ? 'single' : 'v2';
  if (driveFlow === 'single' && size > SINGLE_STEP_MAX_SIZE) return 'v2';
  return driveFlow;
}
