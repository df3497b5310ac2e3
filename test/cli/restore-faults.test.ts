/**
 * `tessera secret restore FILE` and `tessera secret verify FILE` against backup files damaged in
 * every way a real file gets damaged (cut off, a byte flipped in each region, not a backup,
 * another format version, another vault's, older than the current secret, missing, unreadable),
 * plus the happy paths: rebuilding a vault on an empty home, re-sealing after seal.key was lost,
 * the reminder shown before the password is read, and `ssoconfig -BACKUPSECRET`.
 *
 * Every failure must exit 1 with "error CODE: <message naming the fix>", emit 10524 (restore) or
 * the error's catalogued event (verify), and leave the vault exactly as it was.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { chown, chmod, copyFile, mkdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect as globalExpect, type ExpectStatic, it } from 'vitest';
import { type CliResult, createTestVault, type RunOptions, storeTargets, type TestVault } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { distFile } from '../support/dist.js';
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
import { isRoot, NOBODY } from '../support/tmpfs.js';

const asNobody: RunOptions = { uid: NOBODY.uid, gid: NOBODY.gid };
const REMINDER = 'the usual one, with the river';
/** Offsets in a format-1 backup file (docs/backup-format.md). */
const PREFIX_BYTES = 14;
const CHECKSUM_BYTES = 32;

interface BackupHeader {
  vaultId: string;
  currentMsid: string;
  previousMsid: string | null;
  msids: string[];
  createdAt: string;
  createdBy: string;
  reminder: string | null;
}

function headerLength(bytes: Buffer): number {
  return bytes.readUInt32BE(10);
}

function readHeader(bytes: Buffer): BackupHeader {
  return JSON.parse(bytes.subarray(PREFIX_BYTES, PREFIX_BYTES + headerLength(bytes)).toString('utf8')) as BackupHeader;
}

/** What restore and verify print on stderr, from the file's clear header, before asking for the password. */
function infoLines(header: BackupHeader): string {
  return (
    `Backup of vault ${header.vaultId}, made ${header.createdAt} by ${header.createdBy}; current MSID ${header.currentMsid}.\n` +
    `Password reminder: ${header.reminder ?? '(none)'}\n`
  );
}

function flipByte(bytes: Buffer, offset: number): Buffer {
  const copy = Buffer.from(bytes);
  copy[offset] = copy[offset]! ^ 0x01;
  return copy;
}

function outcome(result: CliResult) {
  return { code: result.code, stdout: result.stdout, stderr: result.stderr };
}

function onlyEvent(expect: ExpectStatic, events: VaultEvent[], id: number, file: string): VaultEvent | undefined {
  const matching = events.filter((event) => event.id === id && event.params['File Name'] === file);
  expect(matching, `exactly one ${id} event for ${file}`).toHaveLength(1);
  return matching[0];
}

function eventsMentioning(events: VaultEvent[], ids: number[], file: string): VaultEvent[] {
  return events.filter((event) => ids.includes(event.id) && event.message.includes(file));
}

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Checks a failed restore's output: exit 1, nothing on stdout, and on stderr (after what the file shows
 * in clear, if anything) one line "error CODE: Failed to restore the master secret from FILE...", holding
 * the cause and the fix. Returns that message, which the 10524 event must repeat word for word.
 */
function expectRestoreFailure(
  expect: ExpectStatic,
  result: CliResult,
  { shown, code, file, cause }: { shown: string; code: string; file: string; cause: string },
): string {
  const pattern = new RegExp(
    `^${escapeRegExp(shown)}error ${code}: (Failed to restore the master secret from ${escapeRegExp(file)}\\b[^\\n]*${escapeRegExp(cause)}[^\\n]*)\\n$`,
  );
  expect.soft(outcome(result), 'restore').toEqual({ code: 1, stdout: '', stderr: expect.stringMatching(pattern) as string });
  return pattern.exec(result.stderr)?.[1] ?? `Failed to restore the master secret from ${file}: ${cause}`;
}

/**
 * docs/errors.md: a failed operation's event carries the same text the CLI prints. Whatever is added
 * (say, that the vault was not changed) must be in both, and be a sentence of its own.
 */
