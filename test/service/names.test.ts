/**
 * Names that must not fool the vault, through the service (what every front end calls) on both
 * stores: a look-alike principal reaches nobody's credentials, names compare as Windows compares
 * them, and what a name, identifier, label or description may hold is checked here.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const KELVIN = '\u212a';
const kate = user('CORP\\kate', 'CORP\\Payroll Users');

describe.each(storeTargets)('names on $name', (target) => {
  let h: VaultHarness;
  beforeEach(async () => {
    h = await createVaultHarness(target);
    await h.vault.applications.create(appInput('Payroll', { userAccounts: ['CORP\\Payroll Users', 'CORP\\kate'] }), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\kate', 'kate-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\kate', ['kate-secret'], admin);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  it("never give CORP\\ + KELVIN SIGN + ate CORP\\kate's credentials (toLowerCase made them one account)", async () => {
    expect(`CORP\\${KELVIN}ate`.toLowerCase()).toBe('corp\\kate');
    // An authenticated caller whose name is the look-alike (a later API front end): no membership, no mapping.
    const lookAlike = user(`CORP\\${KELVIN}ate`);
    await expect(h.vault.lookup.getCredentials('Payroll', lookAlike)).rejects.toMatchObject({ code: 'NO_APP' });
    const lookAlikeInGroup = user(`CORP\\${KELVIN}ate`, 'CORP\\Payroll Users');
    await expect(h.vault.lookup.getCredentials('Payroll', lookAlikeInGroup)).rejects.toMatchObject({ code: 'NO_MAPPING' });
    // Nor by naming it: an administrator's lookup of the look-alike finds no mapping.
    await expect(h.vault.lookup.getCredentials('Payroll', admin, { account: `CORP\\${KELVIN}ATE` })).rejects.toMatchObject({ code: 'NO_MAPPING' });
    expect((await h.vault.lookup.getCredentials('Payroll', kate)).fields).toEqual([{ label: 'Password', value: 'kate-secret' }]);
  });

  it('compare accounts as Windows does: case pairs are one account, other look-alikes are not', async () => {
    expect((await h.vault.lookup.getCredentials('Payroll', user('corp\\KATE'))).account).toBe('CORP\\kate');
    for (const account of [`CORP\\${KELVIN}ate`, 'CORP\\kate\u200b', 'CORP\\kat\u0065\u0301']) {
      await expect(h.vault.mappings.create('Payroll', account, 'x', admin)).rejects.toMatchObject({ code: 'TEXT_INVALID' });
    }
    // ſ (long s) upper-cases to S in Unicode, but Windows leaves it alone: another account.
    await h.vault.applications.update('Payroll', { userAccounts: ['CORP\\sam'] }, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\ſam', 'long-s', admin);
    await h.vault.mappings.create('Payroll', 'CORP\\SAM', 'sam', admin);
    const accounts = (await h.vault.mappings.list({ application: 'Payroll' }, admin)).map((mapping) => mapping.account);
    expect(accounts.sort()).toEqual(['CORP\\SAM', 'CORP\\kate', 'CORP\\ſam']);
    await expect(h.vault.mappings.create('Payroll', 'corp\\sAm', 'again', admin)).rejects.toMatchObject({ code: 'MAPPING_EXISTS' });
  });

  it('refuse, naming the field and the character, what would act on a terminal or hide in a name', async () => {
    const refusal = async (run: Promise<unknown>) => {
      const error = (await run.then(
        () => undefined,
        (failure: unknown) => failure,
      )) as { code: string; message: string };
      return `${error.code}: ${error.message}`;
    };
    expect(await refusal(h.vault.applications.update('Payroll', { description: 'clear \u001b[2J' }, admin))).toBe(
      'TEXT_INVALID: the description has U+001B ESCAPE at character 7, which is not allowed: control characters can move the cursor, clear the screen or forge lines where the text is shown; remove it',
    );
    expect(await refusal(h.vault.applications.update('Payroll', { contact: 'ops\u202e@example.org' }, admin))).toBe(
      'TEXT_INVALID: the contact has U+202E RIGHT-TO-LEFT OVERRIDE at character 4, which is not allowed: bidirectional controls reorder how the text around them is shown; remove it',
    );
    expect(await refusal(h.vault.mappings.create('Payroll', `CORP\\${KELVIN}ate`, 'x', admin))).toBe(
      `TEXT_INVALID: the account name "CORP\\${KELVIN}ate" has U+212A KELVIN SIGN at character 6, which is not allowed: names must be in Unicode normalization form C, where it is written K (U+004B); type K instead`,
    );
    expect(await refusal(h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob\u0085', admin))).toBe(
      'TEXT_INVALID: the external user id "bob\u0085" has U+0085 NEXT LINE at character 4, which is not allowed: control characters can move the cursor, clear the screen or forge lines where the text is shown; remove it',
    );
    expect(await refusal(h.vault.applications.create(appInput('Zw\u200bApp'), admin))).toBe(
      'TEXT_INVALID: the application name "Zw\u200bApp" has U+200B ZERO WIDTH SPACE at character 3, which is not allowed: invisible formatting characters make different names look the same; remove it',
    );
    const label = appInput('Labels', { fields: [{ ordinal: 0, label: 'User\u2066', masked: false, sync: false }] });
    expect(await refusal(h.vault.applications.create(label, admin))).toBe(
      'TEXT_INVALID: the label of field 0 of Labels "User\u2066" has U+2066 LEFT-TO-RIGHT ISOLATE at character 5, which is not allowed: bidirectional controls reorder how the text around them is shown; remove it',
    );
    await h.vault.applications.create(appInput('Settings', { type: 'configStore' }), admin);
    expect(await refusal(h.vault.config.set('Settings', 'id\ud800', { 'User Id': 'x', Password: 'y' }, admin))).toBe(
      'TEXT_INVALID: the config identifier "id\ud800" has U+D800 at character 3, which is not allowed: it is half of a surrogate pair, so the text is not valid Unicode; remove it',
    );
    expect(await refusal(h.vault.global.update({ ssoAdminAccounts: ['CORP\\adm\ufffd'] }, admin))).toBe(
      'TEXT_INVALID: the account name "CORP\\adm\ufffd" has U+FFFD REPLACEMENT CHARACTER at character 9, which is not allowed: it stands for bytes that were not valid UTF-8 where the text came from; remove it',
    );
    // A description may hold what a name may not: joiners, as Persian spelling needs.
    await h.vault.applications.update('Payroll', { description: 'می\u200cخواهم' }, admin);
  });

  it('refuse names and texts over their maximum without quoting them', async () => {
    const huge = 'a'.repeat(5 * 1024 * 1024);
    const started = Date.now();
    await expect(h.vault.mappings.create('Payroll', `CORP\\${huge}`, 'x', admin)).rejects.toMatchObject({
      code: 'FIELD_TOO_LONG',
      message: 'the account name has 5242885 characters and may have at most 512',
    });
    await expect(h.vault.mappings.create('Payroll', 'CORP\\bob', huge, admin)).rejects.toMatchObject({
      code: 'FIELD_TOO_LONG',
      message: 'the external user id has 5242880 characters and may have at most 256',
    });
    await expect(h.vault.applications.update('Payroll', { description: huge }, admin)).rejects.toMatchObject({
      code: 'FIELD_TOO_LONG',
      message: 'the description has 5242880 characters and may have at most 256',
    });
    await expect(h.vault.applications.create(appInput(huge), admin)).rejects.toMatchObject({ code: 'APP_NAME_INVALID' });
    expect(Date.now() - started).toBeLessThan(5000);
    expect((await h.vault.mappings.list({ application: 'Payroll' }, admin)).map((mapping) => mapping.account)).toEqual(['CORP\\kate']);
  });
});
