// What a `spoor` command is (name, usage, flags, run), and the flag parsing every command shares.
import { parseArgs } from 'node:util';
import { CliError } from './errors.js';

/** One flag of a command, as node:util parseArgs takes it. */
export interface FlagSpec {
  type: 'string' | 'boolean';
  default?: string;
  multiple?: boolean;
}

export type Flags = Record<string, FlagSpec>;

/** A command module (`commands/<name>.ts`) exports these four; main.ts collects them. */
export interface Command {
  /** The word after `spoor`. */
  readonly name: string;
  /** Its lines in `spoor help`, each indented by two spaces. */
  readonly usage: string;
  /** The flags it accepts besides --debug (for a command with subcommands, the union of theirs). */
  readonly options: Flags;
  run(argv: string[]): Promise<void>;
}

/** What parseFlags returns: the flags' values (typed from their specs) and the positionals. */
export type ParsedFlags<T extends Flags> = ReturnType<
  typeof parseArgs<{ args: string[]; options: T & { debug: { type: 'boolean' } }; allowPositionals: boolean; strict: true }>
>;

/** Strict parsing: an unknown flag or a missing value is one line pointing at `spoor help`. */
export function parseFlags<T extends Flags>(argv: string[], options: T, allowPositionals = false): ParsedFlags<T> {
  try {
    return parseArgs({ args: argv, options: { ...options, debug: { type: 'boolean' } }, allowPositionals, strict: true });
  } catch (err) {
    throw new CliError(`${(err as Error).message.split('\n')[0]} (see spoor help)`);
  }
}

/** The flags of `names` out of a command's options (a subcommand accepts only its own). */
export function pickFlags<T extends Flags, K extends keyof T>(options: T, ...names: K[]): Pick<T, K> {
  return Object.fromEntries(names.map((n) => [n, options[n]])) as Pick<T, K>;
}

export function portFlag(name: string, value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65_535) throw new CliError(`${name} must be a port number, not ${value}`);
  return n;
}

/** Resolves at the first SIGINT or SIGTERM: a long-running command then stops what it started. */
export function waitForSignal(): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      process.off('SIGINT', done);
      process.off('SIGTERM', done);
      resolve();
    };
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
}

/**
 * After a long-running command stopped: a part given up on (it said what it left behind) is a
 * failed exit, and a library handle left open must not keep the process alive.
 */
export function exitAfterStop(stoppedCleanly: boolean): void {
  if (!stoppedCleanly) process.exitCode = 1;
  setTimeout(() => process.exit(process.exitCode ?? 0), 2_000).unref();
}
