import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createTestDatabase, type TestDatabase } from '../../examples/support/database.js';
import { runCliCaptured } from '../support/cli.js';
import { KnexLoginThrottleStore } from '../../src/stores/knex-login-throttle-store.js';
import { DEFAULT_USERNAME_RULE } from '../../src/throttle/throttle-rule.js';
import { migrate } from '../../src/stores/migrate.js';

let db: TestDatabase;
let store: KnexLoginThrottleStore;
const NOW = new Date('2026-03-01T12:00:00Z');

before(async () => {
  db = await createTestDatabase();
  await migrate(db.knex);
  store = new KnexLoginThrottleStore(db.knex);
  for (let i = 0; i < 5; i++) await store.charge([{ key: 'username:alice', rule: DEFAULT_USERNAME_RULE }], NOW);
  await store.charge([{ key: 'username:alice2', rule: DEFAULT_USERNAME_RULE }, { key: 'address:203.0.113.9', rule: DEFAULT_USERNAME_RULE }], NOW);
});
after(() => db?.drop());

const cli = (argv: string[]) => runCliCaptured(argv, { DATABASE_URL: db.connectionString });

describe('list-throttles', () => {
  it('lists one username\'s failures and the end of its wait', async () => {
    const { code, stdout } = await cli(['list-throttles', 'Alice']);
    assert.equal(code, 0);
    assert.equal(stdout, [
      'key             failures  last failure          blocked until',
      'username:alice  5         2026-03-01T12:00:00Z  2026-03-01T12:01:00Z',
      '',
    ].join('\n'));
  });

  it('lists every key without arguments, and an address with --address', async () => {
    assert.deepEqual((await cli(['list-throttles'])).stdout.split('\n').slice(1, -1).map((line) => line.split(' ')[0]), ['address:203.0.113.9', 'username:alice', 'username:alice2']);
    assert.match((await cli(['list-throttles', '--address', '::ffff:203.0.113.9'])).stdout, /address:203\.0\.113\.9 +1 +2026-03-01T12:00:00Z +-/);
  });
});

describe('clear-throttles', () => {
  it('forgets a username\'s failures, so the next login is admitted', async () => {
    assert.deepEqual(await cli(['clear-throttles', 'alice']), { code: 0, stdout: 'Cleared 1 login throttle.\n', stderr: '' });
    assert.equal((await cli(['list-throttles', 'alice'])).stdout, 'No login throttles.\n');
    assert.equal(await store.charge([{ key: 'username:alice', rule: DEFAULT_USERNAME_RULE }], NOW), 0);
    assert.equal((await cli(['list-throttles', 'alice2'])).stdout.split('\n').length, 3, 'alice2 is left alone');
  });

  it('needs a username or --address (usage error, exit 2)', async () => {
    const { code, stderr } = await cli(['clear-throttles']);
    assert.equal(code, 2);
    assert.match(stderr, /a username \(or --address\) is required/);
  });
});
