import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadTickets} from '../../src/server/upload-hosts.ts';

describe('upload-server tickets', () => {
  it('opens its own tickets, again from memory, and still refuses forged or foreign ones', async () => {
    const tickets = new UploadTickets('key-a');
    const ticket = await tickets.issue('https://upload.example');
    assert.equal(await tickets.open(ticket), 'https://upload.example');
    assert.equal(await tickets.open(ticket), 'https://upload.example'); // the remembered answer

    const [, mac] = ticket.split('.');
    const forged = `${Buffer.from('https://evil.example').toString('base64url')}.${mac}`;
    assert.equal(await tickets.open(forged), undefined, 'a known MAC on another origin');
    assert.equal(await tickets.open(`${ticket}x`), undefined, 'a changed ticket');
    assert.equal(await tickets.open(`${ticket}.extra`), undefined, 'an extra segment');

    const other = new UploadTickets('key-b');
    assert.equal(await other.open(ticket), undefined, 'another key');
    assert.equal(await new UploadTickets('key-a').open(ticket), 'https://upload.example', 'same key, another instance');
  });

  it('keeps remembering a bounded number of tickets, and each still opens', async () => {
    const tickets = new UploadTickets('key');
    const issued = await Promise.all(Array.from({length: 1100}, (_, i) => tickets.issue(`https://u${i}.example`)));
    for (const t of issued) await tickets.open(t);
    assert.ok((tickets as unknown as {opened: Map<string, string>}).opened.size <= 1000);
    assert.equal(await tickets.open(issued[0]!), 'https://u0.example', 'forgotten tickets verify again');
  });
});
