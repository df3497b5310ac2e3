/**
 * Checks made on the raw text before anything is parsed: characters XML cannot hold, a DOCTYPE
 * (refused outright, so no entity can be declared, expanded or fetched), and well-formedness
 * with the line and column fast-xml-parser's validator reports.
 */
import { XMLValidator } from 'fast-xml-parser';
import { fail } from '../../errors/index.js';
import { codePointName, findIllegalCharacter } from './characters.js';
import { LineIndex, xmlError } from './location.js';

/**
 * The largest XML file Tessera reads: a mappings file of about 80,000 mappings. The front end
 * checks a file's size before reading it; this is checked again on the text, for every caller.
 */
export const XML_MAX_BYTES = 16 * 1024 * 1024;

/**
 * The longest stretch between two "<" a file may hold. No element of an ENTSSO file comes near
 * (a description has at most 256 characters), and refusing before parsing keeps a file of one
 * huge value from costing the parser gigabytes of memory.
 */
export const XML_MAX_STRETCH = 64 * 1024;

/** Sizes first, before any other check walks the text. */
export function checkSize(text: string, source: string): void {
  const bytes = Buffer.byteLength(text, 'utf8');
  if (bytes > XML_MAX_BYTES) {
    throw fail('INPUT_TOO_LARGE', `${source} has ${bytes} bytes, and an XML file may have at most ${XML_MAX_BYTES} (16 MiB): split it into smaller files`);
  }
  let from = 0;
  for (;;) {
    const next = text.indexOf('<', from + 1);
    const end = next === -1 ? text.length : next;
    if (end - from > XML_MAX_STRETCH) {
      throw xmlError(
        source,
        new LineIndex(text).at(from),
        `${end - from} characters follow here before the next "<", and no element or value of an ENTSSO file is longer than ${XML_MAX_STRETCH}: the file is not an ENTSSO file, or a value in it is far too long`,
      );
    }
    if (next === -1) return;
    from = next;
  }
}

export function checkRawText(text: string, source: string, lines: LineIndex): void {
  const illegal = findIllegalCharacter(text);
  if (illegal) {
    throw xmlError(source, lines.at(illegal.index), `character ${codePointName(illegal.codePoint)} is not allowed in an XML file: remove it`);
  }
  // Comments and CDATA sections are blanked (same length) so that a DOCTYPE quoted inside them is not one.
  const markup = text.replace(/<!--[\s\S]*?-->|<!\[CDATA\[[\s\S]*?\]\]>/g, (quoted) => ' '.repeat(quoted.length));
  const doctype = /<!DOCTYPE/i.exec(markup) ?? /<!ENTITY/i.exec(markup);
  if (doctype) {
    throw xmlError(
      source,
      lines.at(doctype.index),
      'the file has a DOCTYPE, which ENTSSO files never need; Tessera refuses DOCTYPEs and entity declarations ' +
        '(they can expand without limit or read other files): remove the <!DOCTYPE …> declaration',
    );
  }
}

export function checkWellFormed(text: string, source: string, lines: LineIndex): void {
  const result = XMLValidator.validate(text);
  if (result === true) return;
  const { msg, line, col } = result.err;
  // Several elements left open: the validator names them but gives no place, so point at the end of the file.
  const unclosed = /^Invalid '\[(.*)\]' found\.$/.exec(msg);
  if (unclosed) {
    const names = [...unclosed[1]!.matchAll(/"([^"]*)"/g)].map((match) => match[1]!);
    const closing = names
      .map((name) => `</${name}>`)
      .reverse()
      .join('');
    const opened = names.map((name) => `<${name}>`).join(', ');
    throw xmlError(
      source,
      { line: lines.at(text.length).line },
      `the XML is not well-formed: the file ends before ${opened} are closed: add ${closing} at the end`,
    );
  }
  throw xmlError(source, { line: line ?? 1, column: col }, `the XML is not well-formed: ${explain(msg)}`);
}

/** The validator's wording, turned into what is wrong and how to fix it. */
const EXPLANATIONS: ReadonlyArray<readonly [RegExp, (...groups: string[]) => string]> = [
  [
    /^Expected closing tag '(.+?)' \(opened in line (\d+), col \d+\) instead of closing tag '(.+?)'\.$/,
    (open, line, close) => `expected </${open}> (opened on line ${line}) but found </${close}>: close every element before the one around it`,
  ],
  [/^Unclosed tag '(.+?)'\.$/, (name) => `<${name}> is never closed: add </${name}> where it ends`],
  [/^Closing tag '(.+?)' has not been opened\.$/, (name) => `</${name}> closes an element that was never opened: remove it or add <${name}> before it`],
  [/^char '&' is not expected\.$/, () => 'a "&" that starts no entity: write a literal & as &amp;'],
  [/^char '(.)' is not expected\.$/, (char) => `unexpected "${char}": text outside the elements, or a "<" that opens no tag (write a literal < as &lt;)`],
  [/^Start tag expected\.$/, () => 'the file holds no element: an ENTSSO file is <sso>…</sso>'],
  [/^Attribute '(.+?)' is without value\.$/, (name) => `attribute ${name} has no value: write ${name}="…"`],
  [/^Attribute '(.+?)' is repeated\.$/, (name) => `attribute ${name} is given twice on one element: keep one`],
  [/^Attribute '(.+?)' has no space in starting\.$/, (name) => `attribute ${name} needs a space before it`],
  [/^Attributes for '(.+?)' have open quote\.$/, (name) => `an attribute value of <${name}> has no closing quote`],
];

function explain(message: string): string {
  for (const [pattern, word] of EXPLANATIONS) {
    const match = pattern.exec(message);
    if (match) return word(...match.slice(1));
  }
  return message.charAt(0).toLowerCase() + message.slice(1).replace(/\.$/, '');
}
