/**
 * Reading the tree with errors that point at a line: known children and attributes (names
 * compared without case, as ENTSSO's own samples vary), single elements, text-only elements.
 */
import { LIMITS } from '../application-rules.js';
import type { TextKind } from '../text-rules.js';
import { xmlError } from './location.js';
import { valueProblem } from './rules.js';
import { closest } from './suggest.js';
import type { XmlAttribute, XmlElement } from './tree.js';
import { parseWholeNumber, parseYesNo, splitAccounts, YES_NO_FIX } from './values.js';

/** Children grouped by their known name, in document order; `aliases` maps known misspellings. */
export function childrenOf(
  source: string,
  parent: XmlElement,
  known: readonly string[],
  aliases: Readonly<Record<string, string>> = {},
): Map<string, XmlElement[]> {
  if (parent.text !== '') {
    throw xmlError(source, { line: parent.line }, `<${parent.name}> holds the text "${preview(parent.text)}", and only elements belong there`);
  }
  const names = new Map(known.map((name) => [name.toLowerCase(), name]));
  for (const [alias, name] of Object.entries(aliases)) names.set(alias.toLowerCase(), name);
  const groups = new Map<string, XmlElement[]>();
  for (const child of parent.children) {
    const name = names.get(child.name.toLowerCase());
    if (name === undefined) {
      const guess = closest(child.name, known);
      throw xmlError(
        source,
        { line: child.line },
        `unknown element <${child.name}> in <${parent.name}>${guess ? ` (did you mean <${guess}>?)` : ''}: ` +
          `the known elements are ${known.map((k) => `<${k}>`).join(', ')}`,
      );
    }
    const group = groups.get(name);
    if (group) group.push(child);
    else groups.set(name, [child]);
  }
  return groups;
}

/** The one child called `name`, if any; a second one is an error. */
export function single(source: string, parent: XmlElement, children: Map<string, XmlElement[]>, name: string): XmlElement | undefined {
  const [first, second] = children.get(name) ?? [];
  if (first && second) throw xmlError(source, { line: second.line }, `<${name}> is given twice in <${parent.name}> (first on line ${first.line}): keep one`);
  return first;
}

/** Attributes by their known name; `noun` words the error ("unknown flag …"). */
export function attributesOf(source: string, element: XmlElement, known: readonly string[], noun = 'attribute'): Map<string, XmlAttribute> {
  const names = new Map(known.map((name) => [name.toLowerCase(), name]));
  const found = new Map<string, XmlAttribute>();
  for (const attribute of element.attributes) {
    const name = names.get(attribute.name.toLowerCase());
    if (name === undefined) {
      if (known.length === 0)
        throw xmlError(source, { line: attribute.line }, `<${element.name}> takes no attributes: remove ${attribute.name}="${preview(attribute.value)}"`);
      const guess = closest(attribute.name, known);
      const on = noun === 'attribute' ? ` on <${element.name}>` : '';
      throw xmlError(
        source,
        { line: attribute.line },
        `unknown ${noun} "${attribute.name}"${on}${guess ? ` (did you mean ${guess}?)` : ''}: the known ${noun}s are ${known.join(', ')}`,
      );
    }
    const earlier = found.get(name);
    if (earlier) {
      throw xmlError(
        source,
        { line: attribute.line },
        `${noun} ${name} is given twice on <${element.name}> (as ${earlier.name} and ${attribute.name}): keep one`,
      );
    }
    found.set(name, attribute);
  }
  return found;
}

/** The text of an element that holds text only, without attributes. */
export function leafText(source: string, element: XmlElement): string {
  const [child] = element.children;
  if (child) throw xmlError(source, { line: child.line }, `<${element.name}> holds text only, not elements like <${child.name}>`);
  attributesOf(source, element, []);
  return element.text;
}

/** An element whose meaning is all in its attributes, like <field …/> and <flags …/>. */
export function checkEmpty(source: string, element: XmlElement): void {
  const [child] = element.children;
  if (child || element.text !== '') {
    const what = child ? `the element <${child.name}>` : `the text "${preview(element.text)}"`;
    throw xmlError(source, { line: child?.line ?? element.line }, `<${element.name}> holds ${what}, and takes attributes only: write <${element.name} …/>`);
  }
}

export function yesNoAttribute(source: string, attribute: XmlAttribute | undefined, fallback: boolean): boolean {
  if (attribute === undefined) return fallback;
  const value = parseYesNo(attribute.value);
  if (value === undefined) throw xmlError(source, { line: attribute.line }, `${attribute.name}="${preview(attribute.value)}" is not yes or no: ${YES_NO_FIX}`);
  return value;
}

export function yesNoText(source: string, element: XmlElement): boolean {
  const text = leafText(source, element);
  const value = parseYesNo(text);
  if (value === undefined) throw xmlError(source, { line: element.line }, `<${element.name}> holds "${preview(text)}", which is not yes or no: ${YES_NO_FIX}`);
  return value;
}

/** A whole number (of `unit`) within `range`, from an element's text or an attribute. */
export function wholeNumber(source: string, at: XmlElement | XmlAttribute, raw: string, range: { min: number; max: number }, unit = ''): number {
  const value = parseWholeNumber(raw);
  if (value === undefined || value < range.min || value > range.max) {
    const of = unit === '' ? '' : ` of ${unit}`;
    const within = range.max !== Number.MAX_SAFE_INTEGER ? ` from ${range.min} to ${range.max}` : range.min > 0 ? ` of at least ${range.min}` : '';
    throw xmlError(source, { line: at.line }, `${at.name} "${preview(raw)}" is not a whole number${of}${within}`);
  }
  return value;
}

/** The accounts of several same-named elements, each possibly a ';' or ',' separated list. */
export function accountsOf(source: string, elements: readonly XmlElement[] | undefined): string[] {
  return (elements ?? []).flatMap((element) =>
    splitAccounts(leafText(source, element)).map((account) => checkedValue(source, element.line, `<${element.name}>`, account, 'name', LIMITS.accountLength)),
  );
}

/**
 * `value` if the vault's text rules (text-rules.ts) allow it as a `kind` of at most `max`
 * characters; else XML_INVALID naming the line, the character and the fix. The service checks
 * again: this is for the line number.
 */
export function checkedValue(source: string, line: number, what: string, value: string, kind: TextKind, max: number): string {
  const problem = valueProblem(what, value, kind, max);
  if (problem !== undefined) throw xmlError(source, { line }, problem);
  return value;
}

/** A value quoted in a message: one line, not too long. */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
