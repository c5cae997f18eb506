/** The upload flows behind one interface, and the rule that picks one for a file. */
import type {UploadFlow} from '../core/types.ts';
import {DriveSingleProtocol} from './drive-single.ts';
import {DriveV1Protocol} from './drive-v1.ts';
import {DriveV2Protocol} from './drive-v2.ts';
import {ImageHostProtocol} from './image-host.ts';
import type {ProtocolDeps, UploadProtocol} from './types.ts';

export * from './types.ts';
export {UploadError, isAbort} from './errors.ts';
export {ImageFolders} from './image-folders.ts';
export {pollUntil, sleep, MIN_POLL_INTERVAL_MS} from './poll.ts';
export {DriveV2Protocol, DriveSingleProtocol, DriveV1Protocol, ImageHostProtocol};
export {chooseFlow, DEFAULT_SINGLE_MAX_SIZE, SINGLE_STEP_MAX_SIZE} from './choose-flow.ts';

/** One instance per flow and client, so state such as the single-step domain is shared by all files. */
export function createProtocols(deps: ProtocolDeps): Record<UploadFlow, UploadProtocol> {
  return {
    v2: new DriveV2Protocol(deps),
    single: new DriveSingleProtocol(deps),
    v1: new DriveV1Protocol(deps),
    image: new ImageHostProtocol(deps),
  };
}
