/**
 * The crash test of the DEFAULT configuration: the real server (`node bin/lingtan.js serve`, embedded broker) runs in
 * a child process and is killed with SIGKILL while a gateway in this process streams QoS 1 messages to it. Every
 * message whose PUBACK the gateway received before the kill must be in the database; the gateway (mqtt.js, persistent
 * session) sends the others again to the restarted server, and in the end every reading is stored exactly once.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { connectAsync } from 'mqtt';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGateway } from '../src/modules/access/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { readingsTopic } from '../src/server/mqtt/payload.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { expectedByMeter, makeMessages, storedByMeter, type Message } from './helpers/mqtt.ts';
import { smallPark } from './helpers/small-park.ts';
import { freePort } from './helpers/net.ts';

let db: TestDatabase;
let home: string;
let token: string;
let httpPort: number;
let mqttPort: number;
const children = new Set<ChildProcess>();
const serverLog: string[] = [];

/** `lingtan serve` as `npm start` runs it (embedded broker), on the test's schema; resolves once it listens. */
async function startServer(): Promise<ChildProcess> {
  const url = new URL(db.url);
  url.searchParams.set('options', `-c search_path=${db.schema}`);
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries(process.env))
    if (v !== undefined && !/^(LINGTAN_|MQTT_URL$|DATABASE_URL$|PORT$|HOST$)/.test(k)) env[k] = v;
  Object.assign(env, {
    DATABASE_URL: url.toString(),
    LINGTAN_HOME: home,
    HOST: '127.0.0.1',
    PORT: String(httpPort),
    LINGTAN_MQTT_PORT: String(mqttPort),
  });
  const child = spawn(process.execPath, ['bin/lingtan.js', 'serve'], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  children.add(child);
  child.once('exit', () => children.delete(child));
  let broker: string | undefined;
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      const text = chunk.toString();
      serverLog.push(text);
      broker ??= /MQTT: embedded broker on (mqtt:\/\/\S+)/.exec(text)?.[1];
      if (text.includes('Lingtan is serving on')) resolve();
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    child.once('exit', (code) =>
      reject(new Error(`lingtan serve exited (${code}) before it listened: ${serverLog.join('')}`)),
    );
  });
  // The restarted server must be where the gateway reconnects to.
  expect(broker).toBe(`mqtt://127.0.0.1:${mqttPort}`);
  return child;
}

/** The messages all of whose readings are in the database with the published values. */
async function fullyStored(messages: readonly Message[]): Promise<Set<number>> {
  const { rows } = await db.pool.query<{ code: string; at: number; value: number }>(
    `SELECT m.code, r.at, r.value FROM reading r JOIN meter m ON m.id = r.meter_id WHERE m.park_id = 'p1'`,
  );
  const stored = new Map(rows.map((r) => [`${r.code}@${r.at}`, r.value]));
  const out = new Set<number>();
  messages.forEach((m, i) => {
    if (m.readings.every((r) => stored.get(`${r.meter}@${Date.parse(r.at)}`) === r.value)) out.add(i);
  });
  return out;
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  token = (await createGateway(db.pool, 'p1', { id: 'g1', name: 'crash test' }, 'test')).token;
  home = fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-crash-home-'));
  httpPort = await freePort();
  mqttPort = await freePort();
});

afterAll(async () => {
  for (const child of children) child.kill('SIGKILL');
  if (home) fs.rmSync(home, { recursive: true, force: true });
  await db?.close();
});

