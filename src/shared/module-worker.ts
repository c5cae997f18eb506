/**
 * `new Worker(url, {type: 'module'})` for a script that may be on another origin: the package served from a
 * CDN. Browsers refuse a worker script from another origin, so there a blob: module of the page's own origin
 * imports it instead (the CDN must answer with CORS headers, as public ones do, and a Content-Security-Policy
 * must allow blob: in worker-src); the worker's own imports still resolve against its real URL.
 * Imported under the name `Worker`, so that bundlers still see `new Worker(new URL(…, import.meta.url))` and
 * build the worker's script.
 */
const shims = new Map<string, string>();

export const ModuleWorker = function (url: URL | string, options?: WorkerOptions): Worker {
  const script = new URL(url, location.href);
  if (script.origin === location.origin) return new Worker(script, options);
  let shim = shims.get(script.href);
  if (!shim) {
    shim = URL.createObjectURL(new Blob([`import ${JSON.stringify(script.href)};`], {type: 'text/javascript'}));
    shims.set(script.href, shim);
  }
  return new Worker(shim, {...options, type: 'module'});
} as unknown as new (url: URL | string, options?: WorkerOptions) => Worker;
