/**
 * Switches pasted from Microsoft's pages (en dash, em dash, minus sign) on all three tools, with
 * one note on standard error that leaves --json output alone; ENTSSO's documented switches that
 * Tessera does not offer yet (exit 2, "-X is not supported yet: ..."); "did you mean" for a
 * mistyped switch. The parser in process, the bins as real child processes.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { dashNote, parseSwitches, plainDashes, type SwitchGrammar } from '../../src/cli/switches.js';
import { createTestVault, runBin, storeTargets, type TestVault } from '../support/cli.js';
import { ok, PAYROLL_HOST_XML, ssoclient, ssomanage, writeBeside } from '../support/vault-cli.js';

const grammar = {
  switches: { createapps: { args: 1 }, listapps: { args: 0, optional: 1 }, displaydb: { args: 0 }, server: { args: 1 } },
  options: { json: { names: ['json'], value: false }, server: { names: ['server'], value: true } },
  usage: 'USAGE',
  unsupported: { setssl: 'do this instead' },
} satisfies SwitchGrammar<string, string>;

describe('the switch parser and typographic dashes', () => {
  it('reads an en dash, an em dash or a minus sign as "-", and each of a run as one', () => {
    expect(plainDashes('\u2013createapps')).toEqual({ arg: '-createapps', dash: 'an en dash (U+2013)' });
    expect(plainDashes('\u2014json')).toEqual({ arg: '-json', dash: 'an em dash (U+2014)' });
    expect(plainDashes('\u2212listapps')).toEqual({ arg: '-listapps', dash: 'a minus sign (U+2212)' });
    expect(plainDashes('\u2013\u2013json')).toEqual({ arg: '--json', dash: 'an en dash (U+2013)' });
    expect(plainDashes('-createapps')).toEqual({ arg: '-createapps' });
    expect(dashNote('\u2013createapps', '-createapps', 'an en dash (U+2013)')).toBe(
      "note: \u2013createapps was typed with an en dash (U+2013), as on Microsoft's pages; read as -createapps",
    );
  });

  it('takes switches and options so typed, and never touches a value', () => {
    expect(parseSwitches(['\u2013CreateApps', '\u2013apps.xml', '\u2014\u2014json'], grammar)).toMatchObject({
      command: { name: 'createapps', spelt: '-CreateApps', args: ['\u2013apps.xml'] },
      flags: { json: true },
    });
    // An optional argument stops at an option typed with a dash, as at one typed with "-".
    expect(parseSwitches(['\u2013listapps', '\u2013json'], grammar)).toMatchObject({ command: { args: [] }, flags: { json: true } });
  });

  it('answers a documented switch not offered yet, and suggests the switch a typo meant', () => {
    expect(() => parseSwitches(['\u2013setSSL', 'yes'], grammar)).toThrow(
      expect.objectContaining({ code: 'INVALID_ARGUMENT', message: '-setSSL is not supported yet: do this instead' }),
    );
    expect(() => parseSwitches(['-lstapps'], grammar)).toThrow(
      expect.objectContaining({ message: 'unknown or unsupported switch -lstapps (did you mean -listapps?)\n\nUSAGE' }),
    );
    expect(() => parseSwitches(['-frobnicate'], grammar)).toThrow(expect.objectContaining({ message: 'unknown or unsupported switch -frobnicate\n\nUSAGE' }));
  });
});

/** The ENTSSO switches of each tool Tessera does not offer yet, and the start of the advice each gives. */
const NOT_SUPPORTED: Array<{ bin: 'ssoconfig' | 'ssomanage'; args: string[]; error: string }> = [
  {
    bin: 'ssoconfig',
    args: ['-setSSL', 'yes'],
    error:
      "error INVALID_ARGUMENT: -setSSL is not supported yet: the server's TLS is set by tls_cert_file and tls_key_file (tessera.toml or TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE, see docs/configuration.md); the database connection by its postgres:// URL (-setDB)",
  },
  {
    bin: 'ssoconfig',
    args: ['-remoteLookup', 'yes'],
    error:
      'error INVALID_ARGUMENT: -remoteLookup is not supported yet: every Tessera server answers lookups over its HTTPS API to callers whose token allows them (tessera serve, tessera token create); there is nothing to switch',
  },
  ...[
    ['-allowPS', 'PCNS', 'yes'],
    ['-syncAge', '24'],
    ['-replayFiles', '-default'],
  ].map((args) => ({
    bin: 'ssoconfig' as const,
    args,
    error: `error INVALID_ARGUMENT: ${args[0]} is not supported yet: Tessera has no password synchronization (PCNS, MIIS, adapters): set changed passwords with ssomanage -setcredentials`,
  })),
  {
    bin: 'ssomanage',
    args: ['-enable', 'hisso'],
    error:
      'error INVALID_ARGUMENT: -enable is not supported yet: Tessera has no system-wide hisso, winsync or extsync flag: host-initiated SSO is set per application (hostInitiatedSSO="yes" in its XML, ssomanage -updateapps), and there is no password sync',
  },
  {
    bin: 'ssomanage',
    args: ['-disable', 'winsync'],
    error:
      'error INVALID_ARGUMENT: -disable is not supported yet: Tessera has no system-wide hisso, winsync or extsync flag: host-initiated SSO is set per application (hostInitiatedSSO="no" in its XML, ssomanage -updateapps), and there is no password sync',
  },
  {
    bin: 'ssomanage',
    args: ['-setssl', 'no'],
    error:
      "error INVALID_ARGUMENT: -setssl is not supported yet: the server's TLS is set by tls_cert_file and tls_key_file (tessera.toml or TESSERA_TLS_CERT_FILE and TESSERA_TLS_KEY_FILE, see docs/configuration.md); the database connection by its postgres:// URL (ssoconfig -setDB)",
  },
];

