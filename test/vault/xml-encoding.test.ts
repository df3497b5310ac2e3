import { describe, expect, it } from 'vitest';
import { isTesseraError } from '../../src/errors/index.js';
import { decodeXmlBytes } from '../../src/vault/xml/encoding.js';
import { parseApplicationsXml } from '../../src/vault/xml/index.js';

/** The code and message of the error `run` throws. */
function refusal(run: () => unknown): { code: string; message: string } {
  try {
    run();
  } catch (error) {
    if (isTesseraError(error)) return { code: error.code, message: error.message };
    throw error;
  }
  throw new Error('expected an error, and nothing was thrown');
}

const BOM_UTF8 = Buffer.from([0xef, 0xbb, 0xbf]);
const BOM_LE = Buffer.from([0xff, 0xfe]);
const BOM_BE = Buffer.from([0xfe, 0xff]);
const utf16le = (text: string): Buffer => Buffer.from(text, 'utf16le');
const utf16be = (text: string): Buffer => Buffer.from(text, 'utf16le').swap16();
/** Bytes one per character, as a single-byte code page writes them (each char below U+0100). */
const singleByte = (text: string): Buffer => Buffer.from(text, 'latin1');

const declaration = (encoding: string): string => `<?xml version="1.0" encoding="${encoding}"?>`;
/** An applications file: line 1 the declaration (or empty), <contact> on line 4, <description> on line 5. */
const appsXml = (head: string, description: string, newline = '\n'): string =>
  [
    head,
    '<sso>',
    '  <application name="Payroll">',
    '    <contact>ops@example.org</contact>',
    `    <description>${description}</description>`,
    '  </application>',
    '</sso>',
    '',
  ].join(newline);

const descriptionOf = (text: string): string | undefined => parseApplicationsXml(text, 'apps.xml')[0]?.description;

