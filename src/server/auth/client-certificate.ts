import { X509Certificate } from 'node:crypto';
import type { Socket } from 'node:net';
import { TLSSocket } from 'node:tls';
import { fail, type TesseraError } from '../../errors/index.js';
import type { Principal } from '../../service/index.js';
import { isAccountName } from '../../vault/index.js';
import type { ServerSettings } from '../settings.js';
import type { Authenticator, Credentials } from './authenticator.js';
import { trustedProxies } from './proxies.js';

/** A URL-encoded PEM certificate is 2 to 4 KiB; a longer header is refused before it is decoded. */
export const MAX_CLIENT_CERT_HEADER_LENGTH = 8 * 1024;

export type ClientCertificateSettings = Pick<ServerSettings, 'trustedProxies' | 'clientCertHeader' | 'clientCertPrincipal'>;

export interface ClientCertificateOptions {
  /** The one clock: a certificate's validity dates are judged by it. */
  now(): Date;
}

const PEM_CERTIFICATE = /^-----BEGIN CERTIFICATE-----\r?\n[A-Za-z0-9+/=\r\n]+-----END CERTIFICATE-----\s*$/;

/**
 * Client certificates: the one the TLS handshake verified against the client CA
 * (`credentials.peerCertificate`), or the one a trusted TLS-terminating proxy forwards in
 * `settings.clientCertHeader` (URL-encoded PEM, as nginx's $ssl_client_escaped_cert). The header
 * is believed only from `settings.trustedProxies`; from anyone else it is refused, never ignored.
 * The principal is the certificate's first email or UPN subject alternative name ('san') or its
 * subject CN ('cn'); groups are none (the vault's account lists name such users directly).
 */
export function clientCertificateAuthenticator(settings: ClientCertificateSettings, options: ClientCertificateOptions): Authenticator {
  const proxies = trustedProxies(settings.trustedProxies);
  const headerName = settings.clientCertHeader.toLowerCase();

  return {
    method: 'client-certificate',
    async authenticate(credentials: Credentials): Promise<Principal | undefined> {
      const forwarded = credentials.headers[headerName];
      if (forwarded !== undefined && forwarded !== '') {
        if (!proxies.includes(credentials.remoteAddress)) {
          throw refused(
            `the ${headerName} header carries a client certificate, but this server believes that header only from its configured proxies (TESSERA_TRUSTED_PROXIES), and the request did not come from one`,
          );
        }
        return principalOf(forwardedCertificate(forwarded, headerName), settings, options.now());
      }
      if (credentials.peerCertificate === undefined) return undefined;
      let certificate: X509Certificate;
      try {
        certificate = new X509Certificate(credentials.peerCertificate);
      } catch (error) {
        throw refused('the client certificate could not be read', error);
      }
      return principalOf(certificate, settings, options.now());
    },
  };
}

/**
 * The DER certificate of a TLS client for `Credentials.peerCertificate`: undefined when the client
 * sent none (or the connection is not TLS); refused with UNAUTHENTICATED when it sent one the
 * handshake could not verify against the client CA (the server runs with rejectUnauthorized false
 * so that callers without a certificate can still present a token).
 */
export function verifiedPeerCertificate(socket: Socket): Buffer | undefined {
  if (!(socket instanceof TLSSocket)) return undefined;
  const certificate = socket.getPeerCertificate();
  // getPeerCertificate answers an empty object when the client sent no certificate.
  const raw = (certificate as { raw?: unknown } | null)?.raw;
  if (!Buffer.isBuffer(raw)) return undefined;
  if (!socket.authorized) {
    throw refused(
      `the client certificate was not accepted (${String(socket.authorizationError)}): it must be issued by the client CA this server trusts (TESSERA_TLS_CLIENT_CA_FILE) and be within its validity dates`,
    );
  }
  return raw;
}

