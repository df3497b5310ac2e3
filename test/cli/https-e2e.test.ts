/**
 * The newcomer's path, end to end with real processes: `tessera serve` over HTTPS with an
 * openssl certificate, an application and a mapping made with ssomanage, a token for the user,
 * and the credential looked up with curl. Then the certificate is replaced and SIGHUP reloads it.
 */
import { execFile } from 'node:child_process';
import { chmodSync, copyFileSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedServerCertificate } from '../support/certificates.js';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import { startServe } from '../support/serve.js';
import { mappingsXml, ok, PAYROLL_HOST_XML, ssomanage, writeBeside } from '../support/vault-cli.js';

const run = promisify(execFile);

/** curl as an operator types it: the CA to trust, the token in a header read from a file (never argv). */
async function curl(url: string, ca: string, tokenHeaderFile: string): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await run('curl', ['--silent', '--show-error', '--fail-with-body', '--cacert', ca, '-H', `@${tokenHeaderFile}`, url]);
    return { code: 0, stdout, stderr };
  } catch (error) {
    const failed = error as { code: number; stdout: string; stderr: string };
    return { code: failed.code, stdout: failed.stdout, stderr: failed.stderr };
  }
}

describe.each(storeTargets)('HTTPS end to end on $name', (target) => {
  let vault: TestVault;
  let dir: string;
  beforeAll(async () => {
    vault = await createTestVault(target);
    dir = mkdtempSync(join(tmpdir(), 'tessera-e2e-'));
  });
  afterAll(async () => {
    await vault.cleanup();
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves a lookup to curl over HTTPS, and reloads its certificate on SIGHUP', async () => {
    const first = selfSignedServerCertificate(dir, 'first');
    const second = selfSignedServerCertificate(dir, 'second');
    const live = { cert: join(dir, 'live.crt'), key: join(dir, 'live.key') };
    copyFileSync(first.cert, live.cert);
    copyFileSync(first.key, live.key);
    chmodSync(live.key, 0o600);
    const serve = await startServe(vault, ['--listen', '127.0.0.1:0'], { TESSERA_TLS_CERT_FILE: live.cert, TESSERA_TLS_KEY_FILE: live.key });
    try {
      expect(serve.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
      ok(await ssomanage(vault, ['-createapps', await writeBeside(vault, 'apps.xml', PAYROLL_HOST_XML)]), 'createapps');
      ok(await ssomanage(vault, ['-enableapp', 'PayrollHost']), 'enableapp');
      ok(
        await ssomanage(vault, ['-createmappings', await writeBeside(vault, 'maps.xml', mappingsXml(['CORP\\bob', 'PayrollHost', 'PAY0042']))]),
        'createmappings',
      );
      ok(await ssomanage(vault, ['-setcredentials', 'CORP\\bob', 'PayrollHost', '--stdin'], { input: 'correct horse battery\n' }), 'setcredentials');
      const made = ok(await vault.tessera(['token', 'create', 'CORP\\bob', '--groups', 'CORP\\Payroll Users']), 'token create');
      const headerFile = await writeBeside(vault, 'bob.header', `Authorization: Bearer ${made.stdout.trim()}\n`);

      const url = `${serve.url}/v1/lookup/PayrollHost`;
      const looked = await curl(url, first.cert, headerFile);
      expect(looked.code).toBe(0);
      expect(JSON.parse(looked.stdout)).toEqual({
        application: 'PayrollHost',
        account: 'CORP\\bob',
        externalUser: 'PAY0042',
        fields: [{ label: 'Passphrase', value: 'correct horse battery' }],
      });

      // A new certificate in place, then SIGHUP: new connections get it, the old CA no longer verifies.
      copyFileSync(second.cert, live.cert);
      copyFileSync(second.key, live.key);
      serve.child.kill('SIGHUP');
      await expect.poll(() => serve.output().stdout).toContain('TLS certificate and key reloaded.');
      expect((await curl(url, second.cert, headerFile)).code).toBe(0);
      expect((await curl(url, first.cert, headerFile)).code).toBe(60); // curl: peer certificate cannot be authenticated
    } finally {
      const stopped = await serve.stop();
      expect(stopped.code).toBe(0);
    }
  });
});
