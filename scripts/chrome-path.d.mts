/** A Chrome or Chromium binary found on this machine (CHROME_PATH first), or undefined. */
export function findChrome(): string | undefined;
/** Flags for headless Chromium on a machine with no network beyond loopback. */
export const chromeArgs: string[];
