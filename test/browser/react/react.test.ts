/**
 * pan-uploader/react: the wrapper rendered by React 19 in the browser, uploading to the 123pan
 * emulator (msw) with the real element and engine. Props reach the element as properties and
 * attributes, callbacks get the typed events and follow re-renders, and a ref reaches the element.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import * as React from 'react';
import {createRoot, type Root} from 'react-dom/client';
import {createEmulator} from '../../../src/emulator/index.ts';
import {PanUploader, PanUploaderElement, type PanUploaderProps} from '../../../src/react/index.ts';
import type {PanFileRejectedDetail, PanUploadSuccessDetail} from '../../../src/react/index.ts';
import SparkMD5 from 'spark-md5';

const emulator = createEmulator({cors: 'all'});
// Tells React that act() is in use here, as a test framework would.
(globalThis as {IS_REACT_ACT_ENVIRONMENT?: boolean}).IS_REACT_ACT_ENVIRONMENT = true;
const worker = setupWorker(...emulator.handlers);

let root: Root | undefined;
let container: HTMLElement | undefined;

async function render(props: PanUploaderProps): Promise<PanUploaderElement> {
  container ??= document.body.appendChild(document.createElement('div'));
  root ??= createRoot(container);
  await React.act(async () => root!.render(React.createElement(PanUploader, props)));
  const el = container.querySelector('pan-uploader');
  if (!(el instanceof PanUploaderElement)) throw new Error('React did not render a <pan-uploader>');
  await el.updateComplete;
  return el;
}

/** Picks files the way a user does: through the element's own file input. */
function pick(el: PanUploaderElement, files: File[]): void {
  const input = el.shadowRoot!.querySelector<HTMLInputElement>('input[data-picker="files"]')!;
  const data = new DataTransfer();
  for (const f of files) data.items.add(f);
  input.files = data.files;
  input.dispatchEvent(new Event('change'));
}

const waitFor = async (check: () => boolean, what: string, ms = 10_000) => {
  const until = Date.now() + ms;
  while (!check()) {
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

describe('pan-uploader/react', function () {
  this.timeout(30_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => emulator.reset());
  afterEach(async () => {
    await React.act(async () => root?.unmount());
    container?.remove();
    root = undefined;
    container = undefined;
  });

  it('sets props on the element: attributes, booleans and a function property', async () => {
    const tokenProvider = async () => emulator.issueToken();
    const el = await render({target: 'image', parentId: 'gallery', multiple: true, maxFiles: 3, tokenProvider, className: 'uploader'});
    expect(el.target).to.equal('image');
    expect(el.getAttribute('target')).to.equal('image');
    expect(el.parentId).to.equal('gallery');
    expect(el.multiple).to.equal(true);
    expect(el.hasAttribute('multiple')).to.equal(true);
    expect(el.maxFiles).to.equal(3);
    // A function can only travel as a property: @lit/react sets it, React would stringify it.
    expect(el.tokenProvider).to.equal(tokenProvider);
    expect(el.getAttribute('tokenprovider')).to.equal(null);
    expect(el.className).to.equal('uploader');
  });

  it('uploads and calls onPanUploadSuccess and onChange with the typed events', async () => {
    const successes: PanUploadSuccessDetail[] = [];
    const changes: string[][] = [];
    const el = await render({
      target: 'drive',
      name: 'attachments',
      tokenProvider: async () => emulator.issueToken(),
      onPanUploadSuccess: (event) => successes.push(event.detail),
      onChange: (event) => changes.push([...(event.target as PanUploaderElement).value]),
    });
    pick(el, [new File(['hello from react'], 'react.txt', {type: 'text/plain'})]);
    await waitFor(() => successes.length === 1, 'pan-upload-success');
    // Both against the MD5 of the text handed over, not against each other.
    const md5 = SparkMD5.hash('hello from react');
    const [stored] = emulator.files();
    expect(stored).to.include({name: 'react.txt', target: 'drive', md5});
    expect(successes[0]).to.include({name: 'react.txt', target: 'drive', etag: md5, reused: false});
    expect(String(successes[0].fileID)).to.equal(String(stored.fileID));
    await waitFor(() => changes.length > 0, 'change');
    expect(changes.at(-1)).to.deep.equal([String(stored.fileID)]);
  });

  it('swaps callbacks on re-render and drops one that is no longer passed', async () => {
    const first: PanFileRejectedDetail[] = [];
    const second: PanFileRejectedDetail[] = [];
    const props: PanUploaderProps = {target: 'image', tokenProvider: async () => emulator.issueToken()};
    const el = await render({...props, onPanFileRejected: (e) => first.push(e.detail)});
    pick(el, [new File(['x'], 'one.txt', {type: 'text/plain'})]);
    expect(first.map((d) => d.name)).to.deep.equal(['one.txt']);

    expect(await render({...props, onPanFileRejected: (e) => second.push(e.detail)})).to.equal(el);
    pick(el, [new File(['x'], 'two.txt', {type: 'text/plain'})]);
    expect(first.map((d) => d.name)).to.deep.equal(['one.txt']);
    expect(second.map((d) => d.name)).to.deep.equal(['two.txt']);
    expect(second[0].reason).to.contain('two.txt');

    await render(props);
    pick(el, [new File(['x'], 'three.txt', {type: 'text/plain'})]);
    expect(second.map((d) => d.name)).to.deep.equal(['two.txt']);

    await React.act(async () => root!.unmount());
    root = undefined;
    expect(el.isConnected).to.equal(false);
  });

  it('hands the element to a ref, so its methods can be called', async () => {
    const ref = React.createRef<PanUploaderElement>();
    const added: string[] = [];
    await render({ref, manual: true, tokenProvider: async () => emulator.issueToken(), onPanFileAdded: (e) => added.push(e.detail.name)});
    expect(ref.current).to.be.instanceOf(PanUploaderElement);
    const {added: tasks} = ref.current!.addFiles([new File(['abc'], 'queued.bin')]);
    expect(tasks.map((t) => t.name)).to.deep.equal(['queued.bin']);
    expect(added).to.deep.equal(['queued.bin']);
    // manual: nothing is sent until start().
    expect(emulator.files()).to.deep.equal([]);
    ref.current!.start();
    await waitFor(() => emulator.files().length === 1, 'the upload after start()');
  });
});
