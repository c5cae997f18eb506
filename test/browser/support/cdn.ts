/**
 * The places a test loads a build from as a CDN serves it (test/browser/image/cdn-middleware.mjs): a deep path
 * of this origin, and the same path on the other loopback name, another origin, with CORS.
 */
export function cdnPlaces(file: string): Record<string, string> {
  const otherHost = location.hostname === '127.0.0.1' ? 'localhost' : '127.0.0.1';
  const path = `/cdn/pan-uploader@0.1.0/dist/${file}`;
  return {
    'a deep path of this origin': path,
    'another origin, served with CORS': `${location.protocol}//${otherHost}:${location.port}${path}`,
  };
}
