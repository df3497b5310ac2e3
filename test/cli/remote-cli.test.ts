/**
 * The command-line tools as clients of a Tessera server (issue 7), as real child processes on
 * both stores: every command is run once through the server (TESSERA_ADDR, --server or the
 * -server setting, with a bearer token) and once locally against the SAME vault (the server's
 * store and seal key, acting as the same principal with --as), and the two must print the
 * same output and exit with the same code. A mutation is undone between the two runs, so both
 * meet the same state; only ids and times that must differ are normalised. Then what only a
 * client meets: a wrong or missing token, an unreachable server, an answer that is not
 * Tessera's, --as with a server, a token file others may read, and -server/-serverall/-showserver.
 */
import { execFileSync } from 'node:child_process';
import { createServer } from 'node:http';
import { chmod, mkdir, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import type { Principal } from '../../src/service/index.js';
import { type CliResult, FAST_KDF, type RunOptions, runBin, storeTargets } from '../support/cli.js';
import type { StoreTarget } from '../support/databases.js';
import { SSO_ADMINS, startTestServer, type TestServer } from '../support/server.js';
import { type Bin, mappingsXml, PAYROLL_HOST_XML } from '../support/vault-cli.js';

type Who = 'admin' | 'bob' | 'dana' | 'eve';

const PRINCIPALS: Record<Who, Principal> = {
  admin: { name: 'CORP\\root', groups: [SSO_ADMINS] },
  bob: { name: 'CORP\\bob', groups: ['CORP\\Payroll Users'] },
  dana: { name: 'CORP\\dana', groups: ['CORP\\Payroll Admins'] },
  eve: { name: 'CORP\\eve', groups: ['CORP\\Marketing'] },
};
const asArgs = (who: Who) => ['--as', PRINCIPALS[who].name, '--groups', PRINCIPALS[who].groups!.join(',')];

const CONFIG_APP_XML = `<sso>
  <application name="AdapterSettings">
    <appUserAccount>CORP\\BizTalk Hosts</appUserAccount>
    <appAdminAccount>CORP\\BizTalk Admins</appAdminAccount>
    <field ordinal="0" label="Endpoint"/>
    <field ordinal="1" label="ApiKey" masked="yes"/>
    <flags configStoreApp="yes" enableApp="yes"/>
  </application>
</sso>
`;

const PASSWORD = 'violet tractor evening lantern';
const ID = /[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi;
const TIME = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z/g;
const TICKET = /T1\.[A-Za-z0-9_-]+/g;

/** Only what must differ between two runs: generated ids, times, tickets. */
const normalised = (text: string) => text.replace(ID, '<id>').replace(TIME, '<time>').replace(TICKET, '<ticket>');
const shape = (result: CliResult, normalise: boolean) => {
  const clean = normalise ? normalised : (text: string) => text;
  return { code: result.code, stdout: clean(result.stdout), stderr: clean(result.stderr) };
};

function remoteCommands(target: StoreTarget): void {
  let server: TestServer;
  let root: string;
  let clientHome: string;
  let localEnv: Record<string, string>;
  const tokens = {} as Record<Who, string>;

  beforeAll(async () => {
    server = await startTestServer(target);
    // The CLI children read the wall clock; the server's must agree with them (ticket expiry, purges).
    server.harness.clock.now = new Date();
    root = await mkdtemp(join(tmpdir(), `tessera-remote-${target.name}-`));
    clientHome = join(root, 'client-home');
    await mkdir(clientHome, { mode: 0o700 });
    // The local CLI opens the server's own vault: its store and its seal key.
    const database = server.harness.config;
    localEnv = {
      TESSERA_SEAL_KEY_FILE: server.harness.sealKeyFile,
      TESSERA_LOG_FILE: join(root, 'local-log', 'tessera.log'),
      TESSERA_BACKUP_KDF: FAST_KDF,
      ...(database.kind === 'sqlite'
        ? { TESSERA_HOME: dirname(database.file) }
        : {
            TESSERA_HOME: join(root, 'local-home'),
            TESSERA_DATABASE_URL: database.url,
            ...(database.schema ? { TESSERA_DATABASE_SCHEMA: database.schema } : {}),
          }),
    };
    for (const who of Object.keys(PRINCIPALS) as Who[]) tokens[who] = await server.bearer(PRINCIPALS[who]);
  });
  afterAll(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  /** `who` undefined: the local run acts as the local administrator (secret, events), the remote one as the SSO administrator. */
  const local = (bin: Bin, who: Who | undefined, args: string[], options: RunOptions = {}) =>
    runBin(`cli/${bin}.js`, [...args, ...(who ? asArgs(who) : [])], { ...options, env: { ...localEnv, ...options.env } });
  const remote = (bin: Bin, who: Who | undefined, args: string[], options: RunOptions = {}) =>
    runBin(`cli/${bin}.js`, args, {
      ...options,
      env: { TESSERA_HOME: clientHome, TESSERA_ADDR: server.url, TESSERA_TOKEN: tokens[who ?? 'admin'], ...options.env },
    });

  /** Runs the command through the server, then (after `undo`, run locally) on the vault itself: the same output and exit code. */
  async function same(
    expect: import('vitest').ExpectStatic,
    bin: Bin,
    who: Who | undefined,
    args: string[],
    options: RunOptions & { undo?: () => Promise<unknown>; normalise?: boolean } = {},
  ): Promise<CliResult> {
    const through = await remote(bin, who, args, options);
    await options.undo?.();
    const here = await local(bin, who, args, options);
    expect(shape(through, options.normalise ?? false), `${bin} ${args.join(' ')} through the server vs locally`).toEqual(
      shape(here, options.normalise ?? false),
    );
    return through;
  }

  const file = async (name: string, text: string) => {
    const path = join(root, name);
    await writeFile(path, text, 'utf8');
    return path;
  };
  const okLocal = async (bin: Bin, args: string[], options: RunOptions = {}) => {
    const result = await local(bin, 'admin', args, options);
    if (result.code !== 0) throw new Error(`${bin} ${args.join(' ')} exited ${result.code}: ${result.stderr}`);
  };

  it('creates applications and mappings and sets credentials as the local CLI does', async ({ expect }) => {
    const apps = await file('payroll.xml', PAYROLL_HOST_XML);
    const created = await same(expect, 'ssomanage', 'admin', ['-createapps', apps], {
      undo: () => okLocal('ssomanage', ['-deleteapp', 'PayrollHost']),
    });
    expect(created.stdout).toBe('Created application PayrollHost (D) disabled.\n');
    const enabled = await same(expect, 'ssomanage', 'admin', ['-enableapp', 'PayrollHost']);
    expect(enabled.stdout).toBe('Application PayrollHost is (E) enabled.\n');

    const mappings = await file('mappings.xml', mappingsXml(['CORP\\bob', 'PayrollHost', 'BOB01'], ['CORP\\carol', 'PayrollHost', 'CAROL01']));
    const mapped = await same(expect, 'ssomanage', 'admin', ['-createmappings', mappings], {
      undo: () => okLocal('ssomanage', ['-deletemappings', mappings]),
    });
    expect(mapped.stdout).toContain('Created mapping CORP\\bob -> BOB01 for PayrollHost');
    const set = await same(expect, 'ssomanage', 'admin', ['-setcredentials', 'CORP\\bob', 'PayrollHost', '--stdin'], { input: 'bob-passphrase\n' });
    expect(set.stdout).toBe('Set the credentials of CORP\\bob for PayrollHost; the mapping is enabled.\n');
    await same(expect, 'tessera', 'admin', ['credentials', 'set', 'PayrollHost', 'CORP\\carol', '--stdin', '--json'], { input: 'carol-passphrase\n' });
    await same(expect, 'ssoclient', 'bob', ['-disablemapping', 'PayrollHost']);
    await same(expect, 'ssoclient', 'bob', ['-enablemapping', 'PayrollHost']);
  });

  it('lists and shows exactly what the local CLI shows, to each principal', async ({ expect }) => {
    const listed = await same(expect, 'ssomanage', 'admin', ['-listapps']);
    expect(listed.stdout).toMatch(/^\(E\) +PayrollHost +individual/m);
    await same(expect, 'ssomanage', 'admin', ['-listapps', 'all']);
    await same(expect, 'ssomanage', 'admin', ['-displayapp', 'payrollhost']);
    await same(expect, 'ssomanage', 'admin', ['-displayapp', 'PayrollHost', '--json']);
    await same(expect, 'ssomanage', 'admin', ['-listmappings', 'PayrollHost']);
    await same(expect, 'ssomanage', 'admin', ['-listmappings', 'CORP\\carol']);
    await same(expect, 'ssomanage', 'admin', ['-displaydb']);
    const own = await same(expect, 'ssoclient', 'bob', ['-listmappings']);
    expect(own.stdout).toContain('CORP\\bob');
    expect(own.stdout).not.toContain('carol');
    await same(expect, 'ssoclient', 'bob', ['-listapps', '--json']);
    const json = await same(expect, 'tessera', 'admin', ['app', 'list', '--json']);
    expect((JSON.parse(json.stdout) as Array<{ name: string }>).map((app) => app.name)).toEqual(['PayrollHost']);
    await same(expect, 'tessera', 'admin', ['mapping', 'list', '--json']);
    await same(expect, 'tessera', 'admin', ['global', 'show']);
    await same(expect, 'tessera', 'admin', ['global', 'show', '--json']);
    const purged = await same(expect, 'ssomanage', 'admin', ['-purgecache', 'PayrollHost']);
    expect(purged.code).toBe(0);
  });

  it('looks up credentials, issues and redeems tickets as the local CLI does', async ({ expect }) => {
    const looked = await same(expect, 'tessera', 'bob', ['lookup', 'PayrollHost']);
    expect(looked.stdout).toContain('********');
    await same(expect, 'tessera', 'bob', ['lookup', 'PayrollHost', '--json', '--show-secrets']);
    const other = await same(expect, 'tessera', 'dana', ['lookup', 'PayrollHost', '--account', 'CORP\\carol', '--show-secrets']);
    expect(other.stdout).toContain('carol-passphrase');

    await same(expect, 'ssomanage', 'admin', ['-tickets', 'yes', 'no']);
    const issuedThere = await remote('tessera', 'bob', ['ticket', 'issue', '--app', 'PayrollHost']);
    const issuedHere = await local('tessera', 'bob', ['ticket', 'issue', '--app', 'PayrollHost']);
    expect(shape(issuedThere, true)).toEqual(shape(issuedHere, true));
    expect(issuedThere.stderr).toMatch(/^Ticket for CORP\\bob, single use, expires /);
    const redeem = ['ticket', 'redeem', 'PayrollHost', '--stdin', '--sender', 'CORP\\bob', '--show-secrets'];
    const redeemedThere = await remote('tessera', 'dana', redeem, { input: issuedThere.stdout });
    const redeemedHere = await local('tessera', 'dana', redeem, { input: issuedHere.stdout });
    expect(shape(redeemedThere, false)).toEqual(shape(redeemedHere, false));
    expect(redeemedThere.stdout).toContain('bob-passphrase');
    // Single use, on either side.
    const again = await remote('tessera', 'dana', redeem, { input: issuedThere.stdout });
    const againHere = await local('tessera', 'dana', redeem, { input: issuedHere.stdout });
    expect(shape(again, true)).toEqual(shape(againHere, true));
    expect(again.stderr).toMatch(/^error TICKET_REDEEMED: /);
  });

  it('writes and reads the config store as the local CLI does', async ({ expect }) => {
    const apps = await file('config-app.xml', CONFIG_APP_XML);
    await same(expect, 'tessera', 'admin', ['app', 'create', '--file', apps], { undo: () => okLocal('tessera', ['app', 'delete', 'AdapterSettings']) });
    const id = '6f1c2a1e-0000-4000-8000-000000000001';
    const set = await same(expect, 'tessera', 'admin', ['config', 'set', 'AdapterSettings', id, '--stdin'], { input: 'Endpoint=https://one\nApiKey=k=v;42\n' });
    expect(set.stdout).toBe(`Wrote 2 field(s) of ${id} in AdapterSettings.\n`);
    await same(expect, 'tessera', 'admin', ['config', 'get', 'AdapterSettings', id]);
    const all = await same(expect, 'tessera', 'admin', ['config', 'get', 'AdapterSettings', id, '--runtime', '--show-secrets']);
    expect(all.stdout).toBe('Endpoint=https://one\nApiKey=k=v;42\n');
    await same(expect, 'tessera', 'admin', ['config', 'get', 'AdapterSettings', id, '--json']);
    await same(expect, 'tessera', 'admin', ['config', 'get', 'AdapterSettings', 'no-such-entry']);
  });

  it('fails with the same line and exit code: NO_APP, ACCESS_DENIED, a usage error', async ({ expect }) => {
    const missing = await same(expect, 'ssomanage', 'admin', ['-displayapp', 'NoSuchApp']);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/^error NO_APP: /);
    const hidden = await same(expect, 'ssoclient', 'eve', ['-displayapp', 'PayrollHost']);
    expect(hidden.stderr).toBe(missing.stderr.replace('NoSuchApp', 'PayrollHost'));
    const denied = await same(expect, 'ssomanage', 'bob', ['-setcredentials', 'CORP\\carol', 'PayrollHost', '--stdin'], { input: 'x\n' });
    expect(denied.code).toBe(1);
    expect(denied.stderr).toMatch(/^error ACCESS_DENIED: CORP\\bob may /);
    const global = await same(expect, 'tessera', 'bob', ['global', 'show']);
    expect(global.stderr).toMatch(/^error ACCESS_DENIED: /);
    const usage = await same(expect, 'tessera', 'admin', ['app', 'update', 'PayrollHost']);
    expect(usage.code).toBe(2);
  });

  it('backs up (written here, verified by the server), verifies, shows status and events as the local CLI does', async ({ expect }) => {
    const password = await file('password', `${PASSWORD}\n`);
    const backup = join(root, 'secret.bak');
    const before = await same(expect, 'tessera', undefined, ['secret', 'status']);
    expect(before.stdout).toMatch(/^WARNING: master secret .* has NO verified backup/);
    await same(expect, 'tessera', undefined, ['secret', 'status', '--json']);

    const written = await same(expect, 'tessera', undefined, ['secret', 'backup', backup, '--password-file', password], { undo: () => rm(backup) });
    expect(written.stdout).toMatch(/^Backed up master secret [0-9a-f-]{36} to .*secret\.bak \(verified\)\.\n$/);
    expect((await stat(backup)).mode & 0o777).toBe(0o600);
    // Through the server: downloaded, written here, then uploaded and recorded as verified.
    await rm(backup);
    expect((await remote('tessera', undefined, ['secret', 'backup', backup, '--password-file', password])).code).toBe(0);
    expect((await readFile(backup)).subarray(0, 6).toString()).toBe('TSRBAK');
    const after = await same(expect, 'tessera', undefined, ['secret', 'status']);
    expect(after.stdout).not.toContain('NO verified backup');
    expect(after.stdout).toMatch(/Backup: {10}\(uploaded by CORP\\root from 127\.0\.0\.1\) \(verified /);

    const exists = await same(expect, 'ssoconfig', undefined, ['-backupSecret', backup, '--password-file', password]);
    expect(exists.stderr).toBe(
      `error EEXIST: Failed to back up the master secret to ${backup}: ${backup} already exists: pass --force to replace it (the old file stays intact until the new one is verified), or choose another name\n`,
    );
    await same(expect, 'tessera', undefined, ['secret', 'backup', backup, '--force', '--password-file', password, '--reminder', 'the usual'], {
      normalise: false,
    });

    const verified = await same(expect, 'tessera', undefined, ['secret', 'verify', backup, '--password-file', password]);
    expect(verified.stdout).toMatch(new RegExp(`^${backup.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')} is a good backup of vault `));
    expect(verified.stderr).toContain('Password reminder: the usual');
    const wrong = await file('wrong-password', 'not the password at all\n');
    const refused = await same(expect, 'tessera', undefined, ['secret', 'verify', backup, '--password-file', wrong]);
    expect(refused.stderr).toContain(`error WRONG_PASSWORD: `);
    expect(refused.stderr).toContain(backup);

    const events = await same(expect, 'tessera', undefined, ['events', '--id', '10559', '--json']);
    expect((JSON.parse(events.stdout) as unknown[]).length).toBeGreaterThan(0);
    await same(expect, 'tessera', undefined, ['events', '--limit', '5']);
  });

  it('generates a new master secret whose backup is a file ON THE SERVER, and restores an uploaded backup', async ({ expect }) => {
    const password = await file('password', `${PASSWORD}\n`);
    const relative = await remote('tessera', undefined, ['secret', 'generate', '--backup', 'new.bak', '--password-file', password]);
    expect(relative).toMatchObject({ code: 2, stdout: '' });
    expect(relative.stderr).toBe(
      `error INVALID_ARGUMENT: with a server, the backup of a new master secret is written ON THE SERVER ${server.url}, as its user: give the absolute path there, not "new.bak"\n`,
    );
    const generated = join(root, 'generated.bak');
    await same(expect, 'ssoconfig', undefined, ['-generateSecret', generated, '--password-file', password], { undo: () => rm(generated), normalise: true });
    const restored = await same(expect, 'tessera', undefined, ['secret', 'restore', generated, '--password-file', password]);
    expect(restored.stdout).toMatch(/^Restored master secret [0-9a-f-]{36} into vault [0-9a-f-]{36}\.\n$/);
  });

  it('refuses a wrong or missing token without ever printing it, and --as with a server', async ({ expect }) => {
    const wrong = `tsr_${'0'.repeat(16)}_${'A'.repeat(43)}`;
    const refused = await remote('ssomanage', undefined, ['-listapps'], { env: { TESSERA_TOKEN: wrong } });
    expect(refused).toMatchObject({
      code: 1,
      stdout: '',
      stderr:
        'error UNAUTHENTICATED: the API token is not valid: it is unknown, revoked or expired, or was altered; ask an SSO administrator for a new one (tessera token create)\n',
    });
    expect(refused.stderr).not.toContain(wrong);
    const none = await remote('ssomanage', undefined, ['-listapps'], { env: { TESSERA_TOKEN: '' } });
    expect(none).toMatchObject({ code: 1, stdout: '' });
    expect(none.stderr).toBe(
      `error UNAUTHENTICATED: no token for the Tessera server at ${server.url} (from TESSERA_ADDR): set TESSERA_TOKEN, give --token-file FILE, or put it in ${join(clientHome, 'token')} (mode 0600)\n`,
    );
    for (const result of [refused, none]) expect(result.stderr).not.toContain(tokens.admin);

    const actAs = await remote('tessera', undefined, ['app', 'list', '--as', 'CORP\\bob']);
    expect(actAs).toMatchObject({ code: 2, stdout: '' });
    expect(actAs.stderr).toBe(
      `error INVALID_ARGUMENT: --as and --groups test rights against this machine's vault; the Tessera server at ${server.url} (from TESSERA_ADDR) decides who you are from your token: drop --as, or use a token of that account\n`,
    );
    const init = await remote('tessera', undefined, ['init', '--server', server.url]);
    expect(init).toMatchObject({
      code: 2,
      stderr: "error INVALID_ARGUMENT: tessera init acts on this machine's vault: it takes no --server or --token-file (run it on the server itself)\n",
    });
  });

  it('takes the token from --token-file or <home>/token only when nobody else may read it', async ({ expect }) => {
    const listed = await local('ssomanage', 'admin', ['-listapps']);
    const tokenFile = join(root, 'token-file');
    await writeFile(tokenFile, `${tokens.admin}\n`, { mode: 0o644 });
    await chmod(tokenFile, 0o644);
    const open = await remote('ssomanage', undefined, ['-listapps', '--server', server.url, '--token-file', tokenFile], {
      env: { TESSERA_ADDR: '', TESSERA_TOKEN: '' },
    });
    expect(open).toMatchObject({ code: 1, stdout: '' });
    expect(open.stderr).toBe(
      `error UNSAFE_FILE: the token file ${tokenFile} has mode 0644: group or others may read it, and whoever reads the token acts as you on the server. ` +
        `Run: chmod 600 ${tokenFile} (and replace the token if others may have read it)\n`,
    );
    expect(open.stderr).not.toContain(tokens.admin);
    await chmod(tokenFile, 0o600);
    const viaFile = await remote('ssomanage', undefined, ['-listapps', '--server', server.url, '--token-file', tokenFile], {
      env: { TESSERA_ADDR: '', TESSERA_TOKEN: '' },
    });
    expect(shape(viaFile, false)).toEqual(shape(listed, false));

    const ownToken = join(clientHome, 'token');
    await writeFile(ownToken, tokens.admin, { mode: 0o600 });
    await chmod(ownToken, 0o640);
    const groupReadable = await remote('tessera', undefined, ['global', 'show'], { env: { TESSERA_TOKEN: '' } });
    expect(groupReadable.stderr).toMatch(/^error UNSAFE_FILE: the token file .*token has mode 0640: .* Run: chmod 600 /);
    await chmod(ownToken, 0o600);
    const viaHome = await remote('tessera', undefined, ['global', 'show'], { env: { TESSERA_TOKEN: '' } });
    expect(shape(viaHome, false)).toEqual(shape(await local('tessera', 'admin', ['global', 'show']), false));
    await rm(ownToken);

    const dash = await remote('tessera', undefined, ['global', 'show', '--token-file', '-']);
    expect(dash.code).toBe(2);
    expect(dash.stderr).toMatch(/^error INVALID_ARGUMENT: --token-file takes a file, not "-"/);
  });

  it('says SERVER_UNREACHABLE, naming the URL, when nothing answers or something other than Tessera does', async ({ expect }) => {
    const down = await remote('ssomanage', undefined, ['-listapps'], { env: { TESSERA_ADDR: 'http://127.0.0.1:1' } });
    expect(down).toMatchObject({ code: 1, stdout: '' });
    expect(down.stderr).toMatch(/^error SERVER_UNREACHABLE: could not reach the Tessera server at http:\/\/127\.0\.0\.1:1 \(ECONNREFUSED/);
    expect(down.stderr).not.toContain(tokens.admin);

    const other = createServer((_request, response) => response.writeHead(200, { 'content-type': 'text/html' }).end('<html>hello</html>'));
    await new Promise<void>((resolve) => other.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(other.address() as AddressInfo).port}`;
    try {
      const html = await remote('tessera', undefined, ['app', 'list'], { env: { TESSERA_ADDR: url } });
      expect(html).toMatchObject({ code: 1, stdout: '' });
      expect(html.stderr).toBe(
        `error SERVER_UNREACHABLE: ${url} answered HTTP 200 with something that is not a Tessera API answer: check that the address names a Tessera server (tessera serve), not another web server or proxy\n`,
      );
    } finally {
      await new Promise((resolve) => other.close(resolve));
    }
    const tls = await remote('tessera', undefined, ['app', 'list'], { env: { TESSERA_ADDR: server.url.replace('http://', 'https://') } });
    expect(tls.stderr).toMatch(/^error SERVER_UNREACHABLE: the TLS connection to the Tessera server at https:\/\/127\.0\.0\.1:\d+ failed \(/);
    const clear = await remote('tessera', undefined, ['app', 'list'], { env: { TESSERA_ADDR: 'http://sso.example.org:8740' } });
    expect(clear).toMatchObject({ code: 2 });
    expect(clear.stderr).toMatch(/^error INVALID_ARGUMENT: TESSERA_ADDR: http:\/\/ would send your token in clear over the network; use https:\/\//);
  });

  it('sets and shows the server with -server, -serverall and -showserver, per user and for all users', async ({ expect }) => {
    const home = join(root, 'setting-home');
    const system = join(root, 'etc-tessera');
    const env = { TESSERA_HOME: home, TESSERA_SYSTEM_CONFIG_DIR: system, TESSERA_ADDR: '', TESSERA_TOKEN: tokens.admin };
    const run = (bin: Bin, args: string[], extra: Record<string, string> = {}) => runBin(`cli/${bin}.js`, args, { env: { ...env, ...extra } });

    expect(await run('ssomanage', ['-showserver'])).toMatchObject({
      code: 0,
      stdout: `No Tessera server is set: the tools use the local vault in ${home}. Set one with ssomanage -server NAME (for you) or ssomanage -serverall NAME (for every user of this machine).\n`,
    });
    const all = await run('ssomanage', ['-serverall', 'sso.example.org']);
    const systemFile = join(system, 'client-server');
    expect(all).toMatchObject({
      code: 0,
      stdout: `The command-line tools of every user of this machine now use the Tessera server https://sso.example.org:8740 (sso.example.org is a server name: https:// and the default port 8740 were added); saved in ${systemFile}.\n`,
    });
    expect((await stat(systemFile)).mode & 0o777).toBe(0o644);
    expect(await readFile(systemFile, 'utf8')).toBe('https://sso.example.org:8740\n');
    expect((await run('ssoclient', ['-showserver'])).stdout).toBe(`Tessera server: https://sso.example.org:8740 (from the all-users setting ${systemFile}).\n`);

    const own = await run('ssoclient', ['-server', server.url]);
    const ownFile = join(home, 'client-server');
    expect(own.stdout).toBe(`Your command-line tools now use the Tessera server ${server.url}; saved in ${ownFile}.\n`);
    expect((await stat(ownFile)).mode & 0o777).toBe(0o600);
    expect((await run('ssomanage', ['-showserver'])).stdout).toBe(`Tessera server: ${server.url} (from the per-user setting ${ownFile}).\n`);
    // The setting is used: the same listing as the local CLI's.
    expect(shape(await run('ssomanage', ['-listapps']), false)).toEqual(shape(await local('ssomanage', 'admin', ['-listapps']), false));
    // TESSERA_ADDR and --server come first, and -showserver says so.
    expect((await run('ssomanage', ['-showserver'], { TESSERA_ADDR: 'https://other.example.org' })).stdout).toBe(
      'Tessera server: https://other.example.org (from TESSERA_ADDR).\n',
    );
    expect((await run('ssomanage', ['-showserver', '--server', 'backup-sso:9000'])).stdout).toBe('Tessera server: https://backup-sso:9000 (from --server).\n');
    const shadowed = await run('ssomanage', ['-server', 'sso2.example.org'], { TESSERA_ADDR: server.url });
    expect(shadowed.stdout).toContain(`In this environment TESSERA_ADDR still takes precedence: ${server.url}.`);
    await run('ssoclient', ['-server', server.url]);

    // A per-user setting others may write could send your token anywhere: refused.
    await chmod(ownFile, 0o666);
    const unsafe = await run('ssomanage', ['-listapps']);
    expect(unsafe.code).toBe(1);
    expect(unsafe.stderr).toMatch(/^error UNSAFE_FILE: the per-user server setting .*client-server/);
    await chmod(ownFile, 0o600);
    const bad = await run('ssomanage', ['-server', 'not a server!']);
    expect(bad).toMatchObject({
      code: 2,
      stderr: 'error INVALID_ARGUMENT: -server: "not a server!" is neither a URL (https://sso.example.org:8740) nor a server name (sso.example.org)\n',
    });
  });
}

/** A self-signed certificate for 127.0.0.1, made with openssl, and its key (0600). */
function selfSigned(dir: string): { cert: string; key: string } {
  const cert = join(dir, 'server.crt');
  const key = join(dir, 'server.key');
  const subject = ['-subj', '/CN=tessera-test', '-addext', 'subjectAltName=IP:127.0.0.1'];
  execFileSync(
    'openssl',
    ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '2', ...subject, '-keyout', key, '-out', cert],
    {
      stdio: 'ignore',
    },
  );
  return { cert, key };
}

describe.each(storeTargets)('the CLI through a Tessera server over HTTPS ($name)', { timeout: 120_000 }, (target) => {
  let server: TestServer;
  let root: string;
  let cert: string;
  let token: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), `tessera-remote-tls-${target.name}-`));
    const made = selfSigned(root);
    cert = made.cert;
    await chmod(made.key, 0o600);
    server = await startTestServer(target, { tls: { certFile: made.cert, keyFile: made.key, clientCaFile: undefined } });
    token = await server.bearer(PRINCIPALS.admin);
  });
  afterAll(async () => {
    await server?.close();
    if (root) await rm(root, { recursive: true, force: true });
  });

  const run = (env: Record<string, string>) =>
    runBin('cli/tessera.js', ['global', 'show', '--json'], {
      env: { TESSERA_HOME: join(root, 'home'), TESSERA_ADDR: server.url, TESSERA_TOKEN: token, ...env },
    });

  it('trusts the server only through the CA that TESSERA_CACERT names', async ({ expect }) => {
    expect(server.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
    const untrusted = await run({});
    expect(untrusted).toMatchObject({ code: 1, stdout: '' });
    expect(untrusted.stderr).toMatch(
      new RegExp(
        `^error SERVER_UNREACHABLE: the TLS connection to the Tessera server at ${server.url.replace(/\./g, '\\.')} failed \\(DEPTH_ZERO_SELF_SIGNED_CERT: .*\\): ` +
          "if its certificate comes from a private CA, set TESSERA_CACERT to that CA's PEM file",
      ),
    );
    expect(untrusted.stderr).not.toContain(token);
    const trusted = await run({ TESSERA_CACERT: cert });
    expect(trusted.stderr).toBe('');
    expect(trusted.code).toBe(0);
    expect((JSON.parse(trusted.stdout) as { ssoAdminAccounts: string[] }).ssoAdminAccounts).toEqual([SSO_ADMINS]);
    const notPem = join(root, 'not-a-ca.pem');
    await writeFile(notPem, 'hello\n');
    expect(await run({ TESSERA_CACERT: notPem })).toMatchObject({
      code: 1,
      stderr: `error TLS_INVALID: TESSERA_CACERT names ${notPem}, which holds no PEM certificate (-----BEGIN CERTIFICATE-----)\n`,
    });
  });
});

// Each test runs a few dozen CLI processes.
describe.each(storeTargets)('the CLI through a Tessera server ($name)', { timeout: 240_000 }, (target) => remoteCommands(target));
