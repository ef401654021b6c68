/**
 * The kill test of the worker (the external-broker path): a worker process is SIGKILLed while a gateway streams QoS 1
 * messages, then restarted. The broker (a plain aedes in this test process, standing in for Mosquitto or EMQX) keeps
 * the worker's persistent session: unacknowledged messages and those that arrive while the worker is down are
 * re-delivered to the restarted worker, and re-delivery is idempotent. In the end every published reading is stored
 * exactly once. (The embedded broker's crash test, the whole `lingtan serve` killed: mqtt-serve-crash.test.ts.)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import crypto from 'node:crypto';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { readingsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { startPlainBroker, type PlainBroker } from './helpers/mqtt-broker.ts';
import { expectedByMeter, makeMessages, storedByMeter, until } from './helpers/mqtt.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

let db: TestDatabase;
let broker: PlainBroker;
const children = new Set<ChildProcess>();
const childLog: string[] = [];
const clientIdPrefix = `crash-${crypto.randomBytes(3).toString('hex')}`;

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  broker = await startPlainBroker();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  await broker?.close();
  await db?.close();
});

/** Starts a worker process and resolves once it has subscribed. */
async function startChild(killAfterCommits?: number): Promise<ChildProcess> {
  const options = {
    killAfterCommits,
    databaseUrl: db.url,
    schema: db.schema,
    brokerUrl: broker.url,
    username: 'lingtan-ingest',
    password: 'worker-secret',
    clientIdPrefix,
    nowMs: NOW,
    maxGroupMessages: 10, // small group commits: the kill lands between commits of a long queue
  };
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', 'test/helpers/mqtt-worker-child.ts', JSON.stringify(options)],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  children.add(child);
  child.once('exit', () => children.delete(child));
  child.stderr.on('data', (chunk: Buffer) => childLog.push(chunk.toString()));
  await new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('ready')) resolve();
    });
    child.once('exit', (code) =>
      reject(new Error(`worker exited (${code}) before it was ready: ${childLog.join('')}`)),
    );
  });
  return child;
}

async function batches(): Promise<number> {
  const { rows } = await db.pool.query<{ n: number }>(
    `SELECT count(*)::int AS n FROM ingest_batch WHERE source = 'mqtt:g1'`,
  );
  return rows[0]!.n;
}

it('loses nothing and stores nothing twice when the worker is killed mid-stream', async () => {
  const total = 300;
  const perMessage = 25;
  const messages = makeMessages(total, perMessage, ['E-SUB2', 'PV-1'], Date.parse('2025-04-01T00:00:00Z'));
  const gateway = await connectAsync(broker.url, {
    username: 'p1/g1',
    password: 'gw-token',
    clientId: `${clientIdPrefix}-gateway`,
  });
  // Worker A kills itself (SIGKILL) right after its third group commit, before acknowledging it: those messages
  // are committed but unacknowledged, so the broker re-delivers them.
  let worker = await startChild(3);
  const exitedA = new Promise((resolve) => worker.once('exit', resolve));
  const acked = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  let committedAtKill = -1;
  let killedB: Promise<void> | undefined;
  for (let i = 0; i < total; i++) {
    if (i === total / 3) {
      await exitedA;
      worker = await startChild(); // worker B takes over the session: re-deliveries first, then new messages
      const b = worker;
      // Kill B from outside while the stream goes on, once it has committed more and holds more uncommitted.
      killedB = until(async () => (await batches()) >= 60).then(async () => {
        const exited = new Promise((resolve) => b.once('exit', resolve));
        b.kill('SIGKILL');
        committedAtKill = await batches();
        await exited;
      });
    }
    if (i === (2 * total) / 3) {
      await killedB; // messages published meanwhile wait in the broker for the worker's session
      worker = await startChild(); // worker C finishes the stream
    }
    const p = gateway
      .publishAsync(readingsTopic('p1', 'g1'), JSON.stringify(messages[i]), { qos: 1 })
      .then(() => {
        acked.add(i);
        inFlight.delete(p);
      });
    inFlight.add(p);
    if (inFlight.size >= 20) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  expect(acked.size).toBe(total);
  expect(committedAtKill).toBeGreaterThanOrEqual(60);
  expect(committedAtKill).toBeLessThan(total);

  // Wait until the worker has acknowledged every message the gateway published (i.e. committed it).
  await gateway.endAsync();
  await until(() => broker.stats().unacknowledged === 0);

  // Every reading stored exactly once, with the published value.
  expect(await storedByMeter(db.pool, 'p1')).toEqual(expectedByMeter(messages));
  const { rows } = await db.pool.query<{ n: number; inserted: number; unchanged: number }>(
    `SELECT count(*)::int AS n, sum(inserted)::int AS inserted, sum(unchanged)::int AS unchanged
       FROM ingest_batch WHERE source = 'mqtt:g1'`,
  );
  const { n, inserted, unchanged } = rows[0]!;
  expect(inserted).toBe(total * perMessage);
  // Worker A's last group was committed and re-delivered: stored again as "unchanged", nothing inserted twice.
  expect(n).toBeGreaterThan(total);
  expect(unchanged).toBe((n - total) * perMessage);

  const exited = new Promise<number | null>((resolve) => worker.once('exit', resolve));
  worker.kill('SIGTERM'); // a graceful stop drains and exits 0
  expect(await exited).toBe(0);
});
