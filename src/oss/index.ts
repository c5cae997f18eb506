/** The image host (图床) beyond uploads: management, copy from the drive, import from a URL. */
export {ImageHostClient, OSS_BATCH_SIZE, OSS_LIST_LIMIT} from './client.ts';
export {copyFromDrive, COPY_IDS_PER_TASK, COPY_TASKS_AT_ONCE} from './copy-from-drive.ts';
export {importFromURL, OFFLINE_DIR_NAME} from './import-from-url.ts';
export {checkImportURL, checkCallBackUrl, type CheckedImport} from './import-url.ts';
export {OssInputError, OssTaskError} from './errors.ts';
export {MIN_TASK_POLL_MS} from './poll-task.ts';
export type * from './types.ts';
