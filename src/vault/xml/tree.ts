/**
 * A small element tree built from fast-xml-parser's ordered output: names as written, the line
 * of every element and attribute, entity references decoded, and the white space that
 * indentation leaves at either end of a value trimmed.
 */
import { XMLParser } from 'fast-xml-parser';
import { INVISIBLE_SPACES, isInvisibleSpace } from './characters.js';
import { decodeEntities } from './entities.js';
import { type LineIndex, xmlError } from './location.js';

export interface XmlAttribute {
  name: string;
  value: string;
  line: number;
}

export interface XmlElement {
  name: string;
  line: number;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** The element's own text (CDATA included), outside white space trimmed; '' when none. */
  text: string;
}

const MARK = '\u0000';
const unmark = (name: string): string => (name.startsWith(MARK) ? name.slice(MARK.length) : name);

const PARSER_OPTIONS = {
  preserveOrder: true,
  captureMetaData: true,
  ignoreAttributes: false,
  attributeNamePrefix: '',
  parseTagValue: false,
  parseAttributeValue: false,
  trimValues: false,
  processEntities: false,
  htmlEntities: false,
  cdataPropName: '#cdata',
  ignoreDeclaration: true,
  ignorePiTags: true,
  // Names such as toString come back marked instead of renamed, so messages quote them as written.
  onDangerousProperty: (name: string) => `${MARK}${name}`,
};

const META = XMLParser.getMetaDataSymbol() as unknown as symbol;

type RawNode = Record<string | symbol, unknown>;

interface Context {
  text: string;
  source: string;
  lines: LineIndex;
}

/** The top-level elements of a well-formed document. */
export function parseTree(text: string, source: string, lines: LineIndex): XmlElement[] {
  let nodes: unknown;
  try {
    nodes = new XMLParser(PARSER_OPTIONS).parse(text);
  } catch (error) {
    throw unreadable(error, text, source, lines);
  }
  return toElements(asNodes(nodes), { text, source, lines }).elements;
}

/**
 * What the parser refuses in a well-formed file: nesting past its limit, and __proto__, constructor
 * and prototype as names (without saying where, so the first such name is looked up).
 */
function unreadable(error: unknown, text: string, source: string, lines: LineIndex): Error {
  const message = error instanceof Error ? error.message : String(error);
  if (/Maximum nested tags exceeded/.test(message)) return xmlError(source, { line: 1 }, 'elements are nested more than 100 deep, which no ENTSSO file needs');
  const reserved = /^\[SECURITY\] Invalid name: "(.+?)"/.exec(message)?.[1];
  if (reserved === undefined) return xmlError(source, { line: 1 }, `the XML could not be read: ${message}`);
  const at = new RegExp(`<\\/?${reserved}[\\s/>]|(?<=\\s)${reserved}\\s*=`).exec(text)?.index ?? 0;
  return xmlError(
    source,
    { line: lines.at(at).line },
    `"${reserved}" is not a name ENTSSO files use, and is refused as an element or attribute name: remove it`,
  );
}

function toElements(nodes: RawNode[], context: Context): { elements: XmlElement[]; pieces: Piece[] } {
  const elements: XmlElement[] = [];
  const pieces: Piece[] = [];
  for (const node of nodes) {
    const name = Object.keys(node).find((key) => key !== ':@');
    if (name === undefined) continue;
    const content = node[name];
    if (name === '#text') pieces.push({ raw: String(content), cdata: false });
    else if (name === '#cdata')
      pieces.push({
        raw: asNodes(content)
          .map((part) => nodeText(part['#text']))
          .join(''),
        cdata: true,
      });
    else elements.push(toElement(unmark(name), node, content, context));
  }
  return { elements, pieces };
}

function toElement(name: string, node: RawNode, content: unknown, context: Context): XmlElement {
  const start = (node[META] as { startIndex?: number } | undefined)?.startIndex ?? 0;
  const line = context.lines.at(start).line;
  const problem = (message: string): never => {
    throw xmlError(context.source, { line }, `in <${name}>: ${message}`);
  };
  const offsets = attributeOffsets(context.text, start + 1 + name.length);
  const rawAttributes = (node[':@'] ?? {}) as Record<string, unknown>;
  const attributes = Object.entries(rawAttributes).map(([marked, value]) => ({
    name: unmark(marked),
    // XML's attribute-value normalisation: raw tabs and line breaks read as spaces (references stay).
    value: decodeEntities(String(value).replace(/[\t\n\r]/g, ' '), problem),
    line: context.lines.at(offsets.get(unmark(marked)) ?? start).line,
  }));
  const { elements, pieces } = toElements(asNodes(content), context);
  return { name, line, attributes, children: elements, text: textOf(pieces, elements.length > 0, problem) };
}

