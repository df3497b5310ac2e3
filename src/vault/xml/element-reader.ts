/**
 * Reading the tree with errors that point at a line. One XmlReader reads one file: it knows the
 * file's name for messages, gathers the notes a reader should see (an older name read as its
 * current one) and the problems worth reporting together (every unknown name of the file, not
 * just the first).
 */
import { isTesseraError, type TesseraError } from '../../errors/index.js';
import { LIMITS } from '../application-rules.js';
import type { TextKind } from '../text-rules.js';
import { type Position, xmlError, xmlErrors } from './location.js';
import { valueProblem } from './rules.js';
import type { XmlAttribute, XmlElement } from './tree.js';
import { parseWholeNumber, parseYesNo, splitAccounts, YES_NO_FIX } from './values.js';

/** Receives each note of a file once, e.g. `apps.xml line 5: <userGroup> is read as <appUserAccount> (…)`. */
export type NoteListener = (note: string) => void;

/** The most problems one error lists, and notes one file prints: a file of 100,000 mistakes needs no 8 MB message. */
export const MAX_PROBLEMS = 50;
export const MAX_NOTES = 20;

export class XmlReader {
  private readonly problems: Array<{ line: number; message: string }> = [];
  private notes = 0;

  constructor(
    readonly source: string,
    private readonly onNote: NoteListener = () => undefined,
  ) {}

  error(at: Position, message: string): TesseraError {
    return xmlError(this.source, at, message);
  }

  /** A problem that does not stop the reading: reported with the others when the file is read. */
  problem(line: number, message: string): void {
    this.problems.push({ line, message });
  }

  note(line: number, message: string): void {
    if (++this.notes <= MAX_NOTES) this.onNote(`${this.source} line ${line}: ${message}`);
  }

  /**
   * Runs `read`, then reports every problem gathered, in line order, with the error that stopped
   * the reading if one did: one run names every unknown element and flag of the file.
   */
  read<T>(read: () => T): T {
    let result: T;
    try {
      result = read();
    } catch (error) {
      this.moreNotes();
      if (this.problems.length === 0 || !isTesseraError(error, 'XML_INVALID')) throw error;
      const at = /^.*? line (\d+)(?:, column \d+)?: /.exec(error.message);
      const line = at ? Number(at[1]) : Infinity;
      // An error on a line already reported follows from that problem (a misspelt label, then "needs a label").
      if (!this.problems.some((problem) => problem.line === line))
        this.problems.push({ line, message: at ? error.message.slice(at[0].length) : error.message });
      throw this.reported();
    }
    this.moreNotes();
    if (this.problems.length > 0) throw this.reported();
    return result;
  }

  private moreNotes(): void {
    if (this.notes > MAX_NOTES) this.onNote(`${this.source}: ${this.notes - MAX_NOTES} more notes like these`);
  }

  private reported(): TesseraError {
    const sorted = [...this.problems].sort((a, b) => a.line - b.line);
    return xmlErrors(this.source, sorted.slice(0, MAX_PROBLEMS), sorted.length);
  }

  /** Children grouped by name (the schema pass has given every child its known name), in document order. */
  childrenOf(parent: XmlElement): Map<string, XmlElement[]> {
    if (parent.text !== '') {
      throw this.error({ line: parent.line }, `<${parent.name}> holds the text "${preview(parent.text)}", and only elements belong there`);
    }
    const groups = new Map<string, XmlElement[]>();
    for (const child of parent.children) {
      const group = groups.get(child.name);
      if (group) group.push(child);
      else groups.set(child.name, [child]);
    }
    return groups;
  }

  /** The one child called `name`, if any; a second one is an error. */
  single(parent: XmlElement, children: Map<string, XmlElement[]>, name: string): XmlElement | undefined {
    const [first, second] = children.get(name) ?? [];
    if (first && second) throw this.error({ line: second.line }, `<${name}> is given twice in <${parent.name}> (first on line ${first.line}): keep one`);
    return first;
  }

  /** Attributes by name (the schema pass has refused or renamed every unknown one). */
  attributesOf(element: XmlElement): Map<string, XmlAttribute> {
    return new Map(element.attributes.map((attribute) => [attribute.name, attribute]));
  }

  /** The text of an element that holds text only. */
  leafText(element: XmlElement): string {
    const [child] = element.children;
    if (child) throw this.error({ line: child.line }, `<${element.name}> holds text only, not elements like <${child.name}>`);
    return element.text;
  }

  /** An element whose meaning is all in its attributes, like <field …/> and <flags …/>. */
  checkEmpty(element: XmlElement): void {
    const [child] = element.children;
    if (child || element.text !== '') {
      const what = child ? `the element <${child.name}>` : `the text "${preview(element.text)}"`;
      throw this.error({ line: child?.line ?? element.line }, `<${element.name}> holds ${what}, and takes attributes only: write <${element.name} …/>`);
    }
  }

  yesNoAttribute(attribute: XmlAttribute | undefined, fallback: boolean): boolean {
    if (attribute === undefined) return fallback;
    const value = parseYesNo(attribute.value);
    if (value === undefined) throw this.error({ line: attribute.line }, `${attribute.name}="${preview(attribute.value)}" is not yes or no: ${YES_NO_FIX}`);
    return value;
  }

  yesNoText(element: XmlElement): boolean {
    const text = this.leafText(element);
    const value = parseYesNo(text);
    if (value === undefined) throw this.error({ line: element.line }, `<${element.name}> holds "${preview(text)}", which is not yes or no: ${YES_NO_FIX}`);
    return value;
  }

  /** A whole number (of `unit`) within `range`, from an element's text or an attribute. */
  wholeNumber(at: XmlElement | XmlAttribute, raw: string, range: { min: number; max: number }, unit = ''): number {
    const value = parseWholeNumber(raw);
    if (value === undefined || value < range.min || value > range.max) {
      const of = unit === '' ? '' : ` of ${unit}`;
      const within = range.max !== Number.MAX_SAFE_INTEGER ? ` from ${range.min} to ${range.max}` : range.min > 0 ? ` of at least ${range.min}` : '';
      throw this.error({ line: at.line }, `${at.name} "${preview(raw)}" is not a whole number${of}${within}`);
    }
    return value;
  }

  /** The accounts of several same-named elements, each possibly a ';' or ',' separated list. */
  accountsOf(elements: readonly XmlElement[] | undefined): string[] {
    return (elements ?? []).flatMap((element) =>
      splitAccounts(this.leafText(element)).map((account) => this.checkedValue(element.line, `<${element.name}>`, account, 'name', LIMITS.accountLength)),
    );
  }

  /**
   * `value` if the vault's text rules (text-rules.ts) allow it as a `kind` of at most `max`
   * characters; else XML_INVALID naming the line, the character and the fix. The service checks
   * again: this is for the line number.
   */
  checkedValue(line: number, what: string, value: string, kind: TextKind, max: number): string {
    const problem = valueProblem(what, value, kind, max);
    if (problem !== undefined) throw this.error({ line }, problem);
    return value;
  }
}

/** A value quoted in a message: one line, not too long. */
export function preview(text: string): string {
  const line = text.replace(/\s+/g, ' ');
  return line.length > 60 ? `${line.slice(0, 57)}...` : line;
}