it('loses no acknowledged message when the whole server is killed, and stores everything once', async () => {
  const total = 400;
  const perMessage = 25;
  // Readings up to 2025-05: in the past whatever today is, so that the real clock of `serve` accepts them.
  const messages = makeMessages(total, perMessage, ['E-SUB2', 'PV-1'], Date.parse('2025-04-01T00:00:00Z'));
  let server = await startServer();
  const gateway = await connectAsync(`mqtt://127.0.0.1:${mqttPort}`, {
    username: 'p1/g1',
    password: token,
    clientId: 'crash-gateway',
    clean: false, // a persistent session: MQTT 3.1.1 then obliges the client to re-send unacknowledged messages
    reconnectPeriod: 250,
  });
  const acked = new Set<number>();
  const inFlight = new Set<Promise<void>>();
  // Three kills, at different points of the stream and of the commit cycle (uneven ack counts), each the moment the
  // window is full: with no wait between the check and the kill, 40 messages are in flight when it lands. (A time
  // delay before the kill let a fast server acknowledge the whole window first: then the kill was not mid-stream.)
  const kills = [{ afterAcked: 100 }, { afterAcked: 207 }, { afterAcked: 313 }];
  const ackedAtKills: number[] = [];
  const inFlightAtKills: number[] = [];
  for (let i = 0; i < total; i++) {
    const p = gateway
      .publishAsync(readingsTopic('p1', 'g1'), JSON.stringify(messages[i]), { qos: 1 })
      .then(() => {
        acked.add(i);
        inFlight.delete(p);
      });
    inFlight.add(p);
    const kill = kills[ackedAtKills.length];
    if (kill && acked.size >= kill.afterAcked && inFlight.size >= 40) {
      // Kill the server from outside mid-stream, with 40 messages in flight.
      inFlightAtKills.push(inFlight.size);
      const exited = new Promise((resolve) => server.once('exit', resolve));
      server.kill('SIGKILL');
      await exited;
      // No more PUBACKs can come from the dead server once the gateway has seen its connection close.
      if (gateway.connected) await new Promise<void>((resolve) => gateway.once('close', () => resolve()));
      const ackedAtKill = [...acked];
      ackedAtKills.push(ackedAtKill.length);
      // Every message acknowledged before the kill is stored, completely.
      const stored = await fullyStored(messages);
      expect(ackedAtKill.filter((j) => !stored.has(j))).toEqual([]);
      server = await startServer(); // the gateway reconnects and re-sends what was not acknowledged
    }
    if (inFlight.size >= 40) await Promise.race(inFlight);
  }
  await Promise.all(inFlight);
  expect(acked.size).toBe(total);
  expect(ackedAtKills).toHaveLength(kills.length);
  expect(ackedAtKills.every((n, k) => n >= kills[k]!.afterAcked && n < total)).toBe(true);
  expect(inFlightAtKills.every((n) => n > 0)).toBe(true);

  // Every reading stored exactly once, with the published value.
  expect(await storedByMeter(db.pool, 'p1')).toEqual(expectedByMeter(messages));
  const { rows } = await db.pool.query<{ n: number; inserted: number; unchanged: number }>(
    `SELECT count(*)::int AS n, sum(inserted)::int AS inserted, sum(unchanged)::int AS unchanged
       FROM ingest_batch WHERE source = 'mqtt:g1'`,
  );
  const { n, inserted, unchanged } = rows[0]!;
  expect(inserted).toBe(total * perMessage);
  // A message committed but not yet acknowledged when the server died came again: stored as "unchanged".
  expect(n).toBeGreaterThanOrEqual(total);
  expect(unchanged).toBe((n - total) * perMessage);

  // The restarted server's metrics count what it took (same shape as with an external broker).
  const metrics = (await (await fetch(`http://127.0.0.1:${httpPort}/api/metrics`)).json()) as {
    mqtt: Record<string, number>;
  };
  expect(metrics.mqtt).toMatchObject({ connections: 1, connected: 1, queueLength: 0, errors: 0 });
  expect(metrics.mqtt.messagesAcknowledged).toBe(total - ackedAtKills[kills.length - 1]!);

  await gateway.endAsync();
  const exited = new Promise<number | null>((resolve) => server.once('exit', resolve));
  server.kill('SIGTERM'); // a graceful stop exits 0
  expect(await exited).toBe(0);
});
