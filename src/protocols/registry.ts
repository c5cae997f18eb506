/** Every flow by name: adding one is a file beside this one and an entry here (and its name in UploadFlow). */
import type {UploadFlow} from '../shared/words.ts';
import {DriveFolders} from './drive-folders.ts';
import {DriveSingleProtocol} from './drive-single.ts';
import {DriveV1Protocol} from './drive-v1.ts';
import {DriveV2Protocol} from './drive-v2.ts';
import {ImageHostProtocol} from './image-host.ts';
import {ImageURLProtocol} from './image-url.ts';
import type {ProtocolDeps, UploadProtocol} from './types.ts';

/** One instance per flow and client, so state such as the single-step domain is shared by all files. */
export function createProtocols(deps: ProtocolDeps) {
  // One folder cache for the drive flows: files of one folder taking different flows share one mkdir.
  const folders = new DriveFolders(deps.client);
  return {
    v2: new DriveV2Protocol(deps, folders),
    single: new DriveSingleProtocol(deps, folders),
    v1: new DriveV1Protocol(deps, folders),
    image: new ImageHostProtocol(deps),
    url: new ImageURLProtocol(deps),
  } satisfies Record<UploadFlow, UploadProtocol>;
}

export type Protocols = Record<UploadFlow, UploadProtocol>;
