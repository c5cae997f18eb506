import type {IncomingMessage} from 'node:http';
import {PanServerError, ProxyCode, errorResponse, proxyTraceID, toErrorResponse} from './envelope.ts';
import {crossSiteRefusal} from './cross-site.ts';
import {answer as answerNode, type NodeHandler} from './node-adapter.ts';
import type {Authorize} from './proxy.ts';
import type {TokenBroker} from './token-broker.ts';

export interface TokenHandlerOptions {
  /** Who may have the account's token (e.g. logged-in editors only). Without it, anyone who reaches the URL may. */
  authorize?: Authorize;
  /** Origins of other sites allowed to ask (a cross-site `?refresh=1` could otherwise make it mint). Default none. */
  crossSiteOrigins?: readonly string[];
  /** The origin the browser reaches this server at: its host is what `Origin` is compared with. Default: the request's Host. */
  publicOrigin?: string;
}

export interface TokenHandler {
  /** Answers every request it is given: mount it at your `token-url` (e.g. `app.get('/pan/token', tokens.handle)`). */
  handle: NodeHandler;
  fetch(request: Request): Promise<Response>;
}

/**
 * Token mode's endpoint: `GET` answers `{accessToken, expiredAt}` (never cached by the browser),
 * after `authorize` agrees; `GET ?refresh=1` with the refused token in `X-Pan-Refused-Token` (sent by the element after a 401)
 * answers a newly minted one.
 * The token is a key to the whole account: guard it.
 */
export function createTokenHandler(broker: TokenBroker, options: TokenHandlerOptions = {}): TokenHandler {
  if (!broker || typeof broker.getToken !== 'function') throw new TypeError('createTokenHandler: broker is required (from createTokenBroker)');

  const answer = async (request: Request, raw: IncomingMessage | Request): Promise<Response> => {
    const refuse = (status: number, code: number, message: string): never => {
      throw new PanServerError(status, code, `pan-uploader token endpoint: ${message}`, {traceID: proxyTraceID()});
    };
    if (request.method !== 'GET') refuse(405, ProxyCode.METHOD_NOT_ALLOWED, `${request.method} is not allowed; use GET`);
    const crossSite = crossSiteRefusal(request.headers, new URL(options.publicOrigin ?? request.url).host, options.crossSiteOrigins ?? []);
    if (crossSite) refuse(403, ProxyCode.FORBIDDEN, crossSite);
    if (options.authorize && !(await options.authorize(raw))) refuse(403, ProxyCode.FORBIDDEN, 'not authorized to receive an access token');
    // `?refresh=1`: 123pan refused the token named in X-Pan-Refused-Token (revoked before its expiredAt).
    // The broker re-mints only while that is still its current token and it is older than
    // minTokenAgeMs (longer after young tokens were refused), so a burst of asks mints once at most.
    const refresh = new URL(request.url).searchParams.get('refresh') === '1';
    const refused = request.headers.get('x-pan-refused-token') ?? undefined;
    const token = refresh ? await broker.refresh(refused, request.signal) : await broker.getToken(request.signal);
    return Response.json(
      {accessToken: token.accessToken, expiredAt: token.expiredAt},
      {headers: {'cache-control': 'no-store', pragma: 'no-cache'}},
    );
  };

  const safely = (request: Request, raw: IncomingMessage | Request): Promise<Response> =>
    answer(request, raw).catch((error: unknown) => (error instanceof PanServerError ? errorResponse(error) : toErrorResponse(error)));

  return {
    fetch: (request) => safely(request, request),
    handle: (req, res) => answerNode(req, res, (request) => safely(request, req), options.publicOrigin),
  };
}
