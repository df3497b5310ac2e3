import { readFileSync, statSync } from 'node:fs';
import { fail } from '../errors/index.js';
import type { TlsSettings } from './settings.js';

/** A PEM bundle is small; a larger file is not what the operator meant. */
const MAX_PEM_BYTES = 1024 * 1024;

export interface TlsMaterial {
  cert: Buffer;
  key: Buffer;
  ca?: Buffer;
  /** Ask for a client certificate (mTLS) when a client CA is configured; never require one, tokens work without. */
  requestCert: boolean;
  /** Judged per request (socket.authorized): a caller with a token needs no certificate. */
  rejectUnauthorized: false;
}

/** Reads the certificate, key and client CA, refusing a key others can read and files too large to be PEM. */
export function loadTls(settings: TlsSettings): TlsMaterial {
  const cert = readPem(settings.certFile, 'certificate');
  const key = readPem(settings.keyFile, 'private key');
  if ((statSync(settings.keyFile).mode & 0o004) !== 0) {
    throw fail('TLS_INVALID', `the TLS private key ${settings.keyFile} can be read by every user: chmod o-r it (0600 or 0640 with a group)`);
  }
  const material: TlsMaterial = { cert, key, requestCert: settings.clientCaFile !== undefined, rejectUnauthorized: false };
  if (settings.clientCaFile !== undefined) material.ca = readPem(settings.clientCaFile, 'client CA bundle');
  return material;
}

function readPem(file: string, what: string): Buffer {
  let size: number;
  try {
    size = statSync(file).size;
  } catch (error) {
    throw fail('TLS_INVALID', `the TLS ${what} ${file} cannot be read: ${(error as NodeJS.ErrnoException).code ?? 'error'}`);
  }
  if (size > MAX_PEM_BYTES) throw fail('TLS_INVALID', `the TLS ${what} ${file} has ${size} bytes, more than the ${MAX_PEM_BYTES} a PEM file may have here`);
  const bytes = readFileSync(file);
  if (!bytes.includes('-----BEGIN ')) throw fail('TLS_INVALID', `the TLS ${what} ${file} is not a PEM file (no -----BEGIN line)`);
  return bytes;
}
