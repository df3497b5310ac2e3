/**
 * One set of rules for an application's definition, at creation, at every update and in the
 * XML files: whatever the vault holds exports to a file that -createapps takes on an empty vault
 * and that makes the same application again.
 */
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { definitionOf } from '../../src/cli/xml-files.js';
import { isTesseraError } from '../../src/errors/index.js';
import type { ApplicationFlags } from '../../src/store/index.js';
import { type ApplicationInput, checkApplication, DEFAULT_FLAGS } from '../../src/vault/index.js';
import { applicationsToXml, parseApplicationsXml } from '../../src/vault/xml/index.js';
import { storeTargets } from '../support/databases.js';
import { type VaultHarness, admin, appInput, createVaultHarness } from './vault-harness.js';

const ACCOUNTS = ['CORP\\Payroll Users', 'CORP\\Payroll Admins', 'jsmith@corp.example', 'EMEA\\Société Générale', 'CORP\\Ops'];
const FLAG_NAMES = Object.keys(DEFAULT_FLAGS) as Array<keyof ApplicationFlags>;

/** Definitions the vault's rules accept (checkApplication), with every flag and field shape. */
const definition: fc.Arbitrary<ApplicationInput> = fc
  .record({
    type: fc.constantFrom('individual', 'group', 'hostGroup', 'configStore' as const),
    description: fc.string({ maxLength: 20 }),
    contact: fc.string({ maxLength: 20 }),
    userAccounts: fc.uniqueArray(fc.constantFrom(...ACCOUNTS), { maxLength: 3 }),
    adminAccounts: fc.uniqueArray(fc.constantFrom(...ACCOUNTS), { maxLength: 2 }),
    windowsAccount: fc.constantFrom(...ACCOUNTS),
    fields: fc.array(fc.record({ label: fc.constantFrom('User', 'Password', 'Mot de passe', 'PIN'), masked: fc.boolean(), sync: fc.boolean() }), {
      minLength: 1,
      maxLength: 4,
    }),
    flags: fc.record(Object.fromEntries(FLAG_NAMES.map((flag) => [flag, fc.boolean()])) as Record<keyof ApplicationFlags, fc.Arbitrary<boolean>>),
    ticketTimeoutMinutes: fc.option(fc.integer({ min: 1, max: 525_600 }), { nil: null }),
  })
  .map(({ type, windowsAccount, fields, flags, ...rest }) => ({
    ...rest,
    name: 'Generated',
    type,
    windowsAccount: type === 'hostGroup' ? windowsAccount : null,
    fields: fields.map((field, ordinal) => ({ ordinal, ...field, masked: ordinal > 0 && field.masked })),
    flags: {
      ...flags,
      groupApp: type === 'group',
      configStoreApp: type === 'configStore',
      hostInitiatedSSO: type === 'hostGroup' || (type !== 'group' && flags.hostInitiatedSSO),
    },
  }))
  .filter((input) => {
    try {
      checkApplication(input);
      return true;
    } catch {
      return false;
    }
  });

