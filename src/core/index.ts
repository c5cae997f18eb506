/** The engine's public surface: the manager, its shapes, validation and resume records. */
export * from './types.ts';
export {UploadManager, DEFAULT_OPTIONS} from './upload-manager.ts';
export type {UploadManagerDeps} from './upload-manager.ts';
export type {BeforeAddHook, BeforeUploadHook, HookResult} from './hooks.ts';
export type {ExistingFile} from './existing.ts';
export type {AsIsReason, ImageNote, Renamed} from '../image/note.ts';
export type {Hasher} from './upload-context.ts';
export type {ResumeStorage} from './resume-recorder.ts';
export {validateFile, checkName, matchesAccept, DRIVE_MAX_SIZE, IMAGE_EXTENSIONS, IMAGE_MAX_SIZE, MAX_NAME_LENGTH} from './validate.ts';
export type {ValidationRules, NameProblem} from './validate.ts';
export {ResumeStore, resumeKey} from './resume-store.ts';
export type {ResumeRecord} from './resume-store.ts';
export {toErrorInfo} from './errors.ts';
export {PanError} from '../shared/errors.ts';
export {chooseFlow, DEFAULT_SINGLE_MAX_SIZE} from '../protocols/choose-flow.ts';
