/** Human output of the vault commands, in the shape ENTSSO's listings have: `(E)`/`(D)` markers first. */
import type { Application, Credentials, GlobalSettings, Mapping } from './vault-types.js';

export const MASK = '********';

export const marker = (enabled: boolean): string => (enabled ? '(E)' : '(D)');

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

const TYPE_NAMES: Record<Application['type'], string> = {
  individual: 'individual',
  group: 'group',
  hostGroup: 'host group',
  configStore: 'config store',
};

function table(rows: string[][]): string {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!))).join('  ').trimEnd()).join('\n');
}

export function renderApplicationList(apps: readonly Application[]): string {
  if (apps.length === 0) return 'No affiliate applications.\n';
  return `${table(apps.map((app) => [marker(app.flags.enableApp), app.name, TYPE_NAMES[app.type], app.description]))}\n`;
}

export function renderApplication(app: Application): string {
  const list = (accounts: readonly string[]) => (accounts.length === 0 ? '(none)' : accounts.join('; '));
  const lines = [
    `${marker(app.flags.enableApp)} ${app.name}`,
    `  Type:                ${TYPE_NAMES[app.type]}`,
    `  Description:         ${app.description}`,
    `  Contact:             ${app.contact}`,
    `  Application users:   ${list(app.userAccounts)}`,
    `  Application admins:  ${list(app.adminAccounts)}`,
  ];
  if (app.windowsAccount !== null) lines.push(`  Windows account:     ${app.windowsAccount}`);
  lines.push('  Fields:');
  for (const field of [...app.fields].sort((a, b) => a.ordinal - b.ordinal)) {
    const notes = [field.ordinal === 0 ? 'external user id' : '', field.masked ? 'masked' : '', field.sync ? 'sync' : ''].filter(Boolean);
    lines.push(`    ${field.ordinal}  ${field.label}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`);
  }
  const flags = Object.entries(app.flags).map(([name, value]) => `${name}=${yesNo(value)}`);
  lines.push(`  Flags:               ${flags.join(' ')}`);
  lines.push(`  Ticket lifetime:     ${app.ticketTimeoutMinutes === null ? "the system's" : `${app.ticketTimeoutMinutes} minutes`}`);
  lines.push(`  Created:             ${app.createdAt}`, `  Updated:             ${app.updatedAt}`);
  return `${lines.join('\n')}\n`;
}

export function renderMappings(mappings: readonly Mapping[]): string {
  if (mappings.length === 0) return 'No mappings.\n';
  const rows = mappings.map((mapping) => [
    marker(mapping.enabled),
    mapping.account,
    mapping.application,
    mapping.externalUser,
    mapping.hasCredentials ? '' : '(no credentials)',
  ]);
  return `${table(rows)}\n`;
}

/** Credentials with their masks: masked values only when asked for. */
export interface ShownCredentials {
  application: string;
  account: string;
  externalUser: string;
  fields: Array<{ label: string; masked: boolean; value?: string }>;
}

/** Joins looked-up values with the application's field masks; masked values are dropped unless `showSecrets`. */
export function shownCredentials(credentials: Credentials, app: Application | undefined, showSecrets: boolean): ShownCredentials {
  const masked = (index: number, label: string) => {
    // The service returns fields 1..n as the definition lists them; when in doubt, a value is secret.
    const field = app?.fields.slice(1)[index];
    return field === undefined || field.label !== label ? true : field.masked;
  };
  return {
    application: credentials.application,
    account: credentials.account,
    externalUser: credentials.externalUser,
    fields: credentials.fields.map(({ label, value }, index) => {
      const secret = masked(index, label);
      return secret && !showSecrets ? { label, masked: secret } : { label, masked: secret, value };
    }),
  };
}

export function renderCredentials(shown: ShownCredentials): string {
  const labels = ['Application', 'Account', 'External user', ...shown.fields.map((field) => field.label)];
  const width = Math.max(...labels.map((label) => label.length)) + 1;
  const line = (label: string, value: string) => `${`${label}:`.padEnd(width)} ${value}`;
  return `${[
    line('Application', shown.application),
    line('Account', shown.account),
    line('External user', shown.externalUser),
    ...shown.fields.map((field) => line(field.label, field.value ?? MASK)),
  ].join('\n')}\n`;
}

export function renderGlobalInfo(global: GlobalSettings): string {
  const list = (accounts: readonly string[]) => (accounts.length === 0 ? '(none: only the local administrator)' : accounts.join('; '));
  return `${[
    `SSO administrators:            ${list(global.ssoAdminAccounts)}`,
    `SSO affiliate administrators:  ${list(global.affiliateAdminAccounts)}`,
    `Tickets allowed:               ${yesNo(global.ticketsAllowed)}`,
    `Tickets validated:             ${yesNo(global.ticketsValidate)}`,
    `Ticket lifetime:               ${global.ticketTimeoutMinutes} minutes`,
    `Credential cache timeout:      ${global.credCacheTimeoutMinutes} minutes (Tessera keeps no cache across processes)`,
    `Secret server:                 ${global.secretServer || '(none)'}`,
    `Audit: deleted applications:   ${global.auditDeletedApps}`,
    `Audit: deleted mappings:       ${global.auditDeletedMappings}`,
    `Audit: credential lookups:     ${global.auditCredentialLookups}`,
  ].join('\n')}\n`;
}
