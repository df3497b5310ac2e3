/**
 * Rotation, tampering and the backup reminder through the real `tessera` binary, on both stores:
 * four `secret generate` processes at once, stored envelopes altered with raw SQL, and restore /
 * verify with a wrong password.
 */
import { execFileSync } from 'node:child_process';
import { closeSync, constants, openSync, writeSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ShownCredentials } from '../../src/cli/render.js';
import type { StoreConfig } from '../../src/store/index.js';
import { type CliResult, type TestVault, createTestVault, storeTargets } from '../support/cli.js';
import { rawSql } from '../support/raw-sql.js';
import { GOOD_PASSWORD, expectSuccess, listEvents, secretStatus, writePasswordFile } from '../support/secret-cli.js';
import { BOB, PAYROLL_HOST_XML, writeBeside } from '../support/vault-cli.js';

const REMINDER = 'the blue notebook, page 12';

function storeConfig(vault: TestVault): StoreConfig {
  return vault.env.TESSERA_DATABASE_URL
    ? { kind: 'postgres', url: vault.env.TESSERA_DATABASE_URL, schema: vault.env.TESSERA_DATABASE_SCHEMA! }
    : { kind: 'sqlite', file: join(vault.home, 'tessera.db') };
}

/** Opens a named pipe for writing once a reader has opened it (ENXIO until then). */
async function openWhenRead(pipe: string): Promise<number> {
  for (const started = Date.now(); Date.now() - started < 60_000; await new Promise((resolve) => setTimeout(resolve, 20))) {
    try {
      return openSync(pipe, constants.O_WRONLY | constants.O_NONBLOCK);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENXIO') throw error;
    }
  }
  throw new Error(`nobody opened ${pipe} for reading`);
}

/** The first line of stderr and the exit code: what a person at the terminal sees of a failure. */
const failure = (result: CliResult) => ({ code: result.code, error: result.stderr.trim().split('\n').at(-1) });

