/** Credentials as the backend hook hands them over. */
export interface AccessToken {
  accessToken: string;
  /** ISO time with offset, as 123pan gives it, or epoch milliseconds. */
  expiredAt: string | number;
}

/** The function form of the backend hook: a bare token string, or one with its expiry. */
export type TokenProvider = (options: {signal?: AbortSignal; forceRefresh: boolean}) => Promise<string | AccessToken>;

/** 123pan's envelope around every JSON answer. */
export interface Envelope<T = unknown> {
  code: number;
  message: string;
  data: T;
  'x-traceID'?: string;
}