function expectSameText(expect: ExpectStatic, event: VaultEvent | undefined, cliMessage: string): void {
  expect.soft(event?.message, '10524 carries the same text as the CLI prints').toBe(cliMessage);
  expect.soft(event?.message, 'no sentence glued onto the fix').not.toMatch(/[^.;:,(] The vault was not changed/);
}

interface ReadFailure {
  vault: TestVault;
  file: string;
  code: string;
  /** The cause and the fix, after "Failed to restore the master secret from FILE: ". */
  cause: string;
  /** The cause verify reports, when it words it differently from restore. */
  verifyCause?: string;
  /** The catalogued event verify emits for this failure (none for file-system codes). */
  verifyEvent: 10564 | 10779 | 10815 | null;
  /** The file's clear header, when it parses: restore and verify show it before asking for the password. */
  header: BackupHeader | null;
  passwordFile: string;
  before: StatusJson;
  user?: 'root' | 'nobody';
}

/** Restores and verifies a bad file, and checks both fail as promised without changing the vault. */
async function expectRestoreAndVerifyFail(expect: ExpectStatic, failure: ReadFailure): Promise<void> {
  const user = failure.user ?? 'root';
  const options = user === 'nobody' ? asNobody : {};
  const shown = failure.header ? infoLines(failure.header) : '';
  const args = [failure.file, '--password-file', failure.passwordFile];

  const restore = await failure.vault.tessera(['secret', 'restore', ...args], options);
  const restoreMessage = expectRestoreFailure(expect, restore, { shown, code: failure.code, file: failure.file, cause: failure.cause });

  const verify = await failure.vault.tessera(['secret', 'verify', ...args], options);
  const verifyMessage = `The backup ${failure.file} does not verify: ${failure.verifyCause ?? failure.cause}`;
  expect.soft(outcome(verify), 'verify').toEqual({ code: 1, stdout: '', stderr: `${shown}error ${failure.code}: ${verifyMessage}\n` });

  const events = await listEvents(failure.vault, options);
  const restoreEvent = onlyEvent(expect, events, 10524, failure.file);
  expect.soft(restoreEvent?.symbol).toBe('SSO_ERROR_RESTORE_SECRET_FAILED');
  expectSameText(expect, restoreEvent, restoreMessage);
  expect.soft(restoreEvent?.params, '10524 parameters').toEqual({
    'File Name': failure.file,
    'Current MSID': failure.before.currentMsid,
    'Previous MSID': failure.before.previousMsid ?? '',
    'Client User': clientUser(user),
    'Error Code': failure.code,
  });
  const verifyEvents = eventsMentioning(events, [10564, 10779, 10815], failure.file);
  if (failure.verifyEvent === null) {
    expect.soft(verifyEvents, 'verify emits no catalogued event for a file-system failure').toEqual([]);
  } else {
    expect
      .soft(
        verifyEvents.map(({ id, params, message }) => ({ id, params, message })),
        'verify event',
      )
      .toEqual([{ id: failure.verifyEvent, params: {}, message: verifyMessage }]);
  }

  expect(await secretStatus(failure.vault, options), 'the vault is unchanged').toEqual(failure.before);
}

/** Runs the CLI with standard input left open, so a test can watch what it prints before it reads the password. */
function startTessera(vault: TestVault, args: string[]) {
  const baseEnv = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
  const child = spawn(process.execPath, [distFile('cli/tessera.js'), ...args], {
    env: { ...baseEnv, ...vault.env },
    cwd: tmpdir(),
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ code, signal, stdout, stderr }));
  });
  return {
    child,
    done,
    output: () => ({ stdout, stderr }),
    /** Resolves once stderr contains `text`; rejects if the process ends first. */
    async waitForStderr(text: string, timeoutMs = 15_000): Promise<void> {
      const deadline = Date.now() + timeoutMs;
      while (!stderr.includes(text)) {
        if (child.exitCode !== null || child.signalCode !== null) throw new Error(`tessera ended before printing ${JSON.stringify(text)}:\n${stderr}`);
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${JSON.stringify(text)} on stderr:\n${stderr}`);
        await new Promise((resolve) => setTimeout(resolve, 20));
      }
    },
  };
}

function faultSuite(target: StoreTarget): void {
  let vault: TestVault; // A: one generate behind it, so its first backup is stale
  let other: TestVault; // B: another vault
  let root: string;
  let files: string;
  let passwordFile: string;
  let wrongPasswordFile: string;
  let before: StatusJson;
  let good: string; // the backup written by generate: covers the current secret
  let goodBytes: Buffer;
  let goodHeader: BackupHeader;
  let stale: string; // the backup written before generate
  let foreign: string; // a backup of vault B
  let foreignHeader: BackupHeader;

  beforeAll(async () => {
    [vault, other] = await Promise.all([createTestVault(target), createTestVault(target)]);
    root = dirname(vault.home);
    files = join(root, 'files');
    await mkdir(files);
    passwordFile = await writePasswordFile(join(root, 'password'), GOOD_PASSWORD);
    wrongPasswordFile = await writePasswordFile(join(root, 'wrong-password'), 'amber-lantern-quartz-47');
    good = join(files, 'good.bak');
    stale = join(files, 'stale.bak');
    foreign = join(files, 'other-vault.bak');
    const withPassword = ['--password-file', passwordFile, '--reminder', REMINDER];
    await Promise.all([
      (async () => {
        expectSuccess(await vault.tessera(['init']), 'init A');
        expectSuccess(await vault.tessera(['secret', 'backup', stale, ...withPassword]), 'backup A');
        expectSuccess(await vault.tessera(['secret', 'generate', '--backup', good, ...withPassword]), 'generate A');
      })(),
      (async () => {
        expectSuccess(await other.tessera(['init']), 'init B');
        expectSuccess(await other.tessera(['secret', 'backup', foreign, ...withPassword]), 'backup B');
      })(),
    ]);
    before = await secretStatus(vault);
    globalExpect(before.previousMsid).not.toBeNull();
    globalExpect(before.backupRequired).toBe(false);
    goodBytes = await readFile(good);
    goodHeader = readHeader(goodBytes);
    foreignHeader = readHeader(await readFile(foreign));
    globalExpect(goodHeader).toMatchObject({ vaultId: before.vaultId, currentMsid: before.currentMsid, reminder: REMINDER });
  });

  afterAll(async () => {
    await Promise.all([vault?.cleanup(), other?.cleanup()]);
  });

  /** Writes `bytes` as a new damaged file in the files directory. */
  async function damaged(name: string, bytes: Buffer | string): Promise<string> {
    const file = join(files, name);
    await writeFile(file, bytes);
    return file;
  }

  const fails = (expect: ExpectStatic, failure: Omit<ReadFailure, 'vault' | 'before' | 'passwordFile'> & Partial<ReadFailure>) =>
    expectRestoreAndVerifyFail(expect, { vault, before, passwordFile, ...failure });

  const useAnotherCopy = 'so it was changed after it was written. Use another copy of the backup';

  it('WRONG_PASSWORD: the reminder is shown before the password is asked, never in the message (stored and logged); verify emits 10779', async ({ expect }) => {
    const file = await damaged('wrong-password.bak', goodBytes);
    await fails(expect, {
      file,
      passwordFile: wrongPasswordFile,
      code: 'WRONG_PASSWORD',
      cause: `the password does not open ${file}: enter the password given when this backup was made`,
      verifyEvent: 10779,
      header: goodHeader,
    });
  });

  it('BACKUP_TRUNCATED: a file cut off at the end; verify emits 10564', async ({ expect }) => {
    const cut = goodBytes.subarray(0, goodBytes.length - 20);
    const file = await damaged('truncated.bak', cut);
    await fails(expect, {
      file,
      code: 'BACKUP_TRUNCATED',
      cause:
        `${file} is truncated: it has ${cut.length} bytes and should have at least ${goodBytes.length}. ` +
        'It was cut off while being written or copied: use another copy of the backup',
      verifyEvent: 10564,
      header: null,
    });
  });

  it('BACKUP_DAMAGED: a byte flipped in the header JSON', async ({ expect }) => {
    const file = await damaged('header-flipped.bak', flipByte(goodBytes, PREFIX_BYTES + Math.floor(headerLength(goodBytes) / 2)));
    await fails(expect, {
      file,
      code: 'BACKUP_DAMAGED',
      cause: `${file} is damaged: its header does not match its checksum, ${useAnotherCopy}`,
      verifyEvent: 10564,
      header: null,
    });
  });

  it('BACKUP_DAMAGED: a byte flipped in the checksum', async ({ expect }) => {
    const file = await damaged('checksum-flipped.bak', flipByte(goodBytes, PREFIX_BYTES + headerLength(goodBytes) + 7));
    await fails(expect, {
      file,
      code: 'BACKUP_DAMAGED',
      cause: `${file} is damaged: its header does not match its checksum, ${useAnotherCopy}`,
      verifyEvent: 10564,
      header: null,
    });
  });

  it('BACKUP_DAMAGED: a byte flipped in the ciphertext (found only after the right password)', async ({ expect }) => {
    const file = await damaged('ciphertext-flipped.bak', flipByte(goodBytes, PREFIX_BYTES + headerLength(goodBytes) + CHECKSUM_BYTES + 3));
    await fails(expect, {
      file,
      code: 'BACKUP_DAMAGED',
      cause: `${file} is damaged: its encrypted part fails authentication, ${useAnotherCopy}`,
      verifyEvent: 10564,
      header: goodHeader,
    });
  });

  it('BACKUP_NOT_A_BACKUP: a text file', async ({ expect }) => {
    const file = await damaged('notes.txt', 'Tessera backup password is in the safe.\nAsk Alice.\n');
    await fails(expect, {
      file,
      code: 'BACKUP_NOT_A_BACKUP',
      cause: `${file} is not a Tessera master secret backup (it does not start with "TSRBAK"): check that you chose the right file`,
      verifyEvent: 10564,
      header: null,
    });
  });

  it('BACKUP_UNSUPPORTED_VERSION: format version 2 in bytes 8-9', async ({ expect }) => {
    const bytes = Buffer.from(goodBytes);
    bytes.writeUInt16BE(2, 8);
    const file = await damaged('version-2.bak', bytes);
    await fails(expect, {
      file,
      code: 'BACKUP_UNSUPPORTED_VERSION',
      cause:
        `${file} is a backup in format version 2, and this Tessera reads version 1: ` +
        'restore it with the Tessera release that wrote it (or a newer one), or use another backup',
      verifyEvent: 10564,
      header: null,
    });
  });

  it('FOREIGN_VAULT: a backup of another vault; verify emits 10815', async ({ expect }) => {
    await fails(expect, {
      file: foreign,
      code: 'FOREIGN_VAULT',
      cause:
        `the backup belongs to vault ${foreignHeader.vaultId}, and this is vault ${before.vaultId}: choose a backup of this vault, ` +
        "or pass --force to replace this vault's master secrets with the other vault's (data encrypted here would become unreadable)",
      verifyCause: `the file decrypts, but it is a backup of vault ${foreignHeader.vaultId}, not of this vault ${before.vaultId}: keep it with that vault's records`,
      verifyEvent: 10815,
      header: foreignHeader,
    });
  });

  it('ENOENT: the backup file does not exist', async ({ expect }) => {
    const file = join(files, 'no-such-backup.bak');
    await fails(expect, {
      file,
      code: 'ENOENT',
      cause: `file ${file} does not exist: check the path and the file name`,
      verifyEvent: null,
      header: null,
    });
  });

  it.skipIf(!isRoot)('EACCES: a root-only backup file, restored and verified as nobody', async ({ expect }) => {
    const own = await createTestVault(target);
    try {
      const ownRoot = dirname(own.home);
      await chown(ownRoot, NOBODY.uid, NOBODY.gid);
      expectSuccess(await own.tessera(['init'], asNobody), 'init as nobody');
      const ownBefore = await secretStatus(own, asNobody);
      const file = join(ownRoot, 'root-only.bak');
      await copyFile(good, file);
      await chmod(file, 0o600);
      expect((await stat(file)).uid).toBe(0);
      await expectRestoreAndVerifyFail(expect, {
        vault: own,
        before: ownBefore,
        passwordFile,
        user: 'nobody',
        file,
        code: 'EACCES',
        cause: `permission denied: user nobody may not read ${file} (owner uid 0, mode 0600): grant that user read permission, or copy the file somewhere it can read`,
        verifyEvent: null,
        header: null,
      });
    } finally {
      await own.cleanup();
    }
  });

  it("with --force, a backup of another vault is accepted and replaces that vault's secrets", async ({ expect }) => {
    // Vault B takes vault A's keyring: the operator said so explicitly.
    const result = expectSuccess(await other.tessera(['secret', 'restore', good, '--password-file', passwordFile, '--force']), 'restore --force');
    expect(result.stdout).toBe(`Restored master secret ${before.currentMsid} into vault ${before.vaultId}.\n`);
    expect(result.stderr).toBe(infoLines(goodHeader));
    expect(await secretStatus(other)).toMatchObject({
      vaultId: before.vaultId,
      currentMsid: before.currentMsid,
      previousMsid: before.previousMsid,
      backupRequired: false,
    });
  });

  // Last: the successful verify records the stale file, so the baseline moves on afterwards.
  it('STALE_BACKUP: a backup made before the last generate is refused; verify says it lacks the current secret', async ({ expect }) => {
    const staleHeader = readHeader(await readFile(stale));
    expect(staleHeader.msids).toEqual([before.previousMsid]);
    const restore = await vault.tessera(['secret', 'restore', stale, '--password-file', passwordFile]);
    const message = expectRestoreFailure(expect, restore, {
      shown: infoLines(staleHeader),
      code: 'STALE_BACKUP',
      file: stale,
      cause:
        `the backup does not hold the vault's current master secret ${before.currentMsid} (it holds ${before.previousMsid}): ` +
        "restore a backup made after that secret was generated, or pass --force to make the backup's secret current " +
        '(the newer secrets are kept as previous)',
    });
    expect.soft(await secretStatus(vault), 'a refused restore changes nothing').toEqual(before);

    // verify proves the file decrypts and belongs to this vault: that holds, so it succeeds, but says plainly
    // that the file cannot bring back the current secret (and status keeps counting only covering backups).
    const verify = await vault.tessera(['secret', 'verify', stale, '--password-file', passwordFile]);
    expect.soft(outcome(verify)).toEqual({
      code: 0,
      stdout:
        `${stale} is a good backup of vault ${before.vaultId}: it decrypts and holds ${before.previousMsid}` +
        ' (but not the current master secret: make a new backup).\n',
      stderr: infoLines(staleHeader),
    });

    const events = await listEvents(vault);
    expect.soft(onlyEvent(expect, events, 10524, stale)?.params).toEqual({
      'File Name': stale,
      'Current MSID': before.currentMsid,
      'Previous MSID': before.previousMsid,
      'Client User': clientUser('root'),
      'Error Code': 'STALE_BACKUP',
    });
    expectSameText(expect, onlyEvent(expect, events, 10524, stale), message);

    const after = await secretStatus(vault);
    const { backups: backupsBefore, ...restBefore } = before;
    const { backups: backupsAfter, ...restAfter } = after;
    expect(restAfter).toEqual(restBefore);
    expect(backupsAfter.filter((b) => !backupsBefore.some((old) => old.file === b.file && old.kind === b.kind))).toEqual([
      expect.objectContaining({ file: stale, kind: 'verify', msids: [before.previousMsid], coversCurrent: false }),
    ]);
    before = after;
  });
}

