import type { TesseraError } from '../errors/index.js';

export interface PromptOptions {
  /** Echo nothing (passwords, masked credential fields); otherwise the typed text is shown. */
  hidden: boolean;
  /** The failure Ctrl-C at the prompt raises. */
  cancelled: () => TesseraError;
}

/** Whether there is a terminal to ask on (prompts need one; files and pipes do not echo). */
export const canPrompt = (): boolean => process.stdin.isTTY === true;

/** What was typed after the Enter that ended the previous answer (fast typing, pasted lines). */
let pending = '';

/**
 * A raw-mode prompt on the terminal, written to standard error: hidden answers echo nothing,
 * visible ones echo what is typed; Backspace edits, Enter (or Ctrl-D) ends, Ctrl-C aborts.
 */
export function ask(prompt: string, options: PromptOptions): Promise<string> {
  const input = process.stdin;
  process.stderr.write(prompt);
  return new Promise((resolve, reject) => {
    let typed = '';
    let done = false;
    const finish = (error?: Error) => {
      done = true;
      input.setRawMode(false);
      input.pause();
      input.off('data', onData);
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(typed);
    };
    const take = (text: string) => {
      const chars = [...text];
      for (let i = 0; i < chars.length && !done; i++) {
        const char = chars[i]!;
        if (char === '\r' || char === '\n' || char === '\u0004') {
          // A pasted "\r\n" ends one answer, not two.
          const rest = chars.slice(char === '\r' && chars[i + 1] === '\n' ? i + 2 : i + 1).join('');
          pending = rest;
          return finish();
        }
        if (char === '\u0003') {
          pending = '';
          return finish(options.cancelled());
        }
        if (char === '\u007f' || char === '\b') {
          if (typed.length > 0 && !options.hidden) process.stderr.write('\b \b');
          typed = [...typed].slice(0, -1).join('');
        } else {
          typed += char;
          if (!options.hidden) process.stderr.write(char);
        }
      }
    };
    const onData = (data: Buffer) => take(data.toString('utf8'));
    input.setRawMode(true);
    input.resume();
    input.on('data', onData);
    if (pending !== '') {
      const earlier = pending;
      pending = '';
      take(earlier);
    }
  });
}
