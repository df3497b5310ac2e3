/**
 * Part 3, item 3: master secret rotation (`secretService.generate`, which writes and verifies
 * the new keyring's backup, re-wraps every application data key and swaps the keyring in one
 * transaction) as applications and mappings grow, on one SQLite vault with a fast Argon2id.
 *
 * The vault grows in steps that change one thing at a time:
 *   small apps / no mappings -> more apps -> the same apps + mappings -> 10x the apps,
 * so the step with mappings shows what mappings cost (rotation never touches them) and the
 * steps with applications what each application costs. At every step a bare Argon2id hash at
 * the same setting is timed right before each rotation, so the reader can subtract it.
 *
 * Seeding (not timed as rotation): applications through `store.createApplication` with real
 * data keys (`newDataKey` under the current master secret), one transaction each; mappings
 * and one credential row each (real AES-256-GCM ciphertexts under the application's data
 * key, `sealFields`) by direct inserts into the SQLite file, in one better-sqlite3 transaction.
 */
import { randomBytes, randomUUID } from 'node:crypto';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import BetterSqlite3 from 'better-sqlite3';
import { allSecrets, argon2id, disposeKeyring } from '../src/keys/index.js';
import { type UnwrappedDataKey, checkNewApplication, nameKey, newDataKey, sealFields } from '../src/vault/index.js';
import { PASSWORD } from './service-bench.js';
import { type Summary, summarize } from './stats.js';
import { ADMIN, type BenchVault, FAST_KDF, benchApplication } from './vault-fixture.js';

export interface RotationPlanStep {
  applications: number;
  mappings: number;
  rotations: number;
}

export interface RotationStepResult extends RotationPlanStep {
  /** Milliseconds per rotation. */
  ms: Summary;
  /** The bare Argon2id hashes timed right before this step's rotations. */
  argon2idMs: Summary;
}

export interface RotationBenchResult {
  kdf: typeof FAST_KDF;
  warmupRotations: number;
  /** Every bare Argon2id hash of the run. */
  argon2idMs: Summary;
  steps: RotationStepResult[];
  seeding: {
    applications: number;
    applicationsMs: number;
    applicationsHow: string;
    mappings: number;
    mappingsMs: number;
    mappingsHow: string;
  };
  /** Keyring secrets at the end (one per rotation, plus the first). */
  secretsAtEnd: number;
}

const appName = (index: number) => `App${String(index).padStart(6, '0')}`;

