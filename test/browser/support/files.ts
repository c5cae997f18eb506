import SparkMD5 from 'spark-md5';
import {xorshiftBytes} from '../../support/bytes.ts';

/** Deterministic bytes (xorshift) in a File, with their MD5, so a test knows what the server must hold. */
export function makeFile(name: string, size: number, seed: number, type = 'application/octet-stream') {
  const data = xorshiftBytes(size, seed);
  return {file: new File([data], name, {type, lastModified: 1_700_000_000_000 + seed}), md5: SparkMD5.ArrayBuffer.hash(data.buffer)};
}
