/**
 * The command lines of ENTSSO's tools (ssoconfig, ssomanage, ssoclient): one switch per run,
 * spelt in any case after "-" or "/", followed by its arguments; Tessera's own options
 * (--home, --json, ...) may come before or after it. One parser for all three bins.
 */
import { fail } from '../errors/index.js';

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

/** Parses `args`; a usage problem is INVALID_ARGUMENT (exit 2) with the usage after the message. */
export function parseSwitches<S extends string, O extends string>(args: readonly string[], grammar: SwitchGrammar<S, O>): ParsedSwitches<S, O> {
  const parsed: ParsedSwitches<S, O> = { options: {}, flags: {}, help: false };
  const usageError = (message: string) => fail('INVALID_ARGUMENT', `${message}\n\n${grammar.usage}`);
  const optionNamed = (name: string): O | undefined => (Object.keys(grammar.options) as O[]).find((key) => grammar.options[key].names.includes(name));
  const isSwitch = (name: string): name is S => Object.hasOwn(grammar.switches, name);
  const known = (arg: string) =>
    arg.startsWith('-') || (arg.startsWith('/') && (isSwitch(bare(arg)) || optionNamed(bare(arg)) !== undefined || HELP.has(bare(arg))));

  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    const name = bare(arg);
    const prefixed = /^(-|\/)/.test(arg);
    const option = prefixed ? optionNamed(name) : undefined;
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
      throw usageError(prefixed ? `unknown or unsupported switch ${arg}` : `unexpected argument "${arg}"`);
    }
  }
  return parsed;
}
