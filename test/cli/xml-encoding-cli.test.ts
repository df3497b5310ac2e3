/**
 * Files as Windows tools write them, through the real CLI on both stores: UTF-16 LE with a BOM
 * and encoding="utf-8" (Windows PowerShell 5.1's Out-File), UTF-16 BE, a declared windows-1252
 * file, and a declared encoding Tessera cannot read. What is stored comes back exactly.
 */
import { writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { createTestVault, storeTargets, type TestVault } from '../support/cli.js';
import { failure, ok, ssomanage } from '../support/vault-cli.js';

const appsXml = (name: string, description: string, head = '<?xml version="1.0" encoding="utf-8"?>'): string =>
  [
    head,
    '<sso>',
    `  <application name="${name}">`,
    `    <description>${description}</description>`,
    '    <field ordinal="0" label="User"/>',
    '  </application>',
    '</sso>',
    '',
  ].join('\r\n');

describe.each(storeTargets)('XML files in the encodings Windows writes ($name)', (target) => {
  let vault: TestVault;
  const writeBytes = async (name: string, bytes: Buffer): Promise<string> => {
    const path = join(dirname(vault.home), name);
    await writeFile(path, bytes);
    return path;
  };
  const description = async (name: string): Promise<string> => {
    const shown = ok(await vault.tessera(['app', 'show', name, '--json']), 'app show').stdout;
    return (JSON.parse(shown) as { description: string }).description;
  };

  beforeAll(async () => {
    vault = await createTestVault(target);
    ok(await vault.tessera(['init']), 'init');
  });
  afterAll(() => vault?.cleanup());

  it('holds a UTF-16 file to twice the bytes of a UTF-8 one, so both carry as much', async ({ expect }) => {
    const MiB = 1024 * 1024;
    // 20 MiB in UTF-16 (10 MiB of text): comments pad it, each under the longest stretch between two "<".
    const padding = `<!-- ${'p'.repeat(60_000)} -->\r\n`.repeat(Math.ceil((10 * MiB) / 60_000));
    const text = appsXml('PaddedUtf16', 'Padded', `<?xml version="1.0" encoding="utf-16"?>\r\n${padding}`);
    const utf16 = await writeBytes('padded16.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]));
    ok(await ssomanage(vault, ['-createapps', utf16]), '-createapps (20 MiB of UTF-16)');
    expect(await description('PaddedUtf16')).toBe('Padded');
    const utf8 = await writeBytes('padded8.xml', Buffer.from(text.replace('PaddedUtf16', 'PaddedUtf8').replace('utf-16', 'utf-8').repeat(2), 'utf8'));
    const refused = failure(await ssomanage(vault, ['-createapps', utf8]));
    expect(refused.code).toBe(1);
    expect(refused.error).toMatch(/^error INPUT_TOO_LARGE: .*padded8\.xml has \d+ bytes, and Tessera reads at most 16777216 bytes \(16 MiB\) from it/);
  });

  it('reads UTF-16 LE with a BOM and encoding="utf-8" (PowerShell 5.1 Out-File) and UTF-16 BE', async ({ expect }) => {
    const le = await writeBytes('le.xml', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(appsXml('SocieteLE', 'Société générale – 5 €'), 'utf16le')]));
    ok(await vault.tessera(['app', 'create', '--file', le]), 'app create (UTF-16 LE)');
    expect(await description('SocieteLE')).toBe('Société générale – 5 €');
    const be = await writeBytes('be.xml', Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(appsXml('SocieteBE', 'Société'), 'utf16le').swap16()]));
    ok(await ssomanage(vault, ['-createapps', be]), '-createapps (UTF-16 BE)');
    expect(await description('SocieteBE')).toBe('Société');
  });

  it('reads a declared windows-1252 file (0xE9 é, 0x80 €)', async ({ expect }) => {
    const text = appsXml('Societe1252', 'Soci\u00e9t\u00e9 5 \u0080', '<?xml version="1.0" encoding="windows-1252"?>');
    ok(await ssomanage(vault, ['-createapps', await writeBytes('cp1252.xml', Buffer.from(text, 'latin1'))]), '-createapps (windows-1252)');
    expect(await description('Societe1252')).toBe('Société 5 €');
  });

  it('refuses an encoding it cannot read, naming it, and a UTF-16 file cut short', async ({ expect }) => {
    const ebcdic = await writeBytes('ebcdic.xml', Buffer.from(appsXml('X', 'x', '<?xml version="1.0" encoding="EBCDIC-XYZ"?>'), 'utf8'));
    expect(failure(await ssomanage(vault, ['-createapps', ebcdic])).error).toBe(
      `error XML_INVALID: ${ebcdic} line 1: the file declares encoding "EBCDIC-XYZ", which Tessera cannot read: save it as UTF-8 or UTF-16 (in Notepad: Save As, Encoding UTF-8)`,
    );
    const whole = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(appsXml('Cut', 'x'), 'utf16le')]);
    const cut = await writeBytes('cut.xml', whole.subarray(0, whole.length - 3));
    expect(failure(await vault.tessera(['app', 'create', '--file', cut])).error).toBe(
      `error XML_INVALID: ${cut} line 7: the file is UTF-16 (two bytes per character) but has an odd number of bytes, so it was cut short: copy or save the whole file again`,
    );
    expect(ok(await vault.tessera(['app', 'list']), 'app list').stdout).not.toMatch(/\bX\b|Cut/);
  });
});
