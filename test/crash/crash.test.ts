/**
 * Crash tests: the CLI kills itself with SIGKILL (TESSERA_TEST_CRASH_AT) at every durable
 * step of `secret backup` (new file and --force), `secret generate --backup` and
 * `secret restore` (onto the vault, and onto an empty home), on SQLite and PostgreSQL.
 * After each crash: no partial target, old.bak untouched, the vault reads as before (or as
 * after, once past the commit point), and a normal retry succeeds. Where the crash left a
 * complete new target, the same command is refused (EEXIST, file untouched; checked at the
 * link step) and the retry adds --force. Temp files left beside the target are listed in the
 * crash matrix printed at the end; they must never be named like the target.
 *
 * Speed: each (store, operation) group reuses one vault across its steps, running them in
 * order; the groups run concurrently (each has its own home, database/schema and directory).
 */
import { copyFile, readFile } from 'node:fs/promises';
import { basename, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createTestVault, storeTargets } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { BOB, PAYROLL_HOST_XML, writeBeside } from '../support/vault-cli.js';
import {
  BACKUP_STEPS,
  type CrashRecord,
  FORCE_BACKUP_STEPS,
  GENERATE_STEPS,
  type KeyringJson,
  type KeyringView,
  RESTORE_STEPS,
  type RestoreJson,
  type StatusJson,
  type Workspace,
  atOrAfter,
  createWorkspace,
  describeResult,
  expectKilledAt,
  expectOk,
  formatMatrix,
  listDir,
  newTempFiles,
  parseJson,
  sizeOf,
  slug,
  viewOf,
  viewOfStatus,
} from './harness.js';

const records: CrashRecord[] = [];

afterAll(() => {
  console.log(`crash matrix (${records.length} crashes):\n${formatMatrix(records)}`);
});

const STEP_TIMEOUT = 60_000;

/** Sorted copy, for comparing MSID sets. */
const sorted = (values: string[]) => [...values].sort();

/** Retrying a command whose target a crash already committed: refused cleanly, then --force. */
async function expectRefusedExisting(ws: Workspace, args: string[], file: string): Promise<void> {
  const bytes = await readFile(file);
  const refused = await ws.run(args);
  expect(refused.code, describeResult(refused)).toBe(1);
  expect(refused.signal).toBeNull();
  expect(refused.stderr).toMatch(/^error EEXIST: .*already exists/m);
  expect((await readFile(file)).equals(bytes), `${file} changed by a refused retry`).toBe(true);
}

function backupSuites(target: StoreTarget): void {
  const store = target.name;

  for (const force of [false, true]) {
    const operation = force ? 'backup --force' : 'backup';
    const steps: readonly string[] = force ? FORCE_BACKUP_STEPS : BACKUP_STEPS;
    // Without --force the target appears at the link; with --force it is replaced by the rename.
    const commitStep = force ? 'backup:committed' : 'backup:linked';

    describe.concurrent(`${store}: ${operation}`, () => {
      let ws: Workspace;
      beforeAll(async () => {
        ws = await createWorkspace(target);
      });
      afterAll(async () => {
        await ws?.cleanup();
      });

      for (const step of steps) {
        it.sequential(`crash at ${step}`, { timeout: STEP_TIMEOUT }, async () => {
          const started = Date.now();
          const name = `${force ? 'replace' : 'new'}-${slug(step)}.bak`;
          const file = join(ws.dir, name);
          // --force replaces an earlier good backup (a copy of old.bak).
          if (force) await copyFile(ws.oldBak, file);
          const args = ['secret', 'backup', file, '--password-file', ws.passwordFile, '--json', ...(force ? ['--force'] : [])];
          const committed = atOrAfter(steps, step, commitStep);

          const before = await listDir(ws.dir);
          expectKilledAt(await ws.run(args, { crashAt: step }), step);
          const after = await listDir(ws.dir);
          const leftovers = newTempFiles(before, after, name);

          // The target: absent/unchanged before the commit point, a complete verified backup after.
          if (!committed) {
            if (force) {
              expect((await readFile(file)).equals(ws.oldBytes), `${name} is no longer the earlier backup`).toBe(true);
            } else {
              expect(await sizeOf(file), `${name} exists after a crash at ${step}`).toBeUndefined();
            }
          } else {
            // Same keyring, same layout: a complete file has exactly old.bak's size.
            expect(await sizeOf(file)).toBe(ws.oldBytes.length);
            if (force) expect((await readFile(file)).equals(ws.oldBytes), 'the new backup should replace the old one').toBe(false);
            expect(viewOf(await ws.verify(file))).toEqual(ws.oldView);
          }
          await ws.checkOldBackup();
          expect(viewOfStatus(await ws.status())).toEqual(ws.oldView);

          // A normal retry succeeds. A committed new file is there: the same command refuses to
          // replace it (checked once, at the link), and the retry says --force.
          let retryArgs = args;
          if (committed && !force) {
            if (step === commitStep) await expectRefusedExisting(ws, args, file);
            retryArgs = [...args, '--force'];
          }
          const beforeRetry = await listDir(ws.dir);
          const retried = parseJson<KeyringJson>(await ws.run(retryArgs));
          expect(retried.file).toBe(file);
          expect(viewOf(retried)).toEqual(ws.oldView);
          expect(await sizeOf(file)).toBe(ws.oldBytes.length);
          expect(newTempFiles(beforeRetry, await listDir(ws.dir), name), 'a successful retry left temp files').toEqual([]);
          await ws.checkOldBackup();

          records.push({
            store,
            operation,
            step,
            outcome: committed ? 'target complete+verifies' : force ? 'target = old bytes' : 'no target',
            leftovers,
            ms: Date.now() - started,
          });
        });
      }

      if (force) {
        it.sequential('backup:linked is not on the --force path (the run completes)', { timeout: STEP_TIMEOUT }, async () => {
          const file = join(ws.dir, 'replace-linked.bak');
          await copyFile(ws.oldBak, file);
          const result = await ws.run(['secret', 'backup', file, '--password-file', ws.passwordFile, '--json', '--force'], {
            crashAt: 'backup:linked',
          });
          expect(viewOf(parseJson<KeyringJson>(result))).toEqual(ws.oldView);
          expect((await readFile(file)).equals(ws.oldBytes)).toBe(false);
        });
      }
    });
  }
}

