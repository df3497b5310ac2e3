/**
 * One value given from outside (a flag, an environment variable or a key of the configuration
 * file), with what is needed to read it and to word its refusal: a bad flag or variable is a
 * usage error (INVALID_ARGUMENT), a bad file key CONFIG_INVALID naming the file and the line.
 */
import { resolve } from 'node:path';
import { fail, type TesseraError } from '../errors/index.js';

export type Origin = 'flag' | 'env' | 'file' | 'default';

export interface Given {
  /** A string from a flag or the environment; any TOML value from the file. */
  readonly value: unknown;
  readonly origin: Exclude<Origin, 'default'>;
  /** As the user wrote it: --listen, TESSERA_LISTEN, listen. */
  readonly name: string;
  /** The file and line for a file key ("/etc/tessera/tessera.toml line 3"), else the flag or variable's name. */
  readonly where: string;
  /** Relative paths resolve against this: the working directory, or the home for the file. */
  readonly base: string;
}

export function refuse(given: Given, problem: string): TesseraError {
  return given.origin === 'file' ? fail('CONFIG_INVALID', `${given.where}: ${given.name} ${problem}`) : fail('INVALID_ARGUMENT', `${given.name} ${problem}`);
}

/** Shown in messages: quoted, and cut short so a pasted blob does not flood the terminal. */
export function quoted(value: string): string {
  return JSON.stringify(value.length > 80 ? `${value.slice(0, 77)}...` : value);
}

export function tomlType(value: unknown): string {
  if (typeof value === 'string') return 'a string';
  if (typeof value === 'boolean') return 'a boolean';
  if (typeof value === 'number') return Number.isInteger(value) ? 'an integer' : 'a float';
  if (Array.isArray(value)) return 'an array';
  // smol-toml's TomlDate is a Date.
  if (value instanceof Date) return 'a date';
  return 'a table';
}

export function text(given: Given): string {
  if (typeof given.value !== 'string') throw refuse(given, `must be a string in quotes, not ${tomlType(given.value)}`);
  return given.value.trim();
}

export function path(given: Given): string {
  if (typeof given.value !== 'string') throw refuse(given, `must be a file path (a string in quotes), not ${tomlType(given.value)}`);
  return resolve(given.base, given.value);
}

/** A TOML array of strings, or one string with the items separated by commas (as the environment gives it). */
export function list(given: Given): string[] {
  const items = typeof given.value === 'string' ? given.value.split(',') : Array.isArray(given.value) ? (given.value as unknown[]) : undefined;
  if (items === undefined || !items.every((item) => typeof item === 'string')) {
    throw refuse(given, `must be a list of strings (["a", "b"]) or one string with the items separated by commas, not ${tomlType(given.value)}`);
  }
  return items.map((item) => item.trim()).filter((item) => item !== '');
}

const YES = new Set(['yes', 'true', '1', 'on']);
const NO = new Set(['no', 'false', '0', 'off']);

export function boolean(given: Given): boolean {
  if (typeof given.value === 'boolean') return given.value;
  if (typeof given.value === 'string') {
    const word = given.value.trim().toLowerCase();
    if (YES.has(word)) return true;
    if (NO.has(word)) return false;
    throw refuse(given, `is ${quoted(given.value)}: give yes or no (true/false and 1/0 work too)`);
  }
  throw refuse(given, `must be true or false, not ${tomlType(given.value)}`);
}

export function integer(given: Given, min: number, max: number): number {
  const value = typeof given.value === 'string' && /^\s*\d{1,15}\s*$/.test(given.value) ? Number(given.value) : given.value;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    const was = typeof given.value === 'string' ? quoted(given.value) : typeof given.value === 'number' ? String(given.value) : tomlType(given.value);
    throw refuse(given, `must be a whole number from ${min} to ${max}, not ${was}`);
  }
  return value;
}
