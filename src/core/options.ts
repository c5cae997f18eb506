/** The engine's options: their defaults, and the checks that refuse a bad one before anything is sent. */
import {checkRateLimits, checkRetryDelays, normalizeApiBase} from '../api/options.ts';
import {DEFAULT_SINGLE_MAX_SIZE} from '../protocols/choose-flow.ts';
import {checkImageOptions} from '../image/options.ts';
import {DEFAULT_API_BASE} from '../shared/api-base.ts';
import type {UploadManagerOptions} from './types.ts';

export const DEFAULT_OPTIONS: UploadManagerOptions = {
  target: 'drive',
  parentID: 0,
  duplicate: 'keep',
  apiBase: DEFAULT_API_BASE,
  concurrency: 3,
  autoStart: true,
  resume: true,
  hashEngine: 'auto',
  driveFlow: 'auto',
  driveLink: 'download_info',
  singleMaxSize: DEFAULT_SINGLE_MAX_SIZE,
  completeTimeoutMs: 5 * 60_000,
  pollIntervalMs: 1000,
  resumeMaxAgeMs: 7 * 24 * 3600_000,
  progressIntervalMs: 100,
  resumeDatabase: 'pan-uploader',
  image: {},
};

/** Options the API client and protocols are built from: a change rebuilds them. */
export const CLIENT_OPTIONS = ['apiBase', 'tokenUrl', 'tokenProvider', 'rateLimits', 'retryDelays', 'completeTimeoutMs', 'pollIntervalMs', 'driveLink', 'resumeDatabase', 'resumeMaxAgeMs'] as const;

/** Bad options are refused by name, before anything is sent. */
export function checkOptions(o: UploadManagerOptions): void {
  if (!Number.isFinite(o.concurrency) || o.concurrency < 1) throw new RangeError(`concurrency must be a whole number ≥ 1, got ${String(o.concurrency)}`);
  if (o.duplicate !== 'keep' && o.duplicate !== 'overwrite') throw new RangeError(`duplicate must be "keep" or "overwrite", got ${JSON.stringify(o.duplicate)}`);
  if (o.target !== 'drive' && o.target !== 'image') throw new RangeError(`target must be "drive" or "image", got ${JSON.stringify(o.target)}`);
  if (o.target === 'drive' && !Number.isInteger(Number(o.parentID)))
    throw new RangeError(`parentID must be a drive folder number (0 = root), got ${JSON.stringify(o.parentID)}`);
  // The API client is built when the first file starts: refuse its bad options now, with its own checks.
  normalizeApiBase(o.apiBase);
  if (o.retryDelays !== undefined) checkRetryDelays(o.retryDelays);
  checkRateLimits(o.rateLimits ?? {});
  checkImageOptions(o.image);
}

export function withoutUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
