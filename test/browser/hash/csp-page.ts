// Runs inside a page served with a CSP that refuses WebAssembly, and reports to the test that framed it.
import {hashFile} from '../../../src/hash/index.ts';
import {fixtureBytes} from './bytes.ts';

async function settle<T>(work: () => Promise<T>): Promise<{value?: T; error?: {name: string; message: string}}> {
  try {
    return {value: await work()};
  } catch (error) {
    return {error: {name: (error as Error).name, message: (error as Error).message}};
  }
}

// The smallest valid module: proves the page itself may not use WebAssembly. Instantiated, not only compiled:
// WebKit compiles under the policy and refuses at instantiation.
const emptyModule = new Uint8Array([0, 97, 115, 109, 1, 0, 0, 0]);
const file = new File([fixtureBytes(3 * 1024 * 1024 + 12_345)], 'under-csp.bin');

const report = {
  pageCompile: await settle(() => WebAssembly.instantiate(emptyModule).then(() => 'instantiated')),
  auto: await settle(() => hashFile(file, {sliceSize: 1024 * 1024})),
  wasm: await settle(() => hashFile(file, {engine: 'wasm'})),
};
parent.postMessage({type: 'csp-report', report}, location.origin);
