// Node's ESM loader does not guess extensions, so every relative import must name the emitted
// file: './x.js', never './x' or './x.ts'. (After kysely's scripts/check-esm-imports.)
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../', import.meta.url));

/** `from '…'` (import/export … from), bare `import '…'`, and `import('…')`. */
const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(\s*|\bimport\s+)(['"])([^'"\n]+)\1/g;

function relativeSpecifiers(text: string): string[] {
  return [...text.matchAll(SPECIFIER)].map((m) => m[2]!).filter((s) => s.startsWith('./') || s.startsWith('../'));
}

function tsFiles(dir: string): string[] {
  return readdirSync(join(root, dir), { recursive: true, encoding: 'utf8' })
    .filter((f) => f.endsWith('.ts'))
    .map((f) => join(dir, f));
}

describe('ESM imports', () => {
  it('finds import and export specifiers of every form', () => {
    // Written with ' and " as % and #, so that this file's own scan does not match them.
    const sample = [
      'import { a } from %./a%;',
      'import type { B } from %../b.ts%;',
      'export * from %./c.js%;',
      'export {\n  d,\n} from #./d#;',
      'import %./side-effect%;',
      'const e = await import(%./e%);',
      'import { f } from %vitest%;',
    ]
      .join('\n')
      .replaceAll('%', "'")
      .replaceAll('#', '"');
    expect(relativeSpecifiers(sample)).toEqual(['./a', '../b.ts', './c.js', './d', './side-effect', './e']);
  });

  it('ends every relative specifier in src/ and test/ with .js', () => {
    const files = [...tsFiles('src'), ...tsFiles('test')];
    expect(files.length).toBeGreaterThan(0);

    let checked = 0;
    const offenders: string[] = [];
    for (const file of files) {
      for (const spec of relativeSpecifiers(readFileSync(join(root, file), 'utf8'))) {
        checked++;
        if (!spec.endsWith('.js')) offenders.push(`${file}: '${spec}'`);
      }
    }
    expect(offenders).toEqual([]);
    expect(checked).toBeGreaterThan(0);
  });
});
