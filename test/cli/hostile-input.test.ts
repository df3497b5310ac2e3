/**
 * Input that must not fool the vault, through the real CLI as child processes: oversized files
 * and values refused before they are read whole (peak memory measured in the child), invalid
 * UTF-8 and hostile characters refused with the line, a look-alike --as refused; and, on both
 * stores, hostile values written straight into the database come out escaped.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestVault, storeTargets, type RunOptions, type TestVault } from '../support/cli.js';
import { repoRoot } from '../support/dist.js';
import { openRawSql } from '../support/raw-sql.js';
import { failure, mappingsXml, ok, PAYROLL_HOST_XML, writeBeside } from '../support/vault-cli.js';

const MiB = 1024 * 1024;

/** Runs `tessera ARGS` and reports its peak memory (KiB) besides its result. */
async function measured(vault: TestVault, args: string[], options: RunOptions = {}) {
  const report = join(dirname(vault.home), `rss-${Math.random().toString(36).slice(2)}`);
  const started = Date.now();
  const result = await vault.tessera(args, {
    ...options,
    env: { NODE_OPTIONS: `--import=${join(repoRoot, 'test/support/max-rss.mjs')}`, RSS_REPORT_FILE: report },
  });
  return { ...failure(result), seconds: (Date.now() - started) / 1000, rssMiB: Number(await readFile(report, 'utf8')) / 1024 };
}

const appWithDescription = (description: string) =>
  `<sso><application name="Big"><description>${description}</description><field ordinal="0" label="User"/></application></sso>\n`;

describe('input limits and hostile characters (sqlite)', () => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(storeTargets[0]!);
    ok(await vault.tessera(['init']), 'init');
    ok(await vault.tessera(['app', 'create', '--file', await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML)]), 'app create');
  });
  afterAll(() => vault?.cleanup());

  it('refuses a 50 MB description file from its size, quickly and in little memory (it cost 1.8 GB)', async ({ expect }) => {
    const file = await writeBeside(vault, 'big.xml', appWithDescription('x'.repeat(50 * MiB)));
    const fromFile = await measured(vault, ['app', 'create', '--file', file]);
    expect(fromFile.error).toBe(
      `error INPUT_TOO_LARGE: ${file} has ${50 * MiB + 110} bytes, and Tessera reads at most ${16 * MiB} bytes (16 MiB) from it: split the input into smaller files`,
    );
    expect(fromFile.code).toBe(1);
    expect(fromFile.rssMiB).toBeLessThan(150);
    expect(fromFile.seconds).toBeLessThan(10);

    // Standard input has no size to check first: reading stops just past the limit.
    const fromStdin = await measured(vault, ['app', 'create', '--file', '-'], { input: await readFile(file, 'utf8') });
    expect(fromStdin.error).toBe(
      `error INPUT_TOO_LARGE: standard input holds more than ${16 * MiB} bytes, and Tessera reads at most ${16 * MiB} bytes (16 MiB) from it: split the input into smaller files`,
    );
    expect(fromStdin.rssMiB).toBeLessThan(200);
  });

  it('refuses one huge value inside a file under the size limit before parsing it', async ({ expect }) => {
    const file = await writeBeside(vault, 'value.xml', appWithDescription('x'.repeat(10 * MiB)));
    const result = await measured(vault, ['app', 'create', '--file', file]);
    expect(result.error).toBe(
      `error XML_INVALID: ${file} line 1, column 30: ${10 * MiB + 13} characters follow here before the next "<", and no element or value of an ENTSSO file is longer than 65536: the file is not an ENTSSO file, or a value in it is far too long`,
    );
    expect(result.rssMiB).toBeLessThan(200);
    expect(result.seconds).toBeLessThan(10);
  });

  it('refuses a 5 MB account name, from a file or the command line, and stores nothing', async ({ expect }) => {
    const huge = await writeBeside(vault, 'huge-account.xml', mappingsXml([`CORP\\${'a'.repeat(5 * MiB)}`, 'PayrollHost', 'ext']));
    const refused = await measured(vault, ['mapping', 'create', '--file', huge]);
    expect(refused.error).toMatch(/^error XML_INVALID: .*huge-account.xml line 4, column 5: 5242895 characters follow here before the next "<"/);
    expect(refused.rssMiB).toBeLessThan(150);
    const long = await writeBeside(vault, 'long-account.xml', mappingsXml([`CORP\\${'a'.repeat(600)}`, 'PayrollHost', 'ext']));
    expect(failure(await vault.tessera(['mapping', 'create', '--file', long])).error).toBe(
      `error XML_INVALID: ${long} line 4: the account has 605 characters, and may have at most 512`,
    );
    // argv holds at most 128 KiB per argument on Linux: 100 KiB reaches the service's own check.
    expect(failure(await vault.tessera(['mapping', 'create', 'PayrollHost', `CORP\\${'a'.repeat(100 * 1024)}`, 'ext']))).toEqual({
      code: 1,
      error: 'error FIELD_TOO_LONG: the account name has 102405 characters and may have at most 512',
    });
    expect(ok(await vault.tessera(['mapping', 'list']), 'mapping list').stdout).toBe('No mappings.\n');
  });

  it('refuses invalid UTF-8 and characters that hide or act, naming the line and the code point', async ({ expect }) => {
    const latin1 = join(dirname(vault.home), 'latin1.xml');
    await writeFile(latin1, Buffer.concat([Buffer.from('<sso>\n  <application name="Caf'), Buffer.from([0xe9]), Buffer.from('"/>\n</sso>\n')]));
    expect(failure(await vault.tessera(['app', 'create', '--file', latin1])).error).toBe(
      `error TEXT_INVALID: ${latin1} is not valid UTF-8: the byte 0xE9 at offset 30 (line 2) does not start a UTF-8 character: save the file as UTF-8`,
    );
    const bidi = await writeBeside(vault, 'bidi.xml', PAYROLL_HOST_XML.replace('Mainframe payroll', 'Mainframe &#x202E;llorayp'));
    expect(failure(await vault.tessera(['app', 'create', '--file', bidi])).error).toBe(
      `error XML_INVALID: ${bidi} line 3: <description> has U+202E RIGHT-TO-LEFT OVERRIDE at character 11, which is not allowed: bidirectional controls reorder how the text around them is shown; remove it`,
    );
    expect(failure(await vault.tessera(['app', 'update', 'PayrollHost', '--description', 'a\u001b[2Jb']))).toEqual({
      code: 1,
      error:
        'error TEXT_INVALID: the description has U+001B ESCAPE at character 2, which is not allowed: control characters can move the cursor, clear the screen or forge lines where the text is shown; remove it',
    });
    expect(failure(await vault.tessera(['--as', 'CORP\\\u212aate', 'lookup', 'PayrollHost']))).toEqual({
      code: 2,
      error:
        'error INVALID_ARGUMENT: --as: the account name "CORP\\\u212aate" has U+212A KELVIN SIGN at character 6, which is not allowed: names must be in Unicode normalization form C, where it is written K (U+004B); type K instead',
    });
  });
});

