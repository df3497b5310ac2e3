import { fail, type TesseraError } from '../../errors/index.js';

/** A place in the file: lines and columns count from 1. */
export interface Position {
  line: number;
  column?: number;
}

/** Maps offsets to lines and columns; lines end at '\n', as the well-formedness check counts them. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(text: string) {
    for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) this.starts.push(i + 1);
  }

  at(offset: number): Required<Position> {
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if (this.starts[middle]! <= offset) low = middle;
      else high = middle - 1;
    }
    return { line: low + 1, column: offset - this.starts[low]! + 1 };
  }
}

/** XML_INVALID worded as `apps.xml line 7: …` or `apps.xml line 7, column 3: …`. */
export function xmlError(source: string, at: Position, message: string): TesseraError {
  const where = at.column === undefined ? `line ${at.line}` : `line ${at.line}, column ${at.column}`;
  return fail('XML_INVALID', `${source} ${where}: ${message}`);
}

/** XML_INVALID for a definition that cannot be written so that it reads back the same. */
export function exportError(what: string, problem: string): TesseraError {
  return fail('XML_INVALID', `cannot export ${what}: ${problem}`);
}

/** XML_INVALID for several problems of one file, each on a line of its own: `apps.xml has 2 problems:\n  line 4: …`. */
export function xmlErrors(source: string, problems: ReadonlyArray<{ line: number; message: string }>, total = problems.length): TesseraError {
  const [only] = problems;
  if (total === 1 && only) return Number.isFinite(only.line) ? xmlError(source, { line: only.line }, only.message) : fail('XML_INVALID', only.message);
  const lines = problems.map(({ line, message }) => `  ${Number.isFinite(line) ? `line ${line}: ` : ''}${message}`);
  const more = total > problems.length ? `\n  and ${total - problems.length} more` : '';
  return fail('XML_INVALID', `${source} has ${total} problems:\n${lines.join('\n')}${more}`);
}
