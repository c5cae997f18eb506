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

/** 123pan's free-tier `create` limit per account (API-NOTES), unless the client's rateLimits say otherwise. */
export const DEFAULT_CREATE_QPS = 1;

/**
 * 秒传 for small files. Single-step always sends the bytes; v2 `create` first asks whether the drive already
 * holds them (reuse: done, nothing sent). Asking costs, at worst, a wait for the account's next `create` slot
 * (1 / createQps s) and, for a file the drive lacks, one `upload_complete` round on top of the send (about one
 * poll, counted as 1 s). So asking first pays when sending the file would take longer than those two:
 * size / bytesPerSecond > 1 / createQps + 1 s. At the free tier's 1 create/s a file goes v2 first once it takes
 * over 2 s to send (4 MB at 2 MB/s); before any speed was measured, or when the file is quicker to send, single-step.
 */
export function askFirstPays(size: number, bytesPerSecond: number, createQps = DEFAULT_CREATE_QPS): boolean {
  if (!(bytesPerSecond > 0) || !(createQps > 0)) return false;
  return size / bytesPerSecond > 1 / createQps + 1;
}

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
  measured?: {bytesPerSecond: number; createQps?: number},
): UploadFlow {
  if (target === 'image') return 'image';
  if (driveFlow === 'auto' && !tokenInBrowser) return 'v1';
  if (driveFlow === 'auto') {
    if (size > Math.min(singleMaxSize, SINGLE_STEP_MAX_SIZE)) return 'v2';
    return measured && askFirstPays(size, measured.bytesPerSecond, measured.createQps) ? 'v2' : 'single';
  }
  if (driveFlow === 'single' && size > SINGLE_STEP_MAX_SIZE) return 'v2';
  return driveFlow;
}
