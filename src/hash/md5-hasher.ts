import SparkMD5 from 'spark-md5';
import type {HashEngine} from './types.ts';
import {createWasmMD5} from './wasm-md5.ts';

/** An incremental MD5 that can be reused: `digest()` returns lowercase hex and starts a fresh hash. */
export interface MD5Hasher {
  readonly engine: 'wasm' | 'spark';
  update(bytes: Uint8Array): void;
  digest(): string;
}

function createSparkHasher(): MD5Hasher {
  const md5 = new SparkMD5.ArrayBuffer();
  return {
    engine: 'spark',
    // spark-md5 copies its argument with `new Uint8Array(arr)`, which honours a view's offset and length.
    update: (bytes) => void md5.append(bytes as unknown as ArrayBuffer),
    digest: () => md5.end(),
  };
}

/** Why WebAssembly could not be used, kept so 'auto' does not retry a compile that a CSP refuses. */
let wasmFailure: unknown;

/**
 * Creates a hasher for `engine`. 'auto' falls back to spark-md5 when WebAssembly cannot be compiled;
 * 'wasm' rejects instead, with the compile error as the cause.
 */
export async function createMD5Hasher(engine: HashEngine): Promise<MD5Hasher> {
  if (engine === 'spark') return createSparkHasher();
  if (wasmFailure === undefined) {
    try {
      return await createWasmMD5();
    } catch (error) {
      wasmFailure = error;
    }
  }
  if (engine === 'auto') return createSparkHasher();
  const reason = wasmFailure instanceof Error ? wasmFailure.message : String(wasmFailure);
  throw new Error(
    `The WebAssembly MD5 engine is unavailable (${reason}); a Content-Security-Policy without 'wasm-unsafe-eval' blocks it. Use engine 'auto' or 'spark'.`,
    {cause: wasmFailure},
  );
}
