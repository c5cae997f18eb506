/**
 * <pan-uploader> under a strict style policy: no inline style attributes, styles only as adopted sheets.
 * The policy is added as a <meta> before the element renders; Chromium enforces it from then on.
 */
import {expect} from 'chai';
import {cleanup, file, mount, part, parts, settle} from './fixture.ts';

const violations: string[] = [];
document.addEventListener('securitypolicyviolation', (e) => violations.push(`${e.violatedDirective} ${e.sample}`));
const meta = document.createElement('meta');
meta.httpEquiv = 'Content-Security-Policy';
meta.content = "style-src 'self'";
document.head.append(meta);

describe('<pan-uploader> under a strict CSP', () => {
  afterEach(cleanup);

  it('renders, styles and fills its progress bars without a single violation, under a policy shown live in the same test', async () => {
    // The control: an inline style attribute is refused here, so "no violation" below means something.
    const probe = document.createElement('div');
    probe.setAttribute('style', 'color: red');
    document.body.append(probe);
    await new Promise((r) => setTimeout(r, 50));
    probe.remove();
    expect(violations.length).to.be.greaterThan(0);
    violations.length = 0;

    const el = await mount('<pan-uploader-fake multiple></pan-uploader-fake>');
    el.addFiles([file('a.bin', 1000), file('b.bin', 1000)]);
    const [a] = el.fake.tasks;
    el.fake.begin(a);
    el.fake.progress(a, 400);
    await settle(el);
    await new Promise((r) => setTimeout(r, 50));
    expect(violations).to.deep.equal([]);
    const bar = parts(el, 'item')[0].querySelector<HTMLElement>('[part~="progress-bar"]')!;
    expect(bar.style.transform).to.equal('scaleX(0.4)');
    expect(getComputedStyle(part(el, 'dropzone')!).borderStyle).to.equal('dashed');
  });
});
