/** Sample records for the store tests. */
import type { ApplicationFlags, DataKeyRecord, KeyringUpdate, NewApplication, NewEvent, NewMapping, NewVault, SealedField } from '../../src/store/index.js';

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

export const ALL_FLAGS_OFF: ApplicationFlags = {
  enableApp: false,
  groupApp: false,
  configStoreApp: false,
  hostInitiatedSSO: false,
  windowsInitiatedSSO: false,
  validatePassword: false,
  allowTickets: false,
  validateTickets: false,
  timeoutTickets: false,
  allowLocalAccounts: false,
  adminAccountSame: false,
  disableCredCache: false,
};

/** An application named `name` with id `app-<name lower-cased>`. */
export function sampleApplication(name: string, overrides: Partial<NewApplication> = {}): NewApplication {
  return {
    id: `app-${name.toLowerCase()}`,
    name,
    type: 'individual',
    description: `the ${name} system: ünïcödé, "quotes", back\\slash`,
    contact: 'ops@contoso.example',
    userAccounts: ['CONTOSO\\Payroll Users', 'CONTOSO\\Ops'],
    adminAccounts: ['CONTOSO\\Payroll Admins'],
    windowsAccount: null,
    fields: [
      { ordinal: 0, label: 'User Id', masked: false, sync: false },
      { ordinal: 1, label: 'Password', masked: true, sync: true },
    ],
    flags: { ...ALL_FLAGS_OFF, enableApp: true, windowsInitiatedSSO: true },
    ticketTimeoutMinutes: null,
    createdAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  };
}

export function sampleDataKey(applicationId: string, overrides: Partial<DataKeyRecord> = {}): DataKeyRecord {
  return {
    applicationId,
    version: 1,
    msid: 'msid-1',
    wrapped: Buffer.from([0, 255, 1, 254, 0, 42]),
    createdAt: '2024-05-01T10:00:00.000Z',
    ...overrides,
  };
}

export function sampleMapping(applicationId: string, account: string, externalUser: string, overrides: Partial<NewMapping> = {}): NewMapping {
  return {
    id: `map-${applicationId}-${account}-${externalUser}`,
    applicationId,
    account,
    externalUser,
    createdAt: '2024-05-02T10:00:00.000Z',
    ...overrides,
  };
}

/** A sealed field whose bytes include NUL and 0xFF. */
export function sealed(ordinal: number, text: string): SealedField {
  return { ordinal, ciphertext: Buffer.concat([Buffer.from([0, 255]), Buffer.from(text)]) };
}
