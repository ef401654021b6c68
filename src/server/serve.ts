/** `lingtan serve` / `lingtan start`: open the database, optionally build the demo park, listen, shut down cleanly. */
import path from 'node:path';
import type pg from 'pg';
import type { Config } from '../config.ts';
import { openDatabase } from '../db/database.ts';
import { findPark, listParks } from '../modules/registry/index.ts';
import { buildDemo, DEMO_PARK_ID, ensureDemoCarbon, ensureDemoScenarios } from '../modules/demo/index.ts';
import { demoLoginLines, ensureDemoUsers } from './demo-users.ts';
import { buildApp } from './app.ts';
import { startEmbeddedIngest } from './mqtt/embedded.ts';
import { gatewayCheck, gatewayLogin } from './mqtt/gateways.ts';
import type { MqttIngestStats } from './mqtt/group-committer.ts';
import { startMqttIngest } from './mqtt/ingest-worker.ts';

export async function serve(
  config: Config,
  options: { withDemo: boolean; demoDays?: number },
): Promise<void> {
  const db = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: path.join(config.home, 'pg'),
    port: config.embeddedPgPort,
  });
  process.stderr.write(
    `database: ${db.kind === 'embedded' ? `embedded PostgreSQL in ${path.join(config.home, 'pg')}` : 'DATABASE_URL'}\n`,
  );
  if (options.withDemo && (await listParks(db.pool)).length === 0) {
    process.stderr.write('no park yet: building the demo park (one-time; a year of 15-minute data) …\n');
    let lastDecile = -1;
    const r = await buildDemo(db.pool, {
      days: options.demoDays ?? 365,
      onProgress: (share, label) => {
        if (Math.floor(share * 10) > lastDecile) {
          lastDecile = Math.floor(share * 10);
          process.stderr.write(`  ${(share * 100).toFixed(0)} % ${label}\n`);
        }
      },
    });
    process.stderr.write(`${r.summary}\n`);
  }
  const demoLogins =
    options.withDemo && (await findPark(db.pool, DEMO_PARK_ID))
      ? await ensureDemoUsers(db.pool, DEMO_PARK_ID)
      : undefined;
  if (demoLogins) {
    await ensureDemoScenarios(db.pool);
    await ensureDemoCarbon(db.pool, DEMO_PARK_ID);
  }
  const mqtt = await startMqtt(config, db.pool);
  const app = await buildApp({
    pool: db.pool,
    uploadDir: path.join(config.home, 'uploads'),
    metrics: () => ({ ...mqtt.stats() }),
    logger: config.logRequests,
    answerCache: config.answerCache,
  });
  await app.listen({ host: config.host, port: config.port });
  const url = `http://${config.host}:${config.port}/`;
  process.stderr.write(`Lingtan is serving on ${url}\n`);
  if (demoLogins) process.stderr.write(`${demoLoginLines(url, demoLogins).join('\n')}\n`);
  else
    process.stderr.write(
      `API docs: ${url}docs — create a log-in with \`lingtan user add <name> --role park_admin\`\n`,
    );
  let closing = false;
  const shutdown = async () => {
    if (closing) return;
    closing = true;
    process.stderr.write('shutting down: committing the MQTT messages already received …\n');
    try {
      await mqtt.stopIngest(); // stop taking messages, commit and acknowledge those taken
      // Also ends microgrid solves: each gets a short grace to finish, then is cancelled and recorded as such; one
      // that cannot record its end stays `running` and the next server reports it interrupted (microgrid-runs.ts).
      await app.close();
      await mqtt.close(); // the embedded broker, if any
      await db.close();
    } catch (error) {
      process.stderr.write(`shutdown: ${error instanceof Error ? error.message : String(error)}\n`);
      process.exit(1);
    }
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown());
  process.on('SIGTERM', () => void shutdown());
}

/** MQTT ingestion as `serve` runs it: the worker on MQTT_URL, or the embedded broker with ingestion in its hook. */
export interface RunningMqtt {
  stats(): MqttIngestStats;
  /**
   * Stops taking messages; commits and acknowledges those already taken. Embedded broker: refuses new log-ins and
   * publications, lets the commits in progress finish and their PUBACKs go out, disconnects the gateways.
   */
  stopIngest(): Promise<void>;
  /** Closes the embedded broker (after stopIngest). */
  close(): Promise<void>;
}

/**
 * Starts MQTT ingestion: against MQTT_URL (shared subscription over MQTT 5 unless LINGTAN_MQTT_SHARED=false), or
 * else an embedded broker on LINGTAN_MQTT_PORT (a free port if it is taken) that gateways log in to with their token
 * and that acknowledges a message only once it is committed.
 */
export async function startMqtt(
  config: Config,
  pool: pg.Pool,
  log: (line: string) => void = (line) => process.stderr.write(`${line}\n`),
): Promise<RunningMqtt> {
  const resolveGateway = gatewayCheck(pool);
  if (config.mqttUrl) {
    const worker = await startMqttIngest({
      url: config.mqttUrl,
      pool,
      connections: config.mqttWorkers,
      shared: config.mqttShared,
      resolveGateway,
      log,
    });
    log(
      `MQTT: ingesting from ${config.mqttUrl.replace(/\/\/([^:@/]+):[^@/]*@/, '//$1:***@')}` +
        (config.mqttShared ? ` (shared subscription, ${config.mqttWorkers} connections)` : ''),
    );
    return { stats: () => worker.stats(), stopIngest: () => worker.stop(), close: () => Promise.resolve() };
  }
  // No worker here: the broker commits each message in its publish hook, before it acknowledges it.
  const ingest = await startEmbeddedIngest({
    host: config.host,
    port: config.mqttPort,
    fallbackToFreePort: true,
    pool,
    authenticate: gatewayLogin(pool),
    resolveGateway,
    log,
  });
  if (ingest.port !== config.mqttPort)
    log(`MQTT: port ${config.mqttPort} is taken; the embedded broker listens on port ${ingest.port} instead`);
  log(`MQTT: embedded broker on mqtt://${config.host}:${ingest.port} (gateways log in with their token)`);
  return {
    stats: () => ingest.stats(),
    stopIngest: () => ingest.stop(),
    close: () => ingest.close(),
  };
}
