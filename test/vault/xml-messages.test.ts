import { describe, expect, it } from 'vitest';
import { parseApplicationsXml, parseGlobalInfoXml, parseMappingsXml } from '../../src/vault/xml/index.js';
import { xmlInvalid } from '../support/outcome.js';
import { explain } from '../../src/vault/xml/well-formed.js';

const NBSP = '\u00a0';
const lines = (...all: string[]): string => `${all.join('\n')}\n`;
const appError = (...all: string[]): string => xmlInvalid(() => parseApplicationsXml(lines(...all), 'apps.xml'));
const COMMENT_FIX = 'write a comment as <!-- … -->, with two ordinary hyphens at each end, nothing between "--" and ">", and no "--" inside';

describe('comments that are not closed or not comments are reported where they start', () => {
  it('"<!—" with an em dash (typed by a word processor), which the parser would nest the rest of the file in', () => {
    expect(
      appError(
        '<sso>',
        '  <application name="Payroll">',
        '    <!— the payroll host —>',
        '    <description>Payroll</description>',
        '  </application>',
        '</sso>',
      ),
    ).toBe(`apps.xml line 3, column 5: the XML is not well-formed: "<!—" starts no comment (U+2014 EM DASH is not a hyphen): ${COMMENT_FIX}`);
    expect(appError('<sso>', '  <!– en dash –>', '</sso>')).toBe(
      `apps.xml line 2, column 3: the XML is not well-formed: "<!–" starts no comment (U+2013 EN DASH is not a hyphen): ${COMMENT_FIX}`,
    );
    expect(appError('<sso>', '  <!- one hyphen ->', '</sso>')).toBe(
      `apps.xml line 2, column 3: the XML is not well-formed: "<!-" starts no comment: ${COMMENT_FIX}`,
    );
  });

  it('a comment never closed, at its first line, naming a mistyped end', () => {
    const file = [
      '<sso>',
      '  <application name="Payroll">',
      '    <!-- the payroll host - >',
      '    <description>Payroll</description>',
      '  </application>',
      '</sso>',
    ];
    expect(appError(...file)).toBe(
      'apps.xml line 3, column 5: the XML is not well-formed: the comment that starts here is never closed ' +
        `(its end on line 3 is written "- >", which does not end a comment): ${COMMENT_FIX}`,
    );
    expect(appError('<sso>', '  <!-- note', '  <application name="Payroll"/>', '</sso>')).toBe(
      `apps.xml line 2, column 3: the XML is not well-formed: the comment that starts here is never closed: ${COMMENT_FIX}`,
    );
    expect(appError('<sso>', '  <!-- note —>', '  <application name="Payroll"/>', '</sso>')).toBe(
      'apps.xml line 2, column 3: the XML is not well-formed: the comment that starts here is never closed ' +
        `(its end on line 2 is written "—>", which does not end a comment): ${COMMENT_FIX}`,
    );
  });

  it('a mistyped end that runs on to the next comment, hiding the elements between', () => {
    const file = [
      '<sso>',
      '  <!-- first - >',
      '  <application name="Payroll">',
      '    <description>Payroll</description>',
      '  </application>',
      '  <!-- second -->',
      '</sso>',
    ];
    expect(appError(...file)).toBe(
      'apps.xml line 2, column 3: the XML is not well-formed: the comment that starts here does not end where it seems to ' +
        `(its end on line 2 is written "- >", which does not end a comment), so it runs on to the --> on line 6 and hides everything before it: ${COMMENT_FIX}`,
    );
  });

  it('"--" inside a comment, and "--->"', () => {
    expect(appError('<sso>', '  <!-- a', '       -- b -->', '</sso>')).toBe(
      `apps.xml line 2, column 3: the XML is not well-formed: the comment that starts here holds "--" on line 3, which XML does not allow inside a comment: ${COMMENT_FIX}`,
    );
    expect(appError('<sso>', '  <!-- a --->', '</sso>')).toBe(
      `apps.xml line 2, column 3: the XML is not well-formed: the comment that starts here ends with "--->", which XML does not allow: ${COMMENT_FIX}`,
    );
  });

  it('accepts comments that are right, even holding "->", "<!" or an invisible space', () => {
    const file = lines('<!-- maps A -> B, see <!x> -->', '<sso>', `  <!--${NBSP}<flags${NBSP}x/> -->`, '  <application name="Payroll"/><!---->', '</sso>');
    expect(parseApplicationsXml(file, 'apps.xml').map((app) => app.name)).toEqual(['Payroll']);
  });

  it('a CDATA section never closed', () => {
    expect(appError('<sso>', '  <application name="Payroll">', '    <description><![CDATA[Pay & roll</description>', '  </application>', '</sso>')).toBe(
      'apps.xml line 3, column 18: the XML is not well-formed: the CDATA section that starts here is never closed: end it with ]]>',
    );
  });

  it('in every kind of file', () => {
    expect(xmlInvalid(() => parseMappingsXml('<sso>\n  <!— x —>\n</sso>', 'maps.xml'))).toMatch(
      /^maps\.xml line 2, column 3: the XML is not well-formed: "<!—" starts no comment/,
    );
    expect(xmlInvalid(() => parseGlobalInfoXml('<sso>\n\n  <!-- x\n</sso>', 'global.xml'))).toMatch(
      /^global\.xml line 3, column 3: the XML is not well-formed: the comment that starts here is never closed/,
    );
  });
});

