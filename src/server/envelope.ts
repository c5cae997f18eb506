/** 123pan's answer shape, which the browser client already knows how to read. */
export interface PanEnvelope<T = unknown> {
  code: number;
  message: string;
  data: T;
  'x-traceID': string;
}

/** Codes the server half answers with itself (beside 123pan's own). */
export const ProxyCode = {
  /** 123pan's "internal error, retry": used when the proxy renewed a token a streamed request could not be replayed with. */
  RETRY: 1,
  BAD_REQUEST: 400,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  BAD_GATEWAY: 502,
  GATEWAY_TIMEOUT: 504,
} as const;

/** A refusal or failure produced by the server half, carried as 123pan's envelope. */
export class PanServerError extends Error {
  override readonly name = 'PanServerError';
  readonly code: number;
  readonly status: number;
  readonly traceID?: string;

  constructor(status: number, code: number, message: string, options?: {traceID?: string; cause?: unknown}) {
    super(message, options?.cause === undefined ? undefined : {cause: options.cause});
    this.status = status;
    this.code = code;
    this.traceID = options?.traceID;
  }
}

/** A trace id of our own, so a refusal can be found in the host's logs like 123pan's `x-traceID`. */
export function proxyTraceID(): string {
  return `pan-uploader-${crypto.randomUUID()}`;
}

/** An error answer in the envelope shape, with `data: null` as 123pan does. */
export function errorResponse(error: PanServerError): Response {
  const body: PanEnvelope<null> = {
    code: error.code,
    message: error.message,
    data: null,
    'x-traceID': error.traceID ?? proxyTraceID(),
  };
  return Response.json(body, {status: error.status, headers: {'cache-control': 'no-store'}});
}

/** Turns anything thrown inside a handler into an envelope answer without leaking internals. */
export function toErrorResponse(error: unknown): Response {
  if (error instanceof PanServerError) return errorResponse(error);
  return errorResponse(new PanServerError(500, ProxyCode.RETRY, 'pan-uploader server: internal error'));
}
