import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { explainFileError } from '../../src/errors/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-errors-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** The error the OS really raises for creating `path`. */
async function osErrorCreating(path: string): Promise<unknown> {
  try {
    await (await open(path, 'wx')).close();
  } catch (error) {
    return error;
  }
  throw new Error(`creating ${path} unexpectedly worked`);
}

const explain = (error: unknown, path: string) => explainFileError(error, { path, action: 'write', osUser: 'alice' });

describe('explainFileError', () => {
  it('names the topmost missing directory', async () => {
    const path = join(dir, 'a', 'b', 'c.bak');
    const error = explain(await osErrorCreating(path), path);
    expect(error).toMatchObject({ code: 'ENOENT', message: `directory ${join(dir, 'a')} does not exist: create it or choose another path` });
  });

  it('names the file that stands where a directory should be', async () => {
    writeFileSync(join(dir, 'plain'), 'x');
    const path = join(dir, 'plain', 'c.bak');
    expect(explain(await osErrorCreating(path), path)).toMatchObject({
      code: 'ENOTDIR',
      message: `${join(dir, 'plain')} is a file, not a directory: choose a path whose directories exist`,
    });
  });

  it('says how long a name is and what the file system allows', async () => {
    const path = join(dir, `${'n'.repeat(300)}.bak`);
    expect(explain(await osErrorCreating(path), path)).toMatchObject({
      code: 'ENAMETOOLONG',
      message: expect.stringMatching(/is 304 bytes long and the file system allows 255: choose a shorter file or directory name$/) as string,
    });
  });

  it('does not blame the path for a failure that is not about files', () => {
    const outage = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:5432'), { code: 'ECONNREFUSED', syscall: 'connect' });
    expect(explain(outage, '/x/y.bak')).toMatchObject({
      code: 'INTERNAL',
      message: 'an unexpected failure, not about /x/y.bak: connect ECONNREFUSED 127.0.0.1:5432',
    });
  });
});
