/**
 * The embedded broker while the database is down: a message that cannot be committed is never acknowledged. The
 * broker retries the commit a few times, then calls aedes back with an error, and aedes closes the gateway's
 * connection without a PUBACK; the gateway (mqtt.js) reconnects and sends its unacknowledged messages again. Once the
 * database is back, every reading is stored exactly once and nothing is taken for a bad message.
 */
import { connectAsync } from 'mqtt';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { startEmbeddedIngest, type EmbeddedIngest } from '../src/server/mqtt/embedded.ts';
import { readingsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { expectedByMeter, makeMessages, storedByMeter, until } from './helpers/mqtt.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
let ingest: EmbeddedIngest;
const logLines: string[] = [];
const database = { down: true };

/** The test pool, except that while `database.down` every query and connection fails as if the server were gone. */
function flakyPool(pool: pg.Pool): pg.Pool {
  return new Proxy(pool, {
    get(target, prop) {
      if ((prop === 'connect' || prop === 'query') && database.down)
        return () => Promise.reject(new Error('connect ECONNREFUSED 127.0.0.1:5432 (test: database down)'));
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  ingest = await startEmbeddedIngest({
    host: '127.0.0.1',
    port: 0,
    pool: flakyPool(db.pool),
    // Log-in and gateway check without the database, so that the gateway stays connected during the outage.
    authenticate: () => Promise.resolve({ parkId: 'p1', gatewayId: 'g1' }),
    resolveGateway: () => Promise.resolve({ ok: true, meters: null }),
    maxAttempts: 4, // the least allowed: attempts at 0, 0.5, 1.5 and 3.5 s, then the connection is dropped
    nowMs: () => NOW,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await ingest?.stop();
  await ingest?.close();
  await db?.close();
});

it('never acknowledges an uncommitted message; the gateway re-sends it and it is stored once', async () => {
  const gateway = await connectAsync(ingest.url, {
    username: 'p1/g1',
    password: 'x',
    clientId: 'db-down-gw',
    clean: false,
    reconnectPeriod: 300,
  });
  let closes = 0;
  gateway.on('close', () => (closes += 1));
  const messages = makeMessages(5, 40, ['E-SUB2', 'PV-1'], Date.parse('2025-07-01T00:00:00Z'));
  let acked = 0;
  const all = Promise.all(
    messages.map((m) =>
      gateway.publishAsync(readingsTopic('p1', 'g1'), JSON.stringify(m), { qos: 1 }).then(() => {
        acked += 1;
      }),
    ),
  );

  // The commit fails, is retried, the broker gives up and drops the connection: no PUBACK.
  await until(() => closes >= 1);
  expect(acked).toBe(0);
  expect(ingest.stats()).toMatchObject({ messagesCommitted: 0, messagesAcknowledged: 0 });
  expect(ingest.stats().errors).toBeGreaterThanOrEqual(4);
  expect(logLines.some((l) => /failed \(attempt 4\), not acknowledged: connect ECONNREFUSED/.test(l))).toBe(
    true,
  );
  expect(
    logLines.some((l) =>
      /^mqtt broker: message from p1\/g1 not committed, not acknowledged; closing its connection/.test(l),
    ),
  ).toBe(true);

  // The gateway reconnects and sends the same messages again; now the database is back.
  await until(() => ingest.stats().messagesReceived > 5);
  expect(acked).toBe(0);
  database.down = false;
  await all;
  expect(acked).toBe(5);

  expect(await storedByMeter(db.pool, 'p1')).toEqual(expectedByMeter(messages));
  const batches = await db.pool.query<{ n: number; inserted: number; unchanged: number }>(
    `SELECT count(*)::int AS n, sum(inserted)::int AS inserted, sum(unchanged)::int AS unchanged FROM ingest_batch`,
  );
  expect(batches.rows[0]).toMatchObject({ inserted: 200 }); // each reading inserted once
  expect(batches.rows[0]!.unchanged).toBe((batches.rows[0]!.n - 5) * 40);
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rejected_record`);
  expect(rows[0]!.n).toBe(0); // a database outage is not the messages' fault: nothing is stored as rejected
  expect(ingest.stats()).toMatchObject({ queueLength: 0, messagesAcknowledged: 5 });
  await gateway.endAsync();
});
