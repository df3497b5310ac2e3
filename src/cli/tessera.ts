#!/usr/bin/env node
import { CommanderError } from 'commander';
import { createProgram } from './program.js';
import { EXIT } from './run.js';

try {
  await createProgram().parseAsync(process.argv);
} catch (error) {
  // --help and --version end here with exit code 0; anything else commander refuses is a usage error.
  if (!(error instanceof CommanderError)) throw error;
  process.exitCode = error.exitCode === 0 ? EXIT.ok : EXIT.usage;
}
