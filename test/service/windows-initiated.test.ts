/**
 * windowsInitiatedSSO="no" honoured, on both stores: a lookup by Windows account (the caller's
 * own, or an administrator's --account), ticket issue and redeem are refused with
 * WINDOWS_SSO_NOT_ENABLED; host-initiated lookups of the same application still answer.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const bob = user('CORP\\bob', 'CORP\\Payroll Users');
const dana = user('CORP\\dana', 'CORP\\Payroll Admins');

const failure = (promise: Promise<unknown>) =>
  promise.then(
    () => 'ok',
    (error: Error & { code?: string }) => `${error.code}: ${error.message}`,
  );
const REFUSED =
  'WINDOWS_SSO_NOT_ENABLED: Windows-initiated SSO is not enabled for Payroll: set windowsInitiatedSSO="yes" on it (ssomanage -updateapps) or use host-initiated lookups';

describe.each(storeTargets)('windowsInitiatedSSO on $name', (target) => {
  let h: VaultHarness;
  beforeEach(async () => {
    h = await createVaultHarness(target);
    const flags = { ...appInput('x').flags, allowTickets: true, hostInitiatedSSO: true, windowsInitiatedSSO: false };
    await h.vault.applications.create(appInput('Payroll', { flags }), admin);
    await h.vault.applications.setEnabled('Payroll', true, admin);
    await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
    await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
    await h.vault.global.update({ ticketsAllowed: true }, admin);
  });
  afterEach(async () => {
    h.vault.dispose();
    await h.close();
  });

  it('refuses Windows-initiated lookups and tickets, leaving 10755', async () => {
    expect(await failure(h.vault.lookup.getCredentials('Payroll', bob))).toBe(REFUSED);
    expect(await failure(h.vault.lookup.getCredentials('Payroll', dana, { account: 'CORP\\bob' }))).toBe(REFUSED);
    expect(await failure(h.vault.tickets.issue(bob, 'Payroll'))).toBe(REFUSED);
    const events = await h.store.listEvents({ id: 10755 });
    expect(events.map((event) => event.message)).toEqual([
      `GetCredentials on Payroll by CORP\\bob failed: ${REFUSED.replace('WINDOWS_SSO_NOT_ENABLED: ', '')}`,
      `GetCredentials on Payroll by CORP\\dana failed: ${REFUSED.replace('WINDOWS_SSO_NOT_ENABLED: ', '')}`,
      `IssueTicket on Payroll by CORP\\bob failed: ${REFUSED.replace('WINDOWS_SSO_NOT_ENABLED: ', '')}`,
    ]);
  });

  it('refuses to redeem a ticket issued before the flag was turned off', async () => {
    await h.vault.applications.update('Payroll', { flags: { windowsInitiatedSSO: true } }, admin);
    const { ticket } = await h.vault.tickets.issue(bob, 'Payroll');
    await h.vault.applications.update('Payroll', { flags: { windowsInitiatedSSO: false } }, admin);
    expect(await failure(h.vault.tickets.redeem('Payroll', ticket, dana, { sender: 'CORP\\bob' }))).toBe(REFUSED);
  });

  it('answers host-initiated lookups of the same application', async () => {
    expect(await h.vault.lookup.hostLookup('Payroll', 'bob-ext', admin)).toEqual({ application: 'Payroll', account: 'CORP\\bob', externalUser: 'bob-ext' });
  });

  it('answers Windows-initiated lookups again once the flag is yes, and a cached answer stops when it goes back to no', async () => {
    await h.vault.applications.update('Payroll', { flags: { windowsInitiatedSSO: true } }, admin);
    expect(await h.vault.lookup.getCredentials('Payroll', bob)).toMatchObject({ account: 'CORP\\bob', fields: [{ label: 'Password', value: 's3cret' }] });
    await h.vault.applications.update('Payroll', { flags: { windowsInitiatedSSO: false } }, admin);
    expect(await failure(h.vault.lookup.getCredentials('Payroll', bob))).toBe(REFUSED);
  });
});
