import { createServer, request, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Authenticator, Credentials } from '../../src/server/auth/authenticator.js';
import { clientCertificateAuthenticator, verifiedPeerCertificate, type ClientCertificateSettings } from '../../src/server/auth/client-certificate.js';
import { certificateDir, createCa, removeCertificates, type Issued, type TestCa } from '../support/certificates.js';

const CLIENT = 'extendedKeyUsage = clientAuth';

let dir: string;
let ca: TestCa;
let serverCert: Issued;
let alice: Issued;
let carol: Issued;
let bob: Issued;
let hostOnly: Issued;
let smuggler: Issued;
let expired: Issued;
let mallory: Issued;

/** The authenticator the test server calls; each test sets the one it needs. */
let auth: Authenticator;
/** An hour after the certificates were made: well inside their ten years, whatever the date. */
let present: Date;
let clock: Date;
let handled = 0;

function authenticator(settings: Partial<ClientCertificateSettings> = {}): Authenticator {
  return clientCertificateAuthenticator(
    { trustedProxies: [], clientCertHeader: 'x-client-cert', clientCertPrincipal: 'san', ...settings },
    { now: () => clock },
  );
}

/** What the lead's server does: Credentials from the request, then the authenticator; answers what happened. */
async function handle(socketRequest: import('node:http').IncomingMessage): Promise<unknown> {
  handled += 1;
  try {
    const credentials: Credentials = {
      authorization: socketRequest.headers.authorization,
      peerCertificate: verifiedPeerCertificate(socketRequest.socket),
      remoteAddress: socketRequest.socket.remoteAddress ?? '',
      headers: socketRequest.headers,
    };
    return { principal: (await auth.authenticate(credentials)) ?? null };
  } catch (error) {
    return { refused: `${(error as { code?: string }).code}: ${(error as Error).message}` };
  }
}

async function startServer(host: string, rejectUnauthorized: boolean): Promise<Server> {
  const server = createServer({ key: serverCert.key, cert: serverCert.cert, ca: [ca.cert], requestCert: true, rejectUnauthorized }, (req, res) => {
    void handle(req).then((outcome) => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(outcome)));
  });
  await new Promise<void>((resolve) => server.listen(0, host, resolve));
  return server;
}

async function stopServer(server: Server): Promise<void> {
  server.closeAllConnections();
  await new Promise<void>((resolve) => server.close(() => resolve()));
}

/** A real HTTPS request over loopback, on a fresh connection, with a client certificate if given. */
function call(server: Server, client?: Issued, headers: Record<string, string> = {}): Promise<unknown> {
  const { address, port } = server.address() as AddressInfo;
  return new Promise((resolve, reject) => {
    const outgoing = request(
      {
        host: address,
        port,
        path: '/',
        method: 'GET',
        ca: ca.cert,
        agent: false,
        headers,
        ...(client === undefined ? {} : { cert: client.cert, key: client.key }),
      },
      (response) => {
        const chunks: Buffer[] = [];
        response.on('data', (chunk: Buffer) => chunks.push(chunk));
        response.on('end', () => {
          try {
            resolve(JSON.parse(Buffer.concat(chunks).toString('utf8')));
          } catch {
            reject(new Error(`the test server answered HTTP ${response.statusCode} without JSON`));
          }
        });
        response.on('error', reject);
      },
    );
    outgoing.on('error', reject);
    outgoing.end();
  });
}

function forwarded(certificate: Issued): Record<string, string> {
  return { 'x-client-cert': encodeURIComponent(certificate.cert) };
}

const principal = (name: string) => ({ principal: { name, groups: [], localAdministrator: false } });
const refused = (message: string) => ({ refused: `UNAUTHENTICATED: ${message}` });

