/**
 * Steps that may change a file before it is hashed, so the MD5 and 秒传 describe the bytes actually sent:
 * the page's beforeUpload hook, image transforms. They run in order while the task shows 'preparing';
 * a task none of them applies to never shows that status.
 */
import type {ImageNote} from '../image/note.ts';
import type {UploadTask} from './types.ts';

/** What a step changed; anything left out stays as it was. */
export interface PrepareOutcome {
  /** The bytes to send instead (a re-encoded image, a page's edited file). */
  file?: File;
  /** The name to send instead (checked against 123pan's name rules again). */
  name?: string;
  /** A line the row shows about what was done ("optimized · 4.2 MB → 680 KB", "sent as is: …"). */
  note?: string;
  /** The image step's note as data, for the element's languages. */
  imageNote?: ImageNote;
}

export interface PrepareStep {
  /** Cheap and synchronous: whether the step has anything to do for this task. */
  applies(task: UploadTask): boolean;
  /** May throw to fail the file with its message; `signal` aborts on pause, cancel and remove. */
  run(task: UploadTask, signal: AbortSignal): Promise<PrepareOutcome | void>;
}
