/**
 * Backup files forged to attack the machine that restores them, through the real CLI: a header
 * whose fields Tessera never writes (no salt, a short salt, a password check of another length),
 * one that asks Argon2id for more memory and time than any real backup, and files far larger
 * than a backup (a sparse file, a device). Each is refused with its catalogued code and event,
 * before a password is read, without spending the memory it asks for; the vault is unchanged.
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdir, readFile, truncate, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, type ExpectStatic, it } from 'vitest';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { distFile, repoRoot } from '../support/dist.js';
import { clientUser, expectSuccess, GOOD_PASSWORD, listEvents, secretStatus, type StatusJson, writePasswordFile } from '../support/secret-cli.js';

type Header = { [field: string]: unknown; kdf: { [field: string]: unknown } };

/** Rewrites the clear header and recomputes its (unkeyed) checksum, as an attacker would. */
function forge(original: Buffer, change: (header: Header) => void): Buffer {
  const length = original.readUInt32BE(10);
  const header = JSON.parse(original.subarray(14, 14 + length).toString('utf8')) as Header;
  change(header);
  const headerBytes = Buffer.from(JSON.stringify(header));
  const prefix = Buffer.from(original.subarray(0, 14));
  prefix.writeUInt32BE(headerBytes.length, 10);
  const checksummed = Buffer.concat([prefix, headerBytes]);
  return Buffer.concat([checksummed, createHash('sha256').update(checksummed).digest(), original.subarray(14 + length + 32)]);
}

interface Measured {
  exit: number | null;
  stdout: string;
  stderr: string;
  maxRssKiB: number;
}

/** Runs `tessera ARGS` under test/support/peak-rss.py, which reports the child's peak resident memory. */
async function measured(vault: TestVault, args: string[]): Promise<Measured> {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
  const { stdout } = await promisify(execFile)(
    'python3',
    [`${repoRoot}test/support/peak-rss.py`, '60', '--', process.execPath, distFile('cli/tessera.js'), ...args],
    {
      env: { ...baseEnv, ...vault.env },
      maxBuffer: 16 * 1024 * 1024,
    },
  );
  return JSON.parse(stdout) as Measured;
}

/** A Node process running the CLI stays well under this; reading a 1.5 GiB file whole does not. */
const RSS_LIMIT_KIB = 200 * 1024;