/** Bytes a terminal acts on: C0 but the line feed, DEL, C1, and bidirectional and other formatting characters. */
// eslint-disable-next-line no-control-regex -- matching control characters is this pattern's purpose
const ACTIVE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\p{Cf}\u2028\u2029]/u;

describe.each(storeTargets)('stored values are shown escaped: $name', (target) => {
  let vault: TestVault;
  const description = 'clear\u001b[2J\u001b[Hscreen';
  const contact = '\u202eevil@example.org';
  const group = 'CORP\\x\u001b]0;pwned\u0007';
  const externalUser = 'ext\r\n(E) CORP\\admin  PayrollHost  forged';
  const message = 'looks fine\n2026-01-01T00:00:00.000Z  10535  info     FORGED_EVENT';

  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'init');
    ok(await vault.tessera(['app', 'create', '--file', await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML)]), 'app create');
    ok(await vault.tessera(['mapping', 'create', 'PayrollHost', 'CORP\\Payroll Users', 'ext']), 'mapping create');
    // Past every check of Tessera's: someone with SQL access, or a row an older version wrote.
    const config =
      target.name === 'sqlite'
        ? { kind: 'sqlite' as const, file: join(vault.home, 'tessera.db') }
        : { kind: 'postgres' as const, url: vault.env.TESSERA_DATABASE_URL!, schema: vault.env.TESSERA_DATABASE_SCHEMA! };
    const raw = await openRawSql(config);
    try {
      await raw.run('update applications set description = ?, contact = ?, user_accounts = ?', [description, contact, JSON.stringify([group])]);
      await raw.run('update mappings set external_user = ?', [externalUser]);
      await raw.run(
        "insert into events (id, symbol, severity, time, params, message) values (10535, 'SSO_AUDIT', 'info', '2026-01-01T00:00:00.000Z', '{}', ?)",
        [message],
      );
    } finally {
      await raw.close();
    }
  });
  afterAll(() => vault?.cleanup());

  it('in listings, details and events: no control character reaches the terminal, no line is forged', async ({ expect }) => {
    const show = ok(await vault.tessera(['app', 'show', 'PayrollHost']), 'app show').stdout;
    expect(show).not.toMatch(ACTIVE);
    expect(show).toContain('  Description:         clear\\x1b[2J\\x1b[Hscreen\n');
    expect(show).toContain('  Contact:             \\u202eevil@example.org\n');
    expect(show).toContain('  Application users:   CORP\\x\\x1b]0;pwned\\x07\n');
    for (const args of [['app', 'list'], ['mapping', 'list'], ['events'], ['global', 'show']]) {
      expect(ok(await vault.tessera(args), args.join(' ')).stdout, args.join(' ')).not.toMatch(ACTIVE);
    }
    const mappings = ok(await vault.tessera(['mapping', 'list']), 'mapping list').stdout;
    expect(mappings.split('\n')).toHaveLength(2);
    expect(mappings).toContain('ext\\x0d\\x0a(E) CORP\\admin  PayrollHost  forged');
    const events = ok(await vault.tessera(['events']), 'events').stdout;
    expect(events).toContain('    looks fine\\x0a2026-01-01T00:00:00.000Z  10535  info     FORGED_EVENT\n');
    expect(events.split('\n').filter((line) => line.includes('FORGED_EVENT'))).toHaveLength(1);
  });

  it('in error messages that quote a stored name', async ({ expect }) => {
    const result = await vault.tessera(['mapping', 'create', 'PayrollHost', 'CORP\\Payroll Users', 'other']);
    expect(result.stderr).toMatch(/^error MAPPING_EXISTS: /);
    expect(result.stderr.slice(0, -1)).not.toMatch(ACTIVE);
  });

  it('in JSON, as escapes that parse back to the stored values', async ({ expect }) => {
    const json = ok(await vault.tessera(['app', 'show', 'PayrollHost', '--json']), 'app show --json').stdout;
    expect(json).not.toMatch(ACTIVE);
    expect(json).toContain('"contact": "\\u202eevil@example.org"');
    const app = JSON.parse(json) as { description: string; contact: string; userAccounts: string[] };
    expect([app.description, app.contact, app.userAccounts]).toEqual([description, contact, [group]]);
    const events = JSON.parse(ok(await vault.tessera(['events', '--json']), 'events --json').stdout) as Array<{ message: string }>;
    expect(events.map((event) => event.message)).toContain(message);
  });
});
