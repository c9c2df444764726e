/**
 * The `koa-simple-jwt` command line without the process around it: arguments, environment and
 * output streams come in, an exit code comes out. `main.ts` binds it to the real process.
 */
import { parseArgs } from 'node:util';
import type { Knex } from 'knex';
import { ServiceUnavailableError } from '../errors.js';
import { MissingTableError } from '../stores/check-tables.js';
import { UsageError, type CliCommand, type CliIo, type CommandContext } from './command.js';
import { activateCommand, deactivateCommand } from './commands/activation.js';
import { blacklistCommand, unblacklistCommand } from './commands/blacklist.js';
import { createUserCommand } from './commands/create-user.js';
import { flushExpiredCommand } from './commands/flush-expired.js';
import { generateKeyCommand } from './commands/generate-key.js';
import { thumbprintCommand } from './commands/thumbprint.js';
import { listTokensCommand } from './commands/list-tokens.js';
import { migrateCommand } from './commands/migrate.js';
import { revokeUserCommand } from './commands/revoke-user.js';
import { revokeSessionCommand, sessionsCommand } from './commands/sessions.js';
import { tsoaTemplateCommand } from './commands/tsoa-template.js';
import { clearThrottlesCommand, listThrottlesCommand } from './commands/throttles.js';

const PROGRAM = 'koa-simple-jwt';

/** Every sub-command, in the order `help` lists them. Adding a command: one file, one line here. */
const COMMANDS: readonly CliCommand[] = [
  migrateCommand,
  createUserCommand,
  activateCommand,
  deactivateCommand,
  flushExpiredCommand,
  revokeUserCommand,
  blacklistCommand,
  unblacklistCommand,
  listTokensCommand,
  listThrottlesCommand,
  clearThrottlesCommand,
  sessionsCommand,
  revokeSessionCommand,
  tsoaTemplateCommand,
  generateKeyCommand,
  thumbprintCommand,
];

/**
 * Runs one CLI invocation and resolves to its exit code: 0 done, 1 the operation failed
 * (database, duplicate user, unknown user), 2 bad usage (including a missing `DATABASE_URL`).
 * Never rejects and never exits the process.
 *
 * @example
 * const code = await runCli(['create-user', 'alice', '--staff'], {
 *   env: { DATABASE_URL: 'postgres://postgres@127.0.0.1/app', KSJWT_PASSWORD: 's3cret' },
 *   stdout: process.stdout,
 *   stderr: process.stderr,
 * });
 */
export async function runCli(argv: readonly string[], io: CliIo): Promise<number> {
  const [name, ...rest] = argv;
  const fail = (line: string): void => void io.stderr.write(`${PROGRAM}: ${line}\n`);
  if (name === undefined || name === 'help' || name === '--help' || name === '-h') {
    const topic = name === 'help' ? rest[0] : undefined;
    const command = topic === undefined ? undefined : COMMANDS.find((each) => each.name === topic);
    if (topic !== undefined && command === undefined) {
      fail(`unknown command "${topic}"`);
      io.stderr.write(overview());
      return 2;
    }
    // Without any argument the user did not ask for help: that is a usage error, on stderr.
    (name === undefined ? io.stderr : io.stdout).write(command === undefined ? overview() : commandHelp(command));
    return name === undefined ? 2 : 0;
  }
  const command = COMMANDS.find((each) => each.name === name);
  if (command === undefined) {
    fail(`unknown command "${name}"`);
    io.stderr.write(overview());
    return 2;
  }

  let knex: Knex | undefined;
  try {
    const { values, positionals } = parseCommandArgs(command, rest);
    if (values.help === true) {
      io.stdout.write(commandHelp(command));
      return 0;
    }
    const context: CommandContext = {
      positionals,
      values,
      env: io.env,
      print: (line) => void io.stdout.write(`${line}\n`),
      printError: (line) => fail(line),
      printNote: (line) => void io.stderr.write(`${line}\n`),
      database: async () => (knex ??= await openKnex(io.env)),
    };
    return await command.run(context);
  } catch (error) {
    if (error instanceof UsageError) {
      fail(error.message);
      io.stderr.write(`usage: ${PROGRAM} ${command.usage}\n`);
      return 2;
    }
    fail(describeFailure(error));
    return 1;
  } finally {
    await knex?.destroy().catch(() => undefined);
  }
}

