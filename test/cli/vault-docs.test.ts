/**
 * docs/cli.md against the command lines themselves: every `tessera` command (walked in process
 * from the commander program) has a section naming each of its options, every heading names a
 * real command, and every switch and option of the ENTSSO-style bins' -help is documented.
 * Plus real `--help` output, spot-checked.
 */
import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { createProgram } from '../../src/cli/program.js';
import { runBin } from '../support/cli.js';
import { repoRoot } from '../support/dist.js';

const doc = readFileSync(`${repoRoot}docs/cli.md`, 'utf8');

/** The text from a heading matching `heading` up to the next heading of the same or a higher level. */
function section(matches: (line: string) => boolean, level: number): string | undefined {
  const lines = doc.split('\n');
  const start = lines.findIndex((line) => line.startsWith(`${'#'.repeat(level)} `) && matches(line));
  if (start < 0) return undefined;
  const end = lines.findIndex((line, i) => i > start && /^#{1,6} /.test(line) && line.match(/^#+/)![0].length <= level);
  return lines.slice(start, end < 0 ? undefined : end).join('\n');
}

/** `tessera app create` → the words of the path, for every command without subcommands. */
function leaves(command: Command, path: string[] = []): Array<{ path: string[]; command: Command }> {
  const here = [...path, command.name()];
  if (command.commands.length === 0) return [{ path: here, command }];
  return command.commands.flatMap((sub) => leaves(sub, here));
}

/** A heading names `tessera app enable` as `tessera app enable ...` or `tessera app enable|disable ...`. */
function headingNames(line: string, path: string[]): boolean {
  const parent = path.slice(0, -1).join(' ');
  const verb = path[path.length - 1]!;
  return new RegExp(`\`${parent} (?:[a-z-]+\\|)*${verb}(?:\\|[a-z-]+)*(?:[ \`])`).test(line);
}

describe('docs/cli.md', () => {
  const program = createProgram();
  const commands = leaves(program).filter(({ path }) => path.length > 1);

  it.each(commands.map(({ path, command }) => ({ name: path.join(' '), path, command })))('documents $name and each of its options', ({ path, command }) => {
    const text = section((line) => headingNames(line, path), 3);
    expect(text, `a "### \`${path.join(' ')}" section`).toBeDefined();
    for (const option of command.options) expect(text, `${path.join(' ')} ${option.long}`).toContain(`\`${option.long}`);
    for (const argument of command.registeredArguments) expect(text, `${path.join(' ')} <${argument.name()}>`).toContain(argument.name());
  });

  it('documents the global options', () => {
    const text = section((line) => line.includes('Global options'), 3)!;
    for (const option of program.options) expect(text, option.long).toContain(`\`${option.long}`);
  });

  it('names no command that does not exist', () => {
    const real = new Set(commands.map(({ path }) => path.join(' ')));
    const headings = [...doc.matchAll(/^### `(tessera [^`]*)`/gm)].map((match) => match[1]!);
    for (const heading of headings) {
      const words = heading.split(' ').filter((word) => /^[a-z|-]+$/.test(word));
      const verbs = words[words.length - 1]!.split('|');
      for (const verb of verbs) expect(real, heading).toContain([...words.slice(0, -1), verb].join(' '));
    }
  });

  it.each(['ssoconfig', 'ssomanage', 'ssoclient'])('documents every switch and option of %s -help', async (bin) => {
    const help = await runBin(`cli/${bin}.js`, ['-help']);
    expect(help.code).toBe(0);
    const text = section((line) => line === `## ${bin}`, 2)!;
    expect(text, `a "## ${bin}" section`).toBeDefined();
    const switches = [...help.stdout.matchAll(/^ {2}(-[A-Za-z]+)\b/gm)].map((match) => match[1]!);
    const options = [...help.stdout.matchAll(/^ {2}(--[a-z-]+)/gm)].map((match) => match[1]!);
    expect(switches.length).toBeGreaterThan(2);
    for (const name of switches) expect(text.toLowerCase(), name).toContain(`\`${name.toLowerCase()}`);
    for (const name of options) expect(text, name).toContain(`\`${name}`);
  });

  it('matches what --help prints (spot check)', async () => {
    const redeem = await runBin('cli/tessera.js', ['ticket', 'redeem', '--help']);
    expect(redeem.code).toBe(0);
    for (const option of ['--ticket-file <file>', '--stdin', '--sender <account>', '--show-secrets', '--json', '--as <account>', '--groups <groups>']) {
      expect(redeem.stdout).toContain(option);
    }
    const update = await runBin('cli/tessera.js', ['app', 'update', '--help']);
    for (const option of [
      '--file <xml>',
      '--description <text>',
      '--contact <text>',
      '--users <accounts>',
      '--admins <accounts>',
      '--ticket-timeout <minutes>',
    ]) {
      expect(update.stdout).toContain(option);
    }
  });
});