/** An application with a credential, so a generate has a data key to re-wrap. */
async function addCredential(ws: Workspace): Promise<void> {
  const apps = await writeBeside(ws.vault, 'payroll.xml', PAYROLL_HOST_XML);
  for (const args of [
    ['app', 'create', '--file', apps],
    ['app', 'enable', 'PayrollHost'],
    ['mapping', 'create', 'PayrollHost', 'CORP\\bob', 'BOB01'],
  ]) {
    expectOk(await ws.run(args));
  }
  expectOk(await ws.run(['credentials', 'set', 'PayrollHost', 'CORP\\bob', '--stdin'], { input: 'bob-passphrase\n' }));
  await expectCredentialOpens(ws);
}

async function expectCredentialOpens(ws: Workspace): Promise<void> {
  const found = parseJson<{ fields: Array<{ value?: string }> }>(await ws.run(['lookup', 'PayrollHost', '--show-secrets', '--json', ...BOB]));
  expect(found.fields[0]?.value).toBe('bob-passphrase');
}

function generateSuite(target: StoreTarget): void {
  const store = target.name;

  describe.concurrent(`${store}: generate --backup`, () => {
    let ws: Workspace;
    /** The vault's keyring after the last step that passed; unset after a failure (then read it). */
    let state: KeyringView | undefined;
    beforeAll(async () => {
      ws = await createWorkspace(target);
      state = ws.oldView;
      await addCredential(ws);
    });
    afterAll(async () => {
      await ws?.cleanup();
    });

    for (const step of GENERATE_STEPS) {
      it.sequential(`crash at ${step}`, { timeout: STEP_TIMEOUT }, async () => {
        const started = Date.now();
        const name = `gen-${slug(step)}.bak`;
        const file = join(ws.dir, name);
        const args = ['secret', 'generate', '--backup', file, '--password-file', ws.passwordFile, '--json'];
        const fileCommitted = atOrAfter(GENERATE_STEPS, step, 'backup:linked');
        const keyringCommitted = atOrAfter(GENERATE_STEPS, step, 'generate:committed');
        // A failed earlier step may have left the vault elsewhere: then start from what it holds now.
        const start = state ?? viewOfStatus(await ws.status());
        state = undefined;

        const before = await listDir(ws.dir);
        expectKilledAt(await ws.run(args, { crashAt: step }), step);
        const leftovers = newTempFiles(before, await listDir(ws.dir), name);

        let expected = start;
        if (!fileCommitted) {
          expect(await sizeOf(file), `${name} exists after a crash at ${step}`).toBeUndefined();
        } else {
          // The new keyring: a new current secret, and the one it replaced as previous.
          const written = viewOf(await ws.verify(file));
          expect(written.vaultId).toBe(start.vaultId);
          expect(written.msids.slice(1)).toEqual(start.msids.slice(0, 1));
          expect(start.msids).not.toContain(written.msids[0]);
          if (keyringCommitted) expected = written;
        }
        await ws.checkOldBackup();
        const now = viewOfStatus(await ws.status());
        // Before generate:committed the new secret must not be current; after it, it must be.
        expect(now, keyringCommitted ? 'the generated secret should be current' : 'the vault changed').toEqual(expected);
        // Before the commit the data key is as it was; after it, re-wrapped: either way it opens.
        await expectCredentialOpens(ws);

        let retryArgs = args;
        if (fileCommitted) {
          if (step === 'backup:linked') await expectRefusedExisting(ws, args, file);
          retryArgs = [...args, '--force'];
        }
        const beforeRetry = await listDir(ws.dir);
        const retried = viewOf(parseJson<KeyringJson>(await ws.run(retryArgs)));
        expect(retried.vaultId).toBe(now.vaultId);
        expect(retried.msids.slice(1)).toEqual(now.msids.slice(0, 1));
        expect(newTempFiles(beforeRetry, await listDir(ws.dir), name), 'a successful retry left temp files').toEqual([]);
        state = retried;
        await ws.checkOldBackup();
        await expectCredentialOpens(ws);

        records.push({
          store,
          operation: 'generate',
          step,
          outcome: keyringCommitted ? 'new MSID current' : fileCommitted ? 'file verifies, MSID unchanged' : 'no target, MSID unchanged',
          leftovers,
          ms: Date.now() - started,
        });
      });
    }
  });
}

