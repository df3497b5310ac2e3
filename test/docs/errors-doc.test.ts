import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { errorCatalog } from '../../src/errors/index.js';
import { catalog } from '../../src/events/index.js';

const doc = readFileSync(new URL('../../docs/errors.md', import.meta.url), 'utf8');

describe('error catalogue', () => {
  it.each(Object.keys(errorCatalog))('documents %s in docs/errors.md', (code) => {
    expect(doc).toMatch(new RegExp(`^\\| \`${code}\` \\|`, 'm'));
  });

  it('maps every code to an event that exists in the ENTSSO catalogue', () => {
    for (const [code, entry] of Object.entries(errorCatalog)) {
      const event = (entry as { event?: number }).event;
      if (event !== undefined) expect(catalog, code).toHaveProperty(String(event));
    }
  });

  it('documents no code that does not exist', () => {
    const documented = [...doc.matchAll(/^\| `([A-Z_0-9]+)` \|/gm)].map((m) => m[1]);
    expect(documented.filter((code) => !(code! in errorCatalog))).toEqual([]);
  });
});
