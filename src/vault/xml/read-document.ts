/** From text to the `<sso>` root element, or XML_INVALID naming the line. */
import { attributesOf } from './element-reader.js';
import { LineIndex, xmlError } from './location.js';
import { type XmlElement, parseTree } from './tree.js';
import { checkRawText, checkSize, checkWellFormed } from './well-formed.js';

export function readSsoDocument(input: string, source: string): XmlElement {
  const text = input.startsWith('\ufeff') ? input.slice(1) : input;
  checkSize(text, source);
  const lines = new LineIndex(text);
  checkRawText(text, source, lines);
  checkWellFormed(text, source, lines);
  const [root, second] = parseTree(text, source, lines);
  if (root === undefined) throw xmlError(source, { line: 1 }, 'the file holds no element: an ENTSSO file is <sso>…</sso>');
  if (second !== undefined) {
    throw xmlError(
      source,
      { line: second.line },
      `a second root element <${second.name}> (the first is on line ${root.line}): an XML file has one root, <sso>`,
    );
  }
  if (root.name.toLowerCase() !== 'sso') {
    throw xmlError(source, { line: root.line }, `the root element is <${root.name}>, and an ENTSSO file's root is <sso>: wrap the content in <sso>…</sso>`);
  }
  // Namespace declarations on the root are harmless; ENTSSO's own files have none, nor other attributes.
  const sso = { ...root, attributes: root.attributes.filter((attribute) => !/^xmlns(:|$)/.test(attribute.name)) };
  attributesOf(source, sso, []);
  return sso;
}
