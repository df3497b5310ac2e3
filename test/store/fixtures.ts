/** Sample records for the store tests. */
import type { KeyringUpdate, NewEvent, NewVault } from '../../src/store/index.js';

export function sampleVault(overrides: Partial<NewVault> = {}): NewVault {
  return {
    vaultId: 'vault-1',
    createdAt: '2024-05-01T10:00:00.000Z',
    createdBy: 'CONTOSO\\ssoadmin',
    sealedKeyring: Buffer.from([0, 1, 2, 254, 255, 0]),
    currentMsid: 'msid-1',
    previousMsid: null,
    ...overrides,
  };
}

export function sampleUpdate(n: number, overrides: Partial<KeyringUpdate> = {}): KeyringUpdate {
  return {
    vaultId: 'vault-1',
    sealedKeyring: Buffer.from(`keyring ${n}`),
    currentMsid: `msid-${n + 1}`,
    previousMsid: `msid-${n}`,
    updatedAt: new Date(Date.UTC(2024, 5, 1, 0, 0, n)).toISOString(),
    ...overrides,
  };
}

export function sampleEvent(n: number, overrides: Partial<NewEvent> = {}): NewEvent {
  return {
    id: 10500 + (n % 3),
    symbol: `EVENT_${n}`,
    severity: 'info',
    time: new Date(Date.UTC(2024, 0, 1, 0, n)).toISOString(),
    params: { n: String(n) },
    message: `event number ${n}`,
    ...overrides,
  };
}