interface Piece {
  raw: string;
  cdata: boolean;
}

/**
 * Invisible spaces (characters.ts) in raw text. Microsoft's pages indent their samples with
 * U+00A0 NO-BREAK SPACE, so a file pasted from one is indented with it. They are read as the
 * indentation the author meant where they can only be indentation: text that is nothing but
 * white space between child elements is no text, and a run of white space at either end of a
 * value that holds a line break (the value written on its own line) is trimmed whole. A run
 * without a line break (`<contact>&#160;x</contact>` written raw) is trimmed of XML's own white
 * space only, as before: it may be meant, no value Tessera writes has a line break (text-rules.ts
 * refuses them, so export then import stays lossless), and a reference (&#160;) is always kept.
 * Nothing inside a value changes: text-rules.ts decides what a value may hold.
 */
const ONLY_SPACE = new RegExp(`^[ \\t\\n\\r${INVISIBLE_SPACES}]*$`);
const isWhite = (code: number): boolean => code === 0x20 || code === 0x09 || code === 0x0a || code === 0x0d || isInvisibleSpace(code);
const isXmlBlank = (code: number): boolean => code === 0x20 || code === 0x09;

/**
 * `raw` without its white space at the start (`end` false) or the end: the whole run when it
 * holds a line break, else only spaces and tabs. Walked by hand: a pattern anchored at the end
 * retries every start in a long run of spaces, and a file may hold many.
 */
function trimEdge(raw: string, end: boolean): string {
  const step = end ? -1 : 1;
  const first = end ? raw.length - 1 : 0;
  const inside = (i: number): boolean => (end ? i >= 0 : i < raw.length);
  let i = first;
  let lineBreak = false;
  for (; inside(i) && isWhite(raw.charCodeAt(i)); i += step) lineBreak ||= raw.charCodeAt(i) === 0x0a || raw.charCodeAt(i) === 0x0d;
  if (!lineBreak) for (i = first; inside(i) && isXmlBlank(raw.charCodeAt(i)); i += step);
  return end ? raw.slice(0, i + 1) : raw.slice(i);
}

/** Trims raw white space at both ends (never inside CDATA or from references), then decodes. */
function textOf(pieces: Piece[], hasChildren: boolean, problem: (message: string) => never): string {
  if (hasChildren && pieces.every((piece) => !piece.cdata && ONLY_SPACE.test(piece.raw))) return '';
  const parts = pieces.map((piece) => ({ ...piece }));
  while (parts.length > 0 && !parts[0]!.cdata) {
    parts[0]!.raw = trimEdge(parts[0]!.raw, false);
    if (parts[0]!.raw !== '') break;
    parts.shift();
  }
  while (parts.length > 0 && !parts[parts.length - 1]!.cdata) {
    const last = parts[parts.length - 1]!;
    last.raw = trimEdge(last.raw, true);
    if (last.raw !== '') break;
    parts.pop();
  }
  return parts.map((part) => (part.cdata ? part.raw : decodeEntities(part.raw, problem))).join('');
}

const ATTRIBUTE = /(\s+)([^\s=/>]+)\s*=\s*(?:"[^"]*"|'[^']*')/y;

/** Where each attribute of the start tag whose attributes begin at `from` is written. */
function attributeOffsets(text: string, from: number): Map<string, number> {
  const offsets = new Map<string, number>();
  ATTRIBUTE.lastIndex = from;
  for (let match = ATTRIBUTE.exec(text); match; match = ATTRIBUTE.exec(text)) {
    offsets.set(match[2]!, match.index + match[1]!.length);
  }
  return offsets;
}

/** A text node's value as the parser gives it (it turns numeric text into numbers). */
function nodeText(value: unknown): string {
  return typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean' ? String(value) : '';
}

function asNodes(value: unknown): RawNode[] {
  return Array.isArray(value) ? value.filter((node): node is RawNode => typeof node === 'object' && node !== null) : [];
}
