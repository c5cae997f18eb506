// The image-host management client, copy from the drive and URL import, in the browser against the
// emulator through msw: requests as 123pan documents them, limits kept, failures reported by name.
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import SparkMD5 from 'spark-md5';
import {PanClient} from '../../../src/api/index.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import {ImageHostClient, OssInputError, OssTaskError, OFFLINE_DIR_NAME} from '../../../src/oss/index.ts';
import {xorshiftBytes} from '../../support/bytes.ts';

const TASK_MS = 300;
// The client's own calls, not 123pan's QPS limits: the seeding below makes many creates and folders in a row.
const emulator = createEmulator({minPollIntervalMs: 1000, ossTaskMs: TASK_MS, cors: 'all', limits: 'none'});
const worker = setupWorker(...emulator.handlers);
const API = emulator.options.apiOrigin;

const md5 = (data: Uint8Array) => SparkMD5.ArrayBuffer.hash(data.slice().buffer as ArrayBuffer);
const bytes = (length: number, seed: number) => xorshiftBytes(length, seed);

let token = '';
let oss: ImageHostClient;

async function raw(path: string, body?: unknown, origin = API) {
  const res = await fetch(`${origin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform', 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json();
  if (json.code !== 0) throw new Error(`${path}: ${json.message}`);
  return json.data;
}

/** An image on the image host through its own upload flow. */
async function seedImage(name: string, data: Uint8Array, parentFileID = ''): Promise<string> {
  const created = await raw('/upload/v1/oss/file/create', {parentFileID, filename: name, etag: md5(data), size: data.length, type: 1});
  if (created.reuse) return created.fileID;
  const {presignedURL} = await raw('/upload/v1/oss/file/get_upload_url', {preuploadID: created.preuploadID, sliceNo: 1});
  await fetch(presignedURL, {method: 'PUT', body: data.slice()});
  return (await raw('/upload/v1/oss/file/upload_complete', {preuploadID: created.preuploadID})).fileID;
}

/** A drive file through single-step upload. */
async function seedDrive(name: string, data: Uint8Array, parentFileID = 0): Promise<number> {
  const form = new FormData();
  for (const [k, v] of Object.entries({parentFileID: String(parentFileID), filename: name, etag: md5(data), size: String(data.length)})) form.append(k, v);
  form.append('file', new Blob([data.slice()]), name);
  const res = await fetch(`${emulator.options.uploadOrigin}/upload/v2/file/single/create`, {
    method: 'POST',
    headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform'},
    body: form,
  });
  return (await res.json()).data.fileID;
}

const requestsTo = (path: string) => emulator.requests.filter((r) => r.path === path);
const imagePaths = () =>
  emulator
    .files()
    .filter((f) => f.target === 'image')
    .map((f) => f.path)
    .sort();

describe('ImageHostClient against the emulator', () => {
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    emulator.reset();
    emulator.configure({minPollIntervalMs: 1000, ossTaskMs: TASK_MS});
    const issued = emulator.issueToken();
    token = issued.accessToken;
    oss = new ImageHostClient(new PanClient({tokenProvider: async () => issued, retryDelays: [20, 40]}));
  });

  describe('management', () => {
    it('list() pages by lastFileId lazily; listPage passes the filters', async () => {
      const [dir] = await oss.mkdir('gallery');
      for (let i = 0; i < 5; i++) await seedImage(`p${i}.png`, bytes(50 + i, i), dir.dirID);
      const names: string[] = [];
      for await (const entry of oss.list(dir.dirID, {limit: 2})) names.push(entry.filename);
      expect(names).to.deep.equal(['p0.png', 'p1.png', 'p2.png', 'p3.png', 'p4.png']);
      expect(requestsTo('/api/v1/oss/file/list')).to.have.length(3);

      emulator.requests.length = 0;
      for await (const entry of oss.list(dir.dirID, {limit: 2})) {
        expect(entry.filename).to.equal('p0.png');
        break;
      }
      expect(requestsTo('/api/v1/oss/file/list'), 'stopping early fetches no further page').to.have.length(1);

      const future = await oss.listPage(dir.dirID, {startTime: Math.floor(Date.now() / 1000) + 3600});
      expect(future).to.deep.equal({lastFileId: '-1', fileList: []});
      const root = await oss.listPage('');
      expect(root.fileList.map((f) => [f.filename, f.type])).to.deep.equal([['gallery', 1]]);
    });

    it('detail gives the documented fields; the downloadURL serves the bytes', async () => {
      const data = bytes(700, 3);
      const id = await seedImage('photo.webp', data);
      const detail = await oss.detail(id);
      expect(detail).to.include({fileId: id, filename: 'photo.webp', type: 0, size: 700, etag: md5(data), extension: 'webp', parentFileId: ''});
      const served = new Uint8Array(await (await fetch(detail.downloadURL)).arrayBuffer());
      expect(md5(served)).to.equal(md5(data));
    });

    it('move and delete go 100 ids per request; mkdir takes several names at once', async () => {
      const names = Array.from({length: 101}, (_, i) => `d${i}`);
      const made = await oss.mkdir(names);
      expect(made).to.have.length(101);
      expect(requestsTo('/upload/v1/oss/file/mkdir')).to.have.length(1);
      const [dest] = await oss.mkdir('dest');
      await oss.move(made.map((d) => d.dirID), dest.dirID);
      expect(requestsTo('/api/v1/oss/file/move')).to.have.length(2);
      expect(emulator.folders().filter((f) => f.parentID === dest.dirID)).to.have.length(101);
      await oss.delete(made.map((d) => d.dirID));
      expect(requestsTo('/api/v1/oss/file/delete')).to.have.length(2);
      expect(emulator.folders().map((f) => f.name)).to.deep.equal(['dest']);
    });

    it('refuses bad input by name before sending anything', async () => {
      const attempts = [
        () => oss.move([], ''),
        () => oss.move([5 as never], ''),
        () => oss.delete(['']),
        () => oss.listPage('', {limit: 101}),
        () => oss.detail(''),
        () => oss.move(['x'], 0 as never),
      ];
      const messages: string[] = [];
      for (const attempt of attempts) {
        try {
          await attempt();
          expect.fail('accepted');
        } catch (error) {
          expect(error).to.be.instanceOf(OssInputError);
          messages.push((error as Error).message);
        }
      }
      expect(messages.join('\n')).to.match(/fileIDs must be a non-empty array[\s\S]*got 5[\s\S]*got ""[\s\S]*limit must be a whole number 1..100[\s\S]*fileID must be[\s\S]*toParentFileID must be/);
      expect(emulator.requests).to.have.length(0);
    });
  });

  describe('copyFromDrive', () => {
    it('copies files and folders, polling at least 1 s apart, and reports the images that failed by name', async () => {
      const album = (await raw('/upload/v1/file/mkdir', {name: 'album', parentID: 0})).dirID;
      await seedDrive('a.png', bytes(100, 1), album);
      await seedDrive('b.jpg', bytes(110, 2), album);
      await seedDrive('readme.txt', bytes(10, 3), album);
      const top = await seedDrive('top.gif', bytes(120, 4));
      const [dest] = await oss.mkdir('dest');
      // top.gif already exists in the destination with other bytes: that copy fails.
      await seedImage('top.gif', bytes(5, 9), dest.dirID);
      const progress: string[] = [];
      const result = await oss.copyFromDrive([album, String(top)], dest.dirID, {onProgress: (p) => progress.push(p.status)});
      expect(result.ok).to.equal(false);
      expect(result.tasks).to.have.length(1);
      expect(result.tasks[0]).to.include({status: 'done', failMsg: ''});
      expect(result.failed).to.deep.equal([{fileId: top, filename: 'top.gif', taskID: result.tasks[0]!.taskID}]);
      expect(imagePaths()).to.deep.equal(['/dest/album/a.png', '/dest/album/b.jpg', '/dest/top.gif']);
      expect(progress.at(-1)).to.equal('done');
      const polls = requestsTo('/api/v1/oss/source/copy/process');
      for (let i = 1; i < polls.length; i++) expect(polls[i]!.time - polls[i - 1]!.time).to.be.at.least(1000);
      expect(polls.every((p) => p.code === 0), 'never polled too fast').to.equal(true);
    });

    it('splits 301 ids into tasks of 100 and keeps at most 3 waiting or running, so none is refused', async () => {
      const id = await seedDrive('one.png', bytes(64, 5));
      emulator.configure({ossTaskMs: 100});
      const result = await oss.copyFromDrive(Array.from({length: 301}, () => id), '');
      expect(result.tasks.map((t) => t.fileIDs.length)).to.deep.equal([100, 100, 100, 1]);
      expect(result.ok).to.equal(true);
      const creates = requestsTo('/api/v1/oss/source/copy');
      expect(creates.map((r) => r.code)).to.deep.equal([0, 0, 0, 0]);
      const firstEnd = requestsTo('/api/v1/oss/source/copy/fail')[0]!.time;
      expect(creates[3]!.time, 'the fourth task waits for one to end').to.be.at.least(firstEnd);
      expect(imagePaths()).to.deep.equal(['/one.png']);
    });

    it('a task that fails as a whole is reported with its failMsg', async () => {
      const many = (await raw('/upload/v1/file/mkdir', {name: 'deep', parentID: 0})).dirID;
      let parent = many;
      for (let level = 0; level < 15; level++) parent = (await raw('/upload/v1/file/mkdir', {name: `l${level}`, parentID: parent})).dirID;
      await seedDrive('x.png', bytes(20, 1), parent);
      const result = await oss.copyFromDrive([many], '');
      expect(result.ok).to.equal(false);
      expect(result.tasks[0]).to.include({status: 'failed'});
      expect(result.tasks[0]!.failMsg).to.match(/deeper than 15 levels/);
    });

    it('refuses ids that are not drive ids before sending', async () => {
      for (const ids of [[], ['abc'], [1.5], [-1]]) {
        const error = await oss.copyFromDrive(ids as never, '').then(() => undefined, (e: unknown) => e);
        expect(error, JSON.stringify(ids)).to.be.instanceOf(OssInputError);
      }
      expect(emulator.requests).to.have.length(0);
    });
  });

  describe('importFromURL', () => {
    const PNG = bytes(2048, 7);
    const URL_PNG = 'https://cdn.example.com/pics/sunset.png';

    it('imports into businessDirID: polls, finds the image, answers fileID and downloadURL; callBackUrl passed through', async () => {
      emulator.addRemote(URL_PNG, {bytes: PNG, contentType: 'image/png'});
      const [dir] = await oss.mkdir('imports');
      const seen: number[] = [];
      let task = 0;
      const result = await oss.importFromURL(URL_PNG, {
        businessDirID: dir.dirID,
        callBackUrl: 'https://app.example.com/pan-callback',
        onTask: (id) => (task = id),
        onProgress: (p) => seen.push(p.process),
      });
      expect(result.taskID).to.equal(task);
      expect(result).to.include({filename: 'sunset.png', size: PNG.length, etag: md5(PNG), parentFileId: dir.dirID});
      expect(result.fileID).to.equal(emulator.files()[0]!.fileID);
      expect(md5(new Uint8Array(await (await fetch(result.downloadURL!)).arrayBuffer()))).to.equal(md5(PNG));
      expect(seen.length).to.be.above(0);
      expect(emulator.callbacks).to.deep.equal([
        {callBackUrl: 'https://app.example.com/pan-callback', body: {url: URL_PNG, status: 0, failReason: '', fileID: result.fileID}},
      ]);
      const polls = requestsTo('/api/v1/oss/offline/download/process');
      for (let i = 1; i < polls.length; i++) expect(polls[i]!.time - polls[i - 1]!.time).to.be.at.least(1000);
    });

    it(`without businessDirID finds the image in "${OFFLINE_DIR_NAME}", under the fileName given`, async () => {
      emulator.addRemote('https://cdn.example.com/render?id=7', {bytes: PNG, contentType: 'image/png'});
      const result = await oss.importFromURL('https://cdn.example.com/render?id=7', {fileName: 'render-7.png'});
      expect(imagePaths()).to.deep.equal([`/${OFFLINE_DIR_NAME}/render-7.png`]);
      expect(result.filename).to.equal('render-7.png');
      expect(result.downloadURL).to.be.a('string');
    });

    it('creates a task once: a 429 is sent again, a lost answer is not (it may have made a task)', async () => {
      emulator.addRemote(URL_PNG, {bytes: PNG});
      emulator.fault({path: '/api/v1/oss/offline/download', kind: '429', times: 1});
      await oss.importFromURL(URL_PNG, {fileName: 'after-429.png'});
      expect(requestsTo('/api/v1/oss/offline/download').map((r) => r.code)).to.deep.equal([429, 0]);

      emulator.requests.length = 0;
      emulator.fault({path: '/api/v1/oss/offline/download', kind: 'reset', times: 1});
      const error = await oss.importFromURL(URL_PNG, {fileName: 'lost.png'}).then(() => undefined, (e: unknown) => e);
      expect((error as {code?: unknown}).code).to.equal('network');
      expect(requestsTo('/api/v1/oss/offline/download')).to.have.length(1);
    });

    it('a URL 123pan cannot fetch ends in OssTaskError url-failed, naming the URL', async () => {
      const error = await oss.importFromURL('https://gone.example.com/a.jpg').then(() => undefined, (e: unknown) => e);
      expect(error).to.be.instanceOf(OssTaskError);
      expect((error as OssTaskError).key).to.equal('url-failed');
      expect((error as Error).message).to.contain('https://gone.example.com/a.jpg');
    });

    it('refuses what is not an http(s) image address before sending anything', async () => {
      const cases: [string, object, RegExp, string][] = [
        ['ftp://example.com/a.png', {}, /only http and https/, 'bad-url'],
        ['not a url', {}, /not a web address/, 'bad-url'],
        ['https://example.com/doc.pdf', {}, /not one of the image formats/, 'not-image'],
        ['https://example.com/view?id=1', {}, /give a fileName/, 'not-image'],
        ['https://example.com/a.png', {fileName: 'a:b.png'}, /contains ":"/, 'name-forbidden-char'],
        ['https://example.com/a.png', {businessDirID: ''}, /does not import into the root/, 'bad-input'],
        ['https://example.com/a.png', {callBackUrl: 'javascript:alert(1)'}, /callBackUrl .* http or https/, 'bad-input'],
      ];
      for (const [url, options, pattern, key] of cases) {
        const error = await oss.importFromURL(url, options).then(() => undefined, (e: unknown) => e);
        expect(error, url).to.be.instanceOf(OssInputError);
        expect((error as Error).message, url).to.match(pattern);
        expect((error as OssInputError).key, url).to.equal(key);
      }
      expect(emulator.requests).to.have.length(0);
    });
  });
});