function happyPathSuite(target: StoreTarget): void {
  let source: TestVault;
  let empty: TestVault;
  let passwordFile: string;
  let backup: string;
  let sourceStatus: StatusJson;

  beforeAll(async () => {
    [source, empty] = await Promise.all([createTestVault(target), createTestVault(target)]);
    const root = dirname(source.home);
    passwordFile = await writePasswordFile(join(root, 'password'), GOOD_PASSWORD);
    backup = join(root, 'source.bak');
    expectSuccess(await source.tessera(['init']), 'init');
    expectSuccess(await source.tessera(['secret', 'backup', backup, '--password-file', passwordFile, '--reminder', REMINDER]), 'backup');
    sourceStatus = await secretStatus(source);
  });

  afterAll(async () => {
    await Promise.all([source?.cleanup(), empty?.cleanup()]);
  });

  it('on an EMPTY home, creates the vault from the backup, showing the reminder before reading the password', async ({ expect }) => {
    expect(existsSync(empty.home)).toBe(false);
    const run = startTessera(empty, ['secret', 'restore', backup, '--password-file', '-']);
    await run.waitForStderr(`Password reminder: ${REMINDER}\n`);
    // The reminder is out and the process is still waiting for its password on standard input.
    expect(run.child.exitCode).toBeNull();
    expect(run.output().stdout).toBe('');
    run.child.stdin.end(`${GOOD_PASSWORD}\n`);
    const result = await run.done;

    const sealKey = join(empty.home, 'seal.key');
    expect(outcome(result)).toEqual({
      code: 0,
      stdout:
        `Restored master secret ${sourceStatus.currentMsid} into vault ${sourceStatus.vaultId} (new vault created).\n` +
        `A new seal key was created at ${sealKey}: copy it to every other node of this vault.\n`,
      stderr: infoLines(readHeader(await readFile(backup))),
    });
    expect((await stat(sealKey)).mode & 0o777).toBe(0o600);
    expect(await secretStatus(empty)).toMatchObject({
      vaultId: sourceStatus.vaultId,
      currentMsid: sourceStatus.currentMsid,
      previousMsid: sourceStatus.previousMsid,
      backupRequired: false,
    });
  });

  it('after seal.key was deleted, re-seals the existing vault and status works again', async ({ expect }) => {
    const sealKey = join(source.home, 'seal.key');
    await rm(sealKey);
    const broken = await source.tessera(['secret', 'status', '--json']);
    expect(broken.code).toBe(1);
    expect(broken.stderr).toMatch(/^error SEAL_KEY_MISSING: the seal key file .*seal\.key is missing/);

    const restore = expectSuccess(await source.tessera(['secret', 'restore', backup, '--password-file', passwordFile]), 'restore');
    expect(restore.stdout).toBe(
      `Restored master secret ${sourceStatus.currentMsid} into vault ${sourceStatus.vaultId}.\n` +
        `A new seal key was created at ${sealKey}: copy it to every other node of this vault.\n`,
    );
    expect((await stat(sealKey)).mode & 0o777).toBe(0o600);
    const after = await secretStatus(source);
    expect(after).toMatchObject({
      vaultId: sourceStatus.vaultId,
      currentMsid: sourceStatus.currentMsid,
      previousMsid: sourceStatus.previousMsid,
      current: sourceStatus.current,
      backupRequired: false,
    });
  });
}

