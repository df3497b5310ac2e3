/**
 * The names each kind of file knows, checked in one pass before anything is read: names are
 * compared without case (ENTSSO's own samples vary), older names from Microsoft's pages are read
 * as their current ones with a note, and every unknown element and attribute of the file is
 * reported at once, each with its line and the closest known name.
 */
import { preview, type XmlReader } from './element-reader.js';
import { closest } from './suggest.js';
import type { XmlAttribute, XmlElement } from './tree.js';

/** A name read as another: `why` ends the note, e.g. "its name in older ENTSSO pages". */
export interface Alias {
  name: string;
  why: string;
}

export interface ElementRule {
  /** Child elements by current name; absent for an element that holds text only. */
  children?: readonly string[];
  childAliases?: Readonly<Record<string, Alias>>;
  attributes?: readonly string[];
  attributeAliases?: Readonly<Record<string, Alias>>;
  /** What unknown attributes are called in messages: "flag" on <flags>. */
  attributeNoun?: string;
  /** The known attributes as a message lists them, when a plain list would mislead. */
  attributeList?: string;
  /** Children that belong to another tool's file, with what that file is (lower-case names). */
  foreignChildren?: Readonly<Record<string, string>>;
}

/** Rules by current element name; an element without a rule holds text only and takes no attributes. */
export type Schema = Readonly<Record<string, ElementRule>>;

export const OLDER_NAME = 'its name in older ENTSSO pages';

/** What else Microsoft's pages put in an <sso> root: the identity synchronisation agent's configuration. */
const MANAGEMENT_AGENT = 'the configuration of the identity synchronisation management agent (MIIS), which is not a file for ssomanage';
export const FOREIGN_IN_SSO: Readonly<Record<string, string>> = { sourcema: MANAGEMENT_AGENT, entssoma: MANAGEMENT_AGENT };

/** `element` (named `name` in the schema) with every name made current; unknown names are left out and reported. */
export function applySchema(reader: XmlReader, element: XmlElement, schema: Schema, name = element.name): XmlElement {
  const rule = schema[name] ?? {};
  return {
    ...element,
    name,
    attributes: knownAttributes(reader, element, rule),
    children: rule.children === undefined ? element.children : knownChildren(reader, element, rule, schema),
  };
}

function knownChildren(reader: XmlReader, parent: XmlElement, rule: ElementRule, schema: Schema): XmlElement[] {
  const known = rule.children ?? [];
  const lookup = nameLookup(known, rule.childAliases);
  const children: XmlElement[] = [];
  for (const child of parent.children) {
    const found = lookup.get(child.name.toLowerCase());
    const foreign = rule.foreignChildren?.[child.name.toLowerCase()];
    if (foreign !== undefined) {
      reader.problem(child.line, `<${child.name}> in <${parent.name}> belongs to ${foreign}`);
      continue;
    }
    if (found === undefined) {
      const guess = suggestion(child.name, known, rule.childAliases);
      reader.problem(
        child.line,
        `unknown element <${child.name}> in <${parent.name}>${guess ? ` (did you mean <${guess}>?)` : ''}: ` +
          `the known elements are ${known.map((k) => `<${k}>`).join(', ')}`,
      );
      continue;
    }
    if (found.why !== undefined) reader.note(child.line, `<${child.name}> is read as <${found.name}> (${found.why})`);
    children.push(applySchema(reader, child, schema, found.name));
  }
  return children;
}

function knownAttributes(reader: XmlReader, element: XmlElement, rule: ElementRule): XmlAttribute[] {
  const known = rule.attributes ?? [];
  const noun = rule.attributeNoun ?? 'attribute';
  const lookup = nameLookup(known, rule.attributeAliases);
  const found = new Map<string, XmlAttribute>();
  for (const attribute of element.attributes) {
    const name = lookup.get(attribute.name.toLowerCase());
    if (name === undefined) {
      if (known.length === 0) {
        reader.problem(attribute.line, `<${element.name}> takes no attributes: remove ${attribute.name}="${preview(attribute.value)}"`);
        continue;
      }
      const guess = suggestion(attribute.name, known, rule.attributeAliases);
      const on = noun === 'attribute' ? ` on <${element.name}>` : '';
      reader.problem(
        attribute.line,
        `unknown ${noun} "${attribute.name}"${on}${guess ? ` (did you mean ${guess}?)` : ''}: the known ${noun}s are ${rule.attributeList ?? known.join(', ')}`,
      );
      continue;
    }
    const earlier = found.get(name.name);
    if (earlier) {
      throw reader.error(
        { line: attribute.line },
        `${noun} ${name.name} is given twice on <${element.name}> (as ${earlier.name} and ${attribute.name}): keep one`,
      );
    }
    if (name.why !== undefined) reader.note(attribute.line, `${attribute.name} is read as ${name.name} (${name.why})`);
    found.set(name.name, attribute);
  }
  return [...found].map(([name, attribute]) => ({ ...attribute, name }));
}

/** Lower-case name → current name, and why when it is an alias. */
function nameLookup(known: readonly string[], aliases: Readonly<Record<string, Alias>> = {}): Map<string, { name: string; why?: string }> {
  const lookup = new Map<string, { name: string; why?: string }>(known.map((name) => [name.toLowerCase(), { name }]));
  for (const [alias, { name, why }] of Object.entries(aliases)) lookup.set(alias.toLowerCase(), { name, why });
  return lookup;
}

/** The current name closest to a misspelt one, also through a misspelt alias (allowLocalGroup → allowLocalAccounts). */
function suggestion(name: string, known: readonly string[], aliases: Readonly<Record<string, Alias>> = {}): string | undefined {
  const guess = closest(name, [...known, ...Object.keys(aliases)]);
  return guess === undefined ? undefined : (aliases[guess]?.name ?? guess);
}
