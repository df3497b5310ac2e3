/**
 * Checks made on the raw text before anything is parsed: characters XML cannot hold, a DOCTYPE
 * (refused outright, so no entity can be declared, expanded or fetched), and well-formedness
 * with the line and column fast-xml-parser's validator reports.
 */
import { XMLValidator } from 'fast-xml-parser';
import { fail } from '../../errors/index.js';
import { codePointName, findIllegalCharacter, INVISIBLE_SPACES, isInvisibleSpace, isZeroWidth } from './characters.js';
import { LineIndex, xmlError } from './location.js';
import { closest } from './suggest.js';

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

const INVISIBLE = new RegExp(`[${INVISIBLE_SPACES}]`);
const INVISIBLE_ALL = new RegExp(`[${INVISIBLE_SPACES}]`, 'g');

export function checkWellFormed(text: string, source: string, lines: LineIndex): void {
  checkMarkup(text, source, lines);
  // Outside tags an invisible space is the white space the author meant (tree.ts trims it like
  // indentation); the validator would refuse one before the root, so it is shown spaces, of the
  // same length, so that lines and columns stay those of the file.
  const result = XMLValidator.validate(INVISIBLE.test(text) ? text.replace(INVISIBLE_ALL, ' ') : text);
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
  const hint = likelyCause(msg, text, line ?? 1);
  throw xmlError(source, { line: line ?? 1, column: col }, `the XML is not well-formed: ${hint ?? explain(msg)}`);
}

/** Mistakes Microsoft's own pages make, named for what they are (see test/fixtures/entsso). */
function likelyCause(message: string, text: string, line: number): string | undefined {
  const lineText = (at: number): string => text.split('\n')[at - 1] ?? '';
  // A page copied from a browser's XML view, which shows "- " before each element that holds others.
  if (/^char '-' is not expected\.$/.test(message) && /^\s*- </.test(lineText(line))) {
    return `the line starts with "- ", as a browser's XML view shows an element that holds others: the file was copied from that view; remove the "- " before each tag`;
  }
  const mismatch = /^Expected closing tag '(.+?)' \(opened in line (\d+), col \d+\) instead of closing tag '(.+?)'\.$/.exec(message);
  if (mismatch) {
    const [, open, openedOn, close] = mismatch as unknown as [string, string, string, string];
    if (closest(open, [close]) !== undefined) {
      return `<${open}> (line ${openedOn}) is closed by </${close}>, spelt differently (XML names must match exactly, case included): spell both alike`;
    }
    // "<appAdminAccount>x<appAdminAccount>": the second start tag was meant to close the first.
    const opened = lineText(Number(openedOn));
    if (opened.split(`<${open}>`).length > 2 && !opened.includes(`</${open}>`)) {
      return `line ${openedOn} opens <${open}> twice and never closes it: the second <${open}> is meant as </${open}>`;
    }
  }
  return undefined;
}

/**
 * What the validator reports late or not at all: a comment never closed (it reports the end of
 * the file, or an element left open), a comment mistyped so that it is not one ("<!—" with an
 * em dash, which the parser reads as an element and nests the rest of the file in), a comment
 * holding "--" (its end mistyped as "- >", so it runs on to the next comment's end), a CDATA
 * section never closed, and an invisible space inside a tag. Each is reported where it starts.
 */
