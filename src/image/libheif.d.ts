/** libheif-js ships no types for its ES module build; heif-decode.ts types the few calls it makes. */
declare module 'libheif-js/libheif-wasm/libheif-bundle.mjs' {
  const libheif: unknown;
  export default libheif;
}
