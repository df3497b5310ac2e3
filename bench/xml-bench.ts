/**
 * Part 5 of `npm run bench`: reading the largest ENTSSO file an operator brings, a mappings file
 * near the 16 MiB limit, as `ssomanage -createmappings` reads it (decodeXmlBytes + parseMappingsXml:
 * encoding detection, well-formedness and comment checks, the schema pass, the values' rules),
 * as a ratio to fast-xml-parser alone parsing the same text in the same run: what Tessera's checks
 * cost on top of the parse they cannot avoid. The same file saved as UTF-16 (PowerShell 5.1) too.
 */
import { performance } from 'node:perf_hooks';
import { XMLParser } from 'fast-xml-parser';
import { decodeXmlBytes, parseMappingsXml } from '../src/vault/xml/index.js';
import { round, summarize, table, type Summary } from './stats.js';

export interface XmlBenchOptions {
  /** Size of the UTF-8 file in MiB (at most 16, the limit). */
  mebibytes: number;
  rounds: number;
}

export interface XmlBench {
  mappings: number;
  utf8Bytes: number;
  ms: { bareParse: Summary; utf8: Summary; utf16: Summary };
}

function mappingsFile(mebibytes: number): { text: string; mappings: number } {
  const parts = ['<?xml version="1.0" encoding="utf-8"?>\n<sso>\n'];
  let length = parts[0]!.length;
  let mappings = 0;
  while (length < mebibytes * 1024 * 1024 - 512) {
    const mapping =
      `  <mapping>\n    <windowsDomain>CORP</windowsDomain>\n    <windowsUserId>user${mappings}</windowsUserId>\n` +
      `    <externalApplication>PayrollHost</externalApplication>\n    <externalUserId>EXT${mappings}</externalUserId>\n  </mapping>\n`;
    parts.push(mapping);
    length += mapping.length;
    mappings++;
  }
  parts.push('</sso>\n');
  return { text: parts.join(''), mappings };
}

function timed(rounds: number, run: () => number, expected: number): Summary {
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const started = performance.now();
    const count = run();
    samples.push(performance.now() - started);
    if (count !== expected) throw new Error(`read ${count} mappings, expected ${expected}`);
  }
  return summarize(samples);
}

export function runXmlBench(options: XmlBenchOptions): XmlBench {
  const { text, mappings } = mappingsFile(Math.min(options.mebibytes, 16));
  const utf8 = Buffer.from(text, 'utf8');
  const utf16 = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(text, 'utf16le')]);
  const parser = new XMLParser({ preserveOrder: true, ignoreAttributes: false, processEntities: false });
  const count = (nodes: unknown): number =>
    ((nodes as Array<Record<string, unknown[]>>).find((node) => 'sso' in node)?.sso ?? []).filter((node) => 'mapping' in (node as object)).length;
  // One round each first, so the JIT has seen every path before the clock starts.
  count(parser.parse(text));
  parseMappingsXml(decodeXmlBytes(utf8, 'bench.xml'), 'bench.xml');
  return {
    mappings,
    utf8Bytes: utf8.length,
    ms: {
      bareParse: timed(options.rounds, () => count(parser.parse(text)), mappings),
      utf8: timed(options.rounds, () => parseMappingsXml(decodeXmlBytes(utf8, 'bench.xml'), 'bench.xml').length, mappings),
      utf16: timed(options.rounds, () => parseMappingsXml(decodeXmlBytes(utf16, 'bench.xml'), 'bench.xml').length, mappings),
    },
  };
}

export function formatXmlBench(bench: XmlBench): string {
  const base = bench.ms.bareParse.median;
  const row = (what: string, s: Summary): string[] => [what, s.median.toFixed(0), s.min.toFixed(0), (s.median / base).toFixed(2)];
  return [
    `5. ENTSSO XML import: a mappings file of ${bench.mappings} mappings, ${(bench.utf8Bytes / 1024 / 1024).toFixed(1)} MiB in UTF-8, ${bench.ms.utf8.samples} rounds`,
    table(
      ['reading', 'median ms', 'min ms', 'ratio'],
      [
        row('fast-xml-parser alone (baseline)', bench.ms.bareParse),
        row('ssomanage -createmappings reader, UTF-8', bench.ms.utf8),
        row('the same file saved as UTF-16 LE', bench.ms.utf16),
      ],
    ),
    '   ratio: median / the bare parse of the same text; the reader also checks encoding, well-formedness, comments, names and values.',
  ].join('\n');
}

export function xmlJson(bench: XmlBench) {
  const base = bench.ms.bareParse.median;
  const of = (s: Summary) => ({ medianMs: round(s.median), minMs: round(s.min), ratio: round(s.median / base) });
  return { mappings: bench.mappings, utf8Bytes: bench.utf8Bytes, bareParse: of(bench.ms.bareParse), utf8: of(bench.ms.utf8), utf16: of(bench.ms.utf16) };
}
