/**
 * MQTT ingestion end to end on the embedded broker: gateways log in with real gateway tokens (access module), publish
 * QoS 1 batches, and the broker commits them through the pipeline in its publish hook before it acknowledges them.
 * Expected numbers are computed from what was published.
 */
import { connectAsync, type MqttClient } from 'mqtt';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createGateway } from '../src/modules/access/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { startEmbeddedIngest, type EmbeddedIngest } from '../src/server/mqtt/embedded.ts';
import { gatewayCheck, gatewayLogin } from '../src/server/mqtt/gateways.ts';
import { readingsTopic, resultsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { expectedByMeter, makeMessages, storedByMeter, until, type Message } from './helpers/mqtt.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
let ingest: EmbeddedIngest;
let tokenAll: string;
let tokenSub: string;
/** A pool of its own for the checks made when a PUBACK arrives, so that they never queue behind the commits. */
let probe: pg.Pool;
const logLines: string[] = [];
const clients: MqttClient[] = [];
/** Each transaction's COMMIT is held back this long: a PUBACK sent before the commit would be caught. */
const COMMIT_DELAY_MS = 60;
/** Fault injection: runs after a group commit, before its messages are acknowledged. */
let afterCommit: (() => void) | undefined;

interface Result {
  batch?: number;
  received: number;
  inserted?: number;
  rejected?: number;
  rejections?: { meter: string | null; field: string; reason: string }[];
}

/** The test pool, with every COMMIT delayed by COMMIT_DELAY_MS before it is sent. */
function slowCommitPool(pool: pg.Pool): pg.Pool {
  const slowClient = (client: pg.PoolClient): pg.PoolClient =>
    new Proxy(client, {
      get(target, prop) {
        const value: unknown = Reflect.get(target, prop, target);
        if (prop !== 'query')
          return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
        return (...args: unknown[]) =>
          args[0] === 'COMMIT'
            ? new Promise((resolve) => setTimeout(resolve, COMMIT_DELAY_MS)).then(() =>
                target.query('COMMIT'),
              )
            : (target.query as (...a: unknown[]) => unknown)(...args);
      },
    });
  return new Proxy(pool, {
    get(target, prop) {
      if (prop === 'connect') return () => target.connect().then(slowClient);
      const value: unknown = Reflect.get(target, prop, target);
      return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(target) : value;
    },
  });
}

/** A gateway connection that collects what the broker reports on its results topic. */
async function gateway(gatewayId: string, token: string) {
  const client = await connectAsync(ingest.url, {
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

/** How many of a message's readings the database holds, with the published value. */
async function storedOf(pool: pg.Pool, m: Message): Promise<number> {
  const { rows } = await pool.query<{ n: number }>(
    `SELECT count(*)::int AS n
       FROM unnest($1::text[], $2::timestamptz[], $3::float8[]) AS x(code, at, value)
       JOIN meter m ON m.park_id = 'p1' AND m.code = x.code
       JOIN reading r ON r.meter_id = m.id AND r.at = x.at AND r.value = x.value`,
    [m.readings.map((r) => r.meter), m.readings.map((r) => r.at), m.readings.map((r) => r.value)],
  );
  return rows[0]!.n;
}

beforeAll(async () => {
  db = await createTestDatabase();
  probe = new pg.Pool({ connectionString: db.url, options: `-c search_path=${db.schema}`, max: 8 });
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
  ingest = await startEmbeddedIngest({
    host: '127.0.0.1',
    port: 0,
    pool: slowCommitPool(db.pool),
    authenticate: gatewayLogin(db.pool),
    resolveGateway: gatewayCheck(db.pool),
    onCommit: () => afterCommit?.(),
    nowMs: () => NOW,
    log: (line) => logLines.push(line),
  });
});

afterAll(async () => {
  await Promise.all(clients.map((c) => c.endAsync(true)));
  await ingest?.stop();
  await ingest?.close();
  await probe?.end();
  await db?.close();
});

describe('embedded broker', () => {
  it('acknowledges a message only once its readings are committed, and stores each reading once', async () => {
    const { client, results } = await gateway('gw-all', tokenAll);
    const messages = makeMessages(40, 100, ['E-SUB2', 'PV-1'], Date.parse('2025-02-01T00:00:00Z'));
    // At the moment each PUBACK arrives, ask the database (before anything else happens in this process) how many
    // of that message's readings it holds. A commit takes COMMIT_DELAY_MS longer than it would: a PUBACK sent on
    // receipt would be seen long before its commit.
    const seenAtPuback: Promise<number>[] = [];
    let acked = 0;
    await Promise.all(
      messages.map(
        (m, i) =>
          new Promise<void>((resolve, reject) =>
            client.publish(readingsTopic('p1', 'gw-all'), JSON.stringify(m), { qos: 1 }, (error) => {
              if (error) return reject(error);
              acked += 1;
              seenAtPuback[i] = storedOf(probe, m);
              resolve();
            }),
          ),
      ),
    );
    expect(acked).toBe(messages.length);
    expect(await Promise.all(seenAtPuback)).toEqual(messages.map((m) => m.readings.length));

    await until(() => results.length === messages.length);
    expect(await storedByMeter(db.pool, 'p1')).toEqual(expectedByMeter(messages));
    expect(results.every((r) => r.received === 100 && r.inserted === 100 && r.rejected === 0)).toBe(true);
    const { rows } = await db.pool.query<{
      n: number;
      received: number;
      inserted: number;
      actor: string;
      commits: number;
    }>(
      `SELECT count(*)::int AS n, sum(received)::int AS received, sum(inserted)::int AS inserted,
              min(actor) AS actor, count(DISTINCT started_at)::int AS commits
         FROM ingest_batch WHERE source = 'mqtt:gw-all'`,
    );
    expect(rows[0]).toMatchObject({ n: 40, received: 4000, inserted: 4000, actor: 'gateway:gw-all' });
    // The messages of one connection were committed in groups, not one transaction each.
    expect(rows[0]!.commits).toBeLessThan(40);
    const stats = ingest.stats();
    expect(stats).toMatchObject({
      connections: 1,
      connected: 1,
      messagesReceived: 40,
      messagesCommitted: 40,
      messagesAcknowledged: 40,
      messagesDropped: 0,
      readingsReceived: 4000,
      readingsInserted: 4000,
      queueLength: 0,
      lagMs: 0,
      errors: 0,
    });
    expect(stats.commits).toBe(rows[0]!.commits);
  });

  it('has the same metrics shape as the worker', () => {
    expect(Object.keys(ingest.stats()).sort()).toEqual(
      [
        'commits',
        'connected',
        'connections',
        'errors',
        'lagMs',
        'lastCommitAtMs',
        'lastError',
        'messagesAcknowledged',
        'messagesCommitted',
        'messagesDropped',
        'messagesReceived',
        'queueLength',
        'readingsInserted',
        'readingsReceived',
        'readingsRejected',
        'readingsRevised',
        'readingsUnchanged',
      ].sort(),
    );
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
    // The rejected record keeps the reading as it was sent, without the parser's annotations.
    const kept = await db.pool.query<{ raw: string }>(
      `SELECT raw FROM rejected_record WHERE meter_code = 'PV-1' AND field = 'meter' ORDER BY id DESC LIMIT 1`,
    );
    expect(JSON.parse(kept.rows[0]!.raw)).toEqual(payload.readings[1]);
  });

  it('stores a message once when its PUBACK is lost after the commit: the gateway sends it again', async () => {
    const client = await connectAsync(ingest.url, {
      username: 'p1/gw-all',
      password: tokenAll,
      clientId: 'test-lost-puback',
      clean: false,
      reconnectPeriod: 100,
    });
    clients.push(client);
    const { rows: before } = await db.pool.query<{ id: number }>(
      `SELECT coalesce(max(id), 0)::int AS id FROM ingest_batch`,
    );
    // The first commit goes through, then the gateway's connection breaks before the PUBACKs reach it.
    afterCommit = () => {
      afterCommit = undefined;
      client.stream.destroy();
    };
    const messages = makeMessages(10, 20, ['E-SUB1'], Date.parse('2024-12-01T00:00:00Z'));
    await Promise.all(
      messages.map((m) => client.publishAsync(readingsTopic('p1', 'gw-all'), JSON.stringify(m), { qos: 1 })),
    );
    for (const m of messages) expect(await storedOf(db.pool, m)).toBe(20);
    const { rows } = await db.pool.query<{ n: number; inserted: number; unchanged: number }>(
      `SELECT count(*)::int AS n, sum(inserted)::int AS inserted, sum(unchanged)::int AS unchanged
         FROM ingest_batch WHERE id > $1`,
      [before[0]!.id],
    );
    const { n, inserted, unchanged } = rows[0]!;
    expect(n).toBeGreaterThan(messages.length); // some were committed twice …
    expect(inserted).toBe(messages.length * 20); // … each reading inserted once
    expect(unchanged).toBe((n - messages.length) * 20);
    await client.endAsync();
  });

  it('refuses a gateway with a wrong token, or a user name that is not its own', async () => {
    await expect(
      connectAsync(ingest.url, { username: 'p1/gw-all', password: 'wrong', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(
      connectAsync(ingest.url, { username: 'p1/gw-all', password: tokenSub, reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
    await expect(
      connectAsync(ingest.url, { username: 'lingtan-internal', password: 'guess', reconnectPeriod: 0 }),
    ).rejects.toThrow(/Bad username or password/);
  });

  it("refuses a publication to another gateway's topic, and a subscription to another's results", async () => {
    const { client } = await gateway('gw-sub', tokenSub);
    // A refused subscription is a SUBACK with failure (0x80), which mqtt.js reports as an error.
    await expect(client.subscribeAsync(resultsTopic('p1', 'gw-all'), { qos: 0 })).rejects.toThrow(
      /Subscribe error/,
    );
    await expect(client.subscribeAsync('lingtan/+/+/readings', { qos: 1 })).rejects.toThrow(
      /Subscribe error/,
    );
    const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
    const before = ingest.stats().messagesReceived;
    let acked = false;
    const payload = { readings: [{ meter: 'E-SUB1', at: '2025-03-02T08:15:00+08:00', value: 1 }] };
    client.publish(readingsTopic('p1', 'gw-all'), JSON.stringify(payload), { qos: 1 }, (error) => {
      if (!error) acked = true;
    });
    await closed; // MQTT 3.1.1 has no negative PUBACK: the broker closes the connection
    expect(acked).toBe(false);
    expect(logLines).toContain(
      'mqtt broker: gateway p1/gw-sub may not publish to lingtan/p1/gw-all/readings',
    );
    // Nothing was ingested: a message published after it is the next one the committer sees.
    const next = await gateway('gw-all', tokenAll);
    await next.client.publishAsync(readingsTopic('p1', 'gw-all'), JSON.stringify({ readings: [] }), {
      qos: 1,
    });
    await until(() => next.results.length === 1);
    expect(ingest.stats().messagesReceived).toBe(before + 1);
  });
});

describe('graceful stop of the embedded broker', () => {
  it('acknowledges what it committed, refuses the rest, and the gateway re-sends that to the next start', async () => {
    const first = await startEmbeddedIngest({
      host: '127.0.0.1',
      port: 0,
      pool: db.pool,
      authenticate: gatewayLogin(db.pool),
      resolveGateway: gatewayCheck(db.pool),
      maxGroupMessages: 5,
      nowMs: () => NOW,
      log: (line) => logLines.push(line),
    });
    const port = first.port;
    const { rows: before } = await db.pool.query<{ id: number }>(
      `SELECT coalesce(max(id), 0)::int AS id FROM ingest_batch`,
    );
    const batchesBefore = before[0]!.id;
    const client = await connectAsync(first.url, {
      username: 'p1/gw-all',
      password: tokenAll,
      clientId: 'test-graceful',
      clean: false,
      reconnectPeriod: 200,
    });
    clients.push(client);
    const messages = makeMessages(150, 20, ['E-SUB1', 'PV-1'], Date.parse('2025-06-01T00:00:00Z'));
    const acked = new Set<number>();
    const all = Promise.all(
      messages.map((m, i) =>
        client.publishAsync(readingsTopic('p1', 'gw-all'), JSON.stringify(m), { qos: 1 }).then(() => {
          acked.add(i);
        }),
      ),
    );
    await until(() => acked.size >= 20);
    await first.stop();
    await first.close();
    const ackedAtStop = [...acked];
    expect(ackedAtStop.length).toBeLessThan(messages.length);
    // Everything acknowledged before the stop is stored.
    for (const i of ackedAtStop) expect(await storedOf(db.pool, messages[i]!)).toBe(20);
    expect(first.stats()).toMatchObject({ queueLength: 0, messagesAcknowledged: ackedAtStop.length });

    // The next start on the same port: the gateway reconnects and sends what was not acknowledged again.
    const second = await startEmbeddedIngest({
      host: '127.0.0.1',
      port,
      pool: db.pool,
      authenticate: gatewayLogin(db.pool),
      resolveGateway: gatewayCheck(db.pool),
      nowMs: () => NOW,
      log: (line) => logLines.push(line),
    });
    try {
      await all;
      for (const m of messages) expect(await storedOf(db.pool, m)).toBe(20);
      const { rows } = await db.pool.query<{ n: number; inserted: number; unchanged: number }>(
        `SELECT count(*)::int AS n, sum(inserted)::int AS inserted, sum(unchanged)::int AS unchanged
           FROM ingest_batch WHERE id > $1`,
        [batchesBefore],
      );
      // Each reading inserted once; a message committed but not acknowledged before the stop came again: unchanged.
      expect(rows[0]!.inserted).toBe(messages.length * 20);
      expect(rows[0]!.unchanged).toBe((rows[0]!.n - messages.length) * 20);
    } finally {
      await client.endAsync(true);
      await second.stop();
      await second.close();
    }
  });
});
