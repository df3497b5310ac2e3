import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import { startServe } from '../support/serve.js';

const get = async (url: string, token?: string) => {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe.each(storeTargets)('tessera serve on $name', (target) => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(target);
  });
  afterAll(() => vault.cleanup());

  it('makes the first SSO administrator token once, in a 0600 file when its output is not a terminal', async () => {
    const serve = await startServe(vault);
    const tokenFile = join(vault.home, 'first-admin-token');
    try {
      expect(serve.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
      const { stdout } = serve.output();
      expect(stdout).toContain(`written to ${tokenFile} (mode 0600), not to this log`);
      const token = readFileSync(tokenFile, 'utf8').trim();
      expect(token).toMatch(/^tsr_[0-9a-f]{16}_[A-Za-z0-9_-]{43}$/);
      expect(stdout).not.toContain(token);
      expect(statSync(tokenFile).mode & 0o777).toBe(0o600);

      // The token is an SSO administrator's: the vault's SSO Administrators group was set to HOST\SSO Administrators.
      const global = await get(`${serve.url}/v1/global`, token);
      expect(global.status).toBe(200);
      expect(global.body['ssoAdminAccounts']).toEqual([expect.stringMatching(/\\SSO Administrators$/)]);
      expect((await get(`${serve.url}/v1/secret/status`, token)).status).toBe(200);
      expect((await get(`${serve.url}/v1/applications`)).status).toBe(401);
    } finally {
      const stopped = await serve.stop();
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain('Tessera stopped.');
    }
    // The next start makes none: an administrator exists.
    const again = await startServe(vault);
    const stopped = await again.stop();
    expect(stopped.stdout).not.toContain('First SSO administrator token');
    expect((await vault.events(10535)).filter((event) => event.message.startsWith('CreateApiToken'))).toHaveLength(1);
  });

  it('finishes a request in flight when told to stop', async () => {
    // A slow key derivation keeps the backup in flight well after the signal.
    const serve = await startServe(vault, undefined, { TESSERA_BACKUP_KDF: 'memoryKiB=262144,iterations=4,parallelism=1' });
    try {
      const token = readFileSync(join(vault.home, 'first-admin-token'), 'utf8').trim();
      // A backup takes a while (Argon2id); the stop signal comes while it runs.
      let answeredAt = 0;
      const pending = fetch(`${serve.url}/v1/secret/backup`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ file: join(vault.home, '..', 'drain.bak'), password: 'violet tractor evening lantern' }),
      }).then((response) => ((answeredAt = Date.now()), response));
      await new Promise((resolve) => setTimeout(resolve, 100));
      const signalledAt = Date.now();
      const stopping = serve.stop();
      // npm sends its signal twice: the second must not cut the drain short.
      setTimeout(() => serve.child.kill('SIGTERM'), 20);
      const response = await pending;
      expect(response.status).toBe(200);
      expect(answeredAt).toBeGreaterThan(signalledAt);
      expect(((await response.json()) as { file: string }).file).toBe(join(vault.home, '..', 'drain.bak'));
      const stopped = await stopping;
      expect(stopped.code).toBe(0);
      expect(stopped.stdout).toContain('Stopping: finishing the requests in flight...');
      expect(stopped.stdout).toContain('Tessera stopped.');
    } finally {
      if (serve.child.exitCode === null) await serve.stop();
    }
  });

  it('says which address is taken, and refuses plain HTTP beyond loopback', async () => {
    const serve = await startServe(vault);
    try {
      const port = new URL(serve.url).port;
      const clash = await vault.tessera(['serve', '--listen', `127.0.0.1:${port}`]);
      expect(clash.code).toBe(2);
      expect(clash.stderr.split('\n').filter((line) => line.startsWith('error'))).toEqual([
        `error INVALID_ARGUMENT: 127.0.0.1:${port} is already in use: stop what listens there, or choose another with --listen HOST:PORT`,
      ]);
    } finally {
      await serve.stop();
    }
    const open = await vault.tessera(['serve', '--listen', '0.0.0.0:0']);
    expect(open.code).toBe(2);
    expect(open.stderr).toContain('error INVALID_ARGUMENT: refusing to serve plain HTTP on 0.0.0.0:0');
    const bad = await vault.tessera(['serve', '--listen', 'localhost']);
    expect(bad.stderr).toBe('error INVALID_ARGUMENT: --listen takes HOST:PORT (e.g. 127.0.0.1:8740, 0.0.0.0:8740 or [::1]:8740), not "localhost"\n');
  });
});
