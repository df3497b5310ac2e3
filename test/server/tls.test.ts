import { chmodSync, copyFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { X509Certificate } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkTransport, DEFAULT_SERVER_SETTINGS } from '../../src/server/index.js';
import { selfSignedServerCertificate } from '../support/certificates.js';
import { storeTargets } from '../support/databases.js';
import { startTestServer, type TestServer } from '../support/server.js';
import { outcome } from '../support/outcome.js';

/** The certificate the server presents on a new connection, and the health answer over it. */
function fetchOverTls(url: string, ca: string): Promise<{ fingerprint: string; status: number }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/v1/health`, { ca: readFileSync(ca), agent: false }, (res) => {
      const peer = res.socket && 'getPeerCertificate' in res.socket ? (res.socket as import('node:tls').TLSSocket).getPeerCertificate() : undefined;
      res.resume();
      res.on('end', () => resolve({ fingerprint: peer?.fingerprint256 ?? '', status: res.statusCode ?? 0 }));
    });
    req.on('error', reject);
    req.end();
  });
}

const fingerprintOf = (file: string) => new X509Certificate(readFileSync(file)).fingerprint256;

describe('plain HTTP', () => {
  it('is refused on an address other than loopback unless the operator allows it', () => {
    const open = { ...DEFAULT_SERVER_SETTINGS, listen: { host: '0.0.0.0', port: 8740 } };
    expect(outcome(() => checkTransport({ settings: open }))).toBe(
      'INVALID_ARGUMENT: ' +
        'refusing to serve plain HTTP on 0.0.0.0:8740: tokens and credentials would cross the network in clear. ' +
        'Give TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE, or set TESSERA_ALLOW_PLAIN_HTTP=yes when a TLS-terminating proxy sits in front',
    );
    expect(() => checkTransport({ settings: { ...open, allowPlainHttp: true } })).not.toThrow();
    for (const host of ['127.0.0.1', '127.8.9.10', '::1', 'localhost'])
      expect(() => checkTransport({ settings: { ...open, listen: { host, port: 1 } } })).not.toThrow();
  });
});

describe.each(storeTargets)('TLS on $name', (target) => {
  let dir: string;
  let api: TestServer;
  let first: { cert: string; key: string };
  let second: { cert: string; key: string };
  const live = { cert: '', key: '' };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'tessera-tls-'));
    first = selfSignedServerCertificate(dir, 'first');
    second = selfSignedServerCertificate(dir, 'second');
    live.cert = join(dir, 'live.crt');
    live.key = join(dir, 'live.key');
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    chmodSync(live.key, 0o600);
    api = await startTestServer(target, { tls: { certFile: live.cert, keyFile: live.key, clientCaFile: undefined } });
  });
  afterAll(async () => {
    await api?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves HTTPS with the configured certificate', async () => {
    expect(api.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    expect(await fetchOverTls(api.url, first.cert)).toEqual({ fingerprint: fingerprintOf(first.cert), status: 200 });
  });

  it('reloads the certificate and key, and keeps the old ones when the new files are broken', async () => {
    copyFileSync(second.cert, live.cert);
    copyFileSync(second.key, live.key);
    expect(api.server.reloadTls()).toBeUndefined();
    expect(await fetchOverTls(api.url, second.cert)).toEqual({ fingerprint: fingerprintOf(second.cert), status: 200 });

    writeFileSync(live.cert, 'not a certificate\n');
    const failure = api.server.reloadTls();
    expect(failure?.message).toBe(`the TLS certificate ${live.cert} is not a PEM file (no -----BEGIN line)`);
    expect(await fetchOverTls(api.url, second.cert)).toEqual({ fingerprint: fingerprintOf(second.cert), status: 200 });

    copyFileSync(first.cert, live.cert);
    chmodSync(live.key, 0o644);
    expect(api.server.reloadTls()?.message).toBe(`the TLS private key ${live.key} can be read by every user: chmod o-r it (0600 or 0640 with a group)`);
    chmodSync(live.key, 0o600);
  });
});