function restoreOntoVaultSuite(target: StoreTarget): void {
  const store = target.name;

  describe.concurrent(`${store}: restore --force onto the vault`, () => {
    let ws: Workspace;
    beforeAll(async () => {
      ws = await createWorkspace(target);
    });
    afterAll(async () => {
      await ws?.cleanup();
    });

    for (const step of RESTORE_STEPS) {
      it.sequential(`crash at ${step}`, { timeout: STEP_TIMEOUT }, async () => {
        const started = Date.now();
        // Move the vault on (a new current secret), so restoring old.bak visibly changes it.
        const generated = parseJson<KeyringJson>(
          await ws.run(['secret', 'generate', '--backup', join(ws.dir, `pre-${slug(step)}.bak`), '--password-file', ws.passwordFile, '--json']),
        );
        const before = viewOf(generated);
        expect(before.msids[0]).not.toBe(ws.oldView.msids[0]);
        const args = ['secret', 'restore', ws.oldBak, '--force', '--password-file', ws.passwordFile, '--json'];
        const committed = atOrAfter(RESTORE_STEPS, step, 'restore:committed');
        // The restored keyring: old.bak's current secret is current; nothing the vault held is lost.
        const restoredSet = sorted([...new Set([...ws.oldView.msids, ...before.msids])]);

        expectKilledAt(await ws.run(args, { crashAt: step }), step);
        await ws.checkOldBackup();
        const now = viewOfStatus(await ws.status());
        if (!committed) {
          expect(now, 'the vault changed').toEqual(before);
        } else {
          expect(now.vaultId).toBe(before.vaultId);
          expect(now.msids[0], "old.bak's secret should be current").toBe(ws.oldView.msids[0]);
          expect(sorted(now.msids)).toEqual(restoredSet);
        }

        const retried = parseJson<RestoreJson>(await ws.run(args));
        expect(retried.createdVault).toBe(false);
        expect(retried.newSealKey).toBe(false);
        const after = viewOf(retried);
        expect(after.vaultId).toBe(before.vaultId);
        expect(after.msids[0]).toBe(ws.oldView.msids[0]);
        expect(sorted(after.msids)).toEqual(restoredSet);
        await ws.checkOldBackup();

        records.push({
          store,
          operation: 'restore --force (vault)',
          step,
          outcome: committed ? "old.bak's MSID current" : 'vault unchanged',
          leftovers: null,
          ms: Date.now() - started,
        });
      });
    }
  });
}

