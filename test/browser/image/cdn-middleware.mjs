/**
 * Serves dist/ as a CDN would, for the CMS bundle test: under a deep path (/cdn/<package@version>/dist/…)
 * and to any origin (Access-Control-Allow-Origin: *), so the test page can load the bundle from a sub-path
 * and, through the other loopback name, from another origin.
 */
export function cdnMiddleware(ctx, next) {
  const match = ctx.path.match(/^\/cdn\/[^/]+\/dist\/(.+)$/);
  if (!match) return next();
  ctx.set('Access-Control-Allow-Origin', '*');
  ctx.url = `/dist/${match[1]}`;
  return next();
}
