// Dev-server middleware: any file asked for under /csp-strict/… is served from its usual path with a
// Content-Security-Policy that allows same-origin scripts and workers but not WebAssembly, the way a
// strict site would serve the uploader. The hash tests load a page from there to see spark-md5 take over.

const prefix = '/csp-strict/';
export const strictCsp = "default-src 'self'; script-src 'self'; worker-src 'self'";

export async function strictCspMiddleware(ctx, next) {
  if (!ctx.path.startsWith(prefix)) return next();
  ctx.url = ctx.url.slice(prefix.length - 1);
  await next();
  ctx.set('Content-Security-Policy', strictCsp);
  return undefined;
}
