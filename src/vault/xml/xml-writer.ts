/** Writes `<sso>` documents: two-space indent, double-quoted attributes, escaped text. */
import { codePointName, findIllegalCharacter } from './characters.js';
import { escapeAttribute, escapeText } from './entities.js';
import { exportError } from './location.js';

export interface XmlNode {
  name: string;
  attributes?: ReadonlyArray<readonly [string, string]>;
  /** Written when the node has no children; an empty text gives `<name/>`. */
  text?: string;
  children?: readonly XmlNode[];
}

export function renderSso(children: readonly XmlNode[]): string {
  const lines = ['<sso>'];
  for (const child of children) render(child, 1, lines);
  lines.push('</sso>');
  return `${lines.join('\n')}\n`;
}

function render(node: XmlNode, depth: number, lines: string[]): void {
  const indent = '  '.repeat(depth);
  const attributes = (node.attributes ?? []).map(([name, value]) => ` ${name}="${escapeAttribute(legal(node, value))}"`).join('');
  const open = `${indent}<${node.name}${attributes}`;
  if (node.children !== undefined && node.children.length > 0) {
    lines.push(`${open}>`);
    for (const child of node.children) render(child, depth + 1, lines);
    lines.push(`${indent}</${node.name}>`);
  } else if (node.text !== undefined && node.text !== '') {
    lines.push(`${open}>${escapeText(legal(node, node.text))}</${node.name}>`);
  } else {
    lines.push(`${open}/>`);
  }
}

/** XML 1.0 cannot carry control characters, even as references: refuse rather than write a file no parser reads. */
function legal(node: XmlNode, value: string): string {
  const illegal = findIllegalCharacter(value);
  if (illegal) {
    throw exportError(`<${node.name}>`, `the text ${JSON.stringify(value)} has character ${codePointName(illegal.codePoint)}, which XML cannot carry`);
  }
  return value;
}