function parseCommandArgs(command: CliCommand, args: string[]) {
  try {
    const { values, positionals } = parseArgs({
      args,
      options: { ...command.options, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
      strict: true,
    });
    return { values: values as CommandContext['values'], positionals };
  } catch (error) {
    // parseArgs reports unknown options and missing option values as TypeErrors.
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
}

async function openKnex(env: NodeJS.ProcessEnv): Promise<Knex> {
  const url = env.DATABASE_URL;
  if (url === undefined || url === '') {
    throw new UsageError('DATABASE_URL is not set (e.g. DATABASE_URL=postgres://user:password@localhost:5432/app)');
  }
  // knex is an optional peer dependency: load it only when a command needs the database.
  let factory: typeof import('knex').default;
  try {
    factory = (await import('knex')).default;
  } catch (error) {
    throw new Error(`this command needs the "knex" and "pg" packages (npm install knex pg)`, { cause: error });
  }
  const quiet = (): void => undefined;
  return factory({
    client: 'pg',
    connection: url,
    pool: { min: 0, max: 1 },
    // Knex would print connection errors with their stack; the CLI reports each failure once.
    log: { warn: quiet, error: quiet, debug: quiet, deprecate: quiet },
  });
}

/** One line that says what went wrong, with the database's own reason for outages. */
function describeFailure(error: unknown): string {
  if (error instanceof ServiceUnavailableError) {
    // The stores wrap every database failure; only a connection failure (SQLSTATE class 08, or
    // none: a refused socket) or a shutdown (57P) means the database is unavailable.
    const cause = error.cause instanceof MissingTableError ? error.cause.cause : error.cause;
    const state = sqlState(cause);
    const refused = state !== undefined && !/^(08|57P)/.test(state);
    return `${refused ? 'database error' : 'database unavailable'}: ${reason(cause)}`;
  }
  return reason(error);
}

function reason(error: unknown): string {
  if (error instanceof AggregateError && error.message === '') {
    // node reports a refused connection to every address of "localhost" as an AggregateError
    // with an empty message; its parts say what happened.
    return error.errors.map(reason).join('; ');
  }
  if (error instanceof Error) {
    // Knex prefixes a failed query's message with the whole SQL ("insert into ... - <reason>"):
    // the reason alone, on one line. A missing table means the migrations have not run.
    const state = sqlState(error);
    const cut = state === undefined ? -1 : error.message.lastIndexOf(' - ');
    const message = (cut === -1 ? error.message : error.message.slice(cut + 3)) || error.name;
    const oneLine = message.replace(/\s+/g, ' ').trim();
    return state === '42P01' ? `${oneLine} (run "${PROGRAM} migrate" first)` : oneLine;
  }
  return String(error);
}

/**
 * The SQLSTATE of an error PostgreSQL raised, or undefined (a socket error, anything else). No
 * SQLSTATE class starts with E, while node's own codes do (EPIPE has five letters too).
 */
function sqlState(error: unknown): string | undefined {
  const code = (error as { code?: unknown } | undefined)?.code;
  return typeof code === 'string' && /^[0-9A-DF-Z][0-9A-Z]{4}$/.test(code) ? code : undefined;
}

function overview(): string {
  const width = Math.max(...COMMANDS.map((each) => each.name.length));
  const lines = COMMANDS.map((each) => `  ${each.name.padEnd(width)}  ${each.summary}`);
  return [
    `usage: ${PROGRAM} <command> [options]`,
    '',
    'commands:',
    ...lines,
    `  ${'help'.padEnd(width)}  Show this list, or one command's usage (help <command>)`,
    '',
    'The database is DATABASE_URL (postgres://user:password@host:port/database).',
    '',
  ].join('\n');
}

function commandHelp(command: CliCommand): string {
  return `usage: ${PROGRAM} ${command.usage}\n\n${command.summary}\n`;
}
