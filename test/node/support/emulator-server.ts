import {createHash} from 'node:crypto';
import {after, before, beforeEach} from 'node:test';
import type {EmulatorOptions} from '../../../src/emulator/index.ts';
import {type EmulatorServer, startEmulatorServer} from '../../../src/emulator/node.ts';

/**
 * One emulator server over loopback for a test file, reset to `defaults` before each test; `use` is
 * given the server and a fresh token each time.
 */
export function useEmulatorServer(defaults: EmulatorOptions, use: (server: EmulatorServer, token: string) => void): void {
  let server: EmulatorServer;
  before(async () => {
    server = await startEmulatorServer(defaults);
  });
  after(() => server.close());
  beforeEach(() => {
    server.emulator.reset();
    server.emulator.configure(defaults);
    use(server, server.emulator.issueToken().accessToken);
  });
}

export const md5 = (bytes: Uint8Array | string) => createHash('md5').update(bytes).digest('hex');