describe('ENTSSO switches not supported yet', () => {
  it.each(NOT_SUPPORTED)('$bin $args.0 answers exit 2 with what to do instead, and is in the usage', async ({ bin, args, error }) => {
    const result = await runBin(`cli/${bin}.js`, args);
    expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 2, stderr: `${error}\n` });
    const usage = (await runBin(`cli/${bin}.js`, ['-help'])).stdout;
    expect(usage).toContain('Not supported yet');
    expect(usage.toLowerCase()).toMatch(new RegExp(`\\n  ${args[0]!.toLowerCase()}[ \\n]`));
  });

  it('also when pasted with an en dash', async () => {
    const result = await runBin('cli/ssomanage.js', ['\u2013enable', 'hisso']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n')).toEqual([
      "note: \u2013enable was typed with an en dash (U+2013), as on Microsoft's pages; read as -enable",
      expect.stringMatching(/^error INVALID_ARGUMENT: -enable is not supported yet: /) as string,
      '',
    ]);
  });

  it('ssoclient lists none: it offers every switch ENTSSO documents', async () => {
    expect((await runBin('cli/ssoclient.js', ['-help'])).stdout.replace(/\s+/g, ' ')).toContain('Every switch ENTSSO documents for ssoclient is offered.');
  });
});

describe.each(storeTargets)('switches pasted with typographic dashes on $name', (target) => {
  let vault: TestVault;
  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'tessera init');
  });
  afterAll(() => vault?.cleanup());

  it('ssomanage \u2013createapps and \u2013listapps \u2013json: one note on standard error, clean JSON on standard output', async () => {
    const file = await writeBeside(vault, 'payroll.xml', PAYROLL_HOST_XML);
    const created = ok(await ssomanage(vault, ['\u2013createapps', file]), '\u2013createapps');
    expect(created.stdout).toBe('Created application PayrollHost (D) disabled.\n');
    expect(created.stderr).toBe("note: \u2013createapps was typed with an en dash (U+2013), as on Microsoft's pages; read as -createapps\n");
    const listed = ok(await ssomanage(vault, ['\u2013listapps', '\u2014json']), '\u2013listapps \u2014json');
    expect(JSON.parse(listed.stdout)).toEqual([expect.objectContaining({ name: 'PayrollHost' })]);
    // Once per run, however many dashes.
    expect(listed.stderr).toBe("note: \u2013listapps was typed with an en dash (U+2013), as on Microsoft's pages; read as -listapps\n");
  });

  it('ssoclient \u2212listapps (a minus sign)', async () => {
    const listed = await ssoclient(vault, ['\u2212listapps']);
    expect(listed.code).toBe(0);
    expect(listed.stderr).toBe("note: \u2212listapps was typed with a minus sign (U+2212), as on Microsoft's pages; read as -listapps\n");
  });

  it('ssoconfig \u2014showdb \u2013json (an em dash)', async () => {
    const shown = await vault.ssoconfig(['\u2014showdb', '\u2013json']);
    expect(shown.code).toBe(0);
    expect(JSON.parse(shown.stdout)).toMatchObject({ kind: target.name });
    expect(shown.stderr).toBe("note: \u2014showdb was typed with an em dash (U+2014), as on Microsoft's pages; read as -showdb\n");
  });

  it('a mistyped switch with an en dash: the note, then the suggestion', async () => {
    const result = await ssomanage(vault, ['\u2013listap']);
    expect(result.code).toBe(2);
    expect(result.stderr.split('\n').slice(0, 2)).toEqual([
      "note: \u2013listap was typed with an en dash (U+2013), as on Microsoft's pages; read as -listap",
      'error INVALID_ARGUMENT: unknown or unsupported switch -listap (did you mean -listapps?)',
    ]);
  });

  it('ssomanage -showdb shows the database, as ssoconfig -showDB', async () => {
    const manage = ok(await ssomanage(vault, ['-showdb']), 'ssomanage -showdb');
    expect(manage.stdout).toMatch(/^Database: /);
    expect(manage.stdout).toBe(ok(await vault.ssoconfig(['-showDB']), 'ssoconfig -showDB').stdout);
  });
});
