/**
 * The engine end to end: UploadManager → protocols → API client → msw → the 123pan emulator.
 * Every upload is checked against what the emulator really holds (its files() MD5s).
 */
import {expect} from 'chai';
import {getResponse, http, HttpResponse} from 'msw';
import {setupWorker} from 'msw/browser';
import {UploadManager, UploadStatus} from '../../../src/core/index.ts';
import type {UploadManagerEventMap, UploadManagerOptions, UploadTask} from '../../../src/core/index.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import SparkMD5 from 'spark-md5';
import {drained, next} from '../support/events.ts';
import {makeFile} from '../support/files.ts';
import {watchXhr} from '../support/xhr-probe.ts';

const KiB = 1024;
const emulator = createEmulator({sliceSize: 64 * KiB, ossSliceSize: 64 * KiB, cors: 'all'});
const worker = setupWorker(...emulator.handlers);

let tokenCalls: boolean[] = [];
function manager(options: Partial<UploadManagerOptions> = {}) {
  return new UploadManager({
    tokenProvider: async ({forceRefresh}) => {
      tokenCalls.push(forceRefresh);
      return emulator.issueToken();
    },
    retryDelays: [50, 100, 200, 400, 800],
    resumeDatabase: `engine-test-${Math.random()}`,
    ...options,
  });
}

const status = (m: UploadManager, s: UploadStatus) => next(m, 'status-change', (e) => e.detail.task.status === s).then((e) => e.detail.task);
const paths = (prefix: string) => emulator.requests.filter((r) => r.path.startsWith(prefix));
const stored = (task: UploadTask) => emulator.files().find((f) => String(f.fileID) === String(task.fileID));
/** The MD5 of what a download link serves. */
const downloaded = async (url: string) => SparkMD5.ArrayBuffer.hash(await (await fetch(url)).arrayBuffer());

