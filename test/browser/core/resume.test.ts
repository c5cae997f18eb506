/**
 * Resume after the page is gone: a first manager is stopped mid-upload (dispose(), as an element
 * leaving the page does: every request aborted, nothing cleaned up); a second manager on the same
 * IndexedDB is given the same file and continues instead of starting over.
 */
import {expect} from 'chai';
import {setupWorker} from 'msw/browser';
import {ResumeStore, UploadManager} from '../../../src/core/index.ts';
import type {UploadManagerOptions} from '../../../src/core/index.ts';
import {createEmulator} from '../../../src/emulator/index.ts';
import {drained, next} from '../support/events.ts';
import {makeFile} from '../support/files.ts';

const KiB = 1024;
const SLICE = 64 * KiB;
// Create counts are asserted: no 429 from 123pan's limits between two managers' creates.
const emulator = createEmulator({sliceSize: SLICE, ossSliceSize: SLICE, limits: 'none', cors: 'all'});
const worker = setupWorker(...emulator.handlers);

const okSlices = (path: string) => emulator.requests.filter((r) => r.path === path && r.status === 200 && r.code === 0).length;
const count = (path: string) => emulator.requests.filter((r) => r.path === path).length;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('resume after a reload', function () {
  this.timeout(30_000);
  let database: string;
  const manager = (options: Partial<UploadManagerOptions> = {}) =>
    new UploadManager({
      tokenProvider: async () => emulator.issueToken(),
      retryDelays: [50, 100, 200],
      resumeDatabase: database,
      concurrency: 1,
      ...options,
    });

  /** Starts an upload, lets `slices` slices be confirmed, then drops the manager as a closed page would. */
  async function dropMidUpload(file: File, options: Partial<UploadManagerOptions>, slices: number) {
    emulator.fault({path: '*', kind: 'slow', delayMs: 100});
    const first = manager(options);
    first.addFiles([file]);
    await next(first, 'upload-progress', (e) => e.detail.phase === 'uploading' && e.detail.loaded >= slices * SLICE);
    first.dispose();
    await first.flushRecords();
    await sleep(300);
    emulator.clearFaults();
    return first;
  }

  before(() => worker.start({quiet: true, onUnhandledRequest: 'bypass'}));
  after(() => worker.stop());
  beforeEach(() => {
    emulator.reset();
    emulator.configure({sliceSize: SLICE, ossSliceSize: SLICE, completePolls: 0});
    database = `resume-test-${Math.random()}`;
  });

  it('drive v2: a new manager re-sends only what was not confirmed, with the same preuploadID', async () => {
    const {file, md5} = makeFile('v2.bin', 8 * SLICE + 100, 1);
    await dropMidUpload(file, {driveFlow: 'v2'}, 3);
    const records = await new ResumeStore(database, 60_000).all();
    expect(records).to.have.length(1);
    expect(records[0]).to.include({name: 'v2.bin', flow: 'v2', etag: md5, sliceSize: SLICE});
    expect(records[0].slicesDone.length).to.be.at.least(3);
    expect(JSON.stringify(records[0])).not.to.match(/Bearer|accessToken|token/i);
    const creates = count('/upload/v2/file/create');
    const sentBefore = okSlices('/upload/v2/file/slice');

    const second = manager({driveFlow: 'v2'});
    const [task] = second.addFiles([file]).added;
    await drained(second);
    expect(task.error).to.equal(undefined);
    expect(task.resumed).to.equal(true);
    expect(count('/upload/v2/file/create')).to.equal(creates);
    expect(okSlices('/upload/v2/file/slice') - sentBefore).to.equal(9 - records[0].slicesDone.length);
    expect(emulator.files().find((f) => f.fileID === task.fileID)?.md5).to.equal(md5);
    expect(await new ResumeStore(database, 60_000).all()).to.deep.equal([]);
  });

  it('drive v1: the server\'s list_upload_parts decides what is sent again', async () => {
    const {file, md5} = makeFile('v1.bin', 6 * SLICE, 2);
    await dropMidUpload(file, {driveFlow: 'v1'}, 2);
    const puts = emulator.requests.filter((r) => r.method === 'PUT' && r.status === 200).length;
    const second = manager({driveFlow: 'v1', driveLink: 'none'});
    const [task] = second.addFiles([file]).added;
    await drained(second);
    expect(task.error).to.equal(undefined);
    expect(task.resumed).to.equal(true);
    expect(count('/upload/v1/file/list_upload_parts')).to.equal(1);
    expect(count('/upload/v1/file/create')).to.equal(1);
    expect(emulator.requests.filter((r) => r.method === 'PUT' && r.status === 200).length - puts).to.equal(6 - puts);
    expect(emulator.files().find((f) => f.fileID === task.fileID)?.md5).to.equal(md5);
  });

  it('a preuploadID the server no longer knows falls back to a fresh create', async () => {
    const {file, md5} = makeFile('gone.bin', 5 * SLICE, 3);
    await dropMidUpload(file, {driveFlow: 'v2'}, 2);
    emulator.reset(); // the server forgot the upload
    const second = manager({driveFlow: 'v2'});
    const [task] = second.addFiles([file]).added;
    await drained(second);
    expect(task.error).to.equal(undefined);
    expect(task.status).to.equal('done');
    expect(task.resumed).to.equal(false);
    expect(count('/upload/v2/file/create')).to.equal(1);
    expect(emulator.files().find((f) => f.fileID === task.fileID)?.md5).to.equal(md5);
  });

  it('a record past its age is dropped: the upload starts over', async () => {
    const {file, md5} = makeFile('old.bin', 4 * SLICE, 4);
    await dropMidUpload(file, {driveFlow: 'v2'}, 1);
    const creates = count('/upload/v2/file/create');
    const second = manager({driveFlow: 'v2', resumeMaxAgeMs: 0});
    await sleep(5);
    const [task] = second.addFiles([file]).added;
    await drained(second);
    expect(task.resumed).to.equal(false);
    expect(count('/upload/v2/file/create')).to.equal(creates + 1);
    expect(emulator.files().find((f) => f.fileID === task.fileID)?.md5).to.equal(md5);
  });

  it('a different file under the same name, size and date is not resumed', async () => {
    const {file} = makeFile('same.bin', 4 * SLICE, 5);
    await dropMidUpload(file, {driveFlow: 'v2'}, 1);
    const other = makeFile('same.bin', 4 * SLICE, 6);
    const changed = new File([other.file], 'same.bin', {lastModified: file.lastModified});
    const second = manager({driveFlow: 'v2'});
    const [task] = second.addFiles([changed]).added;
    await drained(second);
    expect(task.resumed).to.equal(false);
    expect(emulator.files().find((f) => f.fileID === task.fileID)?.md5).to.equal(other.md5);
  });
});