describe('decodeXmlBytes: byte order marks', () => {
  const text = appsXml(declaration('utf-8'), 'Société générale — 5 €');

  it('reads UTF-8 with and without a BOM, and returns no BOM', () => {
    expect(decodeXmlBytes(Buffer.from(text, 'utf8'), 'apps.xml')).toBe(text);
    expect(decodeXmlBytes(Buffer.concat([BOM_UTF8, Buffer.from(text, 'utf8')]), 'apps.xml')).toBe(text);
  });

  it('reads UTF-16 LE and BE with a BOM (Notepad "Unicode", PowerShell 5.1 Out-File), the BOM winning over encoding="utf-8"', () => {
    expect(decodeXmlBytes(Buffer.concat([BOM_LE, utf16le(text)]), 'apps.xml')).toBe(text);
    expect(decodeXmlBytes(Buffer.concat([BOM_BE, utf16be(text)]), 'apps.xml')).toBe(text);
    expect(descriptionOf(decodeXmlBytes(Buffer.concat([BOM_LE, utf16le(text)]), 'apps.xml'))).toBe('Société générale — 5 €');
  });

  it('reads a UTF-8 BOM over a declared single-byte encoding', () => {
    const declared = appsXml(declaration('ISO-8859-1'), 'Société');
    expect(descriptionOf(decodeXmlBytes(Buffer.concat([BOM_UTF8, Buffer.from(declared, 'utf8')]), 'apps.xml'))).toBe('Société');
  });

  it('reads odd casing of the declaration, in UTF-16 with a BOM', () => {
    const upper = appsXml('<?xml version="1.0" encoding="UTF-16"?>', 'Société', '\r\n');
    expect(descriptionOf(decodeXmlBytes(Buffer.concat([BOM_LE, utf16le(upper)]), 'apps.xml'))).toBe('Société');
    const mixed = appsXml(`<?xml version='1.0' encoding='Utf-16'?>`, 'Société');
    expect(descriptionOf(decodeXmlBytes(Buffer.concat([BOM_BE, utf16be(mixed)]), 'apps.xml'))).toBe('Société');
  });

  it('keeps characters beyond the BMP (surrogate pairs) in UTF-16', () => {
    const text = appsXml('', 'Payroll 𝄞');
    expect(descriptionOf(decodeXmlBytes(Buffer.concat([BOM_BE, utf16be(text)]), 'apps.xml'))).toBe('Payroll 𝄞');
  });

  it('keeps a lone surrogate in UTF-16 as it is, so the raw-text check names it with its line', () => {
    const bytes = Buffer.concat([BOM_LE, utf16le('<sso>\n  <application name="A'), Buffer.from([0x00, 0xd8]), utf16le('"/>\n</sso>\n')]);
    expect(refusal(() => parseApplicationsXml(decodeXmlBytes(bytes, 'apps.xml'), 'apps.xml'))).toEqual({
      code: 'XML_INVALID',
      message: 'apps.xml line 2, column 23: character U+D800 is not allowed in an XML file: remove it',
    });
  });

  it('reads UTF-16 without a BOM when the first bytes can only be UTF-16', () => {
    const text = appsXml(declaration('utf-16'), 'Société');
    expect(decodeXmlBytes(utf16le(text), 'apps.xml')).toBe(text);
    expect(decodeXmlBytes(utf16be(text), 'apps.xml')).toBe(text);
    const noDeclaration = '<sso/>';
    expect(decodeXmlBytes(utf16le(noDeclaration), 'apps.xml')).toBe(noDeclaration);
  });

  it('refuses UTF-16 cut short (an odd number of bytes), naming the line it stops on', () => {
    const text = appsXml(declaration('utf-16'), 'Société');
    const bytes = Buffer.concat([BOM_LE, utf16le(text)]);
    expect(refusal(() => decodeXmlBytes(bytes.subarray(0, bytes.length - 1), 'apps.xml'))).toEqual({
      code: 'XML_INVALID',
      message:
        'apps.xml line 7: the file is UTF-16 (two bytes per character) but has an odd number of bytes, so it was cut short: copy or save the whole file again',
    });
    const cut = Buffer.concat([BOM_BE, utf16be(text)]).subarray(0, 2 + 2 * text.indexOf('<contact>') + 1);
    expect(refusal(() => decodeXmlBytes(cut, 'apps.xml')).message).toMatch(/^apps\.xml line 4: the file is UTF-16 /);
  });

  it('refuses UTF-32 and EBCDIC by name', () => {
    const fix = 'save it as UTF-8 or UTF-16 (in Notepad: Save As, Encoding UTF-8)';
    expect(refusal(() => decodeXmlBytes(Buffer.from([0xff, 0xfe, 0, 0, 0x3c, 0, 0, 0]), 'apps.xml'))).toEqual({
      code: 'XML_INVALID',
      message: `apps.xml line 1: the file starts with a UTF-32 byte order mark, and Tessera cannot read UTF-32: ${fix}`,
    });
    expect(refusal(() => decodeXmlBytes(Buffer.from([0, 0, 0xfe, 0xff, 0, 0, 0, 0x3c]), 'apps.xml')).message).toBe(
      `apps.xml line 1: the file starts with a UTF-32 byte order mark, and Tessera cannot read UTF-32: ${fix}`,
    );
    expect(refusal(() => decodeXmlBytes(Buffer.from([0x3c, 0, 0, 0, 0x3f, 0, 0, 0]), 'apps.xml')).message).toBe(
      `apps.xml line 1: the file is UTF-32 (four bytes per character), and Tessera cannot read UTF-32: ${fix}`,
    );
    expect(refusal(() => decodeXmlBytes(Buffer.from([0x4c, 0x6f, 0xa7, 0x94, 0x93, 0x40]), 'apps.xml')).message).toBe(
      `apps.xml line 1: the file is EBCDIC ("<?xm" in EBCDIC bytes), and Tessera cannot read EBCDIC: ${fix}`,
    );
  });
});

