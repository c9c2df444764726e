/**
 * The shape of one `koa-simple-jwt` sub-command. Each command lives in its own file under
 * `commands/` and is listed once in `run-cli.ts`; nothing else needs to change to add one.
 */
import type { ParseArgsConfig } from 'node:util';
import type { Knex } from 'knex';

/** Where the CLI reads its environment and writes its output (process streams, or test buffers). */
export interface CliIo {
  env: NodeJS.ProcessEnv;
  stdout: { write(text: string): unknown };
  stderr: { write(text: string): unknown };
}

/** What a command's `run` receives: its parsed arguments and its collaborators. */
export interface CommandContext {
  /** Positional arguments after the command name. */
  positionals: string[];
  /** Parsed options, as `node:util` parseArgs returns them. */
  values: Record<string, string | boolean | undefined>;
  env: NodeJS.ProcessEnv;
  /** Prints one line to stdout. */
  print(line: string): void;
  /** Prints one line to stderr (a failure the command reports itself, with exit code 1). */
  printError(line: string): void;
  /** Prints one line to stderr as it is: information beside the output (e.g. a generated key's kid). */
  printNote(line: string): void;
  /**
   * A Knex pool on `DATABASE_URL`, opened on first use and closed when the command ends.
   * Throws a {@link UsageError} when `DATABASE_URL` is not set.
   */
  database(): Promise<Knex>;
}

/**
 * One sub-command.
 *
 * @example
 * export const pingCommand: CliCommand = {
 *   name: 'ping', summary: 'Check the database', usage: 'ping', options: {},
 *   async run(ctx) { await (await ctx.database()).raw('select 1'); ctx.print('ok'); return 0; },
 * };
 */
export interface CliCommand {
  name: string;
  /** One line for `help`. */
  summary: string;
  /** Arguments and options, after `koa-simple-jwt <name>`. */
  usage: string;
  /** parseArgs option definitions (strict: unknown options are usage errors). */
  options: NonNullable<ParseArgsConfig['options']>;
  /** Resolves to the exit code. Throw {@link UsageError} for bad arguments (exit 2). */
  run(ctx: CommandContext): Promise<number>;
}

/** Wrong invocation: the CLI prints the message and the command's usage, and exits with 2. */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}
