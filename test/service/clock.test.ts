import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { storeTargets } from '../support/databases.js';
import { type VaultHarness, admin, appInput, createVaultHarness, user } from './vault-harness.js';

const YEAR_MS = 365 * 24 * 60 * 60 * 1000;
const DAY_MS = 24 * 60 * 60 * 1000;
const bob = user('CORP\\bob', 'CORP\\Payroll Users');
const dana = user('CORP\\dana', 'CORP\\Payroll Admins');

/**
 * Every time-based rule reads the one injected clock. Run the rules with that clock a year away
 * from the wall clock in either direction: a second clock anywhere (the store, the event emitter)
 * would disagree with it and break them.
 */
describe.each(storeTargets)('one clock on $name', (target) => {
  for (const [label, offset] of [
    ['a year ahead of', YEAR_MS],
    ['a year behind', -YEAR_MS],
  ] as const) {
    describe(`with the clock ${label} the wall clock`, () => {
      let h: VaultHarness;
      beforeEach(async () => {
        h = await createVaultHarness(target);
        h.clock.now = new Date(Date.now() + offset);
      });
      afterEach(async () => {
        h.vault.dispose();
        await h.close();
      });

      it('redeems a ticket once before it expires, and refuses it after', async () => {
        await h.vault.applications.create(appInput('Payroll', { flags: { ...appInput('x').flags, allowTickets: true } }), admin);
        await h.vault.applications.setEnabled('Payroll', true, admin);
        await h.vault.mappings.create('Payroll', 'CORP\\bob', 'bob-ext', admin);
        await h.vault.mappings.setCredentials('Payroll', 'CORP\\bob', ['s3cret'], admin);
        await h.vault.global.update({ ticketsAllowed: true }, admin);

        const first = await h.vault.tickets.issue(bob, 'Payroll');
        expect(Date.parse(first.expiresAt) - h.clock.now.getTime()).toBe(2 * 60_000);
        expect((await h.vault.tickets.redeem('Payroll', first.ticket, dana)).externalUser).toBe('bob-ext');
        await expect(h.vault.tickets.redeem('Payroll', first.ticket, dana)).rejects.toMatchObject({ code: 'TICKET_REDEEMED' });

        const second = await h.vault.tickets.issue(bob, 'Payroll');
        h.clock.now = new Date(h.clock.now.getTime() + 2 * 60_000);
        await expect(h.vault.tickets.redeem('Payroll', second.ticket, dana)).rejects.toMatchObject({ code: 'TICKET_EXPIRED' });

        const events = await h.store.listEvents();
        expect(events.at(-1)?.time).toBe(h.clock.now.toISOString());
      });

      it('nags about a missing backup once a day by that clock', async () => {
        expect(await h.service.remindBackupIfNeeded({ atStart: true })).toBe(true);
        h.clock.now = new Date(h.clock.now.getTime() + DAY_MS - 1);
        expect(await h.service.remindBackupIfNeeded({ atStart: false })).toBe(false);
        h.clock.now = new Date(h.clock.now.getTime() + 1);
        expect(await h.service.remindBackupIfNeeded({ atStart: false })).toBe(true);
        const reminders = await h.store.listEvents({ id: 10589 });
        expect(reminders.map((e) => e.time)).toEqual([new Date(h.clock.now.getTime() - DAY_MS).toISOString(), h.clock.now.toISOString()]);
      });
    });
  }
});
