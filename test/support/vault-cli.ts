/**
 * Helpers for the vault CLI suites: the ENTSSO-style bins (ssomanage, ssoclient) against a test
 * vault, `--as` arguments, XML files, and the reference sample PayrollHost.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type CliResult, type RunOptions, runBin, type TestVault } from './cli.js';

export type Bin = 'tessera' | 'ssomanage' | 'ssoclient' | 'ssoconfig';

/** Runs one of the compiled bins against `vault` as a real child process. */
export function bin(vault: TestVault, name: Bin, args: string[], options: RunOptions = {}): Promise<CliResult> {
  return runBin(`cli/${name}.js`, args, { ...options, env: { ...vault.env, ...options.env } });
}

export const ssomanage = (vault: TestVault, args: string[], options?: RunOptions) => bin(vault, 'ssomanage', args, options);
export const ssoclient = (vault: TestVault, args: string[], options?: RunOptions) => bin(vault, 'ssoclient', args, options);

/** `--as ACCOUNT --groups G1,G2`: the CLI acts as that principal, without local administrator rights. */
export const as = (account: string, ...groups: string[]): string[] => ['--as', account, ...(groups.length > 0 ? ['--groups', groups.join(',')] : [])];

/** The principals of the flows: the reference sample's groups, and someone in none of them. */
export const BOB = as('CORP\\bob', 'CORP\\Payroll Users');
export const CAROL = as('CORP\\carol', 'CORP\\Payroll Users');
export const DANA = as('CORP\\dana', 'CORP\\Payroll Admins');
export const EVE = as('CORP\\eve', 'CORP\\Marketing');

/** Writes `text` beside the vault's home and returns the absolute path. */
export async function writeBeside(vault: TestVault, name: string, text: string): Promise<string> {
  const path = join(dirname(vault.home), name);
  await writeFile(path, text, 'utf8');
  return path;
}

/** The sample of the ENTSSO reference ("XML formats"). */
export const PAYROLL_HOST_XML = `<sso>
  <application name="PayrollHost">
    <description>Mainframe payroll</description>
    <contact>ops@example.org</contact>
    <appUserAccount>CORP\\Payroll Users</appUserAccount>
    <appAdminAccount>CORP\\Payroll Admins</appAdminAccount>
    <field ordinal="0" label="Logon" masked="no"/>
    <field ordinal="1" label="Passphrase" masked="yes"/>
    <flags groupApp="no" allowTickets="yes" validateTickets="yes" enableApp="no"/>
  </application>
</sso>
`;

/** An ENTSSO mappings file: one `<mapping>` per [DOMAIN\user, application, external user]. */
export function mappingsXml(...mappings: Array<[account: string, application: string, externalUser: string]>): string {
  const body = mappings.map(([account, application, externalUser]) => {
    const [domain, user] = account.split('\\');
    return [
      '  <mapping>',
      `    <windowsDomain>${domain}</windowsDomain>`,
      `    <windowsUserId>${user}</windowsUserId>`,
      `    <externalApplication>${application}</externalApplication>`,
      `    <externalUserId>${externalUser}</externalUserId>`,
      '  </mapping>',
    ].join('\n');
  });
  return ['<sso>', ...body, '</sso>', ''].join('\n');
}

/** Fails the test with the bin's own words when a command that should work does not. */
export function ok(result: CliResult, what: string): CliResult {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}:\nstdout: ${result.stdout}\nstderr: ${result.stderr}`);
  return result;
}

/** What a failed command showed: exit code and the first line of standard error. */
export const failure = (result: CliResult) => ({ code: result.code, error: result.stderr.split('\n')[0] });