describe.each(storeTargets)('rotation through the CLI on $name', (target) => {
  let vault: TestVault;
  let root: string;
  let password: string;
  const lookup = () => vault.tessera(['lookup', 'PayrollHost', '--show-secrets', '--json', ...BOB]);

  beforeAll(async () => {
    vault = await createTestVault(target);
    root = dirname(vault.home);
    password = await writePasswordFile(join(root, 'password'), GOOD_PASSWORD);
    expectSuccess(await vault.tessera(['init']), 'init');
    const apps = await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML);
    expectSuccess(await vault.tessera(['app', 'create', '--file', apps]), 'app create');
    expectSuccess(await vault.tessera(['app', 'enable', 'PayrollHost']), 'app enable');
    expectSuccess(await vault.tessera(['mapping', 'create', 'PayrollHost', 'CORP\\bob', 'BOB01']), 'mapping create');
    expectSuccess(await vault.tessera(['credentials', 'set', 'PayrollHost', 'CORP\\bob', '--stdin'], { input: 'bob-passphrase\n' }), 'credentials set');
  }, 120_000);
  afterAll(() => vault?.cleanup());

  const passphrase = async () => (JSON.parse(expectSuccess(await lookup(), 'lookup').stdout) as ShownCredentials).fields[0]!.value;

  it('four generates at once: one wins, the others fail with KEYRING_CHANGED naming the winner, and 10526 says so', { timeout: 120_000 }, async () => {
    const before = await secretStatus(vault);
    const seen = (await listEvents(vault)).length;
    // Each process reads its password from a named pipe, which it opens only after reading the
    // keyring: once all four wait on their pipe, all four hold the same keyring and race to commit.
    const pipes = [1, 2, 3, 4].map((n) => join(root, `race-${n}.password`));
    for (const pipe of pipes) execFileSync('mkfifo', [pipe]);
    const running = pipes.map((pipe, n) =>
      vault.tessera(['secret', 'generate', '--backup', join(root, `race-${n + 1}.bak`), '--password-file', pipe, '--json']),
    );
    const writers = await Promise.all(pipes.map(openWhenRead));
    for (const fd of writers) {
      writeSync(fd, `${GOOD_PASSWORD}\n`);
      closeSync(fd);
    }
    const results = await Promise.all(running);
    const won = results.filter((result) => result.code === 0).map((result) => JSON.parse(result.stdout) as { currentMsid: string; previousMsid: string });
    const lost = results.filter((result) => result.code !== 0);
    expect(won, results.map((r) => r.stderr).join('\n')).toHaveLength(1);
    const winner = won[0]!.currentMsid;
    expect(won[0]!.previousMsid).toBe(before.currentMsid);
    for (const result of lost) {
      expect(failure(result)).toEqual({ code: 1, error: expect.stringMatching(/^error KEYRING_CHANGED: /) as string });
      expect(result.stderr).toContain(`master secret ${winner} became current while this generate ran`);
    }
    expect((await secretStatus(vault)).currentMsid).toBe(winner);

    const events = (await listEvents(vault)).slice(seen);
    const failed = events.filter((event) => event.id === 10526);
    expect(failed).toHaveLength(3);
    for (const event of failed) {
      expect(event.params['Error Code']).toBe('KEYRING_CHANGED');
      expect(event.message).toContain(
        `master secret ${winner} is current, made so by another writer while this generate ran (it started from ${before.currentMsid})`,
      );
    }
    const generated = events.filter((event) => event.id === 10525);
    expect(generated.map((event) => event.params.MSID)).toEqual([winner]);

    expect(await passphrase()).toBe('bob-passphrase');
    expectSuccess(
      await vault.tessera(['secret', 'generate', '--backup', join(root, 'after-race.bak'), '--password-file', password]),
      'generate after the race',
    );
    expect(await passphrase()).toBe('bob-passphrase');
  });

  it('a credential whose envelope names another data key version is DECRYPTION_FAILED, exit 1, not INTERNAL', { timeout: 60_000 }, async () => {
    const config = storeConfig(vault);
    const [row] = await rawSql(config, 'select mapping_id, ordinal, ciphertext from credentials');
    const original = Buffer.from(row!.ciphertext as Uint8Array);
    expect(original.subarray(2, 6).toString('ascii')).toBe('dk:1');
    try {
      for (const id of ['dk:2', 'dk:0', 'dk:9', 'dk:-', 'xx:1']) {
        const tampered = Buffer.from(original);
        tampered.write(id, 2, 'ascii');
        await rawSql(config, 'update credentials set ciphertext = ? where mapping_id = ? and ordinal = ?', [tampered, row!.mapping_id, row!.ordinal]);
        expect(failure(await lookup()), id).toEqual({ code: 1, error: expect.stringMatching(/^error DECRYPTION_FAILED: /) as string });
      }
    } finally {
      await rawSql(config, 'update credentials set ciphertext = ? where mapping_id = ? and ordinal = ?', [original, row!.mapping_id, row!.ordinal]);
    }
    expect(await passphrase()).toBe('bob-passphrase');
  });

  it('a data key whose envelope names another master secret is DECRYPTION_FAILED for lookup and generate', { timeout: 60_000 }, async () => {
    const config = storeConfig(vault);
    const [row] = await rawSql(config, 'select application_id, version, msid, wrapped from data_keys');
    const original = Buffer.from(row!.wrapped as Uint8Array);
    const { previousMsid } = await secretStatus(vault);
    try {
      // One character of the MSID in the header changed; then the header naming the previous secret outright.
      const flipped = Buffer.from(original);
      flipped[2] = flipped[2] === 0x61 ? 0x62 : 0x61;
      const renamed = Buffer.from(original);
      renamed.write(previousMsid!, 2, 'ascii');
      for (const [name, tampered] of [
        ['flipped', flipped],
        ['renamed', renamed],
      ] as const) {
        await rawSql(config, 'update data_keys set wrapped = ? where application_id = ?', [tampered, row!.application_id]);
        expect(failure(await lookup()), name).toEqual({ code: 1, error: expect.stringMatching(/^error DECRYPTION_FAILED: /) as string });
        const generate = await vault.tessera(['secret', 'generate', '--backup', join(root, `tampered-${name}.bak`), '--password-file', password]);
        expect(failure(generate), name).toEqual({ code: 1, error: expect.stringMatching(/^error DECRYPTION_FAILED: /) as string });
      }
      // The msid column changed too, so row and header agree on the previous secret: still the one error.
      await rawSql(config, 'update data_keys set msid = ? where application_id = ?', [previousMsid, row!.application_id]);
      expect(failure(await lookup())).toEqual({ code: 1, error: expect.stringMatching(/^error DECRYPTION_FAILED: /) as string });
    } finally {
      await rawSql(config, 'update data_keys set wrapped = ?, msid = ? where application_id = ?', [original, row!.msid, row!.application_id]);
    }
    expect(await passphrase()).toBe('bob-passphrase');
  });

  it('a wrong password on restore and verify shows the reminder at the terminal only, never in the events or the log', { timeout: 60_000 }, async () => {
    const file = join(root, 'reminded.bak');
    expectSuccess(await vault.tessera(['secret', 'backup', file, '--password-file', password, '--reminder', REMINDER]), 'backup with a reminder');
    const wrong = await writePasswordFile(join(root, 'wrong-password'), 'amber-falcon-river-42');
    const restore = await vault.tessera(['secret', 'restore', file, '--password-file', wrong]);
    const verify = await vault.tessera(['secret', 'verify', file, '--password-file', wrong]);
    for (const result of [restore, verify]) {
      expect(failure(result)).toEqual({ code: 1, error: expect.stringMatching(/^error WRONG_PASSWORD: /) as string });
      expect(result.stderr).toContain(`Password reminder: ${REMINDER}`);
    }

    const events = await listEvents(vault);
    expect(events.filter((event) => event.params['Error Code'] === 'WRONG_PASSWORD' || event.id === 10779).length).toBeGreaterThanOrEqual(2);
    expect(JSON.stringify(events)).not.toContain(REMINDER);
    const log = await readFile(join(vault.home, 'tessera.log'), 'utf8');
    expect(log).toContain('WRONG_PASSWORD');
    expect(log).not.toContain(REMINDER);
  });
});
