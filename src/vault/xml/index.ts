/**
 * ENTSSO-compatible XML: affiliate applications (`ssomanage -createapps`), mappings
 * (`-createmappings`) and global info (`-updatedb`), read with errors naming file, line and fix
 * (XML_INVALID), and written back so that export then import gives the same definitions.
 */
export type { ApplicationDefinition, ApplicationStatement, MappingDefinition } from './definitions.js';
export type { NoteListener } from './element-reader.js';
export { parseApplicationsXml, parseApplicationUpdatesXml, statedType } from './read-applications.js';
export { applicationsToXml } from './write-applications.js';
export { parseMappingsXml, mappingsToXml } from './mappings.js';
export { parseGlobalInfoXml, globalInfoToXml } from './global-info.js';
export { XML_MAX_BYTES, XML_MAX_STRETCH } from './well-formed.js';
export { decodeXmlBytes } from './encoding.js';