describe('UploadManager through the emulator', function () {
  this.timeout(30_000);
  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    emulator.reset();
    emulator.configure({sliceSize: 64 * KiB, ossSliceSize: 64 * KiB, completePolls: 0});
    tokenCalls = [];
  });

  it('drive v2: slices at the server sliceSize, re-hashed from the 16 MiB guess, then a download link', async () => {
    const m = manager({driveFlow: 'v2'});
    const {file, md5} = makeFile('big.bin', 300 * KiB + 7, 1);
    const events: string[] = [];
    for (const type of ['file-added', 'upload-start', 'upload-success', 'queue-complete'] as const) m.addEventListener(type, () => events.push(type));
    const {added} = m.addFiles([file]);
    const done = await drained(m);
    const [task] = added;
    expect(done).to.deep.equal({succeeded: 1, failed: 0});
    expect(events).to.deep.equal(['file-added', 'upload-start', 'upload-success', 'queue-complete']);
    expect(task.status).to.equal('done');
    expect(task.flow).to.equal('v2');
    expect(task.etag).to.equal(md5);
    expect(task.reused).to.equal(false);
    expect(task.loaded).to.equal(task.total);
    expect(stored(task)).to.include({name: 'big.bin', size: file.size, md5, target: 'drive'});
    expect(paths('/upload/v2/file/slice').filter((r) => r.status === 200)).to.have.length(5);
    expect(await downloaded(task.downloadURL!)).to.equal(md5);
  });

  it('drive single-step for a small file: one upload request, no create', async () => {
    const m = manager();
    const {file, md5} = makeFile('small.txt', 10 * KiB, 2, 'text/plain');
    const [task] = m.addFiles([file]).added;
    await drained(m);
    expect(task.status).to.equal('done');
    expect(task.flow).to.equal('single');
    expect(stored(task)).to.include({md5, size: file.size});
    expect(paths('/upload/v2/file/single/create')).to.have.length(1);
    expect(paths('/upload/v2/file/create')).to.have.length(0);
  });

  it('drive v1 presigned: PUTs to storage, then upload_complete / upload_async_result', async () => {
    const m = manager({driveFlow: 'v1', driveLink: 'none'});
    const {file, md5} = makeFile('v1.bin', 200 * KiB, 3);
    const [task] = m.addFiles([file]).added;
    await drained(m);
    expect(task.error).to.equal(undefined);
    expect(task.status).to.equal('done');
    expect(stored(task)).to.include({md5, size: file.size});
    expect(paths('/upload/v1/file/get_upload_url')).to.have.length(4);
    expect(emulator.requests.filter((r) => r.method === 'PUT')).to.have.length(4);
    expect(task.downloadURL).to.equal(undefined);
    expect(task.downloadURLError).to.match(/none/);
  });

  it('proxy mode (no token hook): auto sends drive files, small ones too, by v1 presigned; no byte passes the proxy', async () => {
    // A same-origin proxy as the server half would be: it adds the token and forwards to 123pan.
    const {accessToken} = emulator.issueToken();
    const proxied: {method: string; path: string; authorization: string | null; bytes: number}[] = [];
    worker.use(
      http.all(`${location.origin}/pan-api/*`, async ({request}) => {
        const url = new URL(request.url);
        const path = url.pathname.slice('/pan-api'.length);
        const body = request.method === 'GET' ? undefined : await request.arrayBuffer();
        proxied.push({method: request.method, path, authorization: request.headers.get('authorization'), bytes: body?.byteLength ?? 0});
        const headers = new Headers(request.headers);
        headers.set('authorization', `Bearer ${accessToken}`);
        const upstream = new Request(`https://open-api.123pan.com${path}${url.search}`, {method: request.method, headers, body});
        return (await getResponse(emulator.handlers, upstream)) ?? new HttpResponse('no route', {status: 502});
      }),
    );
    try {
      const m = manager({tokenProvider: undefined, apiBase: '/pan-api', driveLink: 'none'});
      const small = makeFile('small.txt', 3 * KiB, 62, 'text/plain');
      const big = makeFile('big.bin', 200 * KiB + 3, 63);
      const {added} = m.addFiles([small.file, big.file]);
      expect(await drained(m)).to.deep.equal({succeeded: 2, failed: 0});
      expect(tokenCalls).to.deep.equal([]);
      expect(added.map((t) => t.flow)).to.deep.equal(['v1', 'v1']);
      for (const [task, {md5}] of [[added[0], small], [added[1], big]] as const) expect(stored(task)?.md5, task.name).to.equal(md5);
      // The browser sent no token; only JSON calls went through the proxy.
      expect(proxied.filter((r) => r.authorization !== null)).to.deep.equal([]);
      expect([...new Set(proxied.map((r) => r.path))].sort()).to.deep.equal(
        ['/upload/v1/file/create', '/upload/v1/file/get_upload_url', '/upload/v1/file/upload_complete'].concat(proxied.some((r) => r.path.endsWith('async_result')) ? ['/upload/v1/file/upload_async_result'] : []).sort(),
      );
      expect(Math.max(...proxied.map((r) => r.bytes))).to.be.below(2 * KiB);
      // The bytes went straight to storage by presigned PUT: 1 slice + 4 slices at the emulator's 64 KiB.
      const puts = emulator.requests.filter((r) => r.method === 'PUT' && r.url.startsWith('https://storage.123pan.example/'));
      expect(puts).to.have.length(5);
      expect(paths('/upload/v2/')).to.deep.equal([]);
    } finally {
      worker.resetHandlers();
    }
  });

  it('image host: presigned slices, then detail gives downloadURL', async () => {
    const m = manager({target: 'image', parentID: ''});
    const {file, md5} = makeFile('photo.png', 150 * KiB, 4, 'image/png');
    const [task] = m.addFiles([file]).added;
    await drained(m);
    expect(task.error).to.equal(undefined);
    expect(task.flow).to.equal('image');
    expect(typeof task.fileID).to.equal('string');
    expect(stored(task)).to.include({md5, target: 'image', name: 'photo.png'});
    expect(paths('/api/v1/oss/file/detail')).to.have.length(1);
    expect(await downloaded(task.downloadURL!)).to.equal(md5);
  });

  it('reuse: a file 123pan already holds ends at create, reused, with no slice sent', async () => {
    const {file, md5} = makeFile('first.bin', 200 * KiB, 5);
    const first = manager({driveFlow: 'v2'});
    first.addFiles([file]);
    await drained(first);
    const slices = paths('/upload/v2/file/slice').length;
    const again = new File([file], 'second.bin', {lastModified: 1});
    const m = manager({driveFlow: 'v2'});
    const [task] = m.addFiles([again]).added;
    await drained(m);
    expect(task.status).to.equal('done');
    expect(task.reused).to.equal(true);
    expect(paths('/upload/v2/file/slice').length).to.equal(slices);
    // Exactly two files: the first, and the reused one under its own name with its own fileID.
    const files = emulator.files().map((f) => ({name: f.name, path: f.path, md5: f.md5, size: f.size}));
    expect(files).to.deep.equal([
      {name: 'first.bin', path: '/first.bin', md5, size: file.size},
      {name: 'second.bin', path: '/second.bin', md5, size: file.size},
    ]);
    expect(stored(task)?.name).to.equal('second.bin');
  });

  it('a folder upload keeps relative paths: same-named files in different folders are both uploaded', async () => {
    const m = manager();
    const a = makeFile('same.txt', 3 * KiB, 6, 'text/plain');
    const b = makeFile('same.txt', 4 * KiB, 7, 'text/plain');
    const c = makeFile('other.txt', 5 * KiB, 9, 'text/plain');
    const {added, rejected} = m.addFiles([
      {file: a.file, relativePath: 'album/one'},
      {file: b.file, relativePath: 'album/two'},
      {file: c.file, relativePath: 'album/one'},
    ]);
    expect(rejected).to.deep.equal([]);
    await drained(m);
    expect(added.map((t) => t.status)).to.deep.equal(['done', 'done', 'done']);
    const files = emulator.files();
    expect(files.find((f) => f.path === '/album/one/same.txt')?.md5).to.equal(a.md5);
    expect(files.find((f) => f.path === '/album/two/same.txt')?.md5).to.equal(b.md5);
    expect(files.find((f) => f.path === '/album/one/other.txt')?.md5).to.equal(c.md5);
    // Folders made with mkdir, once each, before their files go in (not containDir: a retry can list them).
    expect(emulator.folders().map((f) => f.name).sort()).to.deep.equal(['album', 'one', 'two']);
    expect(paths('/upload/v1/file/mkdir')).to.have.length(3);
  });

  it('a folder upload to the image host makes each folder once and keeps same-named images apart', async () => {
    const m = manager({target: 'image', parentID: ''});
    const a = makeFile('same.png', 3 * KiB, 30, 'image/png');
    const b = makeFile('same.png', 4 * KiB, 31, 'image/png');
    const c = makeFile('other.png', 5 * KiB, 32, 'image/png');
    m.addFiles([
      {file: a.file, relativePath: 'album/one'},
      {file: b.file, relativePath: 'album/two'},
      {file: c.file, relativePath: 'album/one'},
    ]);
    expect(await drained(m)).to.deep.equal({succeeded: 3, failed: 0});
    const files = emulator.files();
    expect(files.find((f) => f.path === '/album/one/same.png')?.md5).to.equal(a.md5);
    expect(files.find((f) => f.path === '/album/two/same.png')?.md5).to.equal(b.md5);
    expect(files.find((f) => f.path === '/album/one/other.png')?.md5).to.equal(c.md5);
    expect(emulator.folders().map((f) => f.name).sort()).to.deep.equal(['album', 'one', 'two']);
    expect(paths('/upload/v1/oss/file/mkdir')).to.have.length(3);
  });

  it('duplicate: keep gives the new file a new name, overwrite replaces', async () => {
    const one = makeFile('dup.txt', 2 * KiB, 8, 'text/plain');
    const two = makeFile('dup.txt', 2 * KiB, 9, 'text/plain');
    const three = makeFile('dup.txt', 2 * KiB, 10, 'text/plain');
    const m = manager();
    m.addFiles([one.file]);
    await drained(m);
    m.addFiles([two.file]);
    await drained(m);
    expect(emulator.files().map((f) => f.md5).sort()).to.deep.equal([one.md5, two.md5].sort());
    expect(new Set(emulator.files().map((f) => f.name)).size).to.equal(2);
    const o = manager({duplicate: 'overwrite'});
    o.addFiles([three.file]);
    await drained(o);
    const named = emulator.files().filter((f) => f.name === 'dup.txt');
    expect(named).to.have.length(1);
    expect(named[0].md5).to.equal(three.md5);
  });

  it('token expiry with several slices in flight: the hook is asked once for a fresh token', async () => {
    emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 300});
    const m = manager({driveFlow: 'v2', concurrency: 4});
    const {file, md5} = makeFile('token.bin', 8 * 64 * KiB, 11);
    const [task] = m.addFiles([file]).added;
    await status(m, UploadStatus.UPLOADING);
    await new Promise((r) => setTimeout(r, 50));
    emulator.expireTokens();
    await drained(m);
    expect(task.error).to.equal(undefined);
    expect(stored(task)?.md5).to.equal(md5);
    expect(emulator.requests.filter((r) => r.code === 401).length).to.be.at.least(2);
    expect(tokenCalls).to.deep.equal([false, true]);
  });

  it('429 bursts on slices slow down but the upload completes', async () => {
    emulator.fault({path: '/upload/v2/file/slice', kind: '429', times: 6});
    const m = manager({driveFlow: 'v2', concurrency: 3});
    const {file, md5} = makeFile('burst.bin', 6 * 64 * KiB, 12);
    const [task] = m.addFiles([file]).added;
    await drained(m);
    expect(task.error).to.equal(undefined);
    expect(paths('/upload/v2/file/slice').filter((r) => r.status === 429)).to.have.length(6);
    expect(stored(task)?.md5).to.equal(md5);
  });

  it('20103 / completed:false: completion polled at least 1 s apart until confirmed', async () => {
    emulator.configure({completePolls: 2});
    const m = manager({driveFlow: 'v2'});
    const {file, md5} = makeFile('verify.bin', 100 * KiB, 13);
    const [task] = m.addFiles([file]).added;
    await drained(m);
    expect(task.error).to.equal(undefined);
    expect(stored(task)?.md5).to.equal(md5);
    const polls = paths('/upload/v2/file/upload_complete');
    expect(polls).to.have.length(3);
    expect(polls.some((p) => p.code === 20103)).to.equal(true);
    for (let i = 1; i < polls.length; i++) expect(polls[i].time - polls[i - 1].time).to.be.at.least(1000);
  });

  it('a server that never confirms ends in verify-timeout, retryable', async () => {
    emulator.configure({completePolls: 100});
    const m = manager({driveFlow: 'v2', completeTimeoutMs: 2500});
    const [task] = m.addFiles([makeFile('never.bin', 70 * KiB, 14).file]).added;
    const error = await next(m, 'upload-error');
    expect(error.detail.error.key).to.equal('verify-timeout');
    expect(error.detail.error.retryable).to.equal(true);
    expect(error.detail.error.message).to.match(/not confirmed/);
    expect(task.status).to.equal('error');
  });

  it('cancel stops requests at once: slices in flight are aborted, nothing is sent after it, nothing is stored', async () => {
    emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 1500});
    const xhr = watchXhr();
    try {
      const m = manager({driveFlow: 'v2', concurrency: 2});
      const [task] = m.addFiles([makeFile('cancel.bin', 10 * 64 * KiB, 15).file]).added;
      // Cancel once both slice slots are sending (they stall 1.5 s at the server).
      const sending = () => xhr.records.filter((r) => r.url.endsWith('/upload/v2/file/slice')).length;
      for (const deadline = Date.now() + 10_000; sending() < 2 && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
      await new Promise((r) => setTimeout(r, 100));
      const complete = drained(m);
      const canceledAt = performance.now();
      const canceledAtMs = Date.now();
      m.cancel(task.id);
      expect(task.status).to.equal('canceled');
      await complete;
      await new Promise((r) => setTimeout(r, 2000));
      // The client's side: every slice still in flight was aborted when cancel came, none after.
      const open = xhr.records.filter((r) => r.url.endsWith('/upload/v2/file/slice') && r.sentAt <= canceledAt && (r.endedAt ?? Infinity) >= canceledAt);
      expect(open).to.have.length(2);
      for (const r of open) expect([r.how, r.endedAt! - canceledAt < 50]).to.deep.equal(['abort', true]);
      expect(xhr.records.filter((r) => r.sentAt > canceledAt)).to.deep.equal([]);
      // The server's side: nothing arrived after cancel; what it finished later were only those abandoned slices.
      expect(emulator.requests.filter((r) => r.time > canceledAtMs)).to.deep.equal([]);
      expect(emulator.requests.filter((r) => r.ended > canceledAtMs).every((r) => r.path === '/upload/v2/file/slice')).to.equal(true);
      expect(emulator.files()).to.deep.equal([]);
    } finally {
      xhr.stop();
    }
  });

  for (const [type, flow] of [
    ['upload-start', 'v2'],
    ['upload-progress', 'v2'],
    ['upload-progress', 'single'],
    ['status-change', 'v2'],
    ['status-change', 'single'],
  ] as const) {
    it(`cancel() from inside an ${type} listener (${flow}): the task stays canceled and queue-complete fires`, async () => {
      emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 300});
      const m = manager({driveFlow: flow, progressIntervalMs: 0});
      const [task] = m.addFiles([makeFile(`cancel-in-${type}.bin`, 4 * 64 * KiB, 60, 'application/octet-stream').file]).added;
      const seen: string[] = [];
      m.addEventListener('status-change', (e) => seen.push(`${e.detail.previous}>${e.detail.task.status}`));
      let canceled = false;
      // A status-change listener cancels once the task is past hashing (cancel during hashing is the easy case).
      const when = (e: Event) => type !== 'status-change' || (e as UploadManagerEventMap['status-change']).detail.task.status !== 'hashing';
      m.addEventListener(type, (e) => {
        if (canceled || !when(e)) return;
        if (type === 'upload-progress' && (e as UploadManagerEventMap['upload-progress']).detail.phase !== 'uploading') return;
        canceled = true;
        m.cancel();
      });
      const result = await Promise.race([drained(m), new Promise((r) => setTimeout(() => r('no queue-complete'), 4000))]);
      expect(canceled).to.equal(true);
      expect(result).to.deep.equal({succeeded: 0, failed: 0});
      expect(task.status).to.equal('canceled');
      expect(seen.slice(seen.findIndex((s) => s.endsWith('>canceled')) + 1), seen.join(' ')).to.deep.equal([]);
      await new Promise((r) => setTimeout(r, 500));
      expect(task.status).to.equal('canceled');
      expect(emulator.files()).to.deep.equal([]);
    });
  }

  it('pause() from inside an upload-progress listener: the task stays paused; resume finishes it', async () => {
    const m = manager({driveFlow: 'v2', progressIntervalMs: 0});
    const {file, md5} = makeFile('pause-in-listener.bin', 4 * 64 * KiB, 61);
    const [task] = m.addFiles([file]).added;
    const seen: string[] = [];
    m.addEventListener('status-change', (e) => seen.push(`${e.detail.previous}>${e.detail.task.status}`));
    let paused = false;
    m.addEventListener('upload-progress', (e) => {
      if (paused || e.detail.phase !== 'uploading') return;
      paused = true;
      m.pause();
    });
    await new Promise((r) => setTimeout(r, 1500));
    expect(paused).to.equal(true);
    expect(task.status, seen.join(' ')).to.equal('paused');
    expect(seen.slice(seen.findIndex((s) => s.endsWith('>paused')) + 1), seen.join(' ')).to.deep.equal([]);
    const complete = drained(m);
    m.resume();
    expect(await complete).to.deep.equal({succeeded: 1, failed: 0});
    expect(emulator.files().map((f) => f.md5)).to.deep.equal([md5]);
  });

  it('pausing one file does not fail others waiting on the same shared lookup (single-step domain)', async () => {
    emulator.fault({path: '/upload/v2/file/domain', kind: 'slow', delayMs: 800});
    const m = manager();
    const a = makeFile('shared-a.txt', 2 * KiB, 40, 'text/plain');
    const b = makeFile('shared-b.txt', 2 * KiB, 41, 'text/plain');
    const [first, second] = m.addFiles([a.file, b.file]).added;
    await status(m, UploadStatus.UPLOADING);
    await new Promise((r) => setTimeout(r, 100));
    m.pause(first.id);
    await next(m, 'upload-success');
    expect(second.status).to.equal('done');
    expect(second.error).to.equal(undefined);
    expect(first.status).to.equal('paused');
    m.resume(first.id);
    await drained(m);
    expect(emulator.files().map((f) => f.md5).sort()).to.deep.equal([a.md5, b.md5].sort());
    expect(paths('/upload/v2/file/domain')).to.have.length(1);
  });

  it('pause stops sending; resume continues from the confirmed slices', async () => {
    const m = manager({driveFlow: 'v2', concurrency: 1});
    const {file, md5} = makeFile('pause.bin', 6 * 64 * KiB, 16);
    emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 200});
    const [task] = m.addFiles([file]).added;
    await next(m, 'upload-progress', (e) => e.detail.phase === 'uploading' && e.detail.loaded >= 2 * 64 * KiB);
    m.pause();
    expect(task.status).to.equal('paused');
    await new Promise((r) => setTimeout(r, 300));
    const before = emulator.requests.length;
    await new Promise((r) => setTimeout(r, 700));
    expect(emulator.requests.length).to.equal(before);
    const sent = paths('/upload/v2/file/slice').filter((r) => r.status === 200).length;
    m.resume();
    await drained(m);
    expect(task.status).to.equal('done');
    expect(stored(task)?.md5).to.equal(md5);
    expect(paths('/upload/v2/file/create')).to.have.length(1);
    // Slices confirmed before the pause were not sent again.
    expect(paths('/upload/v2/file/slice').filter((r) => r.status === 200).length).to.be.at.most(6 + 1);
    expect(sent).to.be.at.least(2);
  });

  it('a failure is reported with its code and traceID, and retry() finishes the upload', async () => {
    emulator.fault({path: '/upload/v2/file/slice', kind: 'http500'});
    const m = manager({driveFlow: 'v2', retryDelays: [10, 10]});
    const {file, md5} = makeFile('retry.bin', 100 * KiB, 17);
    const [task] = m.addFiles([file]).added;
    const failed = await next(m, 'upload-error');
    expect(failed.detail.error.retryable).to.equal(true);
    expect(failed.detail.error.key).to.equal('server');
    expect(await drained(m)).to.deep.equal({succeeded: 0, failed: 1});
    emulator.clearFaults();
    m.retry(task.id);
    expect(await drained(m)).to.deep.equal({succeeded: 1, failed: 0});
    expect(stored(task)?.md5).to.equal(md5);
  });

  it('validation: refused files never reach the server and the reason names them', async () => {
    const m = manager({target: 'image', parentID: '', maxFiles: 2, autoStart: false});
    const rejected: string[] = [];
    m.addEventListener('file-rejected', (e) => rejected.push(e.detail.key));
    const good = makeFile('ok.png', KiB, 18, 'image/png').file;
    const result = m.addFiles([
      makeFile('notes.txt', KiB, 19, 'text/plain').file,
      makeFile('bad|name.png', KiB, 20, 'image/png').file,
      good,
      good,
      makeFile('two.png', KiB, 21, 'image/png').file,
      makeFile('three.png', KiB, 22, 'image/png').file,
    ]);
    expect(result.added.map((t) => t.name)).to.deep.equal(['ok.png', 'two.png']);
    expect(rejected).to.deep.equal(['not-image', 'name-forbidden-char', 'already-queued', 'too-many-files']);
    expect(result.rejected[0].reason).to.contain('"notes.txt"');
    expect(emulator.requests).to.deep.equal([]);
  });

  it('progress: bytes per file and overall, with speed, throttled', async () => {
    emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 100});
    const m = manager({driveFlow: 'v2', concurrency: 2, progressIntervalMs: 100});
    const a = makeFile('p1.bin', 6 * 64 * KiB, 23);
    const b = makeFile('p2.bin', 6 * 64 * KiB, 24);
    const seen = new Map<string, number[]>();
    const speeds: number[] = [];
    m.addEventListener('upload-progress', (e) => {
      if (e.detail.phase !== 'uploading') return;
      const times = seen.get(e.detail.task.id) ?? [];
      times.push(performance.now());
      seen.set(e.detail.task.id, times);
    });
    m.addEventListener('queue-progress', (e) => speeds.push(e.detail.bytesPerSecond));
    m.addFiles([a.file, b.file]);
    await drained(m);
    const totals = m.totals();
    expect(totals).to.include({loaded: a.file.size + b.file.size, total: a.file.size + b.file.size, succeeded: 2, failed: 0, active: 0});
    expect(Math.max(...speeds)).to.be.greaterThan(0);
    for (const times of seen.values()) {
      expect(times.length).to.be.greaterThan(2);
      // The first one marks the phase change and is sent at once; the rest are throttled.
      for (let i = 2; i < times.length; i++) expect(times[i] - times[i - 1]).to.be.at.least(90);
    }
    expect(emulator.files().map((f) => f.md5).sort()).to.deep.equal([a.md5, b.md5].sort());
  });

  it('slices of all files share one concurrency limit, and the next file hashes while one uploads', async () => {
    emulator.fault({path: '/upload/v2/file/slice', kind: 'slow', delayMs: 150});
    let inFlight = 0;
    let peak = 0;
    const onStart = ({request}: {request: Request}) => {
      if (new URL(request.url).pathname === '/upload/v2/file/slice') peak = Math.max(peak, ++inFlight);
    };
    const onEnd = ({request}: {request: Request}) => {
      if (new URL(request.url).pathname === '/upload/v2/file/slice') inFlight--;
    };
    worker.events.on('request:start', onStart);
    worker.events.on('request:end', onEnd);
    const m = manager({driveFlow: 'v2', concurrency: 2});
    const overlap = new Set<string>();
    m.addEventListener('status-change', () => {
      const sending = m.tasks.some((t) => t.status === 'uploading');
      for (const t of m.tasks) if (t.status === 'hashing' && sending) overlap.add(t.name);
    });
    const files = [makeFile('c1.bin', 5 * 64 * KiB, 25), makeFile('c2.bin', 5 * 64 * KiB, 26), makeFile('c3.bin', 5 * 64 * KiB, 27)];
    m.addFiles(files.map((f) => f.file));
    await drained(m);
    worker.events.removeListener('request:start', onStart);
    worker.events.removeListener('request:end', onEnd);
    expect(peak).to.equal(2);
    expect([...overlap].length).to.be.at.least(1);
    expect(overlap.has('c1.bin')).to.equal(false);
    expect(emulator.files().map((f) => f.md5).sort()).to.deep.equal(files.map((f) => f.md5).sort());
  });
});