function ssoconfigSuite(target: StoreTarget): void {
  let vault: TestVault;
  let root: string;
  let passwordFile: string;
  let before: StatusJson;

  beforeAll(async () => {
    vault = await createTestVault(target);
    root = dirname(vault.home);
    passwordFile = await writePasswordFile(join(root, 'password'), GOOD_PASSWORD);
    expectSuccess(await vault.tessera(['init']), 'init');
    before = await secretStatus(vault);
  });

  afterAll(async () => {
    await vault?.cleanup();
  });

  it('fails for a missing directory with the same message and 10560 as tessera secret backup', async ({ expect }) => {
    const file = join(root, 'missing', 'sso.bak');
    const message = `Failed to back up the master secret to ${file}: directory ${join(root, 'missing')} does not exist: create it or choose another path`;
    const result = await vault.ssoconfig(['-BackupSecret', file, '--password-file', passwordFile]);
    expect(outcome(result)).toEqual({ code: 1, stdout: '', stderr: `error ENOENT: ${message}\n` });
    const event = onlyEvent(expect, await listEvents(vault), 10560, file);
    expect(event?.message).toBe(message);
    expect(event?.params).toEqual({
      'File Name': file,
      'Current MSID': before.currentMsid,
      'Previous MSID': '',
      'Client User': clientUser('root'),
      'Error Code': 'ENOENT',
    });
    expect(existsSync(join(root, 'missing'))).toBe(false);
    expect(await secretStatus(vault)).toEqual(before);
  });

  it('backs up with the switch in capitals and the file verifies', async ({ expect }) => {
    const file = join(root, 'sso.bak');
    const result = expectSuccess(await vault.ssoconfig(['-BACKUPSECRET', file, '--password-file', passwordFile]), 'ssoconfig -BACKUPSECRET');
    expect(result.stdout).toBe(`Backed up master secret ${before.currentMsid} to ${file} (verified).\n`);
    expect((await readFile(file)).subarray(0, 8).toString('latin1')).toBe('TSRBAK\r\n');
    const after = await secretStatus(vault);
    expect(after).toMatchObject({ vaultId: before.vaultId, currentMsid: before.currentMsid, backupRequired: false });
    expect(after.backups).toEqual([expect.objectContaining({ file, kind: 'backup', coversCurrent: true })]);
  });
}

// The two stores run side by side (each spawn is CPU-bound, and vitest gives a 2-core machine one
// worker); within a store, the suites and their tests run one after another.
describe.concurrent.each(storeTargets)('$name', (target) => {
  describe.sequential('tessera secret restore and verify faults', () => faultSuite(target));
  describe.sequential('tessera secret restore happy paths', () => happyPathSuite(target));
  describe.sequential('ssoconfig -BACKUPSECRET', () => ssoconfigSuite(target));
});