function forgedSuite(target: StoreTarget): void {
  let vault: TestVault;
  let files: string;
  let passwordFile: string;
  let goodBytes: Buffer;
  let before: StatusJson;

  beforeAll(async () => {
    vault = await createTestVault(target);
    const root = dirname(vault.home);
    files = join(root, 'files');
    await mkdir(files);
    passwordFile = await writePasswordFile(join(root, 'password'), GOOD_PASSWORD);
    expectSuccess(await vault.tessera(['init']), 'init');
    const good = join(files, 'good.bak');
    expectSuccess(await vault.tessera(['secret', 'backup', good, '--password-file', passwordFile]), 'backup');
    goodBytes = await readFile(good);
    before = await secretStatus(vault);
  });

  afterAll(async () => {
    await vault?.cleanup();
  });

  /**
   * Restores and verifies `file`: both exit 1 with `error CODE: ...cause`, restore emits 10524 and
   * verify the code's event 10564, with the text the CLI printed, and the vault is unchanged.
   */
  async function expectRefused(expect: ExpectStatic, file: string, code: string, cause: string): Promise<void> {
    const args = [file, '--password-file', passwordFile];
    const restoreMessage = `Failed to restore the master secret from ${file} (the vault was not changed): ${cause}`;
    const verifyMessage = `The backup ${file} does not verify: ${cause}`;
    const restore = await vault.tessera(['secret', 'restore', ...args]);
    expect.soft({ code: restore.code, stdout: restore.stdout, stderr: restore.stderr }, 'restore').toEqual({
      code: 1,
      stdout: '',
      stderr: `error ${code}: ${restoreMessage}\n`,
    });
    const verify = await vault.tessera(['secret', 'verify', ...args]);
    expect.soft({ code: verify.code, stdout: verify.stdout, stderr: verify.stderr }, 'verify').toEqual({
      code: 1,
      stdout: '',
      stderr: `error ${code}: ${verifyMessage}\n`,
    });
    const events = (await listEvents(vault)).filter((event) => event.message.includes(file));
    expect.soft(events.map(({ id, params, message }) => ({ id, params, message }))).toEqual(
      expect.arrayContaining([
        {
          id: 10524,
          params: {
            'File Name': file,
            'Current MSID': before.currentMsid,
            'Previous MSID': '',
            'Client User': clientUser('root'),
            'Error Code': code,
          },
          message: restoreMessage,
        },
        { id: 10564, params: {}, message: verifyMessage },
      ]),
    );
    expect.soft(events).toHaveLength(2);
    expect(await secretStatus(vault), 'the vault is unchanged').toEqual(before);
  }

  const damaged = (file: string, why: string) => `${file} is damaged: ${why}, so it was changed after it was written. Use another copy of the backup`;

  it('a header without a salt is BACKUP_DAMAGED', async ({ expect }) => {
    const file = join(files, 'no-salt.bak');
    await writeFile(
      file,
      forge(goodBytes, (header) => delete header.kdf.salt),
    );
    await expectRefused(expect, file, 'BACKUP_DAMAGED', damaged(file, 'its header field kdf.salt should be 16 bytes in base64'));
  });

  it('a header with a 3-byte salt is BACKUP_DAMAGED, not an internal error', async ({ expect }) => {
    const file = join(files, 'short-salt.bak');
    await writeFile(
      file,
      forge(goodBytes, (header) => (header.kdf.salt = 'AAAA')),
    );
    await expectRefused(expect, file, 'BACKUP_DAMAGED', damaged(file, 'its header field kdf.salt should be 16 bytes in base64'));
  });

  it('a header whose password check has another length is BACKUP_DAMAGED, not a wrong password', async ({ expect }) => {
    const file = join(files, 'long-check.bak');
    await writeFile(
      file,
      forge(goodBytes, (header) => (header.passwordCheck = Buffer.alloc(33).toString('base64'))),
    );
    await expectRefused(expect, file, 'BACKUP_DAMAGED', damaged(file, 'its header field passwordCheck should be 32 bytes in base64'));
  });

  it('a header asking Argon2id for 4 GiB is refused at once, without spending the memory', async ({ expect }) => {
    const file = join(files, 'greedy.bak');
    await writeFile(
      file,
      forge(goodBytes, (header) => Object.assign(header.kdf, { memoryKiB: 4_194_304, iterations: 1 })),
    );
    await expectRefused(
      expect,
      file,
      'BACKUP_UNSAFE_PARAMETERS',
      `${file} asks for Argon2id parameters no Tessera backup has (memoryKiB must be an integer from 8192 to 1048576, not 4194304), ` +
        'so it was forged or damaged: use another copy of the backup',
    );
    const run = await measured(vault, ['secret', 'verify', file, '--password-file', passwordFile]);
    expect(run.exit).toBe(1);
    expect(run.maxRssKiB, 'peak memory of tessera secret verify').toBeLessThan(RSS_LIMIT_KIB);
  });

  it('a 1.5 GiB file that starts like a backup is refused by its size, without being read', async ({ expect }) => {
    const file = join(files, 'huge.bak');
    await writeFile(file, goodBytes);
    await truncate(file, 1.5 * 1024 * 1024 * 1024); // sparse: costs no disk, but a whole read would fill 1.5 GiB of memory
    const cause = `${file} is not a Tessera master secret backup: it has 1610612736 bytes, and a backup has at most 1048576: check that you chose the right file`;
    await expectRefused(expect, file, 'BACKUP_NOT_A_BACKUP', cause);
    for (const command of ['verify', 'restore']) {
      const run = await measured(vault, ['secret', command, file, '--password-file', passwordFile]);
      expect({ exit: run.exit, stdout: run.stdout }).toEqual({ exit: 1, stdout: '' });
      expect(run.stderr).toContain(cause);
      expect(run.maxRssKiB, `peak memory of tessera secret ${command}`).toBeLessThan(RSS_LIMIT_KIB);
    }
  });

  it('a device that never ends is read only one byte past the largest backup', async ({ expect }) => {
    const run = await measured(vault, ['secret', 'verify', '/dev/zero', '--password-file', passwordFile]);
    expect(run).toEqual({
      exit: 1,
      stdout: '',
      stderr:
        'error BACKUP_NOT_A_BACKUP: The backup /dev/zero does not verify: /dev/zero is not a Tessera master secret backup: ' +
        'it holds more than 1048576 bytes, and a backup has at most 1048576: check that you chose the right file\n',
      maxRssKiB: expect.any(Number) as number,
    });
    expect(run.maxRssKiB).toBeLessThan(RSS_LIMIT_KIB);
  });
}

// The two stores side by side, as in restore-faults.test.ts; within a store, one test after another.
describe.concurrent.each(storeTargets)('$name', (target) => {
  describe.sequential('forged backup files through tessera secret restore and verify', () => forgedSuite(target));
});