describe('decodeXmlBytes: the declared encoding', () => {
  it('reads ISO-8859-1 and latin1 as Windows does (windows-1252): Société comes back exactly, 0x80 is €', () => {
    const text = appsXml(declaration('ISO-8859-1'), 'Société 5 €');
    const bytes = Buffer.from(text.replace('€', '\u0080'), 'latin1');
    expect(bytes.includes(Buffer.from([0xe9]))).toBe(true);
    expect(bytes.includes(Buffer.from([0x80]))).toBe(true);
    expect(descriptionOf(decodeXmlBytes(bytes, 'apps.xml'))).toBe('Société 5 €');
    const latin1 = Buffer.from(appsXml(declaration('latin1'), 'Société'), 'latin1');
    expect(descriptionOf(decodeXmlBytes(latin1, 'apps.xml'))).toBe('Société');
  });

  it('reads windows-1252 and cp1252, with CRLF line ends', () => {
    for (const name of ['windows-1252', 'Windows-1252', 'cp1252', 'WINDOWS-1252']) {
      const bytes = singleByte(appsXml(declaration(name), 'Caf\u00e9 \u0080 \u0093quoted\u0094', '\r\n'));
      expect(descriptionOf(decodeXmlBytes(bytes, 'apps.xml'))).toBe('Café € “quoted”');
    }
  });

  it('reads other code pages Node decodes (ISO-8859-15, windows-1250)', () => {
    // 0xA4 is € in ISO-8859-15 (¤ in ISO-8859-1); 0x9A is š in windows-1250.
    expect(descriptionOf(decodeXmlBytes(singleByte(appsXml(declaration('iso-8859-15'), 'Prix 5 \u00a4')), 'apps.xml'))).toBe('Prix 5 €');
    expect(descriptionOf(decodeXmlBytes(singleByte(appsXml(declaration('windows-1250'), 'Ko\u009aice')), 'apps.xml'))).toBe('Košice');
  });

  it('reads UTF-8 declared in any spelling, and no declaration as UTF-8', () => {
    for (const name of ['UTF-8', 'utf-8', 'utf8', 'Utf-8']) {
      const text = appsXml(declaration(name), 'Société');
      expect(decodeXmlBytes(Buffer.from(text, 'utf8'), 'apps.xml')).toBe(text);
    }
    expect(descriptionOf(decodeXmlBytes(Buffer.from(appsXml('<?xml version="1.0"?>', 'Société'), 'utf8'), 'apps.xml'))).toBe('Société');
    expect(descriptionOf(decodeXmlBytes(Buffer.from(appsXml('', 'Société'), 'utf8'), 'apps.xml'))).toBe('Société');
  });

  it('reads encoding="UTF-16" without a BOM in a one-byte-per-character file as the UTF-8 it is', () => {
    const text = appsXml(declaration('UTF-16'), 'Société');
    expect(descriptionOf(decodeXmlBytes(Buffer.from(text, 'utf8'), 'apps.xml'))).toBe('Société');
  });

  it('refuses an encoding it cannot honour, naming it', () => {
    const fix = 'save it as UTF-8 or UTF-16 (in Notepad: Save As, Encoding UTF-8)';
    for (const name of ['EBCDIC-XYZ', 'UTF-7', 'iso-2022-kr', 'x-user-defined']) {
      expect(refusal(() => decodeXmlBytes(Buffer.from(appsXml(declaration(name), 'x'), 'utf8'), 'apps.xml'))).toEqual({
        code: 'XML_INVALID',
        message: `apps.xml line 1: the file declares encoding "${name}", which Tessera cannot read: ${fix}`,
      });
    }
  });

  it('refuses bytes that are not UTF-8 in a file without a declaration, with offset and line', () => {
    const bytes = singleByte(appsXml('', 'Soci\u00e9t\u00e9'));
    expect(refusal(() => decodeXmlBytes(bytes, 'apps.xml'))).toEqual({
      code: 'TEXT_INVALID',
      message: 'apps.xml is not valid UTF-8: the byte 0xE9 at offset 98 (line 5) does not start a UTF-8 character: save the file as UTF-8',
    });
    // The offset counts the BOM; the line counts CRLF line ends once.
    const withBom = Buffer.concat([BOM_UTF8, singleByte(appsXml(declaration('utf-8'), 'Soci\u00e9t\u00e9', '\r\n'))]);
    expect(refusal(() => decodeXmlBytes(withBom, 'apps.xml')).message).toBe(
      'apps.xml is not valid UTF-8: the byte 0xE9 at offset 143 (line 5) does not start a UTF-8 character: save the file as UTF-8',
    );
  });

  it('refuses a single-byte declaration over UTF-8 bytes rather than store SociÃ©tÃ©', () => {
    const bytes = Buffer.from(appsXml(declaration('ISO-8859-1'), 'Société'), 'utf8');
    expect(refusal(() => decodeXmlBytes(bytes, 'apps.xml'))).toEqual({
      code: 'XML_INVALID',
      message:
        'apps.xml line 5: the file declares encoding "ISO-8859-1", but its bytes are UTF-8 (the first non-ASCII character is at offset 141): ' +
        'it was saved as UTF-8 and its declaration was not updated; write encoding="utf-8" in the <?xml …?> declaration',
    });
  });

  it('holds us-ascii to ASCII', () => {
    expect(descriptionOf(decodeXmlBytes(singleByte(appsXml(declaration('us-ascii'), 'Payroll')), 'apps.xml'))).toBe('Payroll');
    expect(refusal(() => decodeXmlBytes(singleByte(appsXml(declaration('us-ascii'), 'Soci\u00e9t\u00e9')), 'apps.xml'))).toEqual({
      code: 'XML_INVALID',
      message:
        'apps.xml line 5: the byte 0xE9 at offset 139 is not ASCII, though the file declares encoding "us-ascii": ' +
        'declare the encoding the file was saved in (e.g. encoding="windows-1252"), or save it as UTF-8 or UTF-16 (in Notepad: Save As, Encoding UTF-8)',
    });
  });
});

