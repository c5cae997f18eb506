/**
 * Codes the emulator answers with in the envelope.
 * 0, 1, 401, 429, 5066 and 20103 are 123pan's own (see API-NOTES.md). 123pan publishes no codes for
 * refused parameters, name clashes or checksum failures, so the others are the emulator's choice:
 * non-zero, final (a client must not retry them), each with a message naming the field and the reason.
 */
export const Code = {
  OK: 0,
  INTERNAL: 1,
  /** A field missing, misspelt, of the wrong type or out of range; a bad filename; a slice of the wrong size. */
  BAD_PARAM: 400,
  UNAUTHORIZED: 401,
  /** No such endpoint (HTTP 404 too). */
  NO_ENDPOINT: 404,
  /** Beyond an endpoint's QPS limit, or completion polled faster than minPollIntervalMs. */
  TOO_MANY_REQUESTS: 429,
  /** A file or folder of that name already exists and `duplicate` did not say what to do. */
  NAME_EXISTS: 5060,
  /** Bigger than the endpoint or target allows (10 GB create, 1 GB single-step, 100 MB image). */
  TOO_LARGE: 5061,
  /** sliceMD5 does not match the slice, or etag does not match the joined file. */
  MD5_MISMATCH: 5062,
  /** upload_complete before every slice arrived. */
  SLICES_MISSING: 5063,
  /** Image host: 3 copy tasks are already waiting or running. */
  TASK_LIMIT: 5064,
  /** The file, folder or preuploadID does not exist. */
  NOT_FOUND: 5066,
  /** "file is being verified, retry after 1 second". */
  VERIFYING: 20103,
} as const;

/** A refusal carried to the client as the envelope's code and message. */
export class ApiError extends Error {
  constructor(
    readonly code: number,
    message: string,
    readonly httpStatus = 200,
  ) {
    super(message);
  }
}
