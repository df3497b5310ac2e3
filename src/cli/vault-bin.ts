/** What ssomanage and ssoclient share: their options, the usage and exit rules, and the run of one switch. */
import { fail } from '../errors/index.js';
import type { CliContext } from './context.js';
import type { LineSource } from './input.js';
import { EXIT, type GlobalOptions, reportFailure, runVaultCommand } from './run.js';
import { type OptionSpec, parseSwitches, type SwitchSpec } from './switches.js';

export const VAULT_BIN_OPTIONS = {
  home: { names: ['home'], value: true },
  json: { names: ['json'], value: false },
  as: { names: ['as'], value: true },
  groups: { names: ['groups'], value: true },
  fromFile: { names: ['from-file', 'fromfile'], value: true },
  stdin: { names: ['stdin'], value: false },
  server: { names: ['server'], value: true },
  tokenFile: { names: ['token-file', 'tokenfile'], value: true },
} as const satisfies Record<string, OptionSpec>;

/** The options' lines of the usage text, the same in both bins. */
export const VAULT_BIN_OPTIONS_USAGE = `Options:
  --from-file <file>       -setcredentials: read the values from <file>, one line per credential field
  --stdin                  -setcredentials: read the values from standard input, one line per field
  --as <account>           act as another principal (DOMAIN\\user, without local administrator
                           rights) to test what it may do; default: you, as the local administrator
  --groups <g1,g2>         with --as: the groups that principal belongs to ("," or ";" between them)
  --server <url>           send the operations to this Tessera server instead of the local vault
                           (default: TESSERA_ADDR, then the -server setting); a bare host name
                           means https://NAME:8740
  --token-file <file>      with a server: read the token from <file> (yours, mode 0600) instead
                           of TESSERA_TOKEN or <home>/token
  --home <dir>             Tessera home (default: TESSERA_HOME or ~/.tessera)
  --json                   print the result as JSON
`;

export interface SwitchRequest {
  args: string[];
  /** How the switch was spelt, for messages. */
  spelt: string;
  json: boolean;
  source: LineSource;
  /** The global options, for the switches that need no vault (-server, -showserver). */
  globals: GlobalOptions;
}

export interface VaultBin<S extends string> {
  switches: Record<S, SwitchSpec>;
  usage: string;
  /** ENTSSO's switches not offered yet, with what to do instead (see SwitchGrammar). */
  unsupported?: Record<string, string>;
  /** Switches that read values with --from-file or --stdin. */
  readsValues: ReadonlyArray<NoInfer<S>>;
  /** Switches that need no vault (answered without opening the store). */
  offline?: Partial<Record<NoInfer<S>, (request: SwitchRequest) => void>>;
  actions: Record<NoInfer<S>, (context: CliContext, request: SwitchRequest) => Promise<void>>;
}

/** Parses argv, prints the usage (exit 0 for -help, 2 when no switch is given), runs the switch. */
export async function runVaultBin<S extends string>(argv: readonly string[], bin: VaultBin<S>): Promise<void> {
  let parsed;
  try {
    parsed = parseSwitches(argv, { switches: bin.switches, options: VAULT_BIN_OPTIONS, usage: bin.usage, unsupported: bin.unsupported ?? {} });
    const { command } = parsed;
    if (command && (parsed.options.fromFile !== undefined || parsed.flags.stdin) && !bin.readsValues.includes(command.name)) {
      throw fail(
        'INVALID_ARGUMENT',
        `--from-file and --stdin go with ${bin.readsValues.map((name) => `-${name}`).join(', ')}, not ${command.spelt}\n\n${bin.usage}`,
      );
    }
  } catch (error) {
    process.exitCode = reportFailure(error);
    return;
  }
  const { command, options, flags } = parsed;
  if (parsed.help || !command) {
    (parsed.help ? process.stdout : process.stderr).write(bin.usage);
    process.exitCode = parsed.help ? EXIT.ok : EXIT.usage;
    return;
  }
  const globals: GlobalOptions = { home: options.home, as: options.as, groups: options.groups, server: options.server, tokenFile: options.tokenFile };
  const request: SwitchRequest = {
    args: command.args,
    spelt: command.spelt,
    json: flags.json ?? false,
    source: { fromFile: options.fromFile, stdin: flags.stdin ?? false },
    globals,
  };
  const offline = bin.offline?.[command.name];
  if (offline) {
    try {
      offline(request);
    } catch (error) {
      process.exitCode = reportFailure(error);
    }
    return;
  }
  await runVaultCommand(globals, (context) => bin.actions[command.name](context, request));
}

/** A switch's argument that must be one of a few words. */
export function usageProblem(message: string, usage: string) {
  return fail('INVALID_ARGUMENT', `${message}\n\n${usage}`);
}
