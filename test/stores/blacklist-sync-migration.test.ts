import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { setUpDatabase } from '../support/demo.js';
import { eventually } from '../support/eventually.js';
import { BLACKLIST_CHANNEL } from '../../src/stores/blacklist-mirror.js';
import { checksumTerm, CHECKSUM_MODULUS } from '../../src/stores/blacklist-changes.js';
import type { TestDatabase } from '../../examples/support/database.js';

let db: TestDatabase;
let listener: pg.Client;
const payloads: string[] = [];

before(async () => {
  db = await setUpDatabase();
  listener = new pg.Client({ connectionString: db.connectionString });
  await listener.connect();
  listener.on('notification', (message) => payloads.push(message.payload ?? ''));
  await listener.query(`LISTEN ${BLACKLIST_CHANNEL}`);
});
after(async () => {
  await listener?.end();
  await db?.drop();
});

interface Announced {
  x: number;
  op: string;
  rows: [number, string | null][];
}

/** The summary, and the same figures computed from the table. */
async function summaries() {
  const kept = (await db.knex.raw('SELECT coalesce(sum(entries), 0)::int AS entries, (coalesce(sum(checksum), 0) % 281474976710656)::text AS checksum FROM koa_simple_jwt_blacklist_summary')).rows[0];
  const ids = (await db.knex('token_blacklist_blacklistedtoken').pluck('id')).map(Number);
  const checksum = ids.reduce((sum, id) => (sum + checksumTerm(id)) % CHECKSUM_MODULUS, 0);
  return { kept: { entries: kept.entries, checksum: Number(kept.checksum) }, table: { entries: ids.length, checksum } };
}

describe('migration 20260105000000_blacklist_sync', () => {
  test('announces a statement of many rows with long jtis in payloads under 8000 bytes, one transaction id, and keeps the summary', async () => {
    payloads.length = 0;
    const jtis = Array.from({ length: 300 }, (_, i) => `${String(i).padStart(4, '0')}"\\${'\u0001é'.repeat(124)}`.slice(0, 255));
    await db.knex('token_blacklist_outstandingtoken').insert(jtis.map((jti) => ({ jti, token: 't', expires_at: new Date(Date.now() + 3600_000) })));
    await db.knex.raw('INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken');
    await eventually(() => payloads.reduce((n, p) => n + (JSON.parse(p) as Announced).rows.length, 0) === 300);
    assert.ok(payloads.length > 1, 'split into several payloads');
    for (const payload of payloads) assert.ok(Buffer.byteLength(payload) < 8000, `${Buffer.byteLength(payload)} bytes`);
    const announced = payloads.map((p) => JSON.parse(p) as Announced);
    assert.equal(new Set(announced.map((a) => a.x)).size, 1);
    assert.ok(announced.every((a) => a.op === 'add'));
    assert.deepEqual(announced.flatMap((a) => a.rows.map(([, jti]) => jti)).sort(), [...jtis].sort());
    const { kept, table } = await summaries();
    assert.deepEqual(kept, table);
  });

  test('announces removals with their jtis when the blacklist rows go first (the flush, Django\'s ORM), and a rolled-back change not at all', async () => {
    payloads.length = 0;
    await db.knex.transaction(async (trx) => {
      await trx.raw('INSERT INTO token_blacklist_outstandingtoken (jti, token, expires_at) VALUES (?, ?, now())', ['rolled-back', 't']);
      await trx.raw("INSERT INTO token_blacklist_blacklistedtoken (token_id, blacklisted_at) SELECT id, now() FROM token_blacklist_outstandingtoken WHERE jti = 'rolled-back'");
      await trx.rollback();
    }).catch(() => undefined);
    const ids = (await db.knex('token_blacklist_blacklistedtoken').pluck('id')).map(Number).sort((a, b) => a - b);
    await db.knex('token_blacklist_blacklistedtoken').whereIn('id', ids.slice(0, 10)).delete();
    await eventually(() => payloads.reduce((n, p) => n + (JSON.parse(p) as Announced).rows.length, 0) === 10);
    const removals = payloads.map((p) => JSON.parse(p) as Announced);
    assert.ok(removals.every((removal) => removal.op === 'remove'));
    const rows = removals.flatMap((removal) => removal.rows);
    assert.deepEqual(rows.map(([id]) => id), ids.slice(0, 10));
    assert.ok(rows.every(([, jti]) => typeof jti === 'string' && jti !== 'rolled-back'));
    const { kept, table } = await summaries();
    assert.deepEqual(kept, table);
  });

  test('announces an UPDATE as a removal and an addition, and a TRUNCATE as a reset', async () => {
    payloads.length = 0;
    const [id] = (await db.knex('token_blacklist_blacklistedtoken').pluck('id')).map(Number);
    await db.knex.raw('UPDATE token_blacklist_blacklistedtoken SET id = id + 1000000 WHERE id = ?', [id!]);
    await eventually(() => payloads.length === 2);
    assert.deepEqual(payloads.map((p) => (JSON.parse(p) as Announced).op), ['remove', 'add']);
    assert.deepEqual((await summaries()).kept, (await summaries()).table);
    payloads.length = 0;
    await db.knex.raw('TRUNCATE token_blacklist_blacklistedtoken');
    await eventually(() => payloads.length === 1);
    assert.equal((JSON.parse(payloads[0]!) as Announced).op, 'reset');
    assert.deepEqual((await summaries()).kept, { entries: 0, checksum: 0 });
  });
});
