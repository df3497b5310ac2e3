/** `<field ordinal label masked/>`: ordinals 0..n-1, each once; field 0 (the external user id) is never masked. */
import type { FieldDefinition } from '../../store/index.js';
import { LIMITS } from '../application-rules.js';
import { preview, type XmlReader } from './element-reader.js';
import type { ElementRule } from './schema.js';
import type { XmlElement } from './tree.js';
import { parseWholeNumber } from './values.js';

export const FIELD_RULE: ElementRule = { attributes: ['ordinal', 'label', 'masked', 'sync'] };

export function readFields(reader: XmlReader, application: string, elements: readonly XmlElement[]): FieldDefinition[] {
  const firstLine = new Map<number, number>();
  const fields = elements.map((element) => {
    const field = readField(reader, element);
    const first = firstLine.get(field.ordinal);
    if (first !== undefined) {
      throw reader.error({ line: element.line }, `field ordinal ${field.ordinal} is given twice (first on line ${first}): give each field its own ordinal`);
    }
    firstLine.set(field.ordinal, element.line);
    return field;
  });
  const count = fields.length;
  fields.forEach((field, index) => {
    if (field.ordinal >= count) {
      const numbering = count === 1 ? 'so its ordinal is 0' : `so number them 0 to ${count - 1} without gaps`;
      throw reader.error(
        { line: elements[index]!.line },
        `field ordinal ${field.ordinal} is out of range: ${application} has ${count} field${count === 1 ? '' : 's'}, ${numbering} (0 is the external user id)`,
      );
    }
  });
  return fields.sort((a, b) => a.ordinal - b.ordinal);
}

function readField(reader: XmlReader, element: XmlElement): FieldDefinition {
  reader.checkEmpty(element);
  const attributes = reader.attributesOf(element);
  const ordinalAttribute = attributes.get('ordinal');
  if (ordinalAttribute === undefined) {
    throw reader.error({ line: element.line }, '<field> needs an ordinal attribute (a whole number; 0 is the external user id)');
  }
  const ordinal = parseWholeNumber(ordinalAttribute.value);
  if (ordinal === undefined) {
    throw reader.error(
      { line: ordinalAttribute.line },
      `ordinal="${preview(ordinalAttribute.value)}" is not a whole number: number the fields 0 (the external user id), 1, 2 and so on`,
    );
  }
  const label = attributes.get('label');
  if (label === undefined) throw reader.error({ line: element.line }, '<field> needs a label attribute, the name shown for the field, e.g. label="Password"');
  const maskedAttribute = attributes.get('masked');
  const masked = reader.yesNoAttribute(maskedAttribute, false);
  if (ordinal === 0 && masked) {
    throw reader.error({ line: maskedAttribute!.line }, 'field 0 is the external user id and cannot be masked: write masked="no"');
  }
  return {
    ordinal,
    label: reader.checkedValue(label.line, 'the label', label.value, 'name', LIMITS.labelLength),
    masked,
    sync: reader.yesNoAttribute(attributes.get('sync'), false),
  };
}
