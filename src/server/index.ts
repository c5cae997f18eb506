/**
 * `pan-uploader/server`: the backend hook for Node (and Fetch-API runtimes).
 *
 * Token mode: {@link createTokenBroker} + {@link createTokenHandler} at the element's `token-url`.
 * Proxy mode: {@link createProxy} at the element's `api-base` (e.g. `/pan-api`); the browser never
 * holds a token, and only upload endpoints reach 123pan.
 *
 * @example
 * const broker = createTokenBroker({clientID: process.env.PAN123_CLIENT_ID, clientSecret: process.env.PAN123_CLIENT_SECRET});
 * const proxy = createProxy({broker, prefix: '/pan-api', pinParentID: {drive: 0}, authorize: (req) => isEditor(req)});
 * app.use(proxy.handle);                                    // Express / Connect / Vite: server.middlewares.use(proxy.handle)
 * app.get('/pan/token', createTokenHandler(broker, {authorize: (req) => isEditor(req)}).handle);
 */
export {createTokenBroker, TokenMintError, DEFAULT_API_BASE} from './token-broker.ts';
export type {TokenBroker, TokenBrokerOptions, BrokerToken} from './token-broker.ts';
export {MemoryTokenStore} from './token-store.ts';
export type {TokenStore, StoredToken} from './token-store.ts';
export {createTokenHandler} from './token-handler.ts';
export type {TokenHandler, TokenHandlerOptions} from './token-handler.ts';
export {createProxy} from './proxy.ts';
export type {PanProxy, ProxyOptions, Authorize} from './proxy.ts';
export {UPLOAD_ENDPOINTS, MANAGEMENT_ENDPOINTS} from './endpoints.ts';
export type {EndpointRule, FolderKind} from './endpoints.ts';
export {PanServerError, ProxyCode} from './envelope.ts';
export type {PanEnvelope} from './envelope.ts';
export type {NodeHandler} from './node-adapter.ts';
