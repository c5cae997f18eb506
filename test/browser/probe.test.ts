import {expect} from 'chai';
import {http, HttpResponse} from 'msw';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import '../../src/pan-uploader.ts';

describe('toolchain', () => {
  it('renders a Lit element', async () => {
    const el = document.createElement('pan-uploader');
    document.body.append(el);
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('[part~="dropzone"]')).to.exist;
    el.remove();
  });
  it('intercepts cross-origin fetch with msw', async () => {
    const worker = setupWorker(http.get('https://open-api.123pan.com/x', () => HttpResponse.json({code: 0})));
    await worker.start({quiet: true});
    const res = await fetch('https://open-api.123pan.com/x', {headers: {Authorization: 'Bearer a', Platform: 'open_platform'}});
    expect(await res.json()).to.deep.equal({code: 0});
    worker.stop();
  });
  it('hashes with spark-md5', () => {
    expect(SparkMD5.hash('abc')).to.equal('900150983cd24fb0d6963f7d28e17f72');
  });
});