export async function runRotationBench(
  bench: BenchVault,
  plan: readonly RotationPlanStep[],
  options: { warmupRotations: number },
): Promise<RotationBenchResult> {
  const { store, secret, vault, target } = bench;
  if (target.kind !== 'sqlite') throw new Error('the rotation benchmark seeds mappings into a SQLite file');
  const file = join(target.file, '..', 'rotation.bak');
  const password = async () => PASSWORD;
  const passwordBytes = Buffer.from(PASSWORD.normalize('NFC'), 'utf8');

  // Mappings go to the applications that exist at the first step with mappings.
  const mappingApps = plan.find((step) => step.mappings > 0)?.applications ?? 0;
  const keys: Array<{ name: string; key: UnwrappedDataKey }> = [];
  let applications = 0;
  let mappings = 0;
  let applicationsMs = 0;
  let mappingsMs = 0;
  let sample: { app: string; account: string; password: string } | undefined;

  async function seedApplications(upTo: number): Promise<void> {
    const started = performance.now();
    // New data keys are wrapped by the current master secret, as applications.create does.
    const keyring = await bench.keyring();
    try {
      for (; applications < upTo; applications++) {
        const name = appName(applications);
        const id = randomUUID();
        const now = new Date();
        const { record, key } = newDataKey(id, keyring.current, now);
        const checked = checkNewApplication(benchApplication(name, { users: `CORP\\${name} Users`, admins: `CORP\\${name} Admins` }));
        await store.createApplication({ ...checked, id, createdAt: now.toISOString() }, record);
        if (applications < mappingApps) keys.push({ name, key });
        else key.key.fill(0);
      }
    } finally {
      disposeKeyring(keyring);
    }
    checkpoint();
    applicationsMs += performance.now() - started;
  }

  /** Folds the write-ahead log into the file, so no rotation pays for checkpointing seeded rows. */
  function checkpoint(): void {
    if (target.kind !== 'sqlite') return;
    const db = new BetterSqlite3(target.file, { fileMustExist: true, timeout: 10_000 });
    try {
      db.pragma('wal_checkpoint(TRUNCATE)');
    } finally {
      db.close();
    }
  }

  function seedMappings(upTo: number): void {
    if (target.kind !== 'sqlite') return;
    if (keys.length === 0) throw new Error('no applications to spread mappings over');
    const started = performance.now();
    const db = new BetterSqlite3(target.file, { fileMustExist: true, timeout: 10_000 });
    try {
      db.pragma('foreign_keys = ON');
      db.pragma('synchronous = FULL');
      // Columns as src/store/migrations/006-mappings.ts creates them; enabled with credentials,
      // as the service leaves a mapping after setCredentials.
      const insertMapping = db.prepare<[string, string, string, string, string, string, string, string, string]>(
        `insert into mappings (id, application_id, account, account_key, account_unique_key, external_user, external_key,
           enabled, has_credentials, created_at, updated_at) values (?, ?, ?, ?, ?, ?, ?, 1, 1, ?, ?)`,
      );
      const insertCredential = db.prepare<[string, number, Buffer]>('insert into credentials (mapping_id, ordinal, ciphertext) values (?, ?, ?)');
      const appIds = new Map<string, string>();
      const now = new Date().toISOString();
      db.transaction(() => {
        for (; mappings < upTo; mappings++) {
          const owner = keys[mappings % keys.length]!;
          const applicationId = owner.key.applicationId;
          appIds.set(owner.name, applicationId);
          const id = randomUUID();
          const account = `CORP\\m${String(mappings).padStart(7, '0')}`;
          const externalUser = `ext-${String(mappings).padStart(7, '0')}`;
          const secretValue = `pw-${randomBytes(9).toString('base64url')}`;
          // Keyed as the store keys names (migration 008): a lower-cased key is never found.
          insertMapping.run(id, applicationId, account, nameKey(account), nameKey(account), externalUser, nameKey(externalUser), now, now);
          for (const field of sealFields(owner.key, { kind: 'credential', mappingId: id }, new Map([[1, secretValue]]))) {
            insertCredential.run(id, field.ordinal, field.ciphertext);
          }
          sample = { app: owner.name, account, password: secretValue };
        }
      })();
    } finally {
      db.close();
    }
    checkpoint();
    mappingsMs += performance.now() - started;
  }

  const rotate = async (): Promise<number> => {
    const start = performance.now();
    await secret.generate({ file, force: true, reminder: null, password }, ADMIN);
    return performance.now() - start;
  };
  const hash = async (): Promise<number> => {
    const start = performance.now();
    await argon2id(passwordBytes, randomBytes(16), FAST_KDF);
    return performance.now() - start;
  };

  const allHashes: number[] = [];
  const steps: RotationStepResult[] = [];
  try {
    let warmedUp = false;
    for (const step of plan) {
      if (step.applications > applications) await seedApplications(step.applications);
      if (step.mappings > mappings) seedMappings(step.mappings);
      if (!warmedUp) {
        for (let i = 0; i < options.warmupRotations; i++) {
          await hash();
          await rotate();
        }
        warmedUp = true;
      }
      const times: number[] = [];
      const hashes: number[] = [];
      for (let i = 0; i < step.rotations; i++) {
        hashes.push(await hash());
        times.push(await rotate());
      }
      allHashes.push(...hashes);
      steps.push({ ...step, applications, mappings, ms: summarize(times), argon2idMs: summarize(hashes) });
    }

    // Not timed: every data key is wrapped by the current secret, and a seeded credential,
    // sealed before all those rotations, still decrypts through the service.
    const record = await store.getVault();
    const dataKeys = await store.listDataKeys();
    // Plus the applications the vault held before (none in a fresh vault).
    if (dataKeys.length < applications || dataKeys.some((key) => key.msid !== record?.currentMsid)) {
      throw new Error('after rotation some data key is not wrapped by the current master secret');
    }
    if (sample) {
      await vault.applications.setEnabled(sample.app, true, ADMIN);
      const credentials = await vault.lookup.getCredentials(sample.app, ADMIN, { account: sample.account });
      if (credentials.fields[0]?.value !== sample.password) throw new Error('a seeded credential did not survive rotation');
    }
    const keyring = await bench.keyring();
    const secretsAtEnd = allSecrets(keyring).length;
    disposeKeyring(keyring);
    return {
      kdf: FAST_KDF,
      warmupRotations: options.warmupRotations,
      argon2idMs: summarize(allHashes),
      steps,
      seeding: {
        applications,
        applicationsMs,
        applicationsHow: 'store.createApplication (one transaction each) with newDataKey under the current master secret',
        mappings,
        mappingsMs,
        mappingsHow: `direct better-sqlite3 inserts, one transaction, spread over the first ${mappingApps.toLocaleString('en-US')} applications, each with one credential row sealed by sealFields under its application's data key`,
      },
      secretsAtEnd,
    };
  } finally {
    for (const { key } of keys) key.key.fill(0);
    passwordBytes.fill(0);
  }
}
