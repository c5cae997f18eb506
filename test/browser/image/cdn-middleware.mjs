/**
 * Serves dist/ as a CDN would, for the CMS bundle and package build tests: under a deep path
 * (/cdn/<package@version>/dist/…) and to any origin (Access-Control-Allow-Origin: *), so a test page can load
 * the build from a sub-path and, through the other loopback name, from another origin. The package build's
 * bare imports (lit) come back rewritten to this server's own paths: a cross-origin GET of any file is
 * answered with CORS too.
 */
export function cdnMiddleware(ctx, next) {
  const origin = ctx.get('Origin');
  const crossOrigin = ctx.method === 'GET' && origin && new URL(origin).host !== ctx.host;
  // The package build's bare imports come back relative to dist/ (../node_modules/lit/…): the package's
  // dependencies, which a CDN serves beside it too.
  const match = ctx.path.match(/^\/cdn\/[^/]+\/(dist|node_modules)\/(.+)$/);
  if (match || crossOrigin) ctx.set('Access-Control-Allow-Origin', '*');
  if (!match) return next();
  ctx.url = `/${match[1]}/${match[2]}${ctx.querystring ? `?${ctx.querystring}` : ''}`;
  return next();
}
