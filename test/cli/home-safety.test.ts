/**
 * A home that someone else prepared, tried the way an unprivileged user on a shared host would:
 * as root, the built CLI (real child processes) against directories, keys, logs and databases
 * that uid nobody really made (or that belong to nobody), on the real file system. Each must be
 * refused with the message that names the path, the owner and mode found and the fix, and must
 * leave everything as it was: nothing written, no link followed, no PostgreSQL schema created.
 * Then the happy paths: a fresh home is created 0700, a good home reopens, a trusted link is
 * followed, and `tessera start` on a machine with no home yet creates ~/.tessera and runs.
 */
import { execFileSync, spawn } from 'node:child_process';
import { createHash } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  lchownSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  readlinkSync,
  renameSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type CliResult, createTestVault, runBin, storeTargets, type TestVault } from '../support/cli.js';
import { pgUrl } from '../support/databases.js';
import { repoRoot } from '../support/dist.js';
import { isRoot, NOBODY } from '../support/tmpfs.js';

/** Runs `script` with sh as uid nobody: whatever it creates really is nobody's. */
function asNobody(script: string): void {
  execFileSync('sh', ['-c', script], { uid: NOBODY.uid, gid: NOBODY.gid, stdio: 'pipe' });
}

/** Every entry under `dir`: type, owner, mode, size, link target and a hash of the bytes. */
function snapshot(dir: string): Record<string, string> {
  const entries: Record<string, string> = {};
  const visit = (path: string) => {
    const stat = lstatSync(path);
    const head = `${stat.uid}:${(stat.mode & 0o7777).toString(8)}:${stat.nlink}`;
    if (stat.isSymbolicLink()) entries[path] = `link ${head} -> ${readlinkSync(path)}`;
    else if (stat.isDirectory()) {
      entries[path] = `dir ${head}`;
      for (const name of readdirSync(path)) visit(join(path, name));
    } else entries[path] = `file ${head} ${createHash('sha256').update(readFileSync(path)).digest('hex')}`;
  };
  visit(dir);
  return entries;
}

/** The refusal a user sees: exit 1, nothing on standard output, one line on standard error. */
function expectRefused(result: CliResult, code: string, message: string): void {
  expect({ code: result.code, stdout: result.stdout, stderr: result.stderr }).toEqual({ code: 1, stdout: '', stderr: `error ${code}: ${message}\n` });
}

async function schemaExists(schema: string | undefined): Promise<boolean> {
  if (schema === undefined) return false;
  const client = new pg.Client({ connectionString: pgUrl });
  await client.connect();
  try {
    return (await client.query('select 1 from information_schema.schemata where schema_name = $1', [schema])).rowCount === 1;
  } finally {
    await client.end();
  }
}

const SEAL_BYTES = Buffer.concat([Buffer.from('TSRSEAL1'), Buffer.alloc(32, 7)]);

