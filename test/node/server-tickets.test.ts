import assert from 'node:assert/strict';
import {describe, it} from 'node:test';
import {UploadHosts, UploadTickets} from '../../src/server/upload-hosts.ts';

const KEY_A = 'a-key-of-at-least-thirty-two-bytes-A';
const KEY_B = 'a-key-of-at-least-thirty-two-bytes-B';
const API = 'https://open-api.123pan.com';
const tickets = (secret = KEY_A, extra: {apiBase?: string; now?: () => number} = {}) =>
  new UploadTickets({secret, apiBase: extra.apiBase ?? API, lifetimeMs: 3600_000, now: extra.now});

describe('upload-server tickets', () => {
  it('opens its own tickets, again from memory, and still refuses forged or foreign ones', async () => {
    const mine = tickets();
    const ticket = await mine.issue('https://upload.example');
    assert.equal(await mine.open(ticket), 'https://upload.example');
    assert.equal(await mine.open(ticket), 'https://upload.example'); // the remembered answer

    const [, mac] = ticket.split('.');
    const forged = `${Buffer.from(`https://evil.example\n${Math.ceil(Date.now() / 1000) + 60}`).toString('base64url')}.${mac}`;
    assert.equal(await mine.open(forged), undefined, 'a known MAC on another origin');
    assert.equal(await mine.open(`${ticket}x`), undefined, 'a changed ticket');
    assert.equal(await mine.open(`${ticket}.extra`), undefined, 'an extra segment');
    assert.equal(await tickets(KEY_B).open(ticket), undefined, 'another key');
    assert.equal(await tickets().open(ticket), 'https://upload.example', 'same key, another instance');
    assert.equal(await tickets(KEY_A, {apiBase: 'https://staging.example'}).open(ticket), undefined, 'same key, another deployment');
  });

  it('refuses an expired ticket, even one it remembers', async () => {
    let clock = Date.now();
    const mine = tickets(KEY_A, {now: () => clock});
    const ticket = await mine.issue('https://upload.example');
    assert.equal(await mine.open(ticket), 'https://upload.example');
    clock += 3601_000;
    assert.equal(await mine.open(ticket), undefined);
    assert.equal(await tickets(KEY_A, {now: () => clock}).open(ticket), undefined);
  });

  it('seals storage tickets: the presigned URL cannot be read from the path, and only this deployment opens it', async () => {
    const presigned = 'https://storage.example/bucket/part-7?X-Amz-Signature=0123456789abcdef&X-Amz-Expires=3600';
    const storage = (secret = KEY_A, apiBase = API) => new UploadTickets({secret, apiBase, lifetimeMs: 3600_000, purpose: 'storage'});
    const ticket = await storage().issue(presigned);
    // Neither the ticket nor any of its decoded parts holds the URL, its host or its signature.
    const readable = [ticket, ...ticket.split('.').map((part) => Buffer.from(part, 'base64url').toString('latin1'))].join('\n');
    for (const secret of ['storage.example', 'X-Amz-Signature', '0123456789abcdef']) assert.equal(readable.includes(secret), false, secret);
    assert.equal(await storage().open(ticket), presigned, 'same key, another instance');
    // Sealed anew each time: two tickets for one URL differ.
    assert.notEqual(await storage().issue(presigned), ticket);
    const [iv, sealed] = ticket.split('.') as [string, string];
    const flipped = Buffer.from(sealed, 'base64url');
    flipped[0]! ^= 1;
    assert.equal(await storage().open(`${iv}.${flipped.toString('base64url')}`), undefined, 'a changed byte');
    assert.equal(await storage(KEY_B).open(ticket), undefined, 'another key');
    assert.equal(await storage(KEY_A, 'https://staging.example').open(ticket), undefined, 'same key, another deployment');
    assert.equal(await tickets().open(ticket), undefined, 'as an upload-server ticket');
    assert.equal(await storage().open(await tickets().issue('https://upload.example')), undefined, 'an upload-server ticket as a storage one');
  });

  it('refuses a secret shorter than 32 bytes, the empty one included, by name', () => {
    for (const secret of ['', 'secret', 'x'.repeat(31)]) {
      assert.throws(() => tickets(secret), /ticketSecret must be a string of at least 32 bytes/);
    }
  });

  it('keeps remembering a bounded number of tickets, and each still opens', async () => {
    const mine = tickets();
    const issued = await Promise.all(Array.from({length: 1100}, (_, i) => mine.issue(`https://u${i}.example`)));
    for (const t of issued) await mine.open(t);
    assert.ok((mine as unknown as {opened: Map<string, unknown>}).opened.size <= 1000);
    assert.equal(await mine.open(issued[0]!), 'https://u0.example', 'forgotten tickets verify again');
  });
});

describe('upload hosts', () => {
  it('sends the token to 123pan\'s domains over https only, to the API base\'s host, and to listed origins', () => {
    const hosts = new UploadHosts(API, ['http://127.0.0.1:9000']);
    assert.equal(hosts.resolve('http://openapi-upload.123242.com'), 'https://openapi-upload.123242.com');
    assert.equal(hosts.resolve('openapi-upload.123pan.com'), 'https://openapi-upload.123pan.com');
    assert.equal(hosts.resolve('https://x.123pan.cn'), 'https://x.123pan.cn');
    assert.equal(hosts.resolve('http://127.0.0.1:9000'), 'http://127.0.0.1:9000');
    for (const bad of ['https://evil.example', 'https://123pan.com.evil.example', 'https://evil123pan.com', 'http://127.0.0.1:9001', 'ftp://x.123pan.com', 'https://a:b@x.123pan.com', '']) {
      assert.equal(hosts.resolve(bad), undefined, bad);
    }
    const emulator = new UploadHosts('http://127.0.0.1:8000');
    assert.equal(emulator.resolve('http://127.0.0.1:8001'), 'http://127.0.0.1:8001', 'the API base\'s host, on its scheme');
    assert.equal(emulator.resolve('http://127.0.0.2:8001'), undefined);
  });
});
