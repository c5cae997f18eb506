/**
 * pan-uploader/emulator: a strict stand-in for the 123pan open platform, as msw request handlers.
 * Browser-safe; the Node HTTP host is in ./node.ts.
 */
export {createEmulator} from './emulator.ts';
export type {CorsOrigins, CorsPolicy, Emulator, EmulatorOptions, EmulatorSettings, Fault, OfflineCallback, RemoteSource, RequestLogEntry, StoredFile, StoredFolder} from './types.ts';
export type {BlobStore, BlobWriter, StoredBlob} from './store.ts';
export {MemoryBlobStore} from './store.ts';
export {Code as EmulatorCode} from './codes.ts';
