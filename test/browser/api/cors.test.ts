// The page's view of 123pan's CORS policy, through the emulator in the page: an origin that refuses
// browsers is a network error to the page; token mode then fails once, clearly, without a retry storm.
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import {PanApiError, PanClient} from '../../../src/api/index.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import type {CorsOrigins} from '../../../src/emulator/index.ts';

const emulator = createEmulator();
const worker = setupWorker(...emulator.handlers);
const create = {parentFileID: 0, filename: 'a.bin', etag: '0'.repeat(32), size: 10, duplicate: 1};

describe('CORS as the page sees it', () => {
  before(() => worker.start({quiet: true, onUnhandledRequest: 'error'}));
  after(() => worker.stop());
  beforeEach(() => emulator.reset());

  const client = () => new PanClient({retryDelays: [20, 40, 80], tokenProvider: async () => emulator.issueToken()});
  const storageURL = () => `${emulator.options.storageOrigin}/presigned/nothing/1`;

  it('refuses browsers on every origin by default', () => {
    expect(createEmulator().options.cors).to.deep.equal({api: 'none', upload: 'none', storage: 'none'});
  });

  const configurations: [string, CorsOrigins][] = [
    ['all open', {api: 'all', upload: 'all', storage: 'all'}],
    ['API closed, storage open', {api: 'none', upload: 'none', storage: 'all'}],
    ['everything closed', {api: 'none', upload: 'none', storage: 'none'}],
  ];
  for (const [name, cors] of configurations) {
    it(`${name}: the page reaches exactly the open origins`, async () => {
      emulator.configure({cors});
      const reach = async (url: string, init?: RequestInit) => {
        try {
          await fetch(url, init);
          return true;
        } catch (error) {
          expect(error).to.be.instanceOf(TypeError);
          return false;
        }
      };
      expect(await reach(`${emulator.options.apiOrigin}/upload/v2/file/domain`), 'api').to.equal(cors.api === 'all');
      expect(await reach(`${emulator.options.uploadOrigin}/upload/v2/file/slice`, {method: 'POST', body: new FormData()}), 'upload').to.equal(cors.upload === 'all');
      expect(await reach(storageURL(), {method: 'PUT', body: 'x'}), 'storage').to.equal(cors.storage === 'all');
      // A no-cors request is never held to CORS (an <img>, the client's probe).
      expect(await reach(`${emulator.options.apiOrigin}/`, {mode: 'no-cors'})).to.equal(true);
    });
  }

  it('token mode against an API that refuses browsers: one clear error saying to use proxy mode, one request, then none', async () => {
    emulator.configure({cors: {api: 'none', upload: 'none', storage: 'all'}});
    const panClient = client();
    let error: unknown;
    const started = performance.now();
    try {
      await panClient.call('/upload/v2/file/create', {json: create});
    } catch (e) {
      error = e;
    }
    expect(error).to.be.instanceOf(PanApiError);
    const refused = error as PanApiError;
    expect(refused.code).to.equal('cors-refused');
    expect(refused.key).to.equal('cors-refused');
    expect(refused.retryable).to.equal(false);
    expect(refused.message).to.match(/does not let browser pages call it \(CORS\)/).and.match(/proxy mode/);
    // No retry with backoff: well under the retry delays' sum plus a probe.
    expect(performance.now() - started).to.be.below(3000);
    const creates = () => emulator.requests.filter((r) => r.path === '/upload/v2/file/create');
    expect(creates()).to.have.length(1);

    // Later calls fail at once with the same error and send nothing.
    const again = await panClient.call('/upload/v2/file/create', {json: create}).catch((e: unknown) => e);
    expect((again as PanApiError).code).to.equal('cors-refused');
    expect(creates()).to.have.length(1);
  });

  it('with the API open the same call succeeds', async () => {
    emulator.configure({cors: 'all'});
    const data = await client().call<{preuploadID?: string}>('/upload/v2/file/create', {json: {...create, etag: 'e'.repeat(32)}});
    expect(data.preuploadID).to.be.a('string');
  });
});
