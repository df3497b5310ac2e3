/**
 * Human output of the vault commands, in the shape ENTSSO's listings have: `(E)`/`(D)` markers
 * first; and the one escaping of what is shown to a person (escapeControl).
 */
import type { Application, Credentials, GlobalSettings, Mapping } from './vault-types.js';

/** Characters that act on a terminal or on how text is laid out, rather than show. */
const UNSAFE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Cs}]/gu;

const hex = (codePoint: number, width: number) => codePoint.toString(16).padStart(width, '0');

/**
 * A value made safe to show: control, formatting and separator characters and lone surrogates
 * written as `\x1b`, `\u202e`, `\u{e0001}`, so that no value from the store, a file or a backup
 * header can move the cursor, clear the screen, reorder a line or forge one. Every value shown
 * to a person goes through this at the edge (or through `shown`, which applies it).
 */
export function escapeControl(value: string): string {
  return value.replace(UNSAFE, (char) => {
    const codePoint = char.codePointAt(0)!;
    return codePoint <= 0xff ? `\\x${hex(codePoint, 2)}` : codePoint <= 0xffff ? `\\u${hex(codePoint, 4)}` : `\\u{${hex(codePoint, 1)}}`;
  });
}

/** A template tag: the text as written, each interpolated value through escapeControl. */
export function shown(strings: TemplateStringsArray, ...values: ReadonlyArray<string | number | boolean>): string {
  return strings.reduce((text, part, index) => text + escapeControl(String(values[index - 1])) + part);
}

/**
 * JSON for standard output. JSON.stringify escapes C0 controls and lone surrogates but leaves
 * DEL, C1 controls, bidirectional and other formatting characters raw; as \u escapes (which
 * occur only inside strings, so the document parses to the same values) no terminal acts on them.
 */
export function terminalJson(value: unknown): string {
  // A supplementary character (a tag, U+E0001) becomes its two UTF-16 escapes, as JSON spells it.
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f\p{Cf}\p{Zl}\p{Zp}]/gu, (char) =>
    Array.from({ length: char.length }, (_, i) => `\\u${hex(char.charCodeAt(i), 4)}`).join(''),
  );
}

/** A line for the reader that is neither output nor an error: `note: …` on standard error, so --json stays clean. */
export function printNote(text: string): void {
  process.stderr.write(`note: ${escapeControl(text)}\n`);
}

export const MASK = '********';

export const marker = (enabled: boolean): string => (enabled ? '(E)' : '(D)');

const yesNo = (value: boolean): string => (value ? 'yes' : 'no');

const TYPE_NAMES: Record<Application['type'], string> = {
  individual: 'individual',
  group: 'group',
  hostGroup: 'host group',
  configStore: 'config store',
};

/** Columns padded to their widest cell; every cell is escaped first, so widths count what is shown. */
export function table(cells: string[][]): string {
  const rows = cells.map((row) => row.map(escapeControl));
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, i) => (widths[i] = Math.max(widths[i] ?? 0, cell.length)));
  return rows
    .map((row) =>
      row
        .map((cell, i) => (i === row.length - 1 ? cell : cell.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}

export function renderApplicationList(apps: readonly Application[]): string {
  if (apps.length === 0) return 'No affiliate applications.\n';
  return `${table(apps.map((app) => [marker(app.flags.enableApp), app.name, TYPE_NAMES[app.type], app.description]))}\n`;
}

export function renderApplication(app: Application): string {
  const list = (accounts: readonly string[]) => (accounts.length === 0 ? '(none)' : accounts.map(escapeControl).join('; '));
  const lines = [
    shown`${marker(app.flags.enableApp)} ${app.name}`,
    `  Type:                ${TYPE_NAMES[app.type]}`,
    shown`  Description:         ${app.description}`,
    shown`  Contact:             ${app.contact}`,
    `  Application users:   ${list(app.userAccounts)}`,
    `  Application admins:  ${list(app.adminAccounts)}`,
  ];
  if (app.windowsAccount !== null) lines.push(shown`  Windows account:     ${app.windowsAccount}`);
  lines.push('  Fields:');
  for (const field of [...app.fields].sort((a, b) => a.ordinal - b.ordinal)) {
    const notes = [field.ordinal === 0 ? 'external user id' : '', field.masked ? 'masked' : '', field.sync ? 'sync' : ''].filter(Boolean);
    lines.push(`    ${field.ordinal}  ${escapeControl(field.label)}${notes.length > 0 ? `  (${notes.join(', ')})` : ''}`);
  }
  const flags = (Object.entries(app.flags) as Array<[string, boolean]>).map(([name, value]) => `${name}=${yesNo(value)}`);
  lines.push(`  Flags:               ${flags.join(' ')}`);
  lines.push(`  Ticket lifetime:     ${app.ticketTimeoutMinutes === null ? "the system's" : `${app.ticketTimeoutMinutes} minutes`}`);
  lines.push(shown`  Created:             ${app.createdAt}`, shown`  Updated:             ${app.updatedAt}`);
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

export function renderCredentials(credentials: ShownCredentials): string {
  const given: Array<[string, string]> = [
    ['Application', credentials.application],
    ['Account', credentials.account],
    ['External user', credentials.externalUser],
    ...credentials.fields.map((field): [string, string] => [field.label, field.value ?? MASK]),
  ];
  const rows = given.map(([label, value]) => [escapeControl(label), escapeControl(value)] as const);
  const width = Math.max(...rows.map(([label]) => label.length)) + 1;
  return `${rows.map(([label, value]) => `${`${label}:`.padEnd(width)} ${value}`).join('\n')}\n`;
}

export function renderGlobalInfo(global: GlobalSettings): string {
  const list = (accounts: readonly string[]) => (accounts.length === 0 ? '(none: only the local administrator)' : accounts.map(escapeControl).join('; '));
  return `${[
    `SSO administrators:            ${list(global.ssoAdminAccounts)}`,
    `SSO affiliate administrators:  ${list(global.affiliateAdminAccounts)}`,
    `Tickets allowed:               ${yesNo(global.ticketsAllowed)}`,
    `Tickets validated:             ${yesNo(global.ticketsValidate)}`,
    `Ticket lifetime:               ${global.ticketTimeoutMinutes} minutes`,
    `Credential cache timeout:      ${global.credCacheTimeoutMinutes} minutes (how long a server keeps looked-up credentials)`,
    `Secret server:                 ${escapeControl(global.secretServer) || '(none)'}`,
    `Audit: deleted applications:   ${global.auditDeletedApps}`,
    `Audit: deleted mappings:       ${global.auditDeletedMappings}`,
    `Audit: credential lookups:     ${global.auditCredentialLookups}`,
  ].join('\n')}\n`;
}
