/**
 * MQTT ingestion end to end on the embedded broker: gateways log in with real gateway tokens (access module), publish
 * QoS 1 batches, and the worker commits them through the pipeline before acknowledging. Expected numbers are
 * computed from what was published.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/modules/access/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { startEmbeddedBroker, type EmbeddedBroker } from '../src/server/mqtt/broker.ts';
import { gatewayCheck, gatewayLogin } from '../src/server/mqtt/gateways.ts';
import { startMqttIngest, type MqttIngest } from '../src/server/mqtt/ingest-worker.ts';
import { readingsTopic, resultsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { expectedByMeter, makeMessages, storedByMeter, until } from './helpers/mqtt.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
let broker: EmbeddedBroker;
let worker: MqttIngest;
let tokenAll: string;
let tokenSub: string;
const logLines: string[] = [];
const clients: MqttClient[] = [];

interface Result {
  batch?: number;
  received: number;
  inserted?: number;
  rejected?: number;
  rejections?: { meter: string | null; field: string; reason: string }[];
}

/** A gateway connection that collects what the worker reports on its results topic. */
async function gateway(gatewayId: string, token: string) {
  const client = await connectAsync(broker.url, {
    username: `p1/${gatewayId}`,
    password: token,
    clientId: `test-${gatewayId}`,
    reconnectPeriod: 0,
  });
  clients.push(client);
  const results: Result[] = [];
  client.on('message', (_topic, payload) => results.push(JSON.parse(payload.toString()) as Result));
  await client.subscribeAsync(resultsTopic('p1', gatewayId), { qos: 0 });
  return { client, results };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  tokenAll = (await createGateway(db.pool, 'p1', { id: 'gw-all', name: 'all meters' }, 'test')).token;
  tokenSub = (
    await createGateway(
      db.pool,
      'p1',
      { id: 'gw-sub', name: 'sub-meters', meters: ['E-SUB1', 'E-SUB2'] },
      'test',
    )
  ).token;
  broker = await startEmbeddedBroker({
    host: '127.0.0.1',
    port: 0,
    authenticate: gatewayLogin(db.pool),
    internalUsername: 'internal',
    internalPassword: 'internal-secret',
    log: (line) => logLines.push(line),
  });
  worker = await startMqttIngest({
    url: broker.url,
    pool: db.pool,
    username: 'internal',
    password: 'internal-secret',
    clientIdPrefix: 'test-ingest',
    resolveGateway: gatewayCheck(db.pool),
    nowMs: () => NOW,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await worker?.stop();
  await broker?.close();
  await db?.close();
});

describe('embedded broker', () => {
  it('stores every published reading once, committing before it acknowledges', async () => {
    const { client, results } = await gateway('gw-all', tokenAll);
    const messages = makeMessages(30, 100, ['E-SUB2', 'PV-1'], Date.parse('2025-02-01T00:00:00Z'));
    // All in flight at once: the worker takes them faster than it commits, so commits group several messages.
    await Promise.all(
      messages.map((m) => client.publishAsync(readingsTopic('p1', 'gw-all'), JSON.stringify(m), { qos: 1 })),
    );
    await until(() => results.length === messages.length);
    expect(await storedByMeter(db.pool, 'p1')).toEqual(expectedByMeter(messages));
    expect(results.every((r) => r.received === 100 && r.inserted === 100 && r.rejected === 0)).toBe(true);
    const { rows } = await db.pool.query<{ n: number; received: number; inserted: number; actor: string }>(
      `SELECT count(*)::int AS n, sum(received)::int AS received, sum(inserted)::int AS inserted, min(actor) AS actor
         FROM ingest_batch WHERE source = 'mqtt:gw-all'`,
    );
    expect(rows[0]).toEqual({ n: 30, received: 3000, inserted: 3000, actor: 'gateway:gw-all' });
    const stats = worker.stats();
    expect(stats).toMatchObject({
      messagesReceived: 30,
      messagesCommitted: 30,
      messagesAcknowledged: 30,
      readingsReceived: 3000,
      readingsInserted: 3000,
      queueLength: 0,
      lagMs: 0,
      errors: 0,
    });
    expect(stats.commits).toBeLessThanOrEqual(30);
    expect(broker.stats().unacknowledged).toBe(0);
  });

  it('keeps a malformed payload as a rejected record, and acknowledges it', async () => {
    const { client, results } = await gateway('gw-all', tokenAll);
    await client.publishAsync(readingsTopic('p1', 'gw-all'), 'not json {', { qos: 1 });
    await client.publishAsync(readingsTopic('p1', 'gw-all'), JSON.stringify({ values: [] }), { qos: 1 });
    await until(() => results.length === 2);
    expect(results.map((r) => r.rejected)).toEqual([1, 1]);
    const { rows } = await db.pool.query<{ field: string; reason: string; raw: string }>(
      `SELECT field, reason, raw FROM rejected_record WHERE field = 'payload' ORDER BY id`,
    );
    expect(rows).toHaveLength(2);
    expect(rows[0]).toMatchObject({ raw: 'not json {' });
    expect(rows[0]!.reason).toMatch(/^payload is not JSON/);
    expect(rows[1]).toMatchObject({
      raw: '{"values":[]}',
      reason: 'payload must be a JSON object {"readings": [...]}',
    });
  });

  it("rejects readings for meters outside the gateway's scope, and stores the rest", async () => {
    const { client, results } = await gateway('gw-sub', tokenSub);
    const payload = {
      readings: [
        { meter: 'E-SUB2', at: '2025-03-01T08:15:00+08:00', value: 12.5, unit: 'kWh' },
        { meter: 'PV-1', at: '2025-03-01T08:15:00+08:00', value: 50 },
        { meter: 'E-SUB2', at: '2025-03-01T08:30:00+08:00' },
      ],
    };
    await client.publishAsync(readingsTopic('p1', 'gw-sub'), JSON.stringify(payload), { qos: 1 });
    await until(() => results.length === 1);
    expect(results[0]).toMatchObject({ received: 3, inserted: 1, rejected: 2 });
    expect(results[0]!.rejections).toEqual([
      { meter: 'PV-1', field: 'meter', reason: "meter PV-1 is not in gateway gw-sub's scope" },
      { meter: 'E-SUB2', field: 'value', reason: 'readings[2]: "value" must be a number' },
    ]);
    const { rows } = await db.pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM reading r JOIN meter m ON m.id = r.meter_id
        WHERE m.code = 'PV-1' AND r.at = '2025-03-01T00:15:00Z'`,
    );
    expect(rows[0]!.n).toBe(0);
  });

  it('refuses a gateway with a wrong token, or a user name that is not its own', async () => {
    await expect(
      connectAsync(broker.url, { username: 'p1/gw-all', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(
      connectAsync(broker.url, { username: 'p1/gw-all', password: tokenSub, reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(
      connectAsync(broker.url, { username: 'internal', password: 'guess', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
  });

  it("refuses a publication to another gateway's topic, and a subscription to another's results", async () => {
    const { client } = await gateway('gw-sub', tokenSub);
    // A refused subscription is a SUBACK with failure (0x80), which mqtt.js reports as an error.
    await expect(client.subscribeAsync(resultsTopic('p1', 'gw-all'), { qos: 0 })).rejects.toThrow(
      /Subscribe error/,
    );
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const before = worker.stats().messagesReceived;
    const payload = { readings: [{ meter: 'E-SUB1', at: '2025-03-02T08:15:00+08:00', value: 1 }] };
    client.publish(readingsTopic('p1', 'gw-all'), JSON.stringify(payload), { qos: 1 }, () => undefined);
    await closed; // MQTT 3.1.1 has no negative PUBACK: the broker closes the connection
    expect(logLines).toContain(
      'mqtt broker: gateway p1/gw-sub may not publish to lingtan/p1/gw-all/readings',
    );
    // Nothing reached the worker: a message published after it is the next one the worker sees.
    const next = await gateway('gw-all', tokenAll);
    await next.client.publishAsync(readingsTopic('p1', 'gw-all'), JSON.stringify({ readings: [] }), {
      qos: 1,
    });
    await until(() => next.results.length === 1);
    expect(worker.stats().messagesReceived).toBe(before + 1);
  });
});
