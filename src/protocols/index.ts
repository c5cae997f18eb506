/** The upload flows behind one interface, and the rule that picks one for a file. */
import type {UploadFlow, UploadTarget} from '../core/types.ts';
import {DriveSingleProtocol, SINGLE_STEP_MAX_SIZE} from './drive-single.ts';
import {DriveV1Protocol} from './drive-v1.ts';
import {DriveV2Protocol} from './drive-v2.ts';
import {ImageHostProtocol} from './image-host.ts';
import type {ProtocolDeps, UploadProtocol} from './types.ts';

export * from './types.ts';
export {UploadError, isAbort} from './errors.ts';
export {ImageFolders} from './image-folders.ts';
export {pollUntil, sleep, MIN_POLL_INTERVAL_MS} from './poll.ts';
export {DriveV2Protocol, DriveSingleProtocol, DriveV1Protocol, ImageHostProtocol, SINGLE_STEP_MAX_SIZE};

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

/** One instance per flow and client, so state such as the single-step domain is shared by all files. */
export function createProtocols(deps: ProtocolDeps): Record<UploadFlow, UploadProtocol> {
  return {
    v2: new DriveV2Protocol(deps),
    single: new DriveSingleProtocol(deps),
    v1: new DriveV1Protocol(deps),
    image: new ImageHostProtocol(deps),
  };
}