beforeAll(() => {
  dir = certificateDir();
  ca = createCa(dir, 'trusted');
  serverCert = ca.issue('server', { subject: '/CN=tessera.test', extensions: ['subjectAltName = IP:127.0.0.1, IP:::1', 'extendedKeyUsage = serverAuth'] });
  alice = ca.issue('alice', { subject: '/CN=Alice', extensions: ['subjectAltName = DNS:alice-laptop.corp.example, email:alice@corp.example', CLIENT] });
  carol = ca.issue('carol', { subject: '/CN=Carol', extensions: ['subjectAltName = otherName:1.3.6.1.4.1.311.20.2.3;UTF8:carol@corp.example', CLIENT] });
  bob = ca.issue('bob', { subject: '/CN=CORP\\\\bob', extensions: [CLIENT] });
  hostOnly = ca.issue('host', { subject: '/CN=host.corp.example', extensions: ['subjectAltName = DNS:host.corp.example', CLIENT] });
  // One email name that reads like two, should anything split it at the comma.
  smuggler = ca.issue('smuggler', {
    subject: '/CN=Smuggler',
    extensions: ['subjectAltName = @names', CLIENT, '[names]', 'email.1 = x@evil.example, email:admin@corp.example'],
  });
  expired = ca.issue('expired', {
    subject: '/CN=Old',
    extensions: ['subjectAltName = email:old@corp.example', CLIENT],
    startDate: '20000101000000Z',
    endDate: '20010101000000Z',
  });
  present = new Date(Date.now() + 60 * 60_000);
  clock = present;
  mallory = createCa(dir, 'other').issue('mallory', { subject: '/CN=Mallory', extensions: ['subjectAltName = email:alice@corp.example', CLIENT] });
});

afterAll(() => removeCertificates(dir));

describe('client certificates verified by the TLS handshake', () => {
  let server: Server;
  beforeAll(async () => {
    server = await startServer('127.0.0.1', false);
  });
  afterAll(() => stopServer(server));

  it('names the principal by the first email or UPN subject alternative name, never a DNS name', async () => {
    auth = authenticator();
    expect(await call(server, alice)).toEqual(principal('alice@corp.example'));
    expect(await call(server, carol)).toEqual(principal('carol@corp.example'));
    expect(await call(server, hostOnly)).toEqual(
      refused('the client certificate names no user: it has no email or UPN subject alternative name (TESSERA_CLIENT_CERT_PRINCIPAL=san)'),
    );
    expect(await call(server, bob)).toEqual(
      refused('the client certificate names no user: it has no email or UPN subject alternative name (TESSERA_CLIENT_CERT_PRINCIPAL=san)'),
    );
    expect(await call(server, smuggler)).toEqual(
      refused('no email or UPN subject alternative name of the client certificate is an account name (user@domain)'),
    );
  });

  it('names the principal by the subject CN in cn mode', async () => {
    auth = authenticator({ clientCertPrincipal: 'cn' });
    expect(await call(server, bob)).toEqual(principal('CORP\\bob'));
    expect(await call(server, alice)).toEqual(
      refused("the client certificate's subject common name is not an account name: it must read DOMAIN\\user or user@domain"),
    );
  });

  it('leaves a request without a certificate to the other authenticators', async () => {
    auth = authenticator();
    expect(await call(server)).toEqual({ principal: null });
  });

  it('refuses a certificate the handshake could not verify: another CA, or expired', async () => {
    auth = authenticator();
    expect(await call(server, mallory)).toEqual(
      refused(
        'the client certificate was not accepted (UNABLE_TO_VERIFY_LEAF_SIGNATURE): it must be issued by the client CA this server trusts (TESSERA_TLS_CLIENT_CA_FILE) and be within its validity dates',
      ),
    );
    expect(await call(server, expired)).toEqual(
      refused(
        'the client certificate was not accepted (CERT_HAS_EXPIRED): it must be issued by the client CA this server trusts (TESSERA_TLS_CLIENT_CA_FILE) and be within its validity dates',
      ),
    );
  });

  it('checks the validity dates by the injected clock too', async () => {
    auth = authenticator();
    clock = new Date('2000-06-01T00:00:00Z');
    try {
      const answer = (await call(server, alice)) as { refused: string };
      expect(answer.refused).toMatch(/^UNAUTHENTICATED: the client certificate is not valid before \w{3} [ \d]\d \d\d:\d\d:\d\d \d{4} GMT$/);
    } finally {
      clock = present;
    }
  });
});

describe('a server that refuses unverified certificates in the handshake', () => {
  it('never reaches the authenticator with a certificate of another CA', async () => {
    const server = await startServer('127.0.0.1', true);
    try {
      auth = authenticator();
      const before = handled;
      await expect(call(server, mallory)).rejects.toThrow();
      expect(handled).toBe(before);
      expect(await call(server, alice)).toEqual(principal('alice@corp.example'));
    } finally {
      await stopServer(server);
    }
  });
});