function checkMarkup(text: string, source: string, lines: LineIndex): void {
  const fail = (at: number, message: string): never => {
    throw xmlError(source, lines.at(at), message);
  };
  for (let at = text.indexOf('<'); at !== -1; ) {
    let next: number;
    if (text.startsWith('<!--', at)) {
      const end = text.indexOf('-->', at + 4);
      if (end === -1)
        fail(at, `the XML is not well-formed: the comment that starts here is never closed${mistypedEnd(text, at + 4, text.length, lines)}: ${COMMENT_FIX}`);
      // XML allows no "--" inside a comment: where there is one, an end was often mistyped ("- >"),
      // and the comment ran on to the next comment's end, hiding the elements between.
      const content = text.slice(at + 4, end);
      const dashes = content.indexOf('--');
      if (dashes !== -1 || content.endsWith('-')) {
        const mistyped = mistypedEnd(text, at + 4, end, lines);
        const problem =
          mistyped !== ''
            ? `does not end where it seems to${mistyped}, so it runs on to the --> on line ${lines.at(end).line} and hides everything before it`
            : dashes !== -1
              ? `holds "--" on line ${lines.at(at + 4 + dashes).line}, which XML does not allow inside a comment`
              : 'ends with "--->", which XML does not allow';
        fail(at, `the XML is not well-formed: the comment that starts here ${problem}: ${COMMENT_FIX}`);
      }
      next = end + 3;
    } else if (text.startsWith('<![CDATA[', at)) {
      const end = text.indexOf(']]>', at + 9);
      if (end === -1) fail(at, 'the XML is not well-formed: the CDATA section that starts here is never closed: end it with ]]>');
      next = end + 3;
    } else if (text.startsWith('<?', at)) {
      const end = text.indexOf('?>', at + 2);
      if (end === -1) return; // the validator words an unclosed declaration or instruction
      next = end + 2;
    } else if (text.startsWith('<!', at)) {
      // DOCTYPE and ENTITY were refused by checkRawText; anything else after "<!" was meant as a comment.
      if (/^<!(?:DOCTYPE|ENTITY)/i.test(text.slice(at, at + 9))) return;
      fail(at, `the XML is not well-formed: "${text.slice(at, at + 3)}" starts no comment${oddCharacter(text.charCodeAt(at + 2))}: ${COMMENT_FIX}`);
      return;
    } else {
      next = checkTag(text, at, fail);
    }
    at = text.indexOf('<', next);
  }
}

const COMMENT_FIX = 'write a comment as <!-- … -->, with two ordinary hyphens at each end, nothing between "--" and ">", and no "--" inside';

/** ` (U+2014 EM DASH is not a hyphen)` when the character after "<!" is a dash look-alike or otherwise not ASCII. */
function oddCharacter(code: number): string {
  if (Number.isNaN(code) || code < 0x80) return '';
  return ` (${codePointName(code)} is not a hyphen)`;
}

/** ` (its end on line 3 is written "- >", which does not end a comment)` when a mistyped end lies in [from, to). */
function mistypedEnd(text: string, from: number, to: number, lines: LineIndex): string {
  // Only at the start of a run of dashes (the look-behind), so a long run is walked once, not once per dash.
  const end = /(?<![-\u2013\u2014])[-\u2013\u2014]+[ \t]*>/g;
  const match = end.exec(text.slice(from, to));
  if (match === null) return '';
  return ` (its end on line ${lines.at(from + match.index).line} is written "${match[0]}", which does not end a comment)`;
}

/** Walks the tag that starts at `at` to its ">" (outside quotes); an invisible space there is refused. */
function checkTag(text: string, at: number, fail: (at: number, message: string) => never): number {
  for (let i = at + 1; i < text.length; i++) {
    const code = text.charCodeAt(i);
    if (code === 0x22 || code === 0x27) {
      // A quoted value is a value: text-rules.ts decides what it may hold.
      const close = text.indexOf(text[i]!, i + 1);
      if (close === -1) return text.length;
      i = close;
    } else if (code === 0x3e || code === 0x3c) return i;
    else if (code >= 0xa0 && isInvisibleSpace(code)) {
      const tag = /^<\/?[^\s/>]*/.exec(text.slice(at, i))![0];
      const where = tag.length > 1 && !INVISIBLE.test(tag) ? `inside the tag ${tag}…>` : 'inside a tag';
      const fix = isZeroWidth(code) ? 'remove it (or type an ordinary space, if one belongs there)' : 'replace it with an ordinary space';
      fail(i, `character ${codePointName(code)} ${where}, where only ordinary spaces, tabs and line breaks separate names: ${fix}`);
    }
  }
  return text.length;
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
  [
    /^XML declaration allowed only at the start of the document\.$/,
    () => 'the XML declaration <?xml …?> must come first in the file, before any space, line or comment: move it to the very start, or remove it',
  ],
];

export function explain(message: string): string {
  for (const [pattern, word] of EXPLANATIONS) {
    const match = pattern.exec(message);
    if (match) return word(...match.slice(1));
  }
  // Lower case to follow "not well-formed:", unless the first word is an acronym (XML, CDATA, DOCTYPE).
  const first = /^\S+/.exec(message)?.[0] ?? '';
  const acronym = /^[A-Z]{2,}$/.test(first.replace(/[^A-Za-z]/g, ''));
  return (acronym ? message : message.charAt(0).toLowerCase() + message.slice(1)).replace(/\.$/, '');
}
