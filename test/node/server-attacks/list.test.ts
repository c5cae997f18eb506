// The drive listing the single-step retry uses to find a file whose answer was lost: pinned to the folder,
// never a way to read another folder or the pinned folder's other names.
import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {type Envelope, md5, useAttackBench} from './fixture.ts';

describe('attacks: the drive listing through the proxy', () => {
  const bench = useAttackBench();

  async function store(name: string, body: string) {
    const form = new FormData();
    for (const [k, v] of Object.entries({parentFileID: String(bench.pinned), filename: name, etag: md5(body), size: String(body.length), duplicate: '1'})) form.append(k, v);
    form.append('file', new Blob([body]), name);
    const res = await fetch(await bench.singleCreateURL(), {method: 'POST', body: form});
    assert.equal(((await res.json()) as Envelope).code, 0);
  }

  it('lists the pinned folder for a name, passing back only names that begin with it', async () => {
    await store('report.txt', 'mine');
    await store('secret-plans.txt', 'not the visitor s');
    const res = await fetch(`${bench.origin}/pan-api/api/v2/file/list?parentFileId=${bench.pinned}&limit=100&searchData=report`);
    const body = (await res.json()) as Envelope<{fileList: {filename: string}[]}>;
    assert.equal(body.code, 0, body.message);
    assert.deepEqual(body.data.fileList.map((f) => f.filename), ['report.txt']);
  });

  it('refuses another folder, a missing folder or a missing searchData before anything is sent', async () => {
    for (const query of [`parentFileId=${bench.elsewhere}&limit=100&searchData=a`, 'limit=100&searchData=a', `parentFileId=${bench.pinned}&limit=100`, `parentFileId=${bench.pinned}&parentFileId=${bench.elsewhere}&limit=100&searchData=a`]) {
      const res = await fetch(`${bench.origin}/pan-api/api/v2/file/list?${query}`);
      assert.ok(res.status === 400 || res.status === 403, `${query}: HTTP ${res.status}`);
    }
    assert.deepEqual(bench.forwarded(), []);
    // The proxy may mint its token and ask where the other folder is; nothing of the listing reaches 123pan.
    assert.deepEqual(bench.upstream('/api/v2/file/list'), []);
  });

  it('drops keys it does not take (searchMode) rather than forwarding them', async () => {
    const res = await fetch(`${bench.origin}/pan-api/api/v2/file/list?parentFileId=${bench.pinned}&limit=10&searchData=x&searchMode=1`);
    assert.equal(res.status, 200);
    assert.ok(!bench.sent('/api/v2/file/list')[0]!.url.includes('searchMode'));
  });
});
