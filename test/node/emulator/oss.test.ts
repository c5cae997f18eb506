// The image host's tasks in the emulator, over loopback: offline (URL) migration and copy from the drive,
// each rule refused and accepted, states moving with the clock, failures listed; and the management gaps.
import assert from 'node:assert/strict';
import {describe, it, mock} from 'node:test';
import {EmulatorCode as Code} from '../../../src/emulator/index.ts';
import type {EmulatorServer} from '../../../src/emulator/node.ts';
import {md5, useEmulatorServer} from '../support/emulator-server.ts';
import {xorshiftBytes} from '../../support/bytes.ts';

const TASK_MS = 150;
const defaults = {minPollIntervalMs: 0, completePolls: 0, qps: {}, limits: 'none' as const, ossTaskMs: TASK_MS, serverScheme: 'http' as const};
const OFFLINE_DIR = '来自:离线下载';

let server: EmulatorServer;
let token: string;
useEmulatorServer(defaults, (s, t) => {
  server = s;
  token = t;
});

const bytes = (length: number, seed = 1) => xorshiftBytes(length, seed);
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function call(path: string, body?: unknown) {
  const res = await fetch(`${server.apiOrigin}${path}`, {
    method: body === undefined ? 'GET' : 'POST',
    headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform', 'Content-Type': 'application/json'},
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return (await res.json()) as {code: number; message: string; data: any};
}

async function ok(path: string, body?: unknown) {
  const json = await call(path, body);
  assert.equal(json.code, 0, `${path}: ${json.message}`);
  return json.data;
}

async function refused(path: string, body: unknown, code: number, pattern: RegExp) {
  const json = await call(path, body);
  assert.equal(json.code, code, `${path} answered ${json.code}: ${json.message}`);
  assert.equal(json.data, null);
  assert.match(json.message, pattern);
}

/** A drive file through single-step upload; returns its fileID. */
async function driveFile(name: string, data: Uint8Array, parentFileID = 0): Promise<number> {
  const form = new FormData();
  form.append('parentFileID', String(parentFileID));
  form.append('filename', name);
  form.append('etag', md5(data));
  form.append('size', String(data.length));
  form.append('file', new Blob([data.slice()]), name);
  const res = await fetch(`${server.uploadOrigin}/upload/v2/file/single/create`, {
    method: 'POST',
    headers: {Authorization: `Bearer ${token}`, Platform: 'open_platform'},
    body: form,
  });
  const json = (await res.json()) as {code: number; message: string; data: {fileID: number}};
  assert.equal(json.code, 0, json.message);
  return json.data.fileID;
}

const driveDir = async (name: string, parentID = 0): Promise<number> => (await ok('/upload/v1/file/mkdir', {name, parentID})).dirID;
const imageDir = async (name: string, parentID = ''): Promise<string> => (await ok('/upload/v1/oss/file/mkdir', {name, parentID, type: 1})).list[0].dirID;

const imagePaths = () =>
  server.emulator
    .files()
    .filter((f) => f.target === 'image')
    .map((f) => f.path)
    .sort();

async function waitFor<T>(poll: () => Promise<T>, done: (value: T) => boolean, timeoutMs = 5000): Promise<T[]> {
  const seen: T[] = [];
  const started = Date.now();
  for (;;) {
    const value = await poll();
    seen.push(value);
    if (done(value)) return seen;
    if (Date.now() - started > timeoutMs) assert.fail(`still not done after ${timeoutMs} ms: ${JSON.stringify(value)}`);
    await sleep(TASK_MS / 5);
  }
}

describe('offline migration (URL import)', () => {
  const PNG = bytes(3000, 5);
  const URL_PNG = 'https://images.example.com/photos/%E6%B5%8B%E8%AF%95.png';

  it('refuses bad fields by name before creating a task', async () => {
    const path = '/api/v1/oss/offline/download';
    await refused(path, {url: 'ftp://example.com/a.png', type: 1}, Code.BAD_PARAM, /url must be an http or https URL/);
    await refused(path, {url: 'a.png', type: 1}, Code.BAD_PARAM, /url "a.png" is not an absolute URL/);
    await refused(path, {url: URL_PNG}, Code.BAD_PARAM, /type is required/);
    await refused(path, {url: URL_PNG, fileName: 'notes.txt', type: 1}, Code.BAD_PARAM, /fileName "notes.txt" must end in an image format/);
    await refused(path, {url: URL_PNG, fileName: 'a:b.png', type: 1}, Code.BAD_PARAM, /fileName .* forbidden character/);
    await refused(path, {url: URL_PNG, businessDirID: '', type: 1}, Code.BAD_PARAM, /businessDirID cannot be the root/);
    await refused(path, {url: URL_PNG, businessDirID: 'nope', type: 1}, Code.NOT_FOUND, /businessDirID "nope": no such folder/);
    await refused(path, {url: URL_PNG, callBackUrl: 'javascript:alert(1)', type: 1}, Code.BAD_PARAM, /callBackUrl must be an http or https URL/);
    await refused(path, {URL: URL_PNG, type: 1}, Code.BAD_PARAM, /the field is "url"/);
    await refused('/api/v1/oss/offline/download/process?taskID=abc', undefined, Code.BAD_PARAM, /taskID must be a whole number/);
    await refused('/api/v1/oss/offline/download/process?taskID=1', undefined, Code.NOT_FOUND, /no such offline migration task/);
  });

  it('downloads into businessDirID with the given fileName: status 0 with rising process, then 2 at 100; the image is listed and served; the callback is made', async () => {
    server.emulator.addRemote(URL_PNG, {bytes: PNG, contentType: 'image/png'});
    const dir = await imageDir('imports');
    const {taskID} = await ok('/api/v1/oss/offline/download', {url: URL_PNG, fileName: 'cover.png', businessDirID: dir, callBackUrl: 'https://app.example.com/hook', type: 1});
    assert.equal(typeof taskID, 'number');
    const states = await waitFor(() => ok(`/api/v1/oss/offline/download/process?taskID=${taskID}`), (d) => d.status !== 0);
    assert.deepEqual(states.at(-1), {status: 2, process: 100});
    assert.ok(states.length >= 2, 'answered in progress before done');
    for (const s of states.slice(0, -1)) assert.equal(s.status, 0);
    const processes = states.slice(0, -1).map((s) => s.process);
    assert.deepEqual(processes, [...processes].sort((a, b) => a - b), 'process never goes back');
    assert.ok(processes.every((p) => p >= 0 && p < 100));

    const {fileList} = await ok('/api/v1/oss/file/list', {parentFileId: dir, limit: 100, type: 1});
    assert.equal(fileList.length, 1);
    assert.deepEqual([fileList[0].filename, fileList[0].size, fileList[0].etag, fileList[0].type], ['cover.png', PNG.length, md5(PNG), 0]);
    const served = await fetch(fileList[0].downloadURL);
    assert.equal(md5(new Uint8Array(await served.arrayBuffer())), md5(PNG));
    assert.deepEqual(server.emulator.callbacks, [
      {callBackUrl: 'https://app.example.com/hook', body: {url: URL_PNG, status: 0, failReason: '', fileID: fileList[0].fileId}},
    ]);
  });

  it(`without businessDirID lands in "${OFFLINE_DIR}" (made once), named after the URL's last segment, decoded`, async () => {
    server.emulator.addRemote(URL_PNG, {bytes: PNG});
    server.emulator.addRemote('http://images.example.com/b.svg', {bytes: '<svg xmlns="http://www.w3.org/2000/svg"/>', contentType: 'image/svg+xml'});
    const a = await ok('/api/v1/oss/offline/download', {url: URL_PNG, type: 1});
    const b = await ok('/api/v1/oss/offline/download', {url: 'http://images.example.com/b.svg', type: 1});
    await sleep(TASK_MS + 20);
    assert.equal((await ok(`/api/v1/oss/offline/download/process?taskID=${a.taskID}`)).status, 2);
    assert.equal((await ok(`/api/v1/oss/offline/download/process?taskID=${b.taskID}`)).status, 2);
    assert.deepEqual(imagePaths(), [`/${OFFLINE_DIR}/b.svg`, `/${OFFLINE_DIR}/测试.png`]);
    assert.equal(server.emulator.folders().filter((f) => f.name === OFFLINE_DIR).length, 1);
  });

  it('fails (status 1) for an unknown host, an HTTP error, a page that is not an image, a name clash; callbacks carry the reason', async () => {
    server.emulator.addRemote('https://example.com/missing.png', {status: 404});
    server.emulator.addRemote('https://example.com/page.png', {bytes: '<html></html>', contentType: 'text/html'});
    server.emulator.addRemote('https://example.com/other.png', {bytes: bytes(10, 9)});
    const dir = await imageDir('d');
    server.emulator.addRemote('https://example.com/first.png', {bytes: bytes(20, 1)});
    const first = await ok('/api/v1/oss/offline/download', {url: 'https://example.com/first.png', fileName: 'same.png', businessDirID: dir, type: 1});
    const cases = [
      ['https://nowhere.example.net/a.png', /nowhere\.example\.net did not answer/],
      ['https://example.com/missing.png', /HTTP 404/],
      ['https://example.com/page.png', /serves text\/html, not an image/],
      ['https://example.com/other.png', /"same.png" already exists/],
    ] as const;
    const ids: number[] = [];
    await sleep(TASK_MS + 20);
    assert.equal((await ok(`/api/v1/oss/offline/download/process?taskID=${first.taskID}`)).status, 2);
    for (const [url] of cases) {
      ids.push((await ok('/api/v1/oss/offline/download', {url, fileName: 'same.png', businessDirID: dir, callBackUrl: 'http://app.example.com/cb', type: 1})).taskID);
    }
    await sleep(TASK_MS + 20);
    for (const id of ids) assert.deepEqual(await ok(`/api/v1/oss/offline/download/process?taskID=${id}`), {status: 1, process: 0});
    const reasons = server.emulator.callbacks.map((c) => c.body);
    assert.equal(reasons.length, 4);
    cases.forEach(([url, pattern], i) => {
      assert.equal(reasons[i].url, url);
      assert.equal(reasons[i].status, 1);
      assert.equal(reasons[i].fileID, '');
      assert.match(reasons[i].failReason, pattern);
    });
    assert.deepEqual(imagePaths(), ['/d/same.png']);
  });

  it('a flaky URL shows status 3 (retrying) before it downloads', async () => {
    server.emulator.addRemote('https://example.com/flaky.gif', {bytes: bytes(50), retries: 1});
    // The clock is moved by hand, so a slow poll on a loaded machine cannot skip a state.
    mock.timers.enable({apis: ['Date'], now: Date.now()});
    try {
      const {taskID} = await ok('/api/v1/oss/offline/download', {url: 'https://example.com/flaky.gif', type: 1});
      const status = async () => (await ok(`/api/v1/oss/offline/download/process?taskID=${taskID}`)).status;
      const statuses = [await status()];
      mock.timers.tick(TASK_MS - 1);
      statuses.push(await status());
      mock.timers.tick(1);
      statuses.push(await status());
      mock.timers.tick(TASK_MS);
      statuses.push(await status());
      assert.deepEqual(statuses, [3, 3, 0, 2]);
    } finally {
      mock.timers.reset();
    }
  });

  it('polls of one task closer than minPollIntervalMs are refused with 429', async () => {
    server.emulator.configure({minPollIntervalMs: 300});
    server.emulator.addRemote(URL_PNG, {bytes: PNG});
    const {taskID} = await ok('/api/v1/oss/offline/download', {url: URL_PNG, type: 1});
    await ok(`/api/v1/oss/offline/download/process?taskID=${taskID}`);
    await refused(`/api/v1/oss/offline/download/process?taskID=${taskID}`, undefined, Code.TOO_MANY_REQUESTS, /at least 300 ms apart/);
    await sleep(310);
    await ok(`/api/v1/oss/offline/download/process?taskID=${taskID}`);
  });

  it('the Node host registers remotes and shows callbacks through its control API', async () => {
    const control = (path: string, body?: unknown) =>
      fetch(`${server.apiOrigin}/__emulator/${path}`, {method: body ? 'POST' : 'GET', headers: {'Content-Type': 'application/json'}, body: body === undefined ? undefined : JSON.stringify(body)});
    assert.equal((await control('remote', {url: 'https://example.com/c.png', base64: Buffer.from(PNG).toString('base64'), contentType: 'image/png'})).status, 200);
    assert.equal((await control('remote', {url: 'https://example.com/gone.png', status: 410})).status, 200);
    const refusedRemote = await control('remote', {url: 'ftp://example.com/x.png', text: 'x'});
    assert.equal(refusedRemote.status, 400);
    assert.match(((await refusedRemote.json()) as {error: string}).error, /http or https/);
    const ok1 = await ok('/api/v1/oss/offline/download', {url: 'https://example.com/c.png', callBackUrl: 'https://app.example.com/cb', type: 1});
    const ok2 = await ok('/api/v1/oss/offline/download', {url: 'https://example.com/gone.png', type: 1});
    await sleep(TASK_MS + 20);
    assert.equal((await ok(`/api/v1/oss/offline/download/process?taskID=${ok1.taskID}`)).status, 2);
    assert.equal((await ok(`/api/v1/oss/offline/download/process?taskID=${ok2.taskID}`)).status, 1);
    assert.equal(server.emulator.files()[0].md5, md5(PNG));
    const {callbacks} = (await (await control('callbacks')).json()) as {callbacks: {body: {status: number}}[]};
    assert.deepEqual(callbacks.map((c) => c.body.status), [0]);
  });

  it('addRemote refuses what no URL could serve', () => {
    assert.throws(() => server.emulator.addRemote('file:///etc/passwd', {bytes: 'x'}), /http or https/);
    assert.throws(() => server.emulator.addRemote('https://e.com/a.png', {status: 200}), /400\.\.599/);
    assert.throws(() => server.emulator.addRemote('https://e.com/a.png', {bytes: 5 as never}), /Uint8Array/);
  });
});

describe('copy from the drive', () => {
  /** album/{a.png, b.jpg, notes.txt, sub/c.gif}, top.webp, empty.png (0 bytes: not an image of a valid size) */
  async function driveTree() {
    const album = await driveDir('album');
    const sub = await driveDir('sub', album);
    const ids = {
      album,
      a: await driveFile('a.png', bytes(100, 1), album),
      b: await driveFile('b.jpg', bytes(110, 2), album),
      notes: await driveFile('notes.txt', bytes(10, 3), album),
      c: await driveFile('c.gif', bytes(120, 4), sub),
      top: await driveFile('top.webp', bytes(130, 5)),
    };
    return ids;
  }

  const copy = (fileIDs: unknown[], toParentFileID: string, extra: Record<string, unknown> = {}) =>
    call('/api/v1/oss/source/copy', {fileIDs, toParentFileID, sourceType: 1, type: 1, ...extra});

  it('copies files and folders (folders kept, non-images skipped): status 1 while running, 2 when done, no failures', async () => {
    const ids = await driveTree();
    const dest = await imageDir('dest');
    const {code, message, data} = await copy([String(ids.album), String(ids.top)], dest);
    assert.equal(code, 0, message);
    assert.equal(typeof data.taskID, 'string');
    assert.deepEqual(await ok(`/api/v1/oss/source/copy/process?taskID=${data.taskID}`), {status: 1, failMsg: ''});
    assert.deepEqual(imagePaths(), [], 'nothing lands before the task ends');
    await sleep(TASK_MS + 20);
    assert.deepEqual(await ok(`/api/v1/oss/source/copy/process?taskID=${data.taskID}`), {status: 2, failMsg: ''});
    assert.deepEqual(imagePaths(), ['/dest/album/a.png', '/dest/album/b.jpg', '/dest/album/sub/c.gif', '/dest/top.webp']);
    assert.deepEqual(await ok(`/api/v1/oss/source/copy/fail?taskID=${data.taskID}&limit=100&page=1`), {total: 0, list: null});
    const copied = server.emulator.files().find((f) => f.path === '/dest/top.webp')!;
    const detail = await ok(`/api/v1/oss/file/detail?fileID=${copied.fileID}`);
    assert.equal(md5(new Uint8Array(await (await fetch(detail.downloadURL)).arrayBuffer())), md5(bytes(130, 5)));
  });

  it('refuses bad fields by name: not strings, over 100 ids, unknown ids, sourceType, type, the destination', async () => {
    const ids = await driveTree();
    const expect = async (body: unknown[], to: string, extra: Record<string, unknown>, code: number, pattern: RegExp) => {
      const json = await copy(body, to, extra);
      assert.equal(json.code, code, json.message);
      assert.match(json.message, pattern);
    };
    await expect([ids.a], '', {}, Code.BAD_PARAM, /strings of digits, got \d+/);
    await expect([], '', {}, Code.BAD_PARAM, /non-empty array/);
    await expect(Array.from({length: 101}, () => String(ids.a)), '', {}, Code.BAD_PARAM, /101 ids; at most 100/);
    await expect(['999'], '', {}, Code.NOT_FOUND, /drive file 999 does not exist/);
    await expect([String(ids.a)], '', {sourceType: 2}, Code.BAD_PARAM, /sourceType/);
    await expect([String(ids.a)], '', {type: undefined}, Code.BAD_PARAM, /type is required/);
    await expect([String(ids.a)], 'nope', {}, Code.NOT_FOUND, /toParentFileID "nope": no such folder/);
    assert.equal((await copy([String(ids.a)], '', {sourceType: '1'})).code, 0, 'sourceType as the documented string');
    assert.equal((await copy(Array.from({length: 100}, () => String(ids.a)), '')).code, 0, '100 ids are allowed');
  });

  it('three tasks at once: the fourth is refused; they run one after another (4 waiting, 1 running, 2 done)', async () => {
    const ids = await driveTree();
    // The emulator's clock is held still and moved by hand: a slow machine between two requests
    // must not move a task on.
    mock.timers.enable({apis: ['Date'], now: Date.now()});
    try {
      const tasks: string[] = [];
      for (const id of [ids.a, ids.b, ids.c]) tasks.push((await copy([String(id)], '')).data.taskID);
      const fourth = await copy([String(ids.top)], '');
      assert.equal(fourth.code, Code.TASK_LIMIT);
      assert.match(fourth.message, /3 copy tasks are already waiting or running/);
      const status = async (id: string) => (await ok(`/api/v1/oss/source/copy/process?taskID=${id}`)).status;
      assert.deepEqual([await status(tasks[0]), await status(tasks[1]), await status(tasks[2])], [1, 4, 4]);
      mock.timers.tick(TASK_MS - 1);
      assert.deepEqual([await status(tasks[0]), await status(tasks[1]), await status(tasks[2])], [1, 4, 4], 'not yet due');
      mock.timers.tick(1);
      assert.deepEqual([await status(tasks[0]), await status(tasks[1]), await status(tasks[2])], [2, 1, 4]);
      assert.equal((await copy([String(ids.top)], '')).code, 0, 'a slot is free again');
      mock.timers.tick(3 * TASK_MS);
      assert.deepEqual([await status(tasks[1]), await status(tasks[2])], [2, 2]);
      assert.deepEqual(imagePaths(), ['/a.png', '/b.jpg', '/c.gif', '/top.webp']);
    } finally {
      mock.timers.reset();
    }
  });

  it('images that cannot be placed are listed by /fail, page by page; the task still ends with 2', async () => {
    const ids = await driveTree();
    const dest = await imageDir('dest');
    // a.png and top.webp exist in the destination with other bytes: both copies clash.
    for (const [name, data] of [['a.png', bytes(7, 7)], ['top.webp', bytes(8, 8)]] as const) {
      server.emulator.addRemote(`https://example.com/${name}`, {bytes: data});
      await ok('/api/v1/oss/offline/download', {url: `https://example.com/${name}`, businessDirID: dest, type: 1});
    }
    await sleep(TASK_MS + 20);
    await ok('/upload/v1/oss/file/mkdir', {name: 'album', parentID: dest, type: 1});
    const album = server.emulator.folders().find((f) => f.name === 'album' && f.target === 'image')!;
    await ok('/api/v1/oss/file/move', {fileIDs: [server.emulator.files().find((f) => f.name === 'a.png' && f.target === 'image')!.fileID], toParentFileID: album.id});
    const {data} = await copy([String(ids.album), String(ids.top)], dest);
    await sleep(TASK_MS + 20);
    assert.deepEqual(await ok(`/api/v1/oss/source/copy/process?taskID=${data.taskID}`), {status: 2, failMsg: ''});
    const page1 = await ok(`/api/v1/oss/source/copy/fail?taskID=${data.taskID}&limit=1&page=1`);
    const page2 = await ok(`/api/v1/oss/source/copy/fail?taskID=${data.taskID}&limit=1&page=2`);
    const page3 = await ok(`/api/v1/oss/source/copy/fail?taskID=${data.taskID}&limit=1&page=3`);
    assert.deepEqual([page1.total, page2.total, page3.list], [2, 2, null]);
    assert.deepEqual([...page1.list, ...page2.list], [
      {fileId: ids.a, filename: 'a.png'},
      {fileId: ids.top, filename: 'top.webp'},
    ]);
    assert.ok(imagePaths().includes('/dest/album/b.jpg'), 'the others were copied');
    await refused(`/api/v1/oss/source/copy/fail?taskID=${data.taskID}&limit=101&page=1`, undefined, Code.BAD_PARAM, /limit must be 1\.\.100/);
    await refused(`/api/v1/oss/source/copy/fail?taskID=${data.taskID}&limit=10`, undefined, Code.BAD_PARAM, /page is required/);
    await refused('/api/v1/oss/source/copy/fail?taskID=zzz&limit=10&page=1', undefined, Code.NOT_FOUND, /no such copy task/);
  });

  it('a task over 1000 images, or folders deeper than 15 levels, fails with status 3 and a failMsg', async () => {
    const many = await driveDir('many');
    const data = bytes(40, 1);
    await driveFile('0.png', data, many);
    // The same bytes again are instant uploads (秒传): one create each.
    for (let i = 1; i <= 1000; i++) {
      const created = await ok('/upload/v2/file/create', {parentFileID: many, filename: `${i}.png`, etag: md5(data), size: data.length});
      assert.equal(created.reuse, true);
    }
    const {data: big} = await copy([String(many)], '');
    let parent = 0;
    for (let level = 1; level <= 16; level++) parent = await driveDir(`l${level}`, parent);
    await driveFile('deep.png', bytes(30, 2), parent);
    const deepRoot = server.emulator.folders().find((f) => f.name === 'l1')!.id;
    const {data: deep} = await copy([String(deepRoot)], '');
    await sleep(2 * TASK_MS + 40);
    const bigState = await ok(`/api/v1/oss/source/copy/process?taskID=${big.taskID}`);
    const deepState = await ok(`/api/v1/oss/source/copy/process?taskID=${deep.taskID}`);
    assert.equal(bigState.status, 3);
    assert.match(bigState.failMsg, /1001 images; at most 1000/);
    assert.equal(deepState.status, 3);
    assert.match(deepState.failMsg, /deeper than 15 levels/);
    assert.deepEqual(imagePaths(), []);
  });
});

describe('management gaps', () => {
  it('move refuses putting a folder into itself or below itself', async () => {
    const outer = await imageDir('outer');
    const inner = await imageDir('inner', outer);
    await refused('/api/v1/oss/file/move', {fileIDs: [outer], toParentFileID: inner}, Code.BAD_PARAM, /"outer" cannot be moved into itself/);
    await refused('/api/v1/oss/file/move', {fileIDs: [outer], toParentFileID: outer}, Code.BAD_PARAM, /cannot be moved into itself/);
    await ok('/api/v1/oss/file/move', {fileIDs: [inner], toParentFileID: ''});
    assert.deepEqual(server.emulator.folders().map((f) => f.parentID), ['', '']);
  });
});
