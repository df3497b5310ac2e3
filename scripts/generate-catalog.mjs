#!/usr/bin/env node
// Generates src/events/catalog.ts and docs/events.md from data/entsso-events.json.
//
//   npm run generate
//   node scripts/generate-catalog.mjs [--input FILE] [--out-dir DIR] [--check]
//
// --input    catalog JSON to read (default: data/entsso-events.json)
// --out-dir  directory the two files are written under, as src/events/catalog.ts and
//            docs/events.md (default: the repository root)
// --check    write nothing; exit 1 if the files on disk differ from what would be generated
//
// Plain Node ESM, no dependencies. Output is deterministic: entries sorted by id, areas by name.
// The module also exports validate() and render() for callers that want the texts without I/O.

import { existsSync, mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

/**
 * The ENTSSO events Tessera itself emits today. This list is the one place to change when a
 * service starts or stops emitting an event; docs/events.md marks these.
 */
export const emittedByTessera = Object.freeze([
  10501, 10502, 10503, 10504, 10505, 10520, 10521, 10523, 10524, 10525, 10526, 10535, 10536, 10539, 10559, 10560, 10564, 10566, 10570, 10572, 10575, 10576,
  10577, 10580, 10581, 10582, 10583, 10589, 10592, 10593, 10594, 10606, 10607, 10613, 10614, 10752, 10753, 10754, 10755, 10756, 10757, 10764, 10765, 10769,
  10773, 10776, 10779, 10782, 10790, 10809, 10810, 10815, 10836, 10839, 10840, 10842,
]);

const SEVERITIES = ['info', 'warning', 'error'];
const KINDS = ['event', 'error-code'];
const KNOWN_KEYS = new Set(['id', 'symbol', 'severity', 'params', 'summary', 'action', 'area', 'kind', 'notes', 'hresult_derived', 'symbol_as_documented']);

const repoRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const CATALOG_TS = 'src/events/catalog.ts';
export const EVENTS_MD = 'docs/events.md';

// ---------------------------------------------------------------------------------------------
// Validation

/**
 * Checks the parsed JSON and returns its entries sorted by id, with null or missing
 * summary/action normalised to ''. Throws one Error listing every problem found.
 */
export function validate(json) {
  const problems = [];
  if (!Array.isArray(json)) throw new Error('catalog JSON must be an array of entries');

  const seen = new Map();
  const entries = [];
  json.forEach((e, index) => {
    const where = `entry #${index}${isObject(e) && 'id' in e ? ` (id ${String(e.id)})` : ''}`;
    const bad = (msg) => problems.push(`${where}: ${msg}`);
    if (!isObject(e)) return bad('is not an object');

    for (const key of Object.keys(e)) if (!KNOWN_KEYS.has(key)) bad(`unknown field "${key}"`);

    if (!Number.isSafeInteger(e.id) || e.id <= 0) bad('id must be a positive integer');
    else if (seen.has(e.id)) bad(`duplicate id ${e.id} (also entry #${seen.get(e.id)})`);
    else seen.set(e.id, index);

    // A null symbol is allowed: ENTSSO's documentation does not give one for every event.
    if (e.symbol !== null && !nonEmptyString(e.symbol)) bad('symbol must be a non-empty string or null');
    if (!SEVERITIES.includes(e.severity)) bad(`severity must be one of ${SEVERITIES.join('|')}`);
    if (!Array.isArray(e.params)) bad('params must be an array of strings');
    else {
      e.params.forEach((p, i) => {
        if (!nonEmptyString(p)) bad(`params[${i}] must be a non-empty string`);
      });
      const dup = e.params.filter((p, i) => e.params.indexOf(p) !== i);
      if (dup.length > 0) bad(`duplicate parameter name(s): ${dup.join(', ')}`);
    }
    for (const key of ['summary', 'action']) {
      if (e[key] !== null && e[key] !== undefined && typeof e[key] !== 'string') bad(`${key} must be a string or null`);
    }
    if (!nonEmptyString(e.area)) bad('area must be a non-empty string');
    if (!KINDS.includes(e.kind)) bad(`kind must be one of ${KINDS.join('|')}`);
    for (const key of ['notes', 'hresult_derived', 'symbol_as_documented']) {
      if (e[key] !== undefined && e[key] !== null && typeof e[key] !== 'string') bad(`${key} must be a string or null`);
    }
    entries.push(e);
  });

  for (const id of emittedByTessera) {
    if (!seen.has(id)) problems.push(`emittedByTessera lists ${id}, which is not in the catalog`);
  }
  if (problems.length > 0) {
    throw new Error(`invalid catalog JSON (${problems.length} problem(s)):\n  ${problems.join('\n  ')}`);
  }

  return entries
    .map((e) => ({
      id: e.id,
      symbol: e.symbol,
      severity: e.severity,
      params: [...e.params],
      summary: e.summary ?? '',
      action: e.action ?? '',
      area: e.area,
      kind: e.kind,
      ...(nonEmptyString(e.hresult_derived) ? { hresult: e.hresult_derived } : {}),
      ...(nonEmptyString(e.symbol_as_documented) ? { symbolAsDocumented: e.symbol_as_documented } : {}),
      ...(nonEmptyString(e.notes) ? { notes: e.notes } : {}),
    }))
    .sort((a, b) => a.id - b.id);
}

function isObject(v) {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function nonEmptyString(v) {
  return typeof v === 'string' && v.trim() !== '';
}

// ---------------------------------------------------------------------------------------------
// Rendering

/** Returns the generated files' texts, keyed by their repository-relative paths. */
export function render(json) {
  const entries = validate(json);
  return { [CATALOG_TS]: renderCatalogTs(entries), [EVENTS_MD]: renderEventsMd(entries) };
}

/** A single-quoted TypeScript string literal. */
function tsString(s) {
  let out = "'";
  for (const ch of s) {
    const code = ch.codePointAt(0);
    if (ch === '\\') out += '\\\\';
    else if (ch === "'") out += "\\'";
    else if (code < 0x20 || code === 0x7f || code === 0x2028 || code === 0x2029) {
      out += `\\u${code.toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}'`;
}

function renderCatalogTs(entries) {
  const lines = [
    '// GENERATED FILE - DO NOT EDIT.',
    '// Generated by scripts/generate-catalog.mjs from data/entsso-events.json.',
    '// To change an event, edit data/entsso-events.json and regenerate with: npm run generate',
    '//',
    '// Ids, symbols and parameter names follow Microsoft ENTSSO (params[i] fills %i+1 of its',
    "// message); summaries and actions are Tessera's own text. A null symbol means ENTSSO's",
    '// documentation gives none.',
    '',
    'export const catalog = {',
  ];
  for (const e of entries) {
    lines.push(`  ${e.id}: {`);
    lines.push(`    id: ${e.id},`);
    lines.push(`    symbol: ${e.symbol === null ? 'null' : tsString(e.symbol)},`);
    lines.push(`    severity: ${tsString(e.severity)},`);
    lines.push(`    params: [${e.params.map(tsString).join(', ')}],`);
    lines.push(`    summary: ${tsString(e.summary)},`);
    lines.push(`    action: ${tsString(e.action)},`);
    lines.push(`    area: ${tsString(e.area)},`);
    lines.push(`    kind: ${tsString(e.kind)},`);
    if (e.hresult !== undefined) lines.push(`    hresult: ${tsString(e.hresult)},`);
    if (e.symbolAsDocumented !== undefined) lines.push(`    symbolAsDocumented: ${tsString(e.symbolAsDocumented)},`);
    if (e.notes !== undefined) lines.push(`    notes: ${tsString(e.notes)},`);
    lines.push('  },');
  }
  lines.push('} as const;', '');
  return lines.join('\n');
}

/** Escapes text for a Markdown table cell. */
function md(s) {
  return s.replace(/[\\`*_[\]<>|]/g, (c) => `\\${c}`).replace(/\r?\n/g, '<br>');
}

function renderEventsMd(entries) {
  const emitted = new Set(emittedByTessera);
  const areas = [...new Set(entries.map((e) => e.area))].sort((a, b) => (a === 'other' ? 1 : b === 'other' ? -1 : a.localeCompare(b, 'en')));
  const count = (pred) => entries.filter(pred).length;

  const out = [
    '<!-- GENERATED FILE - DO NOT EDIT. Source: data/entsso-events.json; regenerate with `npm run generate`. -->',
    '',
    '# Event catalog',
    '',
    'This is the reference for every event and error code Tessera knows: ' +
      `${entries.length} entries (${count((e) => e.kind === 'event')} events and ` +
      `${count((e) => e.kind === 'error-code')} error codes). ` +
      "Ids, symbols, severities and parameter names follow Microsoft's Enterprise Single Sign-On " +
      '(ENTSSO), so monitoring rules written for ENTSSO keep working against Tessera; parameter ' +
      '`%1` is the first listed, `%2` the second and so on. The summaries and actions are ' +
      "Tessera's own text. The data lives in `data/entsso-events.json`; this page and " +
      '`src/events/catalog.ts` are generated from it with `npm run generate`.',
    '',
    `Entries marked **yes** in the *Tessera* column are emitted by Tessera today ` +
      `(${emitted.size} of them); the rest are listed so that ids stay reserved and ` +
      'their meaning is documented. Error codes carry the HRESULT derived from their id. ' +
      'A symbol shown as *(none documented)* has no symbolic name in the ENTSSO documentation.',
    '',
    '## Emitted by Tessera',
    '',
    '| Id | Symbol | Severity | Area |',
    '| ---: | --- | --- | --- |',
    ...entries.filter((e) => emitted.has(e.id)).map((e) => `| [${e.id}](#event-${e.id}) | ${symbolCell(e)} | ${e.severity} | ${e.area} |`),
    '',
    '## Areas',
    '',
    ...areas.map((a) => `- [${a}](#area-${a}) (${count((e) => e.area === a)})`),
    '',
  ];

  for (const area of areas) {
    out.push(
      `<a id="area-${area}"></a>`,
      '',
      `## ${area}`,
      '',
      '| Id | Symbol | Severity | Parameters | Summary | Action | Tessera |',
      '| ---: | --- | --- | --- | --- | --- | --- |',
    );
    for (const e of entries.filter((x) => x.area === area)) {
      const params = e.params.length === 0 ? '—' : e.params.map((p, i) => `%${i + 1} ${md(p)}`).join('<br>');
      const summary = [e.summary === '' ? '—' : md(e.summary)];
      if (e.notes !== undefined) summary.push(`*Note:* ${md(e.notes)}`);
      const cells = [
        `<a id="event-${e.id}"></a>${e.id}`,
        symbolCell(e),
        e.severity,
        params,
        summary.join('<br><br>'),
        e.action === '' ? '—' : md(e.action),
        emitted.has(e.id) ? '**yes**' : '',
      ];
      out.push(`| ${cells.join(' | ')} |`);
    }
    out.push('');
  }
  return out.join('\n');
}

function symbolCell(e) {
  let cell = e.symbol === null ? '*(none documented)*' : `\`${e.symbol}\``;
  if (e.symbolAsDocumented !== undefined) cell += `<br>documented as \`${e.symbolAsDocumented}\``;
  if (e.kind === 'error-code') cell += `<br>error code${e.hresult !== undefined ? ` ${e.hresult}` : ''}`;
  return cell;
}

// ---------------------------------------------------------------------------------------------
// Command line

function parseArgs(argv) {
  const opts = { input: join(repoRoot, 'data/entsso-events.json'), outDir: repoRoot, check: false };
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    if (arg === '--check') opts.check = true;
    else if ((arg === '--input' || arg === '--out-dir') && argv[i + 1] !== undefined) {
      opts[arg === '--input' ? 'input' : 'outDir'] = resolve(argv[++i]);
    } else throw new Error(`unknown or incomplete argument: ${arg}`);
  }
  return opts;
}

function main(argv) {
  const opts = parseArgs(argv);
  const files = render(JSON.parse(readFileSync(opts.input, 'utf8')));
  let stale = 0;
  for (const [rel, text] of Object.entries(files)) {
    const target = join(opts.outDir, rel);
    if (opts.check) {
      if (!existsSync(target) || readFileSync(target, 'utf8') !== text) {
        stale++;
        console.error(`${rel} is out of date; run npm run generate`);
      }
    } else {
      mkdirSync(dirname(target), { recursive: true });
      writeFileSync(target, text);
      console.log(`wrote ${target}`);
    }
  }
  return stale === 0 ? 0 : 1;
}

function isMain() {
  if (process.argv[1] === undefined) return false;
  try {
    return realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

if (isMain()) {
  try {
    process.exitCode = main(process.argv.slice(2));
  } catch (err) {
    console.error(`generate-catalog: ${err instanceof Error ? err.message : String(err)}`);
    process.exitCode = 1;
  }
}
