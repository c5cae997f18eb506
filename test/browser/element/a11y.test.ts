import {expect} from 'chai';
import 'axe-core';
import {cleanup, file, mount, settle, type FakePanUploader} from './fixture.ts';

declare global {
  interface Window {
    axe: {run(context: Element, options?: object): Promise<{violations: Array<{id: string; help: string; nodes: Array<{target: unknown; failureSummary?: string}>}>}>};
  }
}

async function violations(el: Element): Promise<string[]> {
  const result = await window.axe.run(el, {resultTypes: ['violations']});
  return result.violations.map(
    (v) => `${v.id}: ${v.help} → ${v.nodes.map((n) => `${JSON.stringify(n.target)} ${n.failureSummary ?? ''}`).join('; ')}`,
  );
}

/** Puts one file in each state the list can show. */
async function everyState(el: FakePanUploader): Promise<void> {
  el.addFiles([
    file('uploading.bin', 4000),
    file('paused.bin', 4000),
    file('done.png', 4000, 'image/png'),
    {file: file('failed.bin', 4000), relativePath: 'folder/sub'},
    file('hashing.bin', 4000),
    file('waiting.bin', 4000),
    file('bad|name.bin', 10),
  ]);
  const [uploading, paused, done, failed, hashing] = el.fake.tasks;
  for (const task of [uploading, paused, done, failed, hashing]) el.fake.begin(task);
  el.fake.progress(uploading, 1000);
  el.fake.progress(paused, 2000);
  el.fake.pause(paused.id);
  el.fake.progress(hashing, 500, 'hashing');
  el.fake.succeed(done, {fileID: 12, downloadURL: 'https://download.example/done.png', reused: true});
  el.fake.fail(failed, {code: 1, key: 'server', message: 'internal error', traceID: 't-1', retryable: true});
  await settle(el);
}

describe('<pan-uploader> accessibility (axe-core)', () => {
  afterEach(cleanup);

  it('has no violations when empty', async () => {
    const el = await mount('<pan-uploader-fake multiple directory></pan-uploader-fake>');
    expect(await violations(el)).to.deep.equal([]);
  });

  it('has no violations with files in every state', async () => {
    const el = await mount('<pan-uploader-fake multiple directory></pan-uploader-fake>');
    await everyState(el);
    expect(el.shadowRoot!.querySelectorAll('[part~="item"]').length).to.equal(7);
    expect(await violations(el)).to.deep.equal([]);
  });

  it('has no violations in Chinese, dark, and disabled', async () => {
    const el = await mount('<pan-uploader-fake multiple lang="zh-CN" style="color-scheme: dark"></pan-uploader-fake>');
    await everyState(el);
    expect(await violations(el)).to.deep.equal([]);
    el.disabled = true;
    await el.updateComplete;
    expect(await violations(el)).to.deep.equal([]);
  });
});
