import {expect} from 'chai';
import {hashFile} from '../../../src/hash/index.ts';
import {expectedMD5s} from './expected.ts';
import {fixtureBytes} from './bytes.ts';

interface Settled {
  value?: unknown;
  error?: {name: string; message: string};
}

/** Loads the page under /csp-strict/ (served with a CSP lacking 'wasm-unsafe-eval') and waits for its report. */
function loadStrictPage(): Promise<Record<'pageCompile' | 'auto' | 'wasm', Settled>> {
  const frame = document.createElement('iframe');
  const page = new URL('./csp.html', import.meta.url);
  frame.src = `/csp-strict${page.pathname}`;
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the CSP page never reported')), 15_000);
    window.addEventListener('message', function onMessage(event) {
      if (event.source !== frame.contentWindow || event.data?.type !== 'csp-report') return;
      clearTimeout(timer);
      window.removeEventListener('message', onMessage);
      frame.remove();
      resolve(event.data.report);
    });
    document.body.append(frame);
  });
}

describe("hashing under a Content-Security-Policy without 'wasm-unsafe-eval'", () => {
  it('falls back to spark-md5 by itself, with the same MD5s; asking for wasm fails and says why; without the policy, wasm', async () => {
    const report = await loadStrictPage();
    // The policy really is in force in the page...
    // (CompileError in Chromium and Firefox; WebKit names it otherwise.)
    expect(report.pageCompile.error?.message, 'the page could instantiate WebAssembly').to.match(/wasm-unsafe-eval|unsafe-eval|CSP|Content Security Policy/i);
    // ...and in the worker: 'auto' ran spark-md5 and got the right answers.
    expect(report.auto.value).to.deep.equal({...expectedMD5s['several slices'], engine: 'spark'});
    expect(report.wasm.error?.name).to.equal('HashError');
    expect(report.wasm.error?.message).to.contain('"under-csp.bin"').and.contain("'wasm-unsafe-eval'");
    // The control: the same bytes in a page without that policy are hashed by WebAssembly.
    const result = await hashFile(new File([fixtureBytes(3 * 1024 * 1024 + 12_345)], 'x.bin'), {sliceSize: 1024 * 1024});
    expect(result).to.deep.equal({...expectedMD5s['several slices'], engine: 'wasm'});
  });
});
