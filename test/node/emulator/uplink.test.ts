// The Node server's uplink cap: request bodies to the upload servers are read no faster than the link carries
// them, all connections together (what bench:upload uses for a network-bound run).
import assert from 'node:assert/strict';
import {createHash} from 'node:crypto';
import {describe, it} from 'node:test';
import {startEmulatorServer} from '../../../src/emulator/node.ts';
import {Uplink} from '../../../src/emulator/uplink.ts';

const md5 = (bytes: Uint8Array) => createHash('md5').update(bytes).digest('hex');

describe('uplink', () => {
  it('refuses a rate that is not a positive number', () => {
    for (const rate of [0, -1, NaN, Infinity]) assert.throws(() => new Uplink(rate), /positive number/);
  });

  it('two slices sent at once share the link: 2 MB at 4 MB/s take at least half a second, and both are stored', async () => {
    const emu = await startEmulatorServer({limits: 'none', uplinkBytesPerSecond: 4_000_000});
    try {
      const {accessToken} = emu.emulator.issueToken();
      const headers = {Authorization: `Bearer ${accessToken}`, Platform: 'open_platform'};
      const send = async (name: string, seed: number) => {
        const data = new Uint8Array(1_000_000).map((_, i) => (i * seed) >>> 3);
        const created = await (await fetch(`${emu.apiOrigin}/upload/v2/file/create`, {
          method: 'POST',
          headers: {...headers, 'Content-Type': 'application/json'},
          body: JSON.stringify({parentFileID: 0, filename: name, etag: md5(data), size: data.length, duplicate: 1}),
        })).json();
        const {preuploadID, servers} = created.data as {preuploadID: string; servers: string[]};
        const form = new FormData();
        form.append('preuploadID', preuploadID);
        form.append('sliceNo', '1');
        form.append('sliceMD5', md5(data));
        form.append('slice', new Blob([data]), 'slice-1');
        return (await (await fetch(`${servers[0]}/upload/v2/file/slice`, {method: 'POST', headers, body: form})).json()).code as number;
      };
      const started = performance.now();
      const codes = await Promise.all([send('a.bin', 2654435761), send('b.bin', 40503)]);
      const ms = performance.now() - started;
      assert.deepEqual(codes, [0, 0]);
      assert.ok(ms >= 450, `2 MB through a 4 MB/s link in ${ms.toFixed(0)} ms`);
    } finally {
      await emu.close();
    }
  });
});
