/**
 * `tessera secret backup FILE` against real faults: missing and wrong paths, a name too long,
 * permissions (as nobody), a read-only and a full file system (tmpfs), and passwords or
 * reminders the policy refuses. Every failure must exit 1, print "error CODE: <message>" with
 * the cause and the fix, emit 10560 with all five parameters, leave nothing at the target, and
 * change nothing in the vault.
 */
import { randomBytes } from 'node:crypto';
import { existsSync } from 'node:fs';
import { chown, chmod, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect as globalExpect, type ExpectStatic, it } from 'vitest';
import { createTestVault, type RunOptions, storeTargets, type TestVault } from '../support/cli.js';
import {
  clientUser,
  expectSuccess,
  GOOD_PASSWORD,
  listEvents,
  secretStatus,
  type StatusJson,
  type VaultEvent,
  writePasswordFile,
} from '../support/secret-cli.js';
import { fillFileSystem, freeBytes, isRoot, NOBODY, withTmpfs } from '../support/tmpfs.js';

const asNobody: RunOptions = { uid: NOBODY.uid, gid: NOBODY.gid };
const POLICY_FIX = 'use at least 12 characters that are hard to guess, for example four or five random words';

interface BackupFailure {
  vault: TestVault;
  /** Absolute target path. */
  file: string;
  code: string;
  /** The message after "Failed to back up the master secret to FILE: ": the cause and the fix. */
  cause: string;
  /** The vault's status before; it must be the same afterwards. */
  before: StatusJson;
  /** Everything after FILE on the command line (password file, reminder, ...). */
  args: string[];
  user?: 'root' | 'nobody';
  /** False when something (a directory, an old file) legitimately stays at the target. */
  targetAbsent?: boolean;
}

/** Temp files the atomic writer left in `directory` (there must be none). */
async function leftoverTempFiles(directory: string): Promise<string[]> {
  const isDirectory = await stat(directory).then(
    (s) => s.isDirectory(),
    () => false,
  );
  if (!isDirectory) return [];
  return (await readdir(directory)).filter((name) => /^\.tessera-.*\.tmp$/.test(name));
}

/** The only 10560 event for `file` (each test uses its own target path). */
function onlyBackupFailureFor(expect: ExpectStatic, events: VaultEvent[], file: string): VaultEvent | undefined {
  const matching = events.filter((event) => event.id === 10560 && event.params['File Name'] === file);
  expect(matching, `exactly one 10560 event for ${file}`).toHaveLength(1);
  return matching[0];
}

/** Runs a backup that must fail and checks everything a failed backup promises. */
async function expectBackupFailure(expect: ExpectStatic, failure: BackupFailure): Promise<void> {
  const user = failure.user ?? 'root';
  const options = user === 'nobody' ? asNobody : {};
  const result = await failure.vault.tessera(['secret', 'backup', failure.file, ...failure.args], options);
  const message = `Failed to back up the master secret to ${failure.file}: ${failure.cause}`;
  expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({
    code: 1,
    stdout: '',
    stderr: `error ${failure.code}: ${message}\n`,
  });

  const event = onlyBackupFailureFor(expect, await listEvents(failure.vault, options), failure.file);
  expect.soft(event?.symbol).toBe('SSO_ERROR_BACKUP_SECRET_FAILED');
  expect.soft(event?.severity).toBe('error');
  expect.soft(event?.message, '10560 carries the same message as the CLI').toBe(message);
  expect.soft(event?.params, '10560 parameters').toEqual({
    'File Name': failure.file,
    'Current MSID': failure.before.currentMsid,
    'Previous MSID': failure.before.previousMsid ?? '',
    'Client User': clientUser(user),
    'Error Code': failure.code,
  });

  if (failure.targetAbsent !== false) expect.soft(existsSync(failure.file), `nothing at ${failure.file}`).toBe(false);
  expect.soft(await leftoverTempFiles(dirname(failure.file)), 'temp files left behind').toEqual([]);
  const after = await secretStatus(failure.vault, options);
  expect.soft(after, 'the vault is unchanged').toEqual(failure.before);
  expect.soft(after.backupRequired).toBe(true);
}

