/**
 * Scale-out on a real broker (MQTT_URL in CI; otherwise a private Mosquitto started for the test): two workers on one MQTT 5 shared
 * subscription split a gateway's messages; every reading is stored exactly once. Park id, group and client ids are
 * unique per run, because the broker outlives the test and vitest runs this file once per database project.
 */
import crypto from 'node:crypto';
import { connectAsync, type MqttClient } from 'mqtt';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { startMqttIngest, type GatewayCheck, type MqttIngest } from '../src/server/mqtt/ingest-worker.ts';
import { readingsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { MOSQUITTO, startMosquitto, type Mosquitto } from './helpers/net.ts';
import { expectedByMeter, makeMessages, storedByMeter, until } from './helpers/mqtt.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let url = process.env.MQTT_URL;
let privateBroker: Mosquitto | undefined;
const run = crypto.randomBytes(4).toString('hex');
const parkId = `mq-${run}`;

describe('shared subscription on an external broker', () => {
  let db: TestDatabase;
  const workers: MqttIngest[] = [];
  let publisher: MqttClient;
  const results: { received: number; rejected?: number; rejections?: { reason: string }[] }[] = [];

  const resolveGateway = (park: string, gatewayId: string): Promise<GatewayCheck> =>
    Promise.resolve(
      park === parkId && gatewayId === 'g1'
        ? { ok: true, meters: null }
        : { ok: false, reason: `unknown gateway ${gatewayId} in park ${park}` },
    );

  beforeAll(async () => {
    if (!url) {
      privateBroker = await startMosquitto();
      if (!privateBroker)
        throw new Error(
          `needs a real broker: set MQTT_URL, or install Mosquitto (${MOSQUITTO}; apt-get install mosquitto)`,
        );
      url = privateBroker.url;
    }
    db = await createTestDatabase();
    const definition = smallPark();
    definition.park.id = parkId;
    await applyParkDefinition(db.pool, definition);
    for (const n of [1, 2]) {
      workers.push(
        await startMqttIngest({
          url: url,
          pool: db.pool,
          shared: true,
          connections: 2,
          sharedGroup: `lingtan-test-${run}`,
          topicFilter: `lingtan/${parkId}/+/readings`,
          clientIdPrefix: `lingtan-test-${run}-w${n}`,
          sessionExpirySeconds: 60, // the broker forgets these sessions a minute after the test
          resolveGateway,
          nowMs: () => NOW,
          log: () => undefined,
        }),
      );
    }
    publisher = await connectAsync(url, { protocolVersion: 5, clientId: `lingtan-test-${run}-gw` });
    publisher.on('message', (_topic, payload) =>
      results.push(JSON.parse(payload.toString()) as (typeof results)[0]),
    );
    await publisher.subscribeAsync(`lingtan/${parkId}/+/results`, { qos: 0 });
  });

  afterAll(async () => {
    await publisher?.endAsync(true);
    await Promise.all(workers.map((w) => w.stop()));
    await db?.close();
    await privateBroker?.stop();
  });

  it('splits the messages between two workers and stores every reading exactly once', async () => {
    const messages = makeMessages(120, 50, ['E-SUB2', 'PV-1'], Date.parse('2025-05-01T00:00:00Z'));
    await Promise.all(
      messages.map((m) => publisher.publishAsync(readingsTopic(parkId, 'g1'), JSON.stringify(m), { qos: 1 })),
    );
    await until(() => workers.reduce((n, w) => n + w.stats().messagesCommitted, 0) >= messages.length);

    expect(await storedByMeter(db.pool, parkId)).toEqual(expectedByMeter(messages));
    const received = workers.map((w) => w.stats().messagesReceived);
    expect(received.every((n) => n > 0)).toBe(true); // both workers took part
    const { rows } = await db.pool.query<{ n: number; inserted: number }>(
      `SELECT count(*)::int AS n, sum(inserted)::int AS inserted FROM ingest_batch WHERE park_id = $1`,
      [parkId],
    );
    // One batch per message received (a re-delivery would add one, storing nothing new); each reading inserted once.
    expect(rows[0]).toEqual({ n: received[0]! + received[1]!, inserted: 120 * 50 });
    expect(received[0]! + received[1]!).toBeGreaterThanOrEqual(120);
    expect(workers.map((w) => w.stats().errors)).toEqual([0, 0]);
  });

  it("stores an unknown gateway's readings as rejected records with the reason", async () => {
    // Results of the first test's 120 messages may still be arriving (the workers publish them after the commits it
    // waited for): wait for the one result that rejects, not for the first result of any kind.
    const payload = { readings: [{ meter: 'E-SUB2', at: '2025-06-01T08:15:00+08:00', value: 1 }] };
    await publisher.publishAsync(readingsTopic(parkId, 'ghost'), JSON.stringify(payload), { qos: 1 });
    await until(() => results.some((r) => (r.rejected ?? 0) > 0));
    expect(results.filter((r) => (r.rejected ?? 0) > 0)).toMatchObject([{ received: 1, rejected: 1 }]);
    const { rows } = await db.pool.query<{ field: string; reason: string }>(
      `SELECT field, reason FROM rejected_record WHERE park_id = $1`,
      [parkId],
    );
    expect(rows).toEqual([{ field: 'gateway', reason: `unknown gateway ghost in park ${parkId}` }]);
  });
});
