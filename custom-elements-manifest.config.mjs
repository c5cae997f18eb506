/** custom-elements.json describes the element only: its class and the file that registers it. */
export default {
  globs: ['src/components/**/*.component.ts', 'src/pan-uploader.ts'],
  exclude: ['**/*.test.ts'],
  outdir: '.',
  litelement: true,
  // package.json names the manifest itself; an analysis written elsewhere must not repoint it.
  packagejson: false,
};
