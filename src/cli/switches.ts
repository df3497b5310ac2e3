/**
 * The command lines of ENTSSO's tools (ssoconfig, ssomanage, ssoclient): one switch per run,
 * spelt in any case after "-" or "/", followed by its arguments; Tessera's own options
 * (--home, --json, ...) may come before or after it. One parser for all three bins.
 *
 * Microsoft's pages type most switches with an en dash (`ssomanage –createapps`), some with an
 * em dash or a minus sign: pasted from there, they are read as "-" with a note on standard error.
 */
import { closestName } from '../config/did-you-mean.js';
import { fail } from '../errors/index.js';
import { escapeControl } from './render.js';

export interface SwitchSpec {
  /** Arguments the switch always takes. */
  args: number;
  /** Further arguments it may take (e.g. `-listapps [all]`); they never start with "-". */
  optional?: number;
}

export interface OptionSpec {
  /** Spellings after "--", "-" or "/", lower case, e.g. ['password-file', 'passwordfile']. */
  names: readonly string[];
  /** Whether the option takes a value (`--home DIR`) or is a flag (`--json`). */
  value: boolean;
}

export interface SwitchGrammar<S extends string, O extends string> {
  /** By lower-case name without the prefix, e.g. `backupsecret`. */
  switches: Record<S, SwitchSpec>;
  options: Record<O, OptionSpec>;
  /** Appended to every usage error. */
  usage: string;
  /**
   * ENTSSO's documented switches Tessera does not offer yet, by lower-case name: what to do
   * instead. Given, they answer INVALID_ARGUMENT (exit 2) "-X is not supported yet: ADVICE".
   */
  unsupported?: Record<string, string>;
}

export interface ParsedSwitches<S extends string, O extends string> {
  /** The one switch given, with its arguments, as spelt (for messages). */
  command?: { name: S; spelt: string; args: string[] };
  options: Partial<Record<O, string>>;
  flags: Partial<Record<O, true>>;
  help: boolean;
}

const HELP = new Set(['help', '?', 'h']);

const bare = (arg: string) => arg.replace(/^(--|-|\/)/, '').toLowerCase();

/** The dashes word processors and web pages put where a command line has "-". */
const DASHES: Record<string, string> = { '\u2013': 'an en dash (U+2013)', '\u2014': 'an em dash (U+2014)', '\u2212': 'a minus sign (U+2212)' };
const TYPOGRAPHIC = /^[\u2013\u2014\u2212]+/;

/**
 * `–createapps` → `-createapps` (each typographic dash is one "-"), or the argument unchanged.
 * Only where a switch or option stands: a value (a file name, a description) is never touched.
 */
export function plainDashes(arg: string): { arg: string; dash?: string } {
  const run = TYPOGRAPHIC.exec(arg)?.[0];
  if (run === undefined) return { arg };
  return { arg: `${'-'.repeat(run.length)}${arg.slice(run.length)}`, dash: DASHES[run[0]!]! };
}

/** The one note per run: `note: –createapps was typed with an en dash (U+2013), ...; read as -createapps`. */
export function dashNote(typed: string, read: string, dash: string): string {
  return `note: ${typed} was typed with ${dash}, as on Microsoft's pages; read as ${read}`;
}

/** Parses `args`; a usage problem is INVALID_ARGUMENT (exit 2) with the usage after the message. */
export function parseSwitches<S extends string, O extends string>(args: readonly string[], grammar: SwitchGrammar<S, O>): ParsedSwitches<S, O> {
  const parsed: ParsedSwitches<S, O> = { options: {}, flags: {}, help: false };
  const usageError = (message: string) => fail('INVALID_ARGUMENT', `${message}\n\n${grammar.usage}`);
  const optionNamed = (name: string): O | undefined => (Object.keys(grammar.options) as O[]).find((key) => grammar.options[key].names.includes(name));
  const isSwitch = (name: string): name is S => Object.hasOwn(grammar.switches, name);
  const unsupported = grammar.unsupported ?? {};
  const known = (given: string) => {
    const arg = plainDashes(given).arg;
    return arg.startsWith('-') || (arg.startsWith('/') && (isSwitch(bare(arg)) || optionNamed(bare(arg)) !== undefined || HELP.has(bare(arg))));
  };
  // Standard output may carry --json: the note goes to standard error, once per run.
  let noted = false;

  for (let i = 0; i < args.length; i++) {
    const plain = plainDashes(args[i]!);
    const arg = plain.arg;
    if (plain.dash !== undefined && !noted) {
      process.stderr.write(`${escapeControl(dashNote(args[i]!, arg, plain.dash))}\n`);
      noted = true;
    }
    const name = bare(arg);
    const prefixed = /^(-|\/)/.test(arg);
    const option = prefixed ? optionNamed(name) : undefined;
    if (prefixed && Object.hasOwn(unsupported, name) && !(arg.startsWith('--') && option !== undefined)) {
      throw fail('INVALID_ARGUMENT', `${arg} is not supported yet: ${unsupported[name]}`);
    }
    // `--server URL` is an option where `-server NAME` is ENTSSO's switch: two dashes pick the option.
    if (prefixed && isSwitch(name) && !(arg.startsWith('--') && option !== undefined)) {
      if (parsed.command) throw usageError(`give one switch at a time (got ${arg} after ${parsed.command.spelt})`);
      const spec = grammar.switches[name];
      const values: string[] = [];
      for (let n = 0; n < spec.args; n++) {
        const next = args[++i];
        if (next === undefined) throw usageError(`${arg} needs ${spec.args === 1 ? 'a value' : `${spec.args} values`}`);
        values.push(next);
      }
      for (let n = 0; n < (spec.optional ?? 0) && i + 1 < args.length && !known(args[i + 1]!); n++) values.push(args[++i]!);
      parsed.command = { name, spelt: arg, args: values };
    } else if (prefixed && HELP.has(name)) {
      parsed.help = true;
    } else if (option !== undefined) {
      if (!grammar.options[option].value) parsed.flags[option] = true;
      else {
        const next = args[++i];
        if (next === undefined) throw usageError(`${arg} needs a value`);
        parsed.options[option] = next;
      }
    } else {
      if (!prefixed) {
        // `-enableapp TIBCO EMS App`, as Microsoft's pages type it: a name with spaces arrives as several arguments.
        const previous = args[i - 1];
        const quote =
          previous === undefined || previous !== parsed.command?.args.at(-1)
            ? ''
            : `: if "${previous} ${arg}" is one name, put it in quotes ("${previous} ${arg}")`;
        throw usageError(`unexpected argument "${arg}"${quote}`);
      }
      const near = closestName(name, [...Object.keys(grammar.switches), ...Object.keys(unsupported)]);
      throw usageError(`unknown or unsupported switch ${arg}${near === undefined || name === '' ? '' : ` (did you mean -${near}?)`}`);
    }
  }
  return parsed;
}
