import { DJANGO_DEFAULT_ITERATIONS } from '../../stores/django-password.js';
import { KnexUserStore, UserExistsError } from '../../stores/knex-user-store.js';
import { UsageError, type CliCommand } from '../command.js';

/**
 * `create-user <username> --password <pw> [--email e] [--inactive] [--staff] [--superuser]
 * [--iterations n]`: inserts a user into `auth_user` with a Django-compatible password hash.
 * The password may come from `KSJWT_PASSWORD` instead, which keeps it out of `ps` and shell
 * history.
 *
 * @example
 * // KSJWT_PASSWORD=s3cret koa-simple-jwt create-user alice --email alice@example.com --staff
 */
export const createUserCommand: CliCommand = {
  name: 'create-user',
  summary: 'Create a user in auth_user (password from --password or KSJWT_PASSWORD)',
  usage:
    'create-user <username> (--password <pw> | env KSJWT_PASSWORD) [--email <e>] [--inactive] [--staff] [--superuser] [--iterations <n>]',
  options: {
    password: { type: 'string' },
    email: { type: 'string' },
    inactive: { type: 'boolean' },
    staff: { type: 'boolean' },
    superuser: { type: 'boolean' },
    iterations: { type: 'string' },
  },
  async run(ctx) {
    const [username, ...extra] = ctx.positionals;
    if (username === undefined || username === '') throw new UsageError('missing <username>');
    if (extra.length > 0) throw new UsageError(`unexpected argument "${extra[0]}"`);
    // auth_user.username is varchar(150), as Django's AbstractUser.
    if (username.length > 150) throw new UsageError(`<username> is ${username.length} characters long; at most 150`);
    const password = stringValue(ctx.values.password) ?? ctx.env.KSJWT_PASSWORD;
    if (password === undefined || password === '') {
      throw new UsageError('missing password: pass --password or set KSJWT_PASSWORD');
    }
    const iterations = parseIterations(stringValue(ctx.values.iterations));
    const store = new KnexUserStore(await ctx.database(), { iterations });
    try {
      const user = await store.createUser({
        username,
        password,
        email: stringValue(ctx.values.email) ?? '',
        isActive: ctx.values.inactive !== true,
        isStaff: ctx.values.staff === true,
        isSuperuser: ctx.values.superuser === true,
      });
      const traits = [
        `id ${user.id}`,
        user.isActive ? 'active' : 'inactive',
        ...(user.isStaff ? ['staff'] : []),
        ...(user.isSuperuser ? ['superuser'] : []),
      ];
      ctx.print(`Created user "${user.username}" (${traits.join(', ')}).`);
      return 0;
    } catch (error) {
      if (error instanceof UserExistsError) {
        ctx.printError(error.message);
        return 1;
      }
      throw error;
    }
  },
};

function stringValue(value: string | boolean | undefined): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

function parseIterations(text: string | undefined): number {
  if (text === undefined) return DJANGO_DEFAULT_ITERATIONS;
  if (!/^[1-9][0-9]{0,9}$/.test(text) || Number(text) > 2_147_483_647) {
    throw new UsageError(`--iterations must be a positive integer, got "${text}"`);
  }
  return Number(text);
}
