/**
 * A task's statuses and the one table of moves between them. Every user action asks `canMove` before
 * acting (a pause of a finished task does nothing); the engine's own moves go through `checkMove`,
 * which throws in development: an illegal move there is a bug in the engine, not in the page.
 */
import type {UploadPhase} from './types.ts';

export const UploadStatus = {
  QUEUED: 'queued',
  PREPARING: 'preparing',
  HASHING: 'hashing',
  CREATING: 'creating',
  UPLOADING: 'uploading',
  COMPLETING: 'completing',
  DONE: 'done',
  ERROR: 'error',
  PAUSED: 'paused',
  CANCELED: 'canceled',
} as const;
export type UploadStatus = (typeof UploadStatus)[keyof typeof UploadStatus];

const {QUEUED, PREPARING, HASHING, CREATING, UPLOADING, COMPLETING, DONE, ERROR, PAUSED, CANCELED} = UploadStatus;

/** Where a task may go from each status. A running task may always be paused, canceled or fail. */
const MOVES: Readonly<Record<UploadStatus, readonly UploadStatus[]>> = {
  // Hashed earlier (resumed after a pause): straight to creating, or uploading for a whole-body flow.
  [QUEUED]: [PREPARING, HASHING, CREATING, UPLOADING, PAUSED, CANCELED, ERROR],
  // Prepared (hooks, image transforms) before hashing; a file waiting for the hashing slot goes back to queued.
  [PREPARING]: [QUEUED, HASHING, PAUSED, CANCELED, ERROR],
  [HASHING]: [CREATING, UPLOADING, PAUSED, CANCELED, ERROR],
  // Reused at create (秒传) goes straight to done.
  [CREATING]: [UPLOADING, DONE, PAUSED, CANCELED, ERROR],
  // A session from a resume record that the server no longer knows starts afresh (creating).
  [UPLOADING]: [CREATING, COMPLETING, DONE, PAUSED, CANCELED, ERROR],
  [COMPLETING]: [CREATING, DONE, PAUSED, CANCELED, ERROR],
  [DONE]: [],
  [ERROR]: [QUEUED, CANCELED],
  [PAUSED]: [QUEUED, CANCELED],
  [CANCELED]: [QUEUED],
};

export const ACTIVE: ReadonlySet<UploadStatus> = new Set([PREPARING, HASHING, CREATING, UPLOADING, COMPLETING]);
export const FINISHED: ReadonlySet<UploadStatus> = new Set([DONE, ERROR, CANCELED]);

export function canMove(from: UploadStatus, to: UploadStatus): boolean {
  return MOVES[from].includes(to);
}

/** Vite builds set import.meta.env.DEV; elsewhere (tests, Node, a dev server without it) is development. */
const DEVELOPMENT = (import.meta as ImportMeta & {env?: {DEV?: boolean}}).env?.DEV ?? true;

export class IllegalMoveError extends Error {
  override readonly name = 'IllegalMoveError';
}

/** Throws in development on a move the table does not allow; in production the move is logged and made. */
export function checkMove(from: UploadStatus, to: UploadStatus, what: string): void {
  if (canMove(from, to)) return;
  const message = `${what}: illegal status move ${from} → ${to}`;
  if (DEVELOPMENT) throw new IllegalMoveError(message);
  console.error(`pan-uploader: ${message}`);
}

/** The progress phase a status implies, when it implies one. */
export function phaseOf(status: UploadStatus): UploadPhase | undefined {
  if (status === PREPARING) return 'preparing';
  if (status === HASHING) return 'hashing';
  if (status === CREATING || status === UPLOADING) return 'uploading';
  if (status === COMPLETING) return 'completing';
  return undefined;
}
