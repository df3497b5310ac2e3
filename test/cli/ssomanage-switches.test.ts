/** The switch parser ssoconfig, ssomanage and ssoclient share (in process: no spawns). */
import { describe, expect, it } from 'vitest';
import { parseSwitches, type SwitchGrammar } from '../../src/cli/switches.js';

const grammar = {
  switches: {
    createapps: { args: 1 },
    deletemapping: { args: 2 },
    listapps: { args: 0, optional: 1 },
    listmappings: { args: 0, optional: 2 },
    displaydb: { args: 0 },
  },
  options: { home: { names: ['home'], value: true }, json: { names: ['json'], value: false }, fromFile: { names: ['from-file', 'fromfile'], value: true } },
  usage: 'USAGE',
} satisfies SwitchGrammar<string, string>;

const parse = (...args: string[]) => parseSwitches(args, grammar);

const usageError = (run: () => unknown): string => {
  try {
    run();
  } catch (error) {
    expect(error).toMatchObject({ code: 'INVALID_ARGUMENT' });
    return (error as Error).message;
  }
  throw new Error('expected INVALID_ARGUMENT');
};

describe('parseSwitches', () => {
  it('takes a switch in any case after "-" or "/", with its arguments', () => {
    expect(parse('-CreateApps', 'apps.xml').command).toEqual({ name: 'createapps', spelt: '-CreateApps', args: ['apps.xml'] });
    expect(parse('/DELETEMAPPING', 'CORP\\bob', 'PayrollHost').command).toEqual({
      name: 'deletemapping',
      spelt: '/DELETEMAPPING',
      args: ['CORP\\bob', 'PayrollHost'],
    });
  });

  it('takes a required argument as given, even an absolute path', () => {
    expect(parse('/createapps', '/tmp/apps.xml').command?.args).toEqual(['/tmp/apps.xml']);
  });

  it('takes optional arguments only while they are not switches or options', () => {
    expect(parse('-listapps').command?.args).toEqual([]);
    expect(parse('-listapps', 'all', '--json')).toMatchObject({ command: { args: ['all'] }, flags: { json: true } });
    expect(parse('-listmappings', 'CORP\\bob', 'PayrollHost').command?.args).toEqual(['CORP\\bob', 'PayrollHost']);
    expect(parse('-listmappings', 'PayrollHost', '/json')).toMatchObject({ command: { args: ['PayrollHost'] }, flags: { json: true } });
  });

  it('reads options before and after the switch, in any spelling', () => {
    expect(parse('--home', '/h', '-displaydb', '-FromFile', 'v.txt')).toMatchObject({
      command: { name: 'displaydb' },
      options: { home: '/h', fromFile: 'v.txt' },
    });
    expect(parse('/?').help).toBe(true);
    expect(parse('-HELP').help).toBe(true);
  });

  it('refuses two switches, a missing value, an unknown switch and a stray word, with the usage', () => {
    expect(usageError(() => parse('-displaydb', '-listapps'))).toBe('give one switch at a time (got -listapps after -displaydb)\n\nUSAGE');
    expect(usageError(() => parse('-deletemapping', 'CORP\\bob'))).toBe('-deletemapping needs 2 values\n\nUSAGE');
    expect(usageError(() => parse('--home'))).toBe('--home needs a value\n\nUSAGE');
    expect(usageError(() => parse('-enablesso'))).toBe('unknown or unsupported switch -enablesso\n\nUSAGE');
    expect(usageError(() => parse('displaydb'))).toBe('unexpected argument "displaydb"\n\nUSAGE');
    expect(usageError(() => parse('-constructor'))).toBe('unknown or unsupported switch -constructor\n\nUSAGE');
  });
});
