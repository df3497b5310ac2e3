/**
 * A sanity check of the SQLite store at size: 1,000 applications with 10 mappings each. The
 * times are logged, not asserted (machines differ); the lookups must still be right.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openStore, type Store } from '../../src/store/index.js';
import { storeTargets, type TestDatabase } from '../support/databases.js';
import { sampleApplication, sampleDataKey, sampleMapping } from './fixtures.js';

const APPLICATIONS = 1_000;
const MAPPINGS_PER_APPLICATION = 10;

const sqliteTarget = storeTargets.find((target) => target.name === 'sqlite')!;

describe('sqlite vault store at size', () => {
  let database: TestDatabase;
  let store: Store;

  beforeAll(async () => {
    database = await sqliteTarget.create();
    store = await openStore(database.config);
  });

  afterAll(async () => {
    await store.close();
    await database.cleanup();
  });

  it(`creates ${APPLICATIONS} applications and ${APPLICATIONS * MAPPINGS_PER_APPLICATION} mappings`, { timeout: 600_000 }, async () => {
    const started = performance.now();
    for (let a = 0; a < APPLICATIONS; a++) {
      const input = sampleApplication(`App${a}`);
      await store.createApplication(input, sampleDataKey(input.id));
    }
    const appsDone = performance.now();
    for (let a = 0; a < APPLICATIONS; a++) {
      for (let m = 0; m < MAPPINGS_PER_APPLICATION; m++) {
        await store.createMapping(sampleMapping(`app-app${a}`, `CONTOSO\\user${m}`, `ext-${a}-${m}`));
      }
    }
    const mappingsDone = performance.now();
    const found = await store.getMapping('app-app500', 'contoso\\USER7');
    const byExternal = await store.getMappingByExternalUser('app-app999', 'EXT-999-9');
    const listed = await store.listMappings({ account: 'CONTOSO\\user3' });
    const lookupsDone = performance.now();

    console.log(
      `sqlite bulk: ${APPLICATIONS} applications in ${(appsDone - started).toFixed(0)} ms, ` +
        `${APPLICATIONS * MAPPINGS_PER_APPLICATION} mappings in ${(mappingsDone - appsDone).toFixed(0)} ms, ` +
        `3 lookups in ${(lookupsDone - mappingsDone).toFixed(1)} ms`,
    );
    expect(found?.externalUser).toBe('ext-500-7');
    expect(byExternal?.account).toBe('CONTOSO\\user9');
    expect(listed).toHaveLength(APPLICATIONS);
    expect(await store.listApplications()).toHaveLength(APPLICATIONS);
  });
});
