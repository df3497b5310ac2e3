import { spawn } from 'node:child_process';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import { distFile } from '../support/dist.js';

/** Runs `tessera start` (serve's old name) on an ephemeral port until it serves, then stops it with SIGTERM. */
function startAndStop(vault: TestVault): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
    const child = spawn(process.execPath, [distFile('cli/tessera.js'), 'start', '--listen', '127.0.0.1:0'], { env: { ...env, ...vault.env } });
    let stdout = '';
    let stderr = '';
    let stopping = false;
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      if (!stopping && stdout.includes('Tessera is serving')) {
        stopping = true;
        child.kill('SIGTERM');
      }
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

describe.each(storeTargets)('tessera start on $name', (target) => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(target);
  });
  afterAll(() => vault.cleanup());

  it('creates the vault on first start, says loudly that it has no backup, and stops cleanly', async () => {
    const run = await startAndStop(vault);
    expect(run.code).toBe(0);
    expect(run.stdout).toMatch(/Created a new vault [0-9a-f-]{36}/);
    expect(run.stderr).toContain('has NO BACKUP');
    expect(run.stderr).toContain('tessera secret backup');
    expect((await vault.events()).map((e) => e.id)).toEqual([10501, 10525, 10589, 10502, 10504, 10505]);
    expect(statSync(join(vault.home, 'seal.key')).mode & 0o777).toBe(0o600);
    expect(statSync(vault.home).mode & 0o777).toBe(0o700);
  });

  it('nags again at the next start, and no more once the current secret is backed up', async () => {
    const again = await startAndStop(vault);
    expect(again.stdout).not.toContain('Created a new vault');
    expect(again.stderr).toContain('has NO BACKUP');
    expect(await vault.events(10589)).toHaveLength(2);

    const passwordFile = join(vault.home, '..', 'pw');
    writeFileSync(passwordFile, 'violet tractor evening lantern\n');
    const backup = await vault.tessera(['secret', 'backup', join(vault.home, '..', 'a.bak'), '--password-file', passwordFile]);
    expect(backup.code).toBe(0);
    const third = await startAndStop(vault);
    expect(third.code).toBe(0);
    expect(third.stderr).not.toContain('NO BACKUP');
    expect(await vault.events(10589)).toHaveLength(2);
  });

  it("lists events as JSON with the catalogue's names, filtered by id and time", async () => {
    const [started] = await vault.events(10501);
    expect(started).toMatchObject({
      id: 10501,
      symbol: 'SSO_INFO_SERVICE_STARTING',
      severity: 'info',
      params: {
        'Computer Name': expect.any(String) as string,
        'SQL Server Name': expect.any(String) as string,
        'SSO Database Name': expect.any(String) as string,
      },
    });
    expect(Number.isNaN(Date.parse(started!.time))).toBe(false);
    const future = await vault.tessera(['events', '--json', '--since', '2999-01-01']);
    expect(JSON.parse(future.stdout)).toEqual([]);
    const bad = await vault.tessera(['events', '--since', 'yesterday-ish']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('error INVALID_ARGUMENT: --since takes an ISO 8601 time');
  });
});

describe('tessera start with a PostgreSQL URL that carries passwords', () => {
  const postgres = storeTargets.find((target) => target.name === 'postgres')!;
  // Trust authentication ignores them, so the node starts; none may be shown or logged.
  const urls = [
    ['in the query', (url: URL) => `${url.protocol}//postgres@${url.host}${url.pathname}?password=Hunter2-in-query`],
    ['holding an @', (url: URL) => `${url.protocol}//postgres:p%40ss-Hunter2@${url.host}${url.pathname}`],
    ['with an unescaped @', (url: URL) => `${url.protocol}//postgres:p@ss-Hunter2@${url.host}${url.pathname}`],
  ] as const;

  it.each(urls)('shows no password given %s in events, log or output', async (_, build) => {
    const vault = await createTestVault(postgres);
    try {
      vault.env.TESSERA_DATABASE_URL = build(new URL(vault.env.TESSERA_DATABASE_URL!));
      const run = await startAndStop(vault);
      expect(run.code).toBe(0);
      const [started] = await vault.events(10501);
      expect(started!.params['SSO Database Name']).toMatch(/^postgres:\/\/127\.0\.0\.1:5432\/test \(schema tessera_test_[0-9a-f_]+\)$/);
      const everything = [run.stdout, run.stderr, JSON.stringify(await vault.events()), readFileSync(join(vault.home, 'tessera.log'), 'utf8')].join('\n');
      expect(everything).not.toContain('Hunter2');
      expect(everything).not.toContain('p@ss');
    } finally {
      await vault.cleanup();
    }
  });
});