describe('the validator\'s wording keeps "XML" spelt right', () => {
  it('an XML declaration that is not first', () => {
    expect(appError('', '<?xml version="1.0"?>', '<sso/>')).toBe(
      'apps.xml line 2, column 6: the XML is not well-formed: the XML declaration <?xml …?> must come first in the file, before any space, line or comment: move it to the very start, or remove it',
    );
  });

  it('keeps a leading acronym, lowers any other first letter, and drops the full stop', () => {
    expect(explain('XML declaration allowed somewhere.')).toBe('XML declaration allowed somewhere');
    expect(explain('CDATA is odd.')).toBe('CDATA is odd');
    expect(explain("Tag 'a b' is an invalid name.")).toBe("tag 'a b' is an invalid name");
    expect(explain('A thing.')).toBe('a thing');
  });
});

describe('invisible characters', () => {
  it('inside a tag: named by code point, line and column, with the fix', () => {
    const file = [
      '<sso>',
      '  <application name="Payroll">',
      '    <description>Payroll</description>',
      `    <flags${NBSP}enableApp="yes"/>`,
      '  </application>',
      '</sso>',
    ];
    expect(appError(...file)).toBe(
      'apps.xml line 4, column 11: character U+00A0 NO-BREAK SPACE inside the tag <flags…>, where only ordinary spaces, tabs and line breaks separate names: replace it with an ordinary space',
    );
    expect(appError('<sso>', `  <application name="Payroll"${NBSP}>`, '  </application>', '</sso>')).toBe(
      'apps.xml line 2, column 30: character U+00A0 NO-BREAK SPACE inside the tag <application…>, where only ordinary spaces, tabs and line breaks separate names: replace it with an ordinary space',
    );
    expect(appError('<sso>', '  <application', `\u3000\u3000name="Payroll"/>`, '</sso>')).toBe(
      'apps.xml line 3, column 1: character U+3000 IDEOGRAPHIC SPACE inside the tag <application…>, where only ordinary spaces, tabs and line breaks separate names: replace it with an ordinary space',
    );
    expect(appError('<sso>', `  <${NBSP}application name="Payroll"/>`, '</sso>')).toBe(
      'apps.xml line 2, column 4: character U+00A0 NO-BREAK SPACE inside a tag, where only ordinary spaces, tabs and line breaks separate names: replace it with an ordinary space',
    );
    expect(appError('<sso>', '  <application name="Payroll"></application\u2009>', '</sso>')).toBe(
      'apps.xml line 2, column 44: character U+2009 THIN SPACE inside the tag </application…>, where only ordinary spaces, tabs and line breaks separate names: replace it with an ordinary space',
    );
  });

  it('zero-width ones inside a tag: remove them', () => {
    expect(appError('<sso>', '  <application name="Payroll"\u200b/>', '</sso>')).toBe(
      'apps.xml line 2, column 30: character U+200B ZERO WIDTH SPACE inside the tag <application…>, where only ordinary spaces, tabs and line breaks separate names: remove it (or type an ordinary space, if one belongs there)',
    );
    expect(appError('<sso>', '  <appli\ufeffcation name="Payroll"/>', '</sso>')).toBe(
      'apps.xml line 2, column 9: character U+FEFF ZERO WIDTH NO-BREAK SPACE inside the tag <appli…>, where only ordinary spaces, tabs and line breaks separate names: remove it (or type an ordinary space, if one belongs there)',
    );
  });

  it('as indentation (a sample copied from a web page): read as the white space the author meant', () => {
    const indent = (depth: number): string => NBSP.repeat(2 * depth);
    const file = lines(
      '<?xml version="1.0"?>',
      `${NBSP}<sso>`,
      `${indent(1)}<application name="Payroll">`,
      `${indent(2)}<description>`,
      `${indent(3)}Pay${NBSP}roll\u2003host`,
      `${indent(2)}</description>`,
      `${indent(2)}<contact>ops@example.org</contact>\u3000\u200b\ufeff`,
      `${indent(2)}<field ordinal="0" label="User" masked="no"/>`,
      `${indent(2)}<flags enableApp="yes"/>`,
      `${indent(1)}</application>${NBSP}${NBSP}`,
      `${NBSP}</sso>${NBSP}`,
      NBSP,
    );
    const [app] = parseApplicationsXml(file, 'apps.xml');
    expect(app).toMatchObject({ name: 'Payroll', description: `Pay${NBSP}roll\u2003host`, contact: 'ops@example.org', flags: { enableApp: true } });
    expect(app?.fields).toEqual([{ ordinal: 0, label: 'User', masked: false, sync: false }]);
  });

  it('keeps what is inside a value, and an invisible space at the end of a value written on one line', () => {
    const [app] = parseApplicationsXml(
      lines(
        '<sso>',
        '  <application name="Payroll">',
        `    <description>${NBSP}Payroll${NBSP}</description>`,
        `    <contact>&#160;ops&#xA0;</contact>`,
        '  </application>',
        '</sso>',
      ),
      'apps.xml',
    );
    expect(app?.description).toBe(`${NBSP}Payroll${NBSP}`);
    expect(app?.contact).toBe(`${NBSP}ops${NBSP}`);
  });

  it('still names text that is not white space between elements', () => {
    expect(appError('<sso>', `${NBSP}${NBSP}x`, '  <application name="Payroll"/>', '</sso>')).toBe(
      `apps.xml line 1: <sso> holds the text "x", and only elements belong there`,
    );
  });
});