describe.skipIf(!isRoot)('a home someone else prepared', () => {
  describe.each(storeTargets)('$name', (target) => {
    let vault: TestVault;
    /** root-owned 0755, like /var/lib; `shared` in it is root-owned 1777, like /tmp. */
    let root: string;
    let shared: string;
    const tessera = (home: string, args: string[]) => vault.tessera(args, { env: { TESSERA_HOME: home } });
    /** Nothing reached the database: SQLite's file is in the home; PostgreSQL's schema must not exist. */
    const expectNoDatabase = async () => expect(await schemaExists(vault.env.TESSERA_DATABASE_SCHEMA)).toBe(false);

    // A database of its own per test: a refusal must leave PostgreSQL without even a schema.
    beforeEach(async () => {
      vault = await createTestVault(target);
      root = mkdtempSync(join(tmpdir(), 'tessera-home-'));
      chmodSync(root, 0o755);
      shared = join(root, 'shared');
      mkdirSync(shared);
      chmodSync(shared, 0o1777);
    });
    afterEach(async () => {
      rmSync(root, { recursive: true, force: true });
      await vault.cleanup();
    });

    it("refuses a world-writable home of nobody's with a key, a log link, a database and a -wal link she planted", async () => {
      const home = join(shared, 'tessera');
      const victim = join(root, 'victim');
      writeFileSync(victim, "root's own file\n", { mode: 0o644 });
      asNobody(
        `mkdir ${home} && chmod 777 ${home} && printf 'TSRSEAL1%032d' 7 > ${home}/seal.key && chmod 600 ${home}/seal.key && ` +
          `ln -s ${victim} ${home}/tessera.log && : > ${home}/tessera.db && chmod 666 ${home}/tessera.db && ln -s ${victim} ${home}/tessera.db-wal`,
      );
      const before = snapshot(root);

      for (const command of [['init'], ['start'], ['secret', 'status']]) {
        expectRefused(
          await tessera(home, command),
          'UNSAFE_FILE',
          `Tessera's home ${home} is owned by uid 65534 (nobody) with mode 0777, but Tessera runs as uid 0 (root): ` +
            'its owner may have planted files in it (a seal key they know would open every credential) and can replace them ' +
            `at any time. Check what it holds, then run: chown root ${home} && chmod 700 ${home}`,
        );
      }
      expect(snapshot(root)).toEqual(before);
      expect(readFileSync(victim, 'utf8')).toBe("root's own file\n");
      await expectNoDatabase();
    });

    it('refuses a home that is a link nobody made in a shared directory, without following it', async () => {
      const theirs = join(shared, 'theirs');
      const home = join(shared, 'tessera');
      asNobody(`mkdir ${theirs} && ln -s ${theirs} ${home}`);
      const before = snapshot(shared);
      expectRefused(
        await tessera(home, ['init']),
        'UNSAFE_FILE',
        `${home} (on the way to Tessera's home ${home}) is a symbolic link to ${theirs} owned by uid 65534 (nobody) with mode 0777, ` +
          `in ${shared}, which others may write: its owner can point it elsewhere at any time. Check where it points, then run: ` +
          `chown -h root ${home}, or give the real path instead of the link`,
      );
      expect(snapshot(shared)).toEqual(before);
      await expectNoDatabase();
    });

    it("refuses a home that is root's link to a directory of nobody's", async () => {
      const theirs = join(shared, 'theirs');
      asNobody(`mkdir ${theirs} && chmod 700 ${theirs}`);
      const home = join(root, 'tessera');
      symlinkSync(theirs, home);
      const before = snapshot(root);
      expectRefused(
        await tessera(home, ['init']),
        'UNSAFE_FILE',
        `Tessera's home ${home} (a link to ${theirs}) is owned by uid 65534 (nobody) with mode 0700, but Tessera runs as uid 0 (root): ` +
          'its owner may have planted files in it (a seal key they know would open every credential) and can replace them ' +
          `at any time. Check what it holds, then run: chown root ${theirs} && chmod 700 ${theirs}`,
      );
      expect(snapshot(root)).toEqual(before);
      await expectNoDatabase();
    });

    it('refuses a home under a directory others may write without the sticky bit, creating nothing in it', async () => {
      const open = join(root, 'open');
      mkdirSync(open);
      chmodSync(open, 0o777);
      const home = join(open, 'tessera');
      expectRefused(
        await tessera(home, ['init']),
        'UNSAFE_FILE',
        `${open}, on the way to Tessera's home ${home}, is owned by uid 0 (root) with mode 0777: group or others may write it, ` +
          `so they can rename ${home} and put their own in its place. Run: chmod go-w ${open} (or chmod +t ${open}, so that only ` +
          "an entry's owner may rename it), or choose a place whose parent directories only root may write",
      );
      expect(readdirSync(open)).toEqual([]);
      await expectNoDatabase();
    });

    it('refuses a home under a directory nobody owns', async () => {
      const theirs = join(root, 'theirs');
      mkdirSync(theirs);
      chownSync(theirs, NOBODY.uid, NOBODY.gid);
      const home = join(theirs, 'tessera');
      expectRefused(
        await tessera(home, ['init']),
        'UNSAFE_FILE',
        `${theirs}, on the way to Tessera's home ${home}, is owned by uid 65534 (nobody) with mode 0755: that user can rename ` +
          `${home} and put their own in its place. Run: chown root ${theirs}, or choose a place whose parent directories belong to root`,
      );
      expect(readdirSync(theirs)).toEqual([]);
    });

    it('refuses a log that is a link nobody made, and appends nothing to its target', async () => {
      const home = join(root, 'tessera');
      mkdirSync(home, { mode: 0o700 });
      const victim = join(root, 'victim');
      writeFileSync(victim, "root's own file\n", { mode: 0o600 });
      const log = join(home, 'tessera.log');
      symlinkSync(victim, log);
      lchownSync(log, NOBODY.uid, NOBODY.gid);
      const before = snapshot(root);
      expectRefused(
        await tessera(home, ['init']),
        'UNSAFE_FILE',
        `the log file ${log} is a symbolic link to ${victim} owned by uid 65534 (nobody) with mode 0777: Tessera never opens its ` +
          "files through a link, which could send its reads and writes to another user's file or a system file; nothing was " +
          `read or written through it. Remove the link (rm ${log}) and put the file itself there`,
      );
      expect(snapshot(root)).toEqual(before);
      expect(readFileSync(victim, 'utf8')).toBe("root's own file\n");
      await expectNoDatabase();
    });

    it("refuses a log that is a second name (hard link) of a file of root's", async () => {
      const home = join(root, 'tessera');
      mkdirSync(home, { mode: 0o700 });
      const victim = join(root, 'victim');
      writeFileSync(victim, "root's own file\n", { mode: 0o600 });
      const log = join(home, 'tessera.log');
      linkSync(victim, log);
      expectRefused(
        await tessera(home, ['init']),
        'UNSAFE_FILE',
        `the log file ${log} (owned by uid 0 (root) with mode 0600) has 2 hard links: the same file has another name, maybe ` +
          `where another user can reach it. Give it a single name: cp -p ${log} ${log}.copy && mv ${log}.copy ${log}`,
      );
      expect(readFileSync(victim, 'utf8')).toBe("root's own file\n");
    });

    it('never adopts a seal key found without a vault: init and the first start say what to do', async () => {
      const home = join(root, 'tessera');
      mkdirSync(home, { mode: 0o700 });
      const key = join(home, 'seal.key');
      writeFileSync(key, SEAL_BYTES, { mode: 0o600 });
      for (const command of [['init'], ['start']]) {
        const result = await tessera(home, command);
        // PostgreSQL's location names server, database and schema; SQLite's is the file.
        const store = target.name === 'sqlite' ? join(home, 'tessera.db') : /but (.+) holds no vault/.exec(result.stderr)?.[1];
        expectRefused(
          result,
          'SEAL_KEY_STRAY',
          `a seal key already exists (key file ${key}) but ${store} holds no vault: Tessera never adopts a key it did not create ` +
            'for this vault, since whoever wrote it could unseal every credential. If it is the key of a vault whose database ' +
            'was lost, restore that vault from a backup (tessera secret restore FILE); otherwise move the stray key away and run ' +
            'tessera init again',
        );
      }
      expect(readFileSync(key).equals(SEAL_BYTES)).toBe(true);
      expect((await tessera(home, ['secret', 'status'])).stderr).toMatch(/^error NO_VAULT: /);

      // Moved away, as the message says: init makes a key of its own.
      renameSync(key, `${key}.stray`);
      expect((await tessera(home, ['init'])).code).toBe(0);
      expect(readFileSync(key).equals(SEAL_BYTES)).toBe(false);
    });

    it("refuses a vault's seal key that belongs to nobody, is writable by others or has a second name", async () => {
      const home = join(root, 'tessera');
      expect((await tessera(home, ['init'])).code).toBe(0);
      const key = join(home, 'seal.key');
      const status = () => tessera(home, ['secret', 'status']);

      chownSync(key, NOBODY.uid, NOBODY.gid);
      expectRefused(
        await status(),
        'UNSAFE_FILE',
        `the seal key file ${key} is owned by uid 65534 (nobody) with mode 0600, but Tessera runs as uid 0 (root): that user may ` +
          `have written it, and can read or change it at any time. Check it, then run: chown root ${key} && chmod 600 ${key}`,
      );
      chownSync(key, 0, 0);
      chmodSync(key, 0o622);
      expectRefused(
        await status(),
        'UNSAFE_FILE',
        `the seal key file ${key} is owned by uid 0 (root) with mode 0622: group or others may write it, so they could have ` +
          `changed it. Check it, then run: chmod 600 ${key}`,
      );
      chmodSync(key, 0o600);
      linkSync(key, join(root, 'second-name'));
      expect((await status()).stderr).toContain(`error UNSAFE_FILE: the seal key file ${key} (owned by uid 0 (root) with mode 0600) has 2 hard links`);
      rmSync(join(root, 'second-name'));
      expect((await status()).code).toBe(0);
    });

    it('creates a fresh home 0700 (with its missing parents) in a shared sticky directory, and reopens it', async () => {
      const home = join(shared, 'a', 'b', 'tessera');
      expect((await tessera(home, ['init'])).code).toBe(0);
      for (const directory of [join(shared, 'a'), join(shared, 'a', 'b'), home]) {
        expect({ directory, mode: lstatSync(directory).mode & 0o7777, uid: lstatSync(directory).uid }).toEqual({ directory, mode: 0o700, uid: 0 });
      }
      const files = readdirSync(home).sort();
      expect(files).toEqual(target.name === 'sqlite' ? ['seal.key', 'tessera.db', 'tessera.log'] : ['seal.key', 'tessera.log']);
      for (const name of files) expect({ name, mode: lstatSync(join(home, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
      expect((await tessera(home, ['secret', 'status'])).code).toBe(0);
    });

    it('follows a link nobody else can change to a good home', async () => {
      const real = join(root, 'real');
      mkdirSync(real, { mode: 0o700 });
      const home = join(root, 'tessera');
      symlinkSync('real', home);
      expect((await tessera(home, ['init'])).code).toBe(0);
      expect(readdirSync(real)).toContain('seal.key');
      expect((await tessera(home, ['secret', 'status'])).code).toBe(0);
    });
  });

  describe('the SQLite files', () => {
    let root: string;
    let home: string;
    const tessera = (args: string[]) => runBin('cli/tessera.js', args, { env: { TESSERA_HOME: home } });
    beforeEach(() => {
      root = mkdtempSync(join(tmpdir(), 'tessera-home-'));
      chmodSync(root, 0o755);
      home = join(root, 'tessera');
    });
    afterEach(() => rmSync(root, { recursive: true, force: true }));

    it('refuses a database nobody pre-created with mode 0666, and writes nothing', async () => {
      mkdirSync(home, { mode: 0o700 });
      const database = join(home, 'tessera.db');
      writeFileSync(database, '');
      chownSync(database, NOBODY.uid, NOBODY.gid);
      chmodSync(database, 0o666);
      const before = snapshot(root);
      expectRefused(
        await tessera(['init']),
        'UNSAFE_FILE',
        `the database file ${database} is owned by uid 65534 (nobody) with mode 0666, but Tessera runs as uid 0 (root): that user ` +
          `may have written it, and can read or change it at any time. Check it, then run: chown root ${database} && chmod 600 ${database}`,
      );
      expect(snapshot(root)).toEqual(before);
    });

    it('refuses a -wal that is a link, and neither SQLite nor Tessera touches its target', async () => {
      expect((await tessera(['init'])).code).toBe(0);
      const wal = join(home, 'tessera.db-wal');
      rmSync(wal, { force: true });
      const victim = join(root, 'victim');
      writeFileSync(victim, "root's own file\n", { mode: 0o600 });
      symlinkSync(victim, wal);
      lchownSync(wal, NOBODY.uid, NOBODY.gid);
      const before = snapshot(root);
      expectRefused(
        await tessera(['secret', 'status']),
        'UNSAFE_FILE',
        `the database's write-ahead log ${wal} is a symbolic link to ${victim} owned by uid 65534 (nobody) with mode 0777: Tessera ` +
          "never opens its files through a link, which could send its reads and writes to another user's file or a system file; " +
          `nothing was read or written through it. Remove the link (rm ${wal}) and put the file itself there`,
      );
      expect(snapshot(root)).toEqual(before);
    });

    it('refuses a database that is a link to a good database elsewhere', async () => {
      expect((await tessera(['init'])).code).toBe(0);
      const database = join(home, 'tessera.db');
      const elsewhere = join(root, 'elsewhere.db');
      renameSync(database, elsewhere);
      symlinkSync(elsewhere, database);
      const result = await tessera(['secret', 'status']);
      expect(result.stderr).toMatch(new RegExp(`^error UNSAFE_FILE: the database file ${database} is a symbolic link to ${elsewhere} `));
    });
  });

  describe('a machine with no home yet', () => {
    let fakeHome: string;
    beforeAll(() => {
      fakeHome = mkdtempSync(join(tmpdir(), 'tessera-machine-'));
    });
    afterAll(() => rmSync(fakeHome, { recursive: true, force: true }));

    it('npm start (no TESSERA_*, HOME empty) creates ~/.tessera 0700, runs, and stops on SIGTERM', async () => {
      const env = Object.fromEntries(Object.entries(process.env).filter(([name]) => !name.startsWith('TESSERA_')));
      const stdout = await new Promise<string>((resolve, reject) => {
        // Its own process group: npm runs sh, which runs node, and all of them get the signal.
        const child = spawn('npm', ['start', '--', '--listen', '127.0.0.1:0'], {
          cwd: repoRoot,
          env: { ...env, HOME: fakeHome },
          detached: true,
          stdio: ['ignore', 'pipe', 'pipe'],
        });
        let output = '';
        child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
          output += chunk;
          if (output.includes('Tessera is serving')) process.kill(-child.pid!, 'SIGTERM');
        });
        child.on('error', reject);
        // 'close' waits for every writer of the pipe, node included, to be gone.
        child.on('close', () => resolve(output));
      });
      expect(stdout).toContain('Created a new vault');
      expect(stdout).toContain('Tessera stopped.');
      const home = join(fakeHome, '.tessera');
      expect(lstatSync(home).mode & 0o7777).toBe(0o700);
      // npm forwards the signal once more, which may stop node before SQLite removes -wal and -shm.
      const files = readdirSync(home);
      expect(files).toEqual(expect.arrayContaining(['seal.key', 'tessera.db', 'tessera.log']));
      for (const name of files) expect({ name, mode: lstatSync(join(home, name)).mode & 0o777 }).toEqual({ name, mode: 0o600 });
    });
  });
});
