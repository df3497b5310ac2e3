/**
 * Entity references, decoded and written by hand: the parser runs with entity processing off,
 * so nothing a file declares can expand, and only XML's five predefined entities and
 * character references are understood.
 */
import { codePointName, isXmlCharacter } from './characters.js';

const PREDEFINED: Readonly<Record<string, string>> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };
const REFERENCE = /&([^\s&;<]*)(;?)/g;

/** Decodes `raw`; `problem` receives (and must throw) the reason a reference is not allowed. */
export function decodeEntities(raw: string, problem: (message: string) => never): string {
  if (!raw.includes('&')) return raw;
  return raw.replace(REFERENCE, (whole, body: string, semicolon: string) => {
    if (body === '' || semicolon === '') return problem('a "&" that starts no entity: write a literal & as &amp;');
    if (body.startsWith('#')) return characterReference(whole, body, problem);
    const value = PREDEFINED[body];
    if (value === undefined) {
      return problem(`unknown entity ${whole}: ENTSSO files use only &amp; &lt; &gt; &quot; &apos; and character references such as &#233;`);
    }
    return value;
  });
}

function characterReference(whole: string, body: string, problem: (message: string) => never): string {
  const hex = /^#[xX]([0-9a-fA-F]{1,8})$/.exec(body);
  const decimal = /^#([0-9]{1,10})$/.exec(body);
  const codePoint = hex ? parseInt(hex[1]!, 16) : decimal ? parseInt(decimal[1]!, 10) : NaN;
  if (Number.isNaN(codePoint)) return problem(`${whole} is not a character reference: write &#233; or &#xE9;`);
  if (!isXmlCharacter(codePoint)) {
    return problem(`${whole} stands for ${codePoint > 0x10ffff ? 'no character' : codePointName(codePoint)}, which XML does not allow`);
  }
  return String.fromCodePoint(codePoint);
}

const hexReference = (char: string): string => `&#x${char.codePointAt(0)!.toString(16).toUpperCase()};`;

/**
 * Element text: & < > escaped, carriage returns as references (a parser would turn them into
 * line feeds), and white space at either end as references, since readers trim the raw
 * white space that indentation leaves around a value.
 */
export function escapeText(value: string): string {
  const escaped = value.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#xD;');
  return escaped.replace(/^[ \t\n]+/, (edge) => [...edge].map(hexReference).join('')).replace(/[ \t\n]+$/, (edge) => [...edge].map(hexReference).join(''));
}

/** A double-quoted attribute value: tabs and line breaks as references, which survive attribute normalisation. */
export function escapeAttribute(value: string): string {
  return value
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/[\t\n\r]/g, hexReference);
}