// The two stores run side by side (each spawn is CPU-bound, and vitest gives a 2-core machine one
// worker); the tests of one store run one after another on its shared vault.
describe.concurrent.each(storeTargets)('tessera secret backup faults ($name)', (target) => {
  let vault: TestVault;
  let root: string;
  let passwordArgs: string[];
  let before: StatusJson;

  beforeAll(async () => {
    vault = await createTestVault(target);
    root = dirname(vault.home);
    passwordArgs = ['--password-file', await writePasswordFile(join(root, 'password'), GOOD_PASSWORD)];
    expectSuccess(await vault.tessera(['init']), 'tessera init');
    before = await secretStatus(vault);
    globalExpect(before.backupRequired).toBe(true);
    globalExpect(before.previousMsid).toBeNull();
  });

  afterAll(async () => {
    await vault?.cleanup();
  });

  const fails = (expect: ExpectStatic, file: string, code: string, cause: string, extra: Partial<BackupFailure> = {}) =>
    expectBackupFailure(expect, { vault, file, code, cause, before, args: passwordArgs, ...extra });

  describe.sequential('one cause after another', () => {
    it('ENOENT: names the topmost missing directory and says to create it', async ({ expect }) => {
      const file = join(root, 'missing', 'nested', 'tessera.bak');
      await fails(expect, file, 'ENOENT', `directory ${join(root, 'missing')} does not exist: create it or choose another path`);
    });

    it('ENOTDIR: a part of the path is a file', async ({ expect }) => {
      const plain = join(root, 'plain-file');
      await writeFile(plain, 'not a directory\n');
      await fails(expect, join(plain, 'tessera.bak'), 'ENOTDIR', `${plain} is a file, not a directory: choose a path whose directories exist`);
    });

    it('EISDIR: the target is a directory, and the message suggests a file inside it', async ({ expect }) => {
      const directory = join(root, 'a-directory');
      await mkdir(directory);
      await fails(
        expect,
        directory,
        'EISDIR',
        `${directory} is a directory: give the name of a file to create inside it, for example ${directory}/tessera-secret.bak`,
        { targetAbsent: false },
      );
      expect((await stat(directory)).isDirectory()).toBe(true);
      expect(await readdir(directory)).toEqual([]);
    });

    it('EEXIST: an existing file is refused without --force and stays byte-identical', async ({ expect }) => {
      const file = join(root, 'existing.bak');
      const original = randomBytes(700);
      await writeFile(file, original);
      await fails(
        expect,
        file,
        'EEXIST',
        `${file} already exists: pass --force to replace it (the old file stays intact until the new one is verified), or choose another name`,
        { targetAbsent: false },
      );
      expect((await readFile(file)).equals(original)).toBe(true);
    });

    it('ENAMETOOLONG: a 300-byte file name', async ({ expect }) => {
      const name = `${'n'.repeat(296)}.bak`;
      expect(Buffer.byteLength(name)).toBe(300);
      await fails(
        expect,
        join(root, name),
        'ENAMETOOLONG',
        `the name "${name.slice(0, 24)}…" is 300 bytes long and the file system allows 255: choose a shorter file or directory name`,
      );
    });

    it.skipIf(!isRoot)('EROFS: a read-only file system (tmpfs mounted ro)', async ({ expect }) => {
      await withTmpfs(join(root, 'read-only'), { size: '1m', readOnly: true }, async (directory) => {
        await fails(
          expect,
          join(directory, 'tessera.bak'),
          'EROFS',
          `the file system holding ${directory} is mounted read-only: choose a path on a writable file system`,
        );
      });
    });

    it.skipIf(!isRoot)('ENOSPC: a full file system (tmpfs filled up) leaves no temp file behind', async ({ expect }) => {
      await withTmpfs(join(root, 'full'), { size: '64k' }, async (directory) => {
        fillFileSystem(directory);
        // A keyring backup is about 1 KB; not even one byte fits any more.
        expect(freeBytes(directory)).toBe(0);
        await fails(
          expect,
          join(directory, 'tessera.bak'),
          'ENOSPC',
          `the file system holding ${directory} is full: free some space there or choose a path on another disk (nothing was left behind)`,
        );
        expect(await readdir(directory)).toEqual(['filler']);
      });
    });

    it.skipIf(!isRoot)('EACCES: nobody may not write to a root-owned 0755 directory', async ({ expect }) => {
      const own = await createTestVault(target);
      try {
        const ownRoot = dirname(own.home);
        // The vault itself belongs to nobody: home, SQLite file, seal key, log.
        await chown(ownRoot, NOBODY.uid, NOBODY.gid);
        const password = await writePasswordFile(join(ownRoot, 'password'), GOOD_PASSWORD);
        expectSuccess(await own.tessera(['init'], asNobody), 'tessera init as nobody');
        const ownBefore = await secretStatus(own, asNobody);
        const directory = join(ownRoot, 'root-only');
        await mkdir(directory);
        await chmod(directory, 0o755);
        expect((await stat(directory)).uid).toBe(0);
        await expectBackupFailure(expect, {
          vault: own,
          file: join(directory, 'tessera.bak'),
          code: 'EACCES',
          cause:
            `permission denied: user nobody may not create files in directory ${directory} (owner uid 0, mode 0755): ` +
            'grant that user write permission there, or choose a directory it can write to',
          before: ownBefore,
          args: ['--password-file', password],
          user: 'nobody',
        });
      } finally {
        await own.cleanup();
      }
    });

    describe('passwords and reminders the policy refuses', () => {
      const cases: Array<{ name: string; password: string; reminder?: string; code: string; cause: string }> = [
        { name: 'empty password', password: '', code: 'PASSWORD_POLICY', cause: `the password is empty: ${POLICY_FIX}` },
        { name: 'well-known password', password: 'password1234', code: 'PASSWORD_POLICY', cause: `the password is a well-known password: ${POLICY_FIX}` },
        {
          name: 'one repeated character',
          password: 'aaaaaaaaaaaaaaaa',
          code: 'PASSWORD_POLICY',
          cause: `the password repeats one or two characters: ${POLICY_FIX}`,
        },
        { name: '5 characters', password: 'Zq7#u', code: 'PASSWORD_POLICY', cause: `the password has 5 characters and needs at least 12: ${POLICY_FIX}` },
        {
          name: '300 characters',
          password: 'Kx7-'.repeat(75),
          code: 'PASSWORD_TOO_LONG',
          cause: 'the password has 300 characters and may have at most 256: choose a shorter one',
        },
        {
          name: 'reminder that contains the password',
          password: GOOD_PASSWORD,
          reminder: `it is ${GOOD_PASSWORD.toUpperCase()}, obviously`,
          code: 'REMINDER_REVEALS_PASSWORD',
          cause: 'the reminder contains the password, and reminders are stored in clear in the backup file: write a hint that only you understand',
        },
        {
          name: 'reminder over 512 characters',
          password: GOOD_PASSWORD,
          reminder: 'r'.repeat(513),
          code: 'REMINDER_TOO_LONG',
          cause: 'the reminder has 513 characters and may have at most 512: shorten it',
        },
      ];

      it.for(cases.map((c, index) => ({ ...c, index })))('$code: $name', async ({ index, password, reminder, code, cause }, { expect }) => {
        const passwordFile = await writePasswordFile(join(root, `policy-${index}.password`), password);
        await fails(expect, join(root, `policy-${index}.bak`), code, cause, {
          args: ['--password-file', passwordFile, ...(reminder === undefined ? [] : ['--reminder', reminder])],
        });
      });
    });

    it('generate --backup into a missing directory: 10560 and 10526, the current secret stays', async ({ expect }) => {
      const file = join(root, 'no-such-dir', 'generated.bak');
      const cause = `directory ${join(root, 'no-such-dir')} does not exist: create it or choose another path`;
      const message = `Failed to back up the master secret to ${file}: ${cause}`;
      const result = await vault.tessera(['secret', 'generate', '--backup', file, ...passwordArgs]);
      expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 1, stdout: '', stderr: `error ENOENT: ${message}\n` });

      const events = await listEvents(vault);
      const backupEvent = onlyBackupFailureFor(expect, events, file);
      expect.soft(backupEvent?.params).toEqual({
        'File Name': file,
        'Current MSID': before.currentMsid,
        'Previous MSID': '',
        'Client User': clientUser('root'),
        'Error Code': 'ENOENT',
      });
      const generateEvents = events.filter((event) => event.id === 10526);
      expect(generateEvents).toHaveLength(1);
      const generateEvent = generateEvents[0]!;
      expect.soft(generateEvent.symbol).toBe('SSO_ERROR_GENERATE_SECRET_FAILED');
      expect.soft(generateEvent.params).toEqual({
        'Client User': clientUser('root'),
        'Client Computer': expect.any(String) as string,
        'Tracking ID': expect.stringMatching(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/) as string,
        'Error Code': 'ENOENT',
      });
      expect.soft(generateEvent.params['Client Computer']).toBe(clientUser('root').split('\\')[0]);
      expect.soft(generateEvent.message).toBe(`Failed to generate a new master secret; the current one (${before.currentMsid}) stays in use: ${message}`);
      expect(existsSync(file)).toBe(false);
      expect(await secretStatus(vault)).toEqual(before);
    });

    it('--force replaces an existing file with a verified backup that restores', async ({ expect }) => {
      const own = await createTestVault(target);
      try {
        const ownRoot = dirname(own.home);
        const password = await writePasswordFile(join(ownRoot, 'password'), GOOD_PASSWORD);
        expectSuccess(await own.tessera(['init']), 'tessera init');
        const ownBefore = await secretStatus(own);
        const file = join(ownRoot, 'replace-me.bak');
        const original = Buffer.from('an old, unrelated file\n');
        await writeFile(file, original);

        const backup = expectSuccess(await own.tessera(['secret', 'backup', file, '--password-file', password, '--force']), 'backup --force');
        expect(backup.stdout).toBe(`Backed up master secret ${ownBefore.currentMsid} to ${file} (verified).\n`);
        const written = await readFile(file);
        expect(written.equals(original)).toBe(false);
        expect(written.subarray(0, 8).toString('latin1')).toBe('TSRBAK\r\n');
        expect((await stat(file)).mode & 0o777).toBe(0o600);
        expect(await leftoverTempFiles(ownRoot)).toEqual([]);

        const restore = expectSuccess(await own.tessera(['secret', 'restore', file, '--password-file', password]), 'restore');
        expect(restore.stdout).toBe(`Restored master secret ${ownBefore.currentMsid} into vault ${ownBefore.vaultId}.\n`);
        const after = await secretStatus(own);
        expect(after).toMatchObject({ vaultId: ownBefore.vaultId, currentMsid: ownBefore.currentMsid, previousMsid: null, backupRequired: false });
        expect(after.backups.map((b) => [b.file, b.kind, b.coversCurrent])).toEqual(
          expect.arrayContaining([
            [file, 'backup', true],
            [file, 'verify', true],
          ]),
        );
      } finally {
        await own.cleanup();
      }
    });
  });
});
