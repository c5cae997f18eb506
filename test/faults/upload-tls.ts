/**
 * The plain-http upload server case: 123pan names `http://openapi-upload.123242.com`; the proxy must reach
 * it over https only. The emulator's upload port answers both schemes with the test certificate, and these
 * upstream pools send 123pan's upload host to that port, trusting that certificate alone. Every other host
 * connects as usual, so the API (plain http on loopback) is untouched.
 */
import {readFile} from 'node:fs/promises';
import {Agent as HttpAgent} from 'node:http';
import {Agent as HttpsAgent} from 'node:https';
import {connect as netConnect, type NetConnectOpts} from 'node:net';
import {connect as tlsConnect, type ConnectionOptions} from 'node:tls';
import type {UpstreamAgents} from '../../src/server/index.ts';

/** The name the certificate is for (test/fixtures/tls/README.md). */
export const TEST_UPLOAD_HOST = 'openapi-upload.123242.com';

const fixtures = new URL('../fixtures/tls/', import.meta.url);

export async function testCertificate(): Promise<{key: Buffer; cert: Buffer}> {
  const [key, cert] = await Promise.all([readFile(new URL('upload.key', fixtures)), readFile(new URL('upload.crt', fixtures))]);
  return {key, cert};
}

export function toUploadServer(port: number, ca: Buffer): UpstreamAgents {
  const ours = (host?: string | null) => host === TEST_UPLOAD_HOST;
  const http = new HttpAgent({keepAlive: true});
  const plainConnect = http.createConnection.bind(http);
  Object.assign(http, {
    createConnection: (options: NetConnectOpts & {host?: string}, done: () => void) =>
      ours(options.host) ? netConnect({port, host: '127.0.0.1'}) : plainConnect(options, done),
  });
  const https = new HttpsAgent({keepAlive: true});
  const secureConnect = https.createConnection.bind(https);
  Object.assign(https, {
    createConnection: (options: ConnectionOptions, done: () => void) =>
      ours(options.host) ? tlsConnect({...options, host: '127.0.0.1', port, ca, servername: TEST_UPLOAD_HOST}) : secureConnect(options, done),
  });
  return {http, https};
}
