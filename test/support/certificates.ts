import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its key, PEM. */
export interface Issued {
  readonly cert: string;
  readonly key: string;
}

export interface IssueRequest {
  /** openssl's -subj form, e.g. '/CN=CORP\\bob' (a backslash is escaped as in openssl). */
  readonly subject: string;
  /** Lines of an openssl extension section (subjectAltName = ..., extendedKeyUsage = ...). */
  readonly extensions: readonly string[];
  /** Validity as openssl ca takes it (YYYYMMDDHHMMSSZ); ten years from today by default. */
  readonly startDate?: string;
  readonly endDate?: string;
}

/** A test certificate authority made with the openssl command in a temp directory. */
export interface TestCa {
  readonly cert: string;
  issue(name: string, request: IssueRequest): Issued;
}

/** The temp directory every CA of a suite lives in; `removeCertificates` deletes it. */
export function certificateDir(): string {
  return mkdtempSync(join(tmpdir(), 'tessera-certs-'));
}

export function removeCertificates(dir: string): void {
  rmSync(dir, { recursive: true, force: true });
}

function openssl(args: readonly string[], cwd: string): void {
  execFileSync('openssl', args, { cwd, stdio: 'pipe' });
}

const EC_KEY = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

/** A self-signed CA under `parent/name`; its certificates are signed with `openssl ca` so any dates can be given. */
export function createCa(parent: string, name: string): TestCa {
  const dir = join(parent, name);
  mkdirSync(join(dir, 'issued'), { recursive: true });
  writeFileSync(join(dir, 'index.txt'), '');
  writeFileSync(join(dir, 'serial'), '1000\n');
  writeFileSync(
    join(dir, 'ca.cnf'),
    [
      '[ca]',
      'default_ca = test_ca',
      '[test_ca]',
      `database = ${join(dir, 'index.txt')}`,
      `new_certs_dir = ${join(dir, 'issued')}`,
      `serial = ${join(dir, 'serial')}`,
      'default_md = sha256',
      'default_days = 3650',
      'policy = any_subject',
      'unique_subject = no',
      'preserve = yes',
      '[any_subject]',
      'commonName = optional',
      'organizationName = optional',
      '',
    ].join('\n'),
  );
  const subject = `/CN=Tessera test CA ${name}`;
  openssl(
    ['req', '-x509', ...EC_KEY, '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', subject, '-days', '3650'].concat([
      '-addext',
      'basicConstraints=critical,CA:TRUE',
      '-addext',
      'keyUsage=critical,keyCertSign,cRLSign',
    ]),
    dir,
  );
  return {
    cert: readFileSync(join(dir, 'ca.pem'), 'utf8'),
    issue(leaf, request) {
      writeFileSync(join(dir, `${leaf}.ext`), ['[leaf]', 'basicConstraints = CA:FALSE', ...request.extensions, ''].join('\n'));
      openssl(['req', '-new', ...EC_KEY, '-keyout', `${leaf}.key`, '-out', `${leaf}.csr`, '-subj', request.subject], dir);
      const dates = request.startDate === undefined ? [] : ['-startdate', request.startDate, '-enddate', request.endDate ?? ''];
      openssl(
        ['ca', '-batch', '-notext', '-config', 'ca.cnf', '-cert', 'ca.pem', '-keyfile', 'ca.key', '-in', `${leaf}.csr`, '-out', `${leaf}.pem`].concat([
          '-extfile',
          `${leaf}.ext`,
          '-extensions',
          'leaf',
          ...dates,
        ]),
        dir,
      );
      return { cert: readFileSync(join(dir, `${leaf}.pem`), 'utf8'), key: readFileSync(join(dir, `${leaf}.key`), 'utf8') };
    },
  };
}

/**
 * A self-signed server certificate for 127.0.0.1 (`dir/name.crt`, key `dir/name.key` mode 0600),
 * as an operator makes one with `openssl req -x509`: a client trusts it by giving it as its CA.
 */
export function selfSignedServerCertificate(dir: string, name: string): Issued {
  const cert = join(dir, `${name}.crt`);
  const key = join(dir, `${name}.key`);
  openssl(['req', '-x509', ...EC_KEY, '-days', '2', '-subj', `/CN=${name}`, '-addext', 'subjectAltName=IP:127.0.0.1', '-keyout', key, '-out', cert], dir);
  chmodSync(key, 0o600);
  return { cert, key };
}