function forwardedCertificate(value: string | string[], headerName: string): X509Certificate {
  if (Array.isArray(value)) throw refused(`the request has more than one ${headerName} header`);
  if (value.length > MAX_CLIENT_CERT_HEADER_LENGTH) {
    throw refused(`the ${headerName} header is longer than ${MAX_CLIENT_CERT_HEADER_LENGTH / 1024} KiB: it is not one certificate`);
  }
  const unreadable = `the ${headerName} header is not a URL-encoded PEM certificate`;
  let pem: string;
  try {
    pem = decodeURIComponent(value);
  } catch {
    throw refused(unreadable);
  }
  if (!PEM_CERTIFICATE.test(pem)) throw refused(unreadable);
  try {
    return new X509Certificate(pem);
  } catch (error) {
    throw refused(unreadable, error);
  }
}

function principalOf(certificate: X509Certificate, settings: ClientCertificateSettings, now: Date): Principal {
  // TLS or the proxy checked the dates already, by its clock; this says so by ours as well.
  if (now.getTime() < Date.parse(certificate.validFrom)) throw refused(`the client certificate is not valid before ${certificate.validFrom}`);
  if (now.getTime() > Date.parse(certificate.validTo)) throw refused(`the client certificate expired on ${certificate.validTo}`);
  const name = settings.clientCertPrincipal === 'cn' ? commonName(certificate) : alternativeName(certificate);
  return { name, groups: [], localAdministrator: false };
}

/** The first email or UPN subject alternative name that is an account name; DNS names, URIs and addresses name no user. */
function alternativeName(certificate: X509Certificate): string {
  const names = subjectAltNames(certificate.subjectAltName ?? '');
  const users = names.flatMap(({ type, value }) => {
    if (type === 'email') return [value];
    if (type === 'othername' && value.startsWith('UPN:')) return [value.slice('UPN:'.length)];
    return [];
  });
  const name = users.find(isAccountName);
  if (name !== undefined) return name;
  throw refused(
    users.length === 0
      ? 'the client certificate names no user: it has no email or UPN subject alternative name (TESSERA_CLIENT_CERT_PRINCIPAL=san)'
      : 'no email or UPN subject alternative name of the client certificate is an account name (user@domain)',
  );
}

function commonName(certificate: X509Certificate): string {
  // The legacy object holds the subject's values unescaped, one array for a repeated attribute.
  const common: unknown = (certificate.toLegacyObject().subject as unknown as Record<string, unknown> | undefined)?.CN;
  if (common === undefined) throw refused('the client certificate has no subject common name (TESSERA_CLIENT_CERT_PRINCIPAL=cn)');
  if (typeof common !== 'string') throw refused('the client certificate has more than one subject common name: it is ambiguous');
  if (!isAccountName(common)) throw refused("the client certificate's subject common name is not an account name: it must read DOMAIN\\user or user@domain");
  return common;
}

/**
 * Node writes subject alternative names as `type:value, type:value`, and a value holding a comma,
 * quote or control character as a JSON string (`email:"a\u002cb@x"`), so no name can forge another.
 */
export function subjectAltNames(text: string): { type: string; value: string }[] {
  const names: { type: string; value: string }[] = [];
  let rest = text;
  while (rest !== '') {
    const colon = rest.indexOf(':');
    if (colon <= 0) throw refused('the subject alternative names of the client certificate could not be read');
    const type = rest.slice(0, colon);
    rest = rest.slice(colon + 1);
    let value: string;
    if (rest.startsWith('"')) {
      const end = closingQuote(rest);
      value = JSON.parse(rest.slice(0, end + 1)) as string;
      rest = rest.slice(end + 1);
    } else {
      const comma = rest.indexOf(', ');
      value = comma === -1 ? rest : rest.slice(0, comma);
      rest = comma === -1 ? '' : rest.slice(comma);
    }
    if (rest !== '' && !rest.startsWith(', ')) throw refused('the subject alternative names of the client certificate could not be read');
    rest = rest.slice(2);
    names.push({ type, value });
  }
  return names;
}

function closingQuote(text: string): number {
  for (let index = 1; index < text.length; index++) {
    if (text[index] === '\\') index++;
    else if (text[index] === '"') return index;
  }
  throw refused('the subject alternative names of the client certificate could not be read');
}

function refused(message: string, cause?: unknown): TesseraError {
  return fail('UNAUTHENTICATED', message, cause);
}
