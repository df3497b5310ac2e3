import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import type { SecretService } from '../service/index.js';

/**
 * What /metrics exposes. Labels are route templates, codes and outcomes only: never an
 * application, an account or anything a caller sent, so no label can carry a secret and an
 * attacker cannot grow the series without bound.
 */
export function createMetrics(secrets: Pick<SecretService, 'status'>, now: () => Date) {
  const registry = new Registry();
  const requests = new Histogram({
    name: 'tessera_http_request_duration_seconds',
    help: 'HTTP requests by route template, method and status, with their latency',
    labelNames: ['route', 'method', 'status'] as const,
    buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5],
    registers: [registry],
  });
  const lookups = new Counter({
    name: 'tessera_lookups_total',
    help: 'Credential lookups (GetCredentials and host-initiated), by outcome: ok or the error code',
    labelNames: ['kind', 'outcome'] as const,
    registers: [registry],
  });
  const tickets = new Counter({
    name: 'tessera_tickets_total',
    help: 'Tickets issued and redeemed, by outcome: ok or the error code',
    labelNames: ['operation', 'outcome'] as const,
    registers: [registry],
  });
  const failures = new Counter({
    name: 'tessera_failures_total',
    help: 'Failed API calls by error code (docs/errors.md)',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const authFailures = new Counter({
    name: 'tessera_auth_failures_total',
    help: 'Failed or refused authentications, by code (UNAUTHENTICATED, AUTH_RATE_LIMITED)',
    labelNames: ['code'] as const,
    registers: [registry],
  });
  const storeErrors = new Counter({
    name: 'tessera_store_errors_total',
    help: 'Calls that failed in the database layer (STORE_* codes) or unexpectedly (INTERNAL)',
    registers: [registry],
  });
  // Read when scraped: one keyring unseal per scrape, never per request.
  const keyring = { age: NaN, sinceBackup: NaN };
  let pending: Promise<void> | undefined;
  // Both gauges are collected in one scrape: they share one read of the status.
  const refresh = () => (pending ??= read().finally(() => (pending = undefined)));
  const read = async () => {
    try {
      const status = await secrets.status();
      const at = now().getTime();
      keyring.age = (at - Date.parse(status.current.createdAt)) / 1000;
      const covering = status.backups.filter((backup) => backup.coversCurrent).map((backup) => Date.parse(backup.verifiedAt));
      keyring.sinceBackup = covering.length === 0 ? NaN : (at - Math.max(...covering)) / 1000;
    } catch {
      keyring.age = NaN;
      keyring.sinceBackup = NaN;
    }
  };
  new Gauge({
    name: 'tessera_keyring_age_seconds',
    help: 'Age of the current master secret (NaN while the keyring cannot be unsealed)',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(keyring.age);
    },
  });
  new Gauge({
    name: 'tessera_seconds_since_verified_backup',
    help: 'Seconds since the last verified backup holding the current master secret (NaN: none, ENTSSO 10589)',
    registers: [registry],
    async collect() {
      await refresh();
      this.set(keyring.sinceBackup);
    },
  });
  return { registry, requests, lookups, tickets, failures, authFailures, storeErrors };
}

export type ServerMetrics = ReturnType<typeof createMetrics>;