describe.each(storeTargets)('application definitions on $name', (target) => {
  let held: VaultHarness;
  let empty: VaultHarness;
  beforeAll(async () => {
    [held, empty] = await Promise.all([createVaultHarness(target), createVaultHarness(target)]);
  });
  afterAll(async () => {
    for (const h of [held, empty]) {
      h.vault.dispose();
      await h.close();
    }
  });

  it('whatever the vault holds exports to a file that -createapps takes on an empty vault and that makes it again', async () => {
    await fc.assert(
      fc.asyncProperty(definition, fc.boolean(), async (input, enabled) => {
        try {
          let app = await held.vault.applications.create(input, admin);
          if (enabled) app = await held.vault.applications.setEnabled(app.name, true, admin);
          const [parsed] = parseApplicationsXml(applicationsToXml([definitionOf(app)]), 'export.xml');
          // As ssomanage -createapps does: created disabled, then enabled when the file says so.
          let again = await empty.vault.applications.create(parsed!, admin);
          if (parsed!.flags.enableApp) again = await empty.vault.applications.setEnabled(again.name, true, admin);
          expect(definitionOf(again)).toStrictEqual(definitionOf(app));
        } finally {
          for (const h of [held, empty]) await h.vault.applications.delete('Generated', admin).catch(() => undefined);
        }
      }),
      { numRuns: 40 },
    );
  });

  it('an affiliate administrator may tighten ticket settings (validateTickets="yes", as the SDK sample), never loosen them', async () => {
    await held.vault.global.update({ affiliateAdminAccounts: ['CORP\\Affiliates'] }, admin);
    const affiliate = { name: 'CORP\\frank', groups: ['CORP\\Affiliates'] };
    try {
      const tight = appInput('Tight', { flags: { ...appInput('x').flags, validateTickets: true } });
      expect((await held.vault.applications.create(tight, affiliate)).flags.validateTickets).toBe(true);
      const loose = appInput('Loose', { flags: { ...appInput('x').flags, allowTickets: true, timeoutTickets: false }, ticketTimeoutMinutes: 5 });
      await expect(held.vault.applications.create(loose, affiliate)).rejects.toThrow(
        'only SSO administrators may set these ticket settings of Loose: allowTickets, timeoutTickets, a ticket lifetime',
      );
      await expect(held.vault.applications.update('Tight', { flags: { validateTickets: false } }, affiliate)).rejects.toThrow(
        'only SSO administrators may change ticket settings of Tight',
      );
      expect((await held.vault.applications.update('Tight', { flags: { timeoutTickets: true } }, affiliate)).flags.timeoutTickets).toBe(true);
    } finally {
      await held.vault.applications.delete('Tight', admin).catch(() => undefined);
    }
  });

  it('an update is held to the rules of creation', async () => {
    await held.vault.applications.create(appInput('Team', { type: 'group' }), admin);
    await held.vault.applications.create(appInput('Host', { type: 'hostGroup', windowsAccount: 'CORP\\HostUser' }), admin);
    try {
      const refusal = async (name: string, changes: Parameters<typeof held.vault.applications.update>[1]) => {
        try {
          await held.vault.applications.update(name, changes, admin);
        } catch (error) {
          if (isTesseraError(error)) return `${error.code}: ${error.message}`;
          throw error;
        }
        return 'accepted';
      };
      expect(await refusal('Team', { flags: { hostInitiatedSSO: true } })).toBe(
        'APP_INVALID_FLAGS: the flags of Team conflict: group applications are Windows-initiated only (hostInitiatedSSO must be no)',
      );
      expect(await refusal('Host', { flags: { hostInitiatedSSO: false } })).toBe(
        'APP_INVALID_FLAGS: the flags of Host conflict: host group applications need hostInitiatedSSO=yes',
      );
      expect(await refusal('Host', { windowsAccount: null })).toBe(
        'APP_INVALID: host group application Host needs exactly one windowsAccount: the enterprise account every external user maps to',
      );
      expect(await refusal('Team', { windowsAccount: 'CORP\\HostUser' })).toBe(
        'APP_INVALID: only host group applications have a windowsAccount; Team is of type group',
      );
      expect(await refusal('Team', { adminAccounts: ['Everyone'] })).toBe(
        'ACCOUNT_INVALID: Everyone is a built-in account; name a domain group or user instead',
      );
      // What ENTSSO's own samples write: validation applies once tickets are allowed.
      expect(await refusal('Team', { flags: { validateTickets: true } })).toBe('accepted');
      expect((await held.vault.applications.get('Team', admin)).flags).toMatchObject({ allowTickets: false, validateTickets: true });
    } finally {
      for (const name of ['Team', 'Host']) await held.vault.applications.delete(name, admin);
    }
  });
});