describe('client certificates forwarded by a TLS-terminating proxy', () => {
  let server: Server;
  let server6: Server;
  beforeAll(async () => {
    server = await startServer('127.0.0.1', false);
    server6 = await startServer('::1', false);
  });
  afterAll(async () => {
    await stopServer(server);
    await stopServer(server6);
  });

  it('believes the header from a configured proxy (address or range, IPv4 or IPv6)', async () => {
    auth = authenticator({ trustedProxies: ['127.0.0.1'] });
    expect(await call(server, undefined, forwarded(alice))).toEqual(principal('alice@corp.example'));
    auth = authenticator({ trustedProxies: ['10.0.0.0/8', '127.0.0.0/8'], clientCertHeader: 'X-SSL-Client-Cert', clientCertPrincipal: 'cn' });
    expect(await call(server, undefined, { 'x-ssl-client-cert': encodeURIComponent(bob.cert) })).toEqual(principal('CORP\\bob'));
    auth = authenticator({ trustedProxies: ['::1/128'] });
    expect(await call(server6, undefined, forwarded(carol))).toEqual(principal('carol@corp.example'));
  });

  it("prefers the forwarded certificate to the proxy's own", async () => {
    auth = authenticator({ trustedProxies: ['127.0.0.1'] });
    expect(await call(server, carol, forwarded(alice))).toEqual(principal('alice@corp.example'));
  });

  it('refuses the header from any other address, with or without a certificate of its own', async () => {
    const untrusted = refused(
      'the x-client-cert header carries a client certificate, but this server believes that header only from its configured proxies (TESSERA_TRUSTED_PROXIES), and the request did not come from one',
    );
    auth = authenticator();
    expect(await call(server, undefined, forwarded(alice))).toEqual(untrusted);
    auth = authenticator({ trustedProxies: ['10.0.0.0/8', '::1'] });
    expect(await call(server, undefined, forwarded(alice))).toEqual(untrusted);
    expect(await call(server, carol, forwarded(alice))).toEqual(untrusted);
  });

  it('refuses a header that is not one URL-encoded PEM certificate, or is too long', async () => {
    auth = authenticator({ trustedProxies: ['127.0.0.1'] });
    const unreadable = refused('the x-client-cert header is not a URL-encoded PEM certificate');
    expect(await call(server, undefined, { 'x-client-cert': 'not a certificate' })).toEqual(unreadable);
    expect(await call(server, undefined, { 'x-client-cert': '%E0%A4%A' })).toEqual(unreadable);
    const body = encodeURIComponent('-----BEGIN CERTIFICATE-----\nTUlJQm9n\n-----END CERTIFICATE-----\n');
    expect(await call(server, undefined, { 'x-client-cert': body })).toEqual(unreadable);
    expect(await call(server, undefined, { 'x-client-cert': encodeURIComponent(alice.key) })).toEqual(unreadable);
    expect(await call(server, undefined, { 'x-client-cert': encodeURIComponent(alice.cert + carol.cert) })).toEqual(unreadable);
    expect(await call(server, undefined, { 'x-client-cert': 'A'.repeat(8 * 1024) })).toEqual(unreadable);
    expect(await call(server, undefined, { 'x-client-cert': 'A'.repeat(8 * 1024 + 1) })).toEqual(
      refused('the x-client-cert header is longer than 8 KiB: it is not one certificate'),
    );
  });

  it("checks a forwarded certificate's validity dates by the injected clock", async () => {
    auth = authenticator({ trustedProxies: ['127.0.0.1'] });
    expect(await call(server, undefined, forwarded(expired))).toEqual(refused('the client certificate expired on Jan  1 00:00:00 2001 GMT'));
    clock = new Date('2000-06-01T00:00:00Z');
    try {
      expect(await call(server, undefined, forwarded(expired))).toEqual(principal('old@corp.example'));
    } finally {
      clock = present;
    }
  });

  it('refuses a header sent twice', async () => {
    const credentials: Credentials = {
      authorization: undefined,
      peerCertificate: undefined,
      remoteAddress: '127.0.0.1',
      headers: { 'x-client-cert': [encodeURIComponent(alice.cert), encodeURIComponent(carol.cert)] },
    };
    await expect(authenticator({ trustedProxies: ['127.0.0.1'] }).authenticate(credentials)).rejects.toThrow(
      'the request has more than one x-client-cert header',
    );
  });
});
