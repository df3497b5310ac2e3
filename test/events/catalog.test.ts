import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { catalog, isEventId } from '../../src/events/index.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
const generator = join(root, 'scripts/generate-catalog.mjs');
const dataFile = join(root, 'data/entsso-events.json');
const GENERATED = ['src/events/catalog.ts', 'docs/events.md'];

interface SourceEntry {
  id: number;
  symbol: string | null;
  severity: string;
  params: string[];
  summary: string | null;
  action: string | null;
  area: string;
  kind: string;
}

const source = JSON.parse(readFileSync(dataFile, 'utf8')) as SourceEntry[];

const scratch = mkdtempSync(join(tmpdir(), 'tessera-catalog-'));
afterAll(() => rmSync(scratch, { recursive: true, force: true }));

function runGenerator(...args: string[]) {
  const r = spawnSync(process.execPath, [generator, ...args], { cwd: root, encoding: 'utf8' });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('the catalog data', () => {
  it('holds 370 entries with unique ids', () => {
    expect(source).toHaveLength(370);
    expect(new Set(source.map((e) => e.id)).size).toBe(source.length);
  });

  it('has every entry of data/entsso-events.json with the same id, symbol, severity and params', () => {
    for (const e of source) {
      expect(isEventId(e.id), `id ${e.id}`).toBe(true);
      const entry = catalog[e.id as keyof typeof catalog];
      expect({ id: entry.id, symbol: entry.symbol, severity: entry.severity, params: entry.params }, `id ${e.id}`).toEqual({
        id: e.id,
        symbol: e.symbol,
        severity: e.severity,
        params: e.params,
      });
      expect(entry.area).toBe(e.area);
      expect(entry.kind).toBe(e.kind);
      expect(entry.summary).toBe(e.summary ?? '');
      expect(entry.action).toBe(e.action ?? '');
    }
    expect(
      Object.keys(catalog)
        .map(Number)
        .sort((a, b) => a - b),
    ).toEqual(source.map((e) => e.id).sort((a, b) => a - b));
  });

  it('keys every entry by its own id', () => {
    for (const [key, entry] of Object.entries(catalog)) expect(entry.id).toBe(Number(key));
  });

  it("gives 10560 exactly ENTSSO's parameters", () => {
    expect(catalog[10560].params).toEqual(['File Name', 'Current MSID', 'Previous MSID', 'Client User', 'Error Code']);
  });
});

describe('scripts/generate-catalog.mjs', () => {
  it('produces exactly the committed src/events/catalog.ts and docs/events.md', () => {
    const out = join(scratch, 'fresh');
    const r = runGenerator('--out-dir', out);
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    for (const rel of GENERATED) {
      expect(readFileSync(join(root, rel), 'utf8'), `${rel} is stale: run npm run generate`).toBe(readFileSync(join(out, rel), 'utf8'));
    }
  });

  it('reports the committed files as up to date with --check', () => {
    expect(runGenerator('--check').status).toBe(0);
  });

  it('marks exactly the events Tessera emits in docs/events.md', () => {
    const docs = readFileSync(join(root, 'docs/events.md'), 'utf8');
    const marked = docs
      .split('\n')
      .filter((line) => line.endsWith('| **yes** |'))
      .map((line) => Number(/id="event-(\d+)"/.exec(line)?.[1]))
      .sort((a, b) => a - b);
    // Emitted by name (events.emit) or as a catalogued error's event (audited, emitCataloguedEvent).
    expect(marked).toEqual([
      10501, 10502, 10503, 10504, 10505, 10520, 10521, 10523, 10524, 10525, 10526, 10535, 10536, 10539, 10559, 10560, 10564, 10566, 10570, 10572, 10575, 10576,
      10577, 10580, 10581, 10582, 10583, 10589, 10592, 10593, 10594, 10606, 10607, 10613, 10614, 10752, 10753, 10754, 10755, 10756, 10757, 10764, 10765, 10769,
      10773, 10776, 10779, 10782, 10790, 10809, 10810, 10815, 10836, 10839, 10840, 10842,
    ]);
  });

  it.each([
    ['a duplicate id', (d: SourceEntry[]) => [...d, { ...d[0]! }], /duplicate id 10500/],
    ['an unknown severity', (d: SourceEntry[]) => [{ ...d[0]!, severity: 'fatal' }, ...d.slice(1)], /severity must be/],
    ['a non-string parameter', (d: SourceEntry[]) => [{ ...d[0]!, params: [1] }, ...d.slice(1)], /params\[0\]/],
    ['params that are not an array', (d: SourceEntry[]) => [{ ...d[0]!, params: 'x' }, ...d.slice(1)], /params must be/],
  ])('rejects %s and writes nothing', (_name, mutate, message) => {
    const dir = mkdtempSync(join(scratch, 'bad-'));
    const input = join(dir, 'events.json');
    writeFileSync(input, JSON.stringify(mutate(source)));
    const r = runGenerator('--input', input, '--out-dir', join(dir, 'out'));
    expect(r.status).toBe(1);
    expect(r.stderr).toMatch(message);
    expect(readdirSync(dir)).toEqual(['events.json']);
  });
});

describe('standing alone', () => {
  it('reads nothing from the shared design folder at build, test or run time', () => {
    const shared = ['/work', 'shared'].join('/');
    const files = ['scripts/generate-catalog.mjs', 'src/events/catalog.ts', 'src/events/emitter.ts', 'src/events/types.ts', 'src/events/index.ts'];
    for (const rel of files) expect(readFileSync(join(root, rel), 'utf8')).not.toContain(shared);
  });
});
