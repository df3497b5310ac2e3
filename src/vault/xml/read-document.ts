/** From text to the `<sso>` root element, every name made current (schema.ts), or XML_INVALID naming the line. */
import type { XmlReader } from './element-reader.js';
import { LineIndex } from './location.js';
import { applySchema, type Schema } from './schema.js';
import { type XmlElement, parseTree } from './tree.js';
import { checkRawText, checkSize, checkWellFormed } from './well-formed.js';

export interface DocumentOptions {
  /**
   * A root that may hold the `<sso>` among elements of its own, e.g. `UpdateConfiguration`: the
   * file of Microsoft's Sysprep script, whose other sections are not Tessera's to read.
   */
  container?: string;
}

export function readSsoDocument(reader: XmlReader, input: string, schema: Schema, options: DocumentOptions = {}): XmlElement {
  const text = input.startsWith('\ufeff') ? input.slice(1) : input;
  const { source } = reader;
  checkSize(text, source);
  const lines = new LineIndex(text);
  checkRawText(text, source, lines);
  checkWellFormed(text, source, lines);
  const [root, second] = parseTree(text, source, lines);
  if (root === undefined) throw reader.error({ line: 1 }, 'the file holds no element: an ENTSSO file is <sso>…</sso>');
  if (second !== undefined) {
    throw reader.error({ line: second.line }, `a second root element <${second.name}> (the first is on line ${root.line}): an XML file has one root, <sso>`);
  }
  const sso = options.container !== undefined && sameName(root.name, options.container) ? ssoIn(reader, root) : root;
  if (!sameName(sso.name, 'sso')) {
    const roots =
      options.container === undefined ? "an ENTSSO file's root is <sso>" : `an ENTSSO file's root is <sso> (or <${options.container}> holding <sso>)`;
    throw reader.error({ line: sso.line }, `the root element is <${sso.name}>, and ${roots}: wrap the content in <sso>…</sso>`);
  }
  // Namespace declarations on the root are harmless; ENTSSO's own files have none, nor other attributes.
  const bare = { ...sso, attributes: sso.attributes.filter((attribute) => !/^xmlns(:|$)/.test(attribute.name)) };
  return applySchema(reader, bare, schema, 'sso');
}

/** The one `<sso>` of a container; its other elements belong to other tools. */
function ssoIn(reader: XmlReader, container: XmlElement): XmlElement {
  const found = container.children.filter((child) => sameName(child.name, 'sso'));
  const [sso, second] = found;
  if (sso === undefined)
    throw reader.error({ line: container.line }, `<${container.name}> holds no <sso>: put the SSO settings in <sso><globalInfo>…</globalInfo></sso> inside it`);
  if (second !== undefined) throw reader.error({ line: second.line }, `<${container.name}> holds a second <sso> (the first is on line ${sso.line}): keep one`);
  return sso;
}

const sameName = (a: string, b: string): boolean => a.toLowerCase() === b.toLowerCase();
