import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createKeyFile, keyFileSealSource, openKeyFile } from '../../src/keys/index.js';

const dir = mkdtempSync(join(tmpdir(), 'tessera-seal-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('seal key file', () => {
  it('is created with mode 0600 and reopens to the same key', () => {
    const path = join(dir, 'a', 'seal.key');
    const created = createKeyFile(path);
    expect(statSync(path).mode & 0o777).toBe(0o600);
    expect(statSync(join(dir, 'a')).mode & 0o777).toBe(0o700);
    const reopened = openKeyFile(path);
    expect(reopened.keyId).toBe(created.keyId);
    const sealed = created.seal(Buffer.from('x'), Buffer.from('aad'));
    expect(reopened.unseal(sealed, Buffer.from('aad')).toString()).toBe('x');
  });

  it('is never overwritten', () => {
    const path = join(dir, 'b.key');
    createKeyFile(path);
    const before = readFileSync(path);
    expect(() => createKeyFile(path)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(readFileSync(path).equals(before)).toBe(true);
  });

  it('is refused when others can read it', () => {
    const path = join(dir, 'c.key');
    createKeyFile(path);
    chmodSync(path, 0o644);
    expect(() => openKeyFile(path)).toThrow(
      expect.objectContaining({ code: 'SEAL_KEY_EXPOSED', message: expect.stringContaining(`chmod 600 ${path}`) as string }),
    );
  });

  it('names the fix when missing or not a seal key', () => {
    expect(() => openKeyFile(join(dir, 'missing.key'))).toThrow(
      expect.objectContaining({ code: 'SEAL_KEY_MISSING', message: expect.stringContaining('tessera secret restore FILE') as string }),
    );
    const path = join(dir, 'd.key');
    writeFileSync(path, 'not a key', { mode: 0o600 });
    expect(() => openKeyFile(path)).toThrow(expect.objectContaining({ code: 'SEAL_KEY_INVALID' }));
  });

  it('zeroes its key on dispose, after which nothing unseals', () => {
    const seal = createKeyFile(join(dir, 'e.key'));
    const sealed = seal.seal(Buffer.from('x'), Buffer.alloc(0));
    seal.dispose();
    expect(() => seal.unseal(sealed, Buffer.alloc(0))).toThrow(expect.objectContaining({ code: 'DECRYPTION_FAILED' }));
  });
});

describe('seal key file someone else could have made', () => {
  it('is never read through a link, nor created over one', () => {
    const target = join(dir, 'real.key');
    createKeyFile(target).dispose();
    const link = join(dir, 'link.key');
    symlinkSync(target, link);
    expect(() => openKeyFile(link)).toThrow(
      expect.objectContaining({ code: 'UNSAFE_FILE', message: expect.stringContaining(`the seal key file ${link} is a symbolic link to ${target}`) as string }),
    );
    const dangling = join(dir, 'dangling.key');
    symlinkSync(join(dir, 'nowhere.key'), dangling);
    expect(keyFileSealSource(dangling).exists()).toBe(true);
    expect(() => createKeyFile(dangling)).toThrow(expect.objectContaining({ code: 'EEXIST' }));
    expect(existsSync(join(dir, 'nowhere.key'))).toBe(false);
  });

  it('is refused when its directory may be written by others', () => {
    const open = join(dir, 'open');
    mkdirSync(open);
    chmodSync(open, 0o777);
    expect(() => createKeyFile(join(open, 'seal.key'))).toThrow(
      expect.objectContaining({ code: 'UNSAFE_FILE', message: expect.stringContaining(`the directory of the seal key file ${open} is owned by`) as string }),
    );
    expect(existsSync(join(open, 'seal.key'))).toBe(false);
  });
});