function restoreOntoEmptyHomeSuite(target: StoreTarget): void {
  const store = target.name;

  describe.concurrent(`${store}: restore onto an empty home`, () => {
    let source: Workspace;
    beforeAll(async () => {
      source = await createWorkspace(target);
    });
    afterAll(async () => {
      await source?.cleanup();
    });

    for (const step of RESTORE_STEPS) {
      it.sequential(`crash at ${step}`, { timeout: STEP_TIMEOUT }, async () => {
        const started = Date.now();
        const empty = await createTestVault(target);
        try {
          const args = ['secret', 'restore', source.oldBak, '--password-file', source.passwordFile, '--json'];
          const committed = atOrAfter(RESTORE_STEPS, step, 'restore:committed');
          const crash = (crashAt: string) => empty.tessera(args, { env: { TESSERA_TEST_CRASH_AT: crashAt } });
          const status = () => empty.tessera(['secret', 'status', '--json']);

          expectKilledAt(await crash(step), step);
          await source.checkOldBackup();
          const afterCrash = await status();
          if (!committed) {
            // No vault exists: status says so plainly.
            expect(afterCrash.code, describeResult(afterCrash)).toBe(1);
            expect(afterCrash.stderr).toMatch(/^error NO_VAULT: /m);
          } else {
            expect(viewOfStatus(parseJson<StatusJson>(afterCrash))).toEqual(source.oldView);
          }

          const retried = parseJson<RestoreJson>(await empty.tessera(args));
          expect(retried.createdVault).toBe(!committed);
          expect(viewOf(retried)).toEqual(source.oldView);
          // The crashed run left a seal key and no vault: the retried vault must open with that key.
          if (step === 'restore:sealed') expect(viewOfStatus(parseJson<StatusJson>(await status()))).toEqual(source.oldView);
          await source.checkOldBackup();

          records.push({
            store,
            operation: 'restore (empty home)',
            step,
            outcome: committed ? 'vault restored' : 'no vault',
            leftovers: null,
            ms: Date.now() - started,
          });
        } finally {
          await empty.cleanup();
        }
      });
    }
  });
}

/**
 * File writing does not depend on the store: one test, on the first target, checks sizes at
 * every step while the bytes are being written, synced and checked, with and without --force.
 */
function partialFileSuite(): void {
  describe.concurrent('the target is never a partial file', () => {
    const target = storeTargets[0]!;
    let ws: Workspace;
    beforeAll(async () => {
      ws = await createWorkspace(target);
    });
    afterAll(async () => {
      await ws?.cleanup();
    });

    const writing = ['backup:temp-created', 'backup:temp-written', 'backup:temp-synced', 'backup:verified'];
    it('a crash while writing leaves the target absent or complete, never partial', { timeout: STEP_TIMEOUT }, async () => {
      const full = ws.oldBytes.length;
      expect(full).toBeGreaterThan(0);
      for (const force of [false, true]) {
        for (const step of writing) {
          const name = `size-${force ? 'replace' : 'new'}-${slug(step)}.bak`;
          const file = join(ws.dir, name);
          if (force) await copyFile(ws.oldBak, file);
          const before = await listDir(ws.dir);
          expectKilledAt(await ws.run(['secret', 'backup', file, '--password-file', ws.passwordFile, ...(force ? ['--force'] : [])], { crashAt: step }), step);
          const size = await sizeOf(file);
          // Never a partial or an empty target: absent, or the complete earlier file.
          expect(size, `${name}: ${String(size)} bytes after a crash at ${step}`).toBe(force ? full : undefined);
          if (force) expect((await readFile(file)).equals(ws.oldBytes)).toBe(true);
          // Only the run's one temp file may be incomplete; it is reported in the matrix, not judged.
          const temps = newTempFiles(before, await listDir(ws.dir), name);
          expect(temps.length).toBeLessThanOrEqual(1);
          for (const [temp, tempSize] of temps) {
            expect(basename(temp)).not.toBe(name);
            expect(tempSize).toBeLessThanOrEqual(full);
          }
          await ws.checkOldBackup();
          records.push({
            store: target.name,
            operation: `sizes${force ? ' --force' : ''}`,
            step,
            outcome: `target ${size === undefined ? 'absent' : `${size} B`}`,
            leftovers: temps,
            ms: 0,
          });
        }
      }
    });
  });
}

// The longest chains first: vitest starts concurrent suites in this order (at most 5 at once).
for (const target of storeTargets) generateSuite(target);
for (const target of storeTargets) backupSuites(target);
for (const target of storeTargets) restoreOntoVaultSuite(target);
partialFileSuite();
for (const target of storeTargets) restoreOntoEmptyHomeSuite(target);
