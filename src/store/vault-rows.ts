/** Conversions between the vault's records and table rows, identical for both backends. */
import type { Selectable } from 'kysely';
import { toBuffer } from './rows.js';
import type { ApplicationsTable, DataKeysTable, GlobalInfoTable, MappingsTable } from './schema.js';
import type { ApplicationFlags, ApplicationRecord, DataKeyRecord, FieldDefinition, GlobalInfo, MappingRecord, SealedField } from './vault-types.js';

/**
 * Names and identifiers compare case-insensitively through a key column, keyed as Windows
 * compares account names (one rule for the store and the service: vault/account-name.ts).
 */
export { nameKey as caseKey } from '../vault/account-name.js';

export function flag(value: boolean): number {
  return value ? 1 : 0;
}

export function globalInfoFromRow(row: Selectable<GlobalInfoTable>): GlobalInfo {
  return {
    ssoAdminAccounts: JSON.parse(row.sso_admin_accounts) as string[],
    affiliateAdminAccounts: JSON.parse(row.affiliate_admin_accounts) as string[],
    ticketsAllowed: row.tickets_allowed === 1,
    ticketsValidate: row.tickets_validate === 1,
    ticketTimeoutMinutes: row.ticket_timeout_minutes,
    credCacheTimeoutMinutes: row.cred_cache_timeout_minutes,
    secretServer: row.secret_server,
    auditDeletedApps: row.audit_deleted_apps,
    auditDeletedMappings: row.audit_deleted_mappings,
    auditCredentialLookups: row.audit_credential_lookups,
    ssoEnabled: row.sso_enabled === 1,
    auditPositive: row.audit_positive,
    auditNegative: row.audit_negative,
  };
}

/** The columns a global info patch writes; absent fields are left alone. */
export function globalInfoPatch(patch: Partial<GlobalInfo>): Partial<Omit<GlobalInfoTable, 'singleton'>> {
  const row: Partial<Omit<GlobalInfoTable, 'singleton'>> = {};
  if (patch.ssoAdminAccounts !== undefined) row.sso_admin_accounts = JSON.stringify(patch.ssoAdminAccounts);
  if (patch.affiliateAdminAccounts !== undefined) row.affiliate_admin_accounts = JSON.stringify(patch.affiliateAdminAccounts);
  if (patch.ticketsAllowed !== undefined) row.tickets_allowed = flag(patch.ticketsAllowed);
  if (patch.ticketsValidate !== undefined) row.tickets_validate = flag(patch.ticketsValidate);
  if (patch.ticketTimeoutMinutes !== undefined) row.ticket_timeout_minutes = patch.ticketTimeoutMinutes;
  if (patch.credCacheTimeoutMinutes !== undefined) row.cred_cache_timeout_minutes = patch.credCacheTimeoutMinutes;
  if (patch.secretServer !== undefined) row.secret_server = patch.secretServer;
  if (patch.auditDeletedApps !== undefined) row.audit_deleted_apps = patch.auditDeletedApps;
  if (patch.auditDeletedMappings !== undefined) row.audit_deleted_mappings = patch.auditDeletedMappings;
  if (patch.auditCredentialLookups !== undefined) row.audit_credential_lookups = patch.auditCredentialLookups;
  if (patch.ssoEnabled !== undefined) row.sso_enabled = flag(patch.ssoEnabled);
  if (patch.auditPositive !== undefined) row.audit_positive = patch.auditPositive;
  if (patch.auditNegative !== undefined) row.audit_negative = patch.auditNegative;
  return row;
}

export function applicationFromRow(row: Selectable<ApplicationsTable>): ApplicationRecord {
  return {
    id: row.id,
    name: row.name,
    type: row.type,
    description: row.description,
    contact: row.contact,
    userAccounts: JSON.parse(row.user_accounts) as string[],
    adminAccounts: JSON.parse(row.admin_accounts) as string[],
    windowsAccount: row.windows_account,
    fields: JSON.parse(row.fields) as FieldDefinition[],
    flags: JSON.parse(row.flags) as ApplicationFlags,
    ticketTimeoutMinutes: row.ticket_timeout_minutes,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
    version: row.version,
  };
}

/** The columns an application update writes; absent fields are left alone. */
export function applicationPatch(update: Partial<ApplicationRecord>): Partial<ApplicationsTable> {
  const row: Partial<ApplicationsTable> = {};
  if (update.description !== undefined) row.description = update.description;
  if (update.contact !== undefined) row.contact = update.contact;
  if (update.userAccounts !== undefined) row.user_accounts = JSON.stringify(update.userAccounts);
  if (update.adminAccounts !== undefined) row.admin_accounts = JSON.stringify(update.adminAccounts);
  if (update.windowsAccount !== undefined) row.windows_account = update.windowsAccount;
  if (update.fields !== undefined) row.fields = JSON.stringify(update.fields);
  if (update.flags !== undefined) row.flags = JSON.stringify(update.flags);
  if (update.ticketTimeoutMinutes !== undefined) row.ticket_timeout_minutes = update.ticketTimeoutMinutes;
  if (update.updatedAt !== undefined) row.updated_at = update.updatedAt;
  return row;
}

export function dataKeyFromRow(row: Selectable<DataKeysTable>): DataKeyRecord {
  return {
    applicationId: row.application_id,
    version: row.version,
    msid: row.msid,
    wrapped: toBuffer(row.wrapped),
    createdAt: row.created_at,
  };
}

export function mappingFromRow(row: Selectable<MappingsTable>): MappingRecord {
  return {
    id: row.id,
    applicationId: row.application_id,
    account: row.account,
    externalUser: row.external_user,
    enabled: row.enabled === 1,
    hasCredentials: row.has_credentials === 1,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}

export function sealedFieldFromRow(row: { ordinal: number; ciphertext: Buffer }): SealedField {
  return { ordinal: row.ordinal, ciphertext: toBuffer(row.ciphertext) };
}
