/**
 * The external-broker path (a plain aedes standing in for Mosquitto): the database goes away under the MQTT worker, and then its connection to the broker drops: messages stay
 * unacknowledged (the broker keeps and re-delivers them), the worker logs, keeps running and retries, and once the
 * database is back everything is stored exactly once.
 */
import net from 'node:net';
import { connectAsync } from 'mqtt';
import type pg from 'pg';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { startMqttIngest, type MqttIngest } from '../src/server/mqtt/ingest-worker.ts';
import { readingsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startPlainBroker, type PlainBroker } from './helpers/mqtt-broker.ts';
import { expectedByMeter, makeMessages, storedByMeter, until } from './helpers/mqtt.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
let broker: PlainBroker;
let worker: MqttIngest;
const logLines: string[] = [];
const database = { down: true };
let proxy: net.Server;
const proxied = new Set<net.Socket>();

/** A TCP proxy in front of the broker, so that the test can cut the worker's connection as a network would. */
async function startProxy(port: number): Promise<number> {
  proxy = net.createServer((socket) => {
    const upstream = net.connect(port, '127.0.0.1');
    for (const s of [socket, upstream]) {
      proxied.add(s);
      s.on('error', () => undefined);
      s.on('close', () => proxied.delete(s));
    }
    socket.pipe(upstream).pipe(socket);
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  return (proxy.address() as net.AddressInfo).port;
}

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
  broker = await startPlainBroker();
  worker = await startMqttIngest({
    url: `mqtt://127.0.0.1:${await startProxy(broker.port)}`,
    pool: flakyPool(db.pool),
    username: 'lingtan-ingest',
    password: 'worker-secret',
    clientIdPrefix: 'db-down',
    resolveGateway: () => Promise.resolve({ ok: true, meters: null }),
    nowMs: () => NOW,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await worker?.stop();
  proxy?.close();
  await broker?.close();
  await db?.close();
});

it('keeps messages unacknowledged while the database is down, and stores them once it is back', async () => {
  const gateway = await connectAsync(broker.url, {
    username: 'p1/g1',
    password: 'x',
    clientId: 'db-down-gw',
  });
  const messages = makeMessages(5, 40, ['E-SUB2', 'PV-1'], Date.parse('2025-07-01T00:00:00Z'));
  for (const m of messages)
    await gateway.publishAsync(readingsTopic('p1', 'g1'), JSON.stringify(m), { qos: 1 });

  // It received them all, failed to commit, logged it, and tried again.
  await until(() => worker.stats().messagesReceived === 5 && worker.stats().errors >= 2);
  expect(worker.stats()).toMatchObject({
    messagesReceived: 5,
    messagesCommitted: 0,
    messagesAcknowledged: 0,
  });
  expect(worker.stats().queueLength).toBe(5);
  expect(broker.stats().unacknowledged).toBe(5);
  expect(logLines.some((l) => /failed \(attempt 2\), not acknowledged: connect ECONNREFUSED/.test(l))).toBe(
    true,
  );

  // The connection drops meanwhile: the broker re-delivers the five on the new one. The copies taken on the old
  // connection are still committed, but never acknowledged there.
  for (const socket of proxied) socket.destroy();
  await until(() => worker.stats().messagesReceived === 10);

  database.down = false;
  await until(() => broker.stats().unacknowledged === 0);
  expect(worker.stats()).toMatchObject({ messagesCommitted: 10, messagesAcknowledged: 5, queueLength: 0 });
  expect(await storedByMeter(db.pool, 'p1')).toEqual(expectedByMeter(messages));
  const batches = await db.pool.query<{ n: number; inserted: number; unchanged: number }>(
    `SELECT count(*)::int AS n, sum(inserted)::int AS inserted, sum(unchanged)::int AS unchanged FROM ingest_batch`,
  );
  expect(batches.rows[0]).toEqual({ n: 10, inserted: 200, unchanged: 200 }); // each reading inserted once
  const { rows } = await db.pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rejected_record`);
  expect(rows[0]!.n).toBe(0); // a database outage is not the messages' fault: nothing is stored as rejected
  await gateway.endAsync();
});
