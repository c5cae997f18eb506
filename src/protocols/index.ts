/** The upload flows behind one set of interfaces, their registry, and the rule that picks one for a file. */
export * from './types.ts';
export {UploadError, isAbort} from './errors.ts';
export {ImageFolders} from './image-folders.ts';
export {DriveFolders} from './drive-folders.ts';
export {pollUntil, sleep, MIN_POLL_INTERVAL_MS} from './poll.ts';
export {DriveV2Protocol} from './drive-v2.ts';
export {DriveSingleProtocol} from './drive-single.ts';
export {DriveV1Protocol} from './drive-v1.ts';
export {ImageHostProtocol} from './image-host.ts';
export {ImageURLProtocol, checkImportSource, checkImportCallback} from './image-url.ts';
export {createProtocols} from './registry.ts';
export {chooseFlow, DEFAULT_SINGLE_MAX_SIZE, SINGLE_STEP_MAX_SIZE} from './choose-flow.ts';