describe('lines in later errors stay right after decoding', () => {
  const broken = (newline: string): string =>
    appsXml(declaration('utf-16'), 'Société', newline).replace('<contact>ops@example.org</contact>', '<contact>a & b</contact>');
  const expected = 'apps.xml line 4, column 16: the XML is not well-formed: a "&" that starts no entity: write a literal & as &amp;';

  it('for UTF-16 LE and BE, with LF and CRLF line ends', () => {
    for (const newline of ['\n', '\r\n']) {
      for (const bytes of [Buffer.concat([BOM_LE, utf16le(broken(newline))]), Buffer.concat([BOM_BE, utf16be(broken(newline))])]) {
        expect(refusal(() => parseApplicationsXml(decodeXmlBytes(bytes, 'apps.xml'), 'apps.xml')).message).toBe(expected);
      }
    }
  });

  it('for windows-1252 with CRLF line ends', () => {
    const text = broken('\r\n').replace('utf-16', 'windows-1252');
    expect(refusal(() => parseApplicationsXml(decodeXmlBytes(singleByte(text), 'apps.xml'), 'apps.xml')).message).toBe(expected);
  });
});

describe('encodings no Windows tool saves an ENTSSO file in', () => {
  it('a stateful encoding (ISO-2022-JP), whose escapes turn ASCII-looking bytes into other text, is refused by name', () => {
    const bytes = Buffer.from('<?xml version="1.0" encoding="ISO-2022-JP"?>\n<sso>\x1b$B$3$s\x1b(B</sso>', 'latin1');
    expect(() => decodeXmlBytes(bytes, 'jp.xml')).toThrow(
      'jp.xml line 1: the file declares encoding "ISO-2022-JP", which Tessera cannot read: save it as UTF-8 or UTF-16 (in Notepad: Save As, Encoding UTF-8)',
    );
  });
});
