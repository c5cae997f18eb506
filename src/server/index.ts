/**
 * `pan-uploader/server`: the backend hook for Node (and Fetch-API runtimes). The client secret stays
 * here; nothing in this package logs a secret or a token.
 *
 * Proxy mode (recommended): {@link createProxy} mounted at the element's `api-base`; the browser
 * never holds a token and only upload endpoints reach 123pan.
 * Token mode: {@link createTokenHandler} at the element's `token-url` hands the page the account's
 * token (a key to the whole account: guard it with `authorize`).
 *
 * @example
 * import express from 'express';
 * import {createProxy, createTokenBroker, createTokenHandler} from 'pan-uploader/server';
 *
 * const app = express();
 * const broker = createTokenBroker({clientID: process.env.PAN123_CLIENT_ID, clientSecret: process.env.PAN123_CLIENT_SECRET});
 * // Your session's check; a string answer also names the visitor whose uploads' links they may read.
 * const editor = (req) => (req.session?.user?.editor ? String(req.session.user.id) : false);
 * // Proxy mode: <pan-uploader api-base="/pan-api">. Mount before any body parser.
 * app.use(createProxy({broker, prefix: '/pan-api', pinParentID: {drive: 0}, authorize: editor, publicOrigin: 'https://www.example.com'}).handle);
 * // Token mode: <pan-uploader token-url="/pan/token">.
 * app.get('/pan/token', createTokenHandler(broker, {authorize: editor}).handle);
 * app.listen(3000);
 *
 * Vite dev server: `configureServer(server) { server.middlewares.use(proxy.handle) }`.
 * Fetch runtimes: `export default {fetch: createProxy({broker, fetch: globalThis.fetch}).fetch}`.
 */
export {createTokenBroker, TokenMintError, TokenLimitError, DEFAULT_API_BASE} from './token-broker.ts';
export type {TokenBroker, TokenBrokerOptions, BrokerToken} from './token-broker.ts';
export {MemoryTokenStore} from './token-store.ts';
export type {TokenStore, StoredToken} from './token-store.ts';
export {RedisTokenStore} from './redis-token-store.ts';
export type {RedisCommander} from './redis-token-store.ts';
export {createAccountLimiter, FREE_TIER_LIMITS, VIP_LIMITS} from './account-limiter.ts';
export type {AccountLimiter, AccountLimiterOptions, AccountRateLimits} from './account-limiter.ts';
export {createTokenHandler} from './token-handler.ts';
export type {TokenHandler, TokenHandlerOptions} from './token-handler.ts';
export {createProxy} from './proxy.ts';
export type {PanProxy, ProxyOptions, Authorize} from './proxy.ts';
export {UPLOAD_ENDPOINTS, MANAGEMENT_ENDPOINTS, URL_IMPORT_ENDPOINTS} from './endpoints.ts';
export type {EndpointRule, FolderKind} from './endpoints.ts';
export {PanServerError, ProxyCode} from './envelope.ts';
export type {PanEnvelope} from './envelope.ts';
export type {NodeHandler} from './node-adapter.ts';
export type {UpstreamAgents, UpstreamTimeouts} from './upstream.ts';
export {PAN_UPLOAD_DOMAINS} from './upload-hosts.ts';
