/**
 * The backup writer's temp file in a directory others may write: it is created new and never
 * through a link, and if someone swaps it for a file of theirs between the write and the link or
 * rename, the swap is caught (the target is compared with the written file's descriptor).
 * Real files; the swapping file is really nobody's.
 */
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeEach, describe, expect, it } from 'vitest';
import { writeFileAtomically } from '../../src/keys/index.js';
import { isRoot, NOBODY } from '../support/tmpfs.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-durable-'));
chmodSync(root, 0o755);
afterAll(() => rmSync(root, { recursive: true, force: true }));

const OURS = Buffer.from('the verified backup');
const temps = (directory: string) => readdirSync(directory).filter((name) => /^\.tessera-[0-9a-f]{16}\.tmp$/.test(name));

/** The directory's temp file is renamed away and nobody puts her own file under its name. */
function swapTempAsNobody(directory: string): void {
  const [temp] = temps(directory);
  renameSync(join(directory, temp!), join(directory, 'ours-moved-away'));
  execFileSync('sh', ['-c', `printf theirs > ${join(directory, temp!)}`], { uid: NOBODY.uid, gid: NOBODY.gid });
}

describe.skipIf(!isRoot)('writeFileAtomically in a directory others may write', () => {
  let directory: string;
  let counter = 0;
  beforeEach(() => {
    // World-writable without the sticky bit: the worst a careless operator could choose.
    directory = join(root, `open-${counter++}`);
    mkdirSync(directory);
    chmodSync(directory, 0o777);
  });

  it('writes a 0600 file of its own and leaves no temp file', async () => {
    const target = join(directory, 'a.bak');
    await writeFileAtomically(target, OURS, { overwrite: false, stepPrefix: 'test', verify: async () => undefined });
    expect(readFileSync(target).equals(OURS)).toBe(true);
    expect(lstatSync(target).mode & 0o777).toBe(0o600);
    expect(temps(directory)).toEqual([]);
  });

  it('catches a temp file swapped before the link, and removes the name it linked', async () => {
    const target = join(directory, 'b.bak');
    const failure = writeFileAtomically(target, OURS, { overwrite: false, stepPrefix: 'test', verify: async () => swapTempAsNobody(directory) });
    await expect(failure).rejects.toMatchObject({
      code: 'UNSAFE_FILE',
      message: expect.stringMatching(
        new RegExp(
          `^the backup temp file ${directory}/\\.tessera-[0-9a-f]{16}\\.tmp was replaced by another file before it became ${target}: ` +
            `others may rename files in ${directory}, so Tessera removed ${target} again\\. Write backups to a directory only you can write`,
        ),
      ) as string,
    });
    expect(existsSync(target)).toBe(false);
    expect(temps(directory)).toEqual([]);
  });

  it('catches a temp file swapped before the rename of --force, and says the target is not the backup', async () => {
    const target = join(directory, 'c.bak');
    await writeFileAtomically(target, Buffer.from('old'), { overwrite: false, stepPrefix: 'test', verify: async () => undefined });
    const failure = writeFileAtomically(target, OURS, { overwrite: true, stepPrefix: 'test', verify: async () => swapTempAsNobody(directory) });
    await expect(failure).rejects.toMatchObject({
      code: 'UNSAFE_FILE',
      message: expect.stringContaining(`so ${target} is not the verified backup: delete it.`) as string,
    });
  });
});
