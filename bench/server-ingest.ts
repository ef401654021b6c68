/**
 * End-to-end ingest through the server against raw COPY of the same rows into the same database, in one run:
 * `lingtan serve` runs in a child process; gateways (in this process) publish the demo readings over MQTT — to the
 * embedded broker and to Mosquitto — or POST them over HTTP, 100 readings per message. A message counts when the
 * server has committed it: the server publishes a result on `lingtan/<park>/<gateway>/results` after the commit, the
 * HTTP response comes after the commit. Each gateway keeps at most `window` messages unanswered, as a gateway with a
 * bounded send buffer would; that also keeps Mosquitto within its default queue limits, so nothing is dropped.
 */
import fs from 'node:fs';
import path from 'node:path';
import { connectAsync, type IClientOptions, type MqttClient } from 'mqtt';
import { createGateway } from '../src/modules/access/index.ts';
import { createDemoPark } from '../src/modules/demo/index.ts';
import { applyParkDefinition, type ParkDefinition } from '../src/modules/registry/index.ts';
import {
  commitBatches,
  ingestStream,
  loadParkMeters,
  prepareBatch,
  type BatchItem,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { readingsTopic, resultsTopic } from '../src/server/mqtt/payload.ts';
import {
  collect,
  cpuSeconds,
  fmt,
  log,
  NOW,
  pct,
  postgresCpu,
  rawCopy,
  renderTable,
  rssSampler,
  schemaDb,
  sleep,
} from './common.ts';
import { keepAliveAgent, request } from './http-client.ts';
import { summariseProfile } from './profile.ts';
import { startMosquitto, startServer, type ServerProcess } from './server-process.ts';

export interface ServerIngestOptions {
  /** Days of demo data (300 meters × 96 readings a day). */
  days: number;
  /** Readings per MQTT message and per HTTP request. */
  perMessage: number;
  /** Gateways publishing at once; each sends the readings of every gateways-th meter. */
  gateways: number;
  /** Messages a gateway may have sent and not yet seen committed (MQTT); HTTP gateways wait for each response. */
  window: number;
  /** External broker to measure instead of a private Mosquitto (e.g. the system one, mqtt://127.0.0.1:1883). */
  mqttUrl: string | undefined;
  /** Write a CPU profile of the server for each mode and print where it spent its time. */
  profile: boolean;
  /** Modes to run (default all): mqtt-embedded, mqtt-mosquitto, http. */
  modes: readonly string[];
}

interface GatewayLoad {
  id: string;
  token: string;
  /** Pre-encoded JSON payloads {readings:[…]}, how many readings each holds, and the records themselves. */
  payloads: { body: string; readings: number; records: ReadingRecord[] }[];
}

interface ModeResult {
  mode: string;
  readings: number;
  messages: number;
  seconds: number;
  /** Readings per second between 10 % and 90 % of the readings committed (after start-up). */
  steadyPerSecond: number;
  serverCpuS: number;
  postgresCpuS: number;
  clientCpuS: number;
  maxRssMiB: number;
  peakRssMiB: number;
  stored: number;
  rejected: number;
  /** Transactions the server committed (the batches of one group commit share their start time). */
  commits: number;
  profile?: string;
}

/** The demo readings split by gateway (meter i → gateway i mod G), in time order, into messages of `perMessage`. */
function gatewayLoads(
  park: ParkDefinition,
  records: readonly ReadingRecord[],
  options: ServerIngestOptions,
): Omit<GatewayLoad, 'token'>[] {
  const meterIndex = new Map(park.meters.map((m, i) => [m.id, i]));
  const perGateway: ReadingRecord[][] = Array.from({ length: options.gateways }, () => []);
  for (const r of records) perGateway[(meterIndex.get(r.meter) ?? 0) % options.gateways]!.push(r);
  return perGateway.map((list, g) => {
    const payloads: GatewayLoad['payloads'] = [];
    for (let i = 0; i < list.length; i += options.perMessage) {
      const chunk = list.slice(i, i + options.perMessage);
      const readings = chunk.map((r) => ({
        meter: r.meter,
        at: r.at,
        value: r.value,
        ...(r.unit ? { unit: r.unit } : {}),
      }));
      payloads.push({ body: JSON.stringify({ readings }), readings: chunk.length, records: chunk });
    }
    return { id: `bench-gw-${String(g + 1).padStart(2, '0')}`, payloads };
  });
}

/** Progress shared by the gateways: committed readings over time, and a watchdog for a stalled run. */
class Progress {
  committed = 0;
  readonly marks: [number, number][] = [];
  private lastChangeMs = performance.now();
  constructor(readonly total: number) {}
  add(readings: number): void {
    this.committed += readings;
    this.lastChangeMs = performance.now();
    this.marks.push([performance.now(), this.committed]);
  }
  stalledForMs(): number {
    return performance.now() - this.lastChangeMs;
  }
  /** Readings per second between 10 % and 90 % of the total. */
  steadyRate(): number {
    const at = (share: number) => this.marks.find(([, c]) => c >= share * this.total);
    const a = at(0.1);
    const b = at(0.9);
    if (!a || !b || b[0] <= a[0]) return NaN;
    return (b[1] - a[1]) / ((b[0] - a[0]) / 1000);
  }
}

/** An MQTT gateway, connected and subscribed to its results topic (before the clock starts, as in a park). */
async function connectGateway(
  brokerUrl: string,
  clientOptions: IClientOptions,
  parkId: string,
  load: GatewayLoad,
  clients: MqttClient[],
): Promise<MqttClient> {
  const client = await connectAsync(brokerUrl, { ...clientOptions, reconnectPeriod: 0, clean: true });
  clients.push(client);
  await client.subscribeAsync(resultsTopic(parkId, load.id), { qos: 0 });
  return client;
}

/** Publishes a gateway's messages (QoS 1) keeping at most `window` uncommitted; resolves when all are committed. */
function publishAll(
  client: MqttClient,
  parkId: string,
  load: GatewayLoad,
  window: number,
  progress: Progress,
): Promise<void> {
  const topic = readingsTopic(parkId, load.id);
  return new Promise<void>((resolve, reject) => {
    let sent = 0;
    let answered = 0;
    const pump = () => {
      while (sent < load.payloads.length && sent - answered < window) {
        const { body } = load.payloads[sent++]!;
        client.publish(topic, body, { qos: 1 }, (error) => {
          if (error) reject(error);
        });
      }
    };
    client.on('message', (_topic, payload) => {
      const result = JSON.parse(payload.toString('utf8')) as {
        received: number;
        stored?: boolean;
        reason?: string;
      };
      if (result.stored === false) return reject(new Error(`message not stored: ${result.reason}`));
      progress.add(result.received);
      answered += 1;
      if (answered === load.payloads.length) resolve();
      else pump();
    });
    client.on('close', () => {
      if (answered < load.payloads.length) reject(new Error(`gateway ${load.id}: connection closed`));
    });
    pump();
  });
}

/** One HTTP gateway: POSTs its messages one after the other with its bearer token. */
async function httpGateway(
  server: ServerProcess,
  parkId: string,
  load: GatewayLoad,
  progress: Progress,
): Promise<void> {
  const agent = keepAliveAgent(1);
  const url = `${server.httpUrl}/api/parks/${parkId}/readings`;
  const headers = { authorization: `Bearer ${load.token}`, 'content-type': 'application/json' };
  try {
    for (const { body, readings } of load.payloads) {
      const res = await request(agent, 'POST', url, headers, body);
      if (res.status !== 200) throw new Error(`HTTP ${res.status}: ${res.body.slice(0, 300)}`);
      progress.add(readings);
    }
  } finally {
    agent.destroy();
  }
}

async function watch(progress: Progress, work: Promise<void>, server: ServerProcess): Promise<void> {
  let stalled: Error | undefined;
  let finished = false;
  const done = work.finally(() => {
    finished = true;
  });
  const watchdog = (async () => {
    while (!finished) {
      await sleep(500);
      if (!finished && progress.stalledForMs() > 60_000) {
        stalled = new Error(
          `no commit for 60 s (${fmt(progress.committed)} of ${fmt(progress.total)} readings); server says:\n${server.tail()}`,
        );
        return;
      }
    }
  })();
  await Promise.race([done, watchdog]);
  if (stalled) throw stalled;
  await done;
}

async function runMode(
  target: string,
  mode: string,
  url: string,
  pgPid: number | undefined,
  park: ParkDefinition,
  loads: Omit<GatewayLoad, 'token'>[],
  options: ServerIngestOptions,
  brokerForMosquitto: string | undefined,
): Promise<ModeResult> {
  const db = await schemaDb(url, 2);
  const profileDir = path.resolve('bench/out/profiles', `${target}-${mode}-${Date.now()}`);
  let server: ServerProcess | undefined;
  const clients: MqttClient[] = [];
  try {
    await applyParkDefinition(db.pool, park);
    const gateways: GatewayLoad[] = [];
    for (const load of loads) {
      const { token } = await createGateway(db.pool, park.park.id, { id: load.id, name: 'bench' }, 'bench');
      gateways.push({ ...load, token });
    }
    if (options.profile) fs.mkdirSync(profileDir, { recursive: true });
    server = await startServer({
      databaseUrl: url,
      schema: db.schema,
      mqttUrl: mode === 'mqtt-mosquitto' ? brokerForMosquitto : undefined,
      nodeOptions: options.profile ? ['--cpu-prof', `--cpu-prof-dir=${profileDir}`] : [],
    });
    const total = gateways.reduce((s, g) => s + g.payloads.reduce((t, p) => t + p.readings, 0), 0);
    const messages = gateways.reduce((s, g) => s + g.payloads.length, 0);
    const progress = new Progress(total);
    const srv = server;
    const mqttClients =
      mode === 'http'
        ? []
        : await Promise.all(
            gateways.map((g) =>
              connectGateway(
                mode === 'mqtt-embedded' ? srv.brokerUrl! : brokerForMosquitto!,
                mode === 'mqtt-embedded'
                  ? { username: `${park.park.id}/${g.id}`, password: g.token, clientId: `bench-${g.id}` }
                  : { clientId: `bench-${db.schema}-${g.id}` },
                park.park.id,
                g,
                clients,
              ),
            ),
          );
    const serverCpu0 = cpuSeconds(server.pid);
    const pgCpu = postgresCpu(pgPid);
    const clientCpu0 = process.cpuUsage();
    const rss = rssSampler(server.pid);
    const started = performance.now();
    const work =
      mode === 'http'
        ? Promise.all(gateways.map((g) => httpGateway(srv, park.park.id, g, progress))).then(() => undefined)
        : Promise.all(
            gateways.map((g, i) => publishAll(mqttClients[i]!, park.park.id, g, options.window, progress)),
          ).then(() => undefined);
    await watch(progress, work, server);
    const seconds = (performance.now() - started) / 1000;
    const memory = rss.stop();
    const serverCpuS = cpuSeconds(server.pid) - serverCpu0;
    const postgresCpuS = pgCpu();
    const c = process.cpuUsage(clientCpu0);
    const { rows } = await db.pool.query<{
      received: number;
      rejected: number;
      stored: number;
      commits: number;
    }>(
      `SELECT (SELECT coalesce(sum(received), 0) FROM ingest_batch)::bigint AS received,
              (SELECT count(DISTINCT started_at) FROM ingest_batch)::bigint AS commits,
              (SELECT coalesce(sum(rejected), 0) FROM ingest_batch)::bigint AS rejected,
              (SELECT count(*) FROM reading)::bigint AS stored`,
    );
    const check = rows[0]!;
    if (check.received !== total)
      throw new Error(`${mode}: the server recorded ${check.received} readings received; ${total} were sent`);
    await Promise.all(clients.map((cl) => cl.endAsync(true)));
    clients.length = 0;
    await server.stop();
    server = undefined;
    const result: ModeResult = {
      mode,
      readings: total,
      messages,
      seconds,
      steadyPerSecond: progress.steadyRate(),
      serverCpuS,
      postgresCpuS,
      clientCpuS: (c.user + c.system) / 1e6,
      maxRssMiB: memory.maxRssMiB,
      peakRssMiB: memory.peakMiB,
      stored: check.stored,
      rejected: check.rejected,
      commits: check.commits,
    };
    if (options.profile) {
      // One profile per thread (tsx loads modules in a worker thread): the main thread's has thread id 0.
      const main = fs.readdirSync(profileDir).find((f) => /^CPU\.\d+\.\d+\.\d+\.0\.\d+\.cpuprofile$/.test(f));
      if (main)
        result.profile = `${path.join(profileDir, main)}\n${summariseProfile(path.join(profileDir, main))}`;
    }
    return result;
  } finally {
    await Promise.all(clients.map((cl) => cl.endAsync(true)));
    await server?.stop();
    await db.drop();
  }
}

/**
 * The pipeline alone, in this process, on the same rows (no MQTT, no HTTP, no JSON): `stream` is the library's
 * 50,000-reading batches; `groups` commits the 100-reading messages in groups of `groupMessages` with one batch row
 * per message, as the MQTT worker's group commit does; `merged` commits the same groups as one batch each. The next
 * group is validated while the previous one commits, as in the worker. Returns seconds.
 */
async function pipelineOnly(
  url: string,
  park: ParkDefinition,
  loads: readonly Omit<GatewayLoad, 'token'>[],
  kind: 'stream' | 'groups' | 'merged',
  groupMessages: number,
): Promise<number> {
  const db = await schemaDb(url);
  try {
    await applyParkDefinition(db.pool, park);
    const meters = await loadParkMeters(db.pool, park.park.id);
    // Messages in the order the gateways' messages would interleave.
    const messages: ReadingRecord[][] = [];
    const longest = Math.max(...loads.map((l) => l.payloads.length));
    for (let i = 0; i < longest; i++)
      for (const l of loads) {
        const p = l.payloads[i];
        if (p) messages.push(p.records);
      }
    const options = { source: 'bench', actor: 'bench', nowMs: NOW };
    const started = performance.now();
    if (kind === 'stream') {
      const all = messages.flat();
      const batches = function* () {
        for (let i = 0; i < all.length; i += 50_000) yield all.slice(i, i + 50_000);
      };
      await ingestStream(db.pool, meters, batches(), options);
    } else {
      let pending: Promise<unknown> = Promise.resolve();
      for (let i = 0; i < messages.length; i += groupMessages) {
        const group = messages.slice(i, i + groupMessages);
        const items: BatchItem[] =
          kind === 'merged'
            ? [{ prepared: prepareBatch(meters, group.flat(), NOW), options }]
            : group.map((m) => ({ prepared: prepareBatch(meters, m, NOW), options }));
        await pending;
        pending = commitBatches(db.pool, meters, items);
      }
      await pending;
    }
    return (performance.now() - started) / 1000;
  } finally {
    await db.drop();
  }
}

const MODE_LABEL: Record<string, string> = {
  'mqtt-embedded': 'MQTT, embedded broker (aedes)',
  'mqtt-mosquitto': 'MQTT, Mosquitto',
  http: 'HTTP POST',
};

/** Runs the server ingest benchmark on one PostgreSQL server; returns result rows for results.json. */
export async function serverIngestBench(
  target: string,
  url: string,
  pgPid: number | undefined,
  options: ServerIngestOptions,
): Promise<Record<string, unknown>[]> {
  const park = createDemoPark();
  log(
    `\n[${target}] server ingest: ${park.meters.length} meters × ${options.days} days, ${options.perMessage} readings per message, ${options.gateways} gateways`,
  );
  const records = collect(park, options.days);
  const n = records.length;
  const loads = gatewayLoads(park, records, options);

  const copySeconds: number[] = [];
  const copyRun = async (binary: boolean) => {
    const db = await schemaDb(url);
    try {
      return await rawCopy(db, park, records, options.days, binary);
    } finally {
      await db.drop();
    }
  };
  copySeconds.push(await copyRun(false));
  const binarySeconds = await copyRun(true);
  log(
    `[${target}] raw COPY ${fmt(n)} readings: text ${copySeconds[0]!.toFixed(2)} s, binary ${binarySeconds.toFixed(2)} s`,
  );

  let mosquitto: Awaited<ReturnType<typeof startMosquitto>>;
  let brokerForMosquitto = options.mqttUrl;
  const results: ModeResult[] = [];
  try {
    if (options.modes.includes('mqtt-mosquitto') && !brokerForMosquitto) {
      mosquitto = await startMosquitto();
      brokerForMosquitto = mosquitto?.url;
    }
    for (const mode of options.modes) {
      if (mode === 'mqtt-mosquitto' && !brokerForMosquitto) {
        log(`[${target}] ${MODE_LABEL[mode]}: no mosquitto binary and no --mqtt-url: skipped`);
        continue;
      }
      const r = await runMode(target, mode, url, pgPid, park, loads, options, brokerForMosquitto);
      results.push(r);
      log(
        `[${target}] ${MODE_LABEL[mode]!.padEnd(30)} ${fmt(r.readings)} readings in ${r.seconds.toFixed(2)} s = ${fmt(r.readings / r.seconds)} /s (steady ${fmt(r.steadyPerSecond)} /s)`,
      );
      if (r.profile) log(r.profile);
    }
  } finally {
    await mosquitto?.stop();
  }
  // Where the MQTT path's time goes: the same rows through the pipeline alone, committed as the worker commits them.
  const mqtt = results.find((r) => r.mode.startsWith('mqtt'));
  const groupMessages = mqtt ? Math.max(1, Math.round(mqtt.messages / mqtt.commits)) : 100;
  const pipeline: { name: string; seconds: number }[] = [];
  for (const [name, kind] of [
    ['pipeline alone, 50,000-reading batches', 'stream'],
    [
      `pipeline alone, group commit: ${groupMessages} messages of ${options.perMessage}, a batch each`,
      'groups',
    ],
    [`pipeline alone, the same groups as one batch each`, 'merged'],
  ] as const) {
    const seconds = await pipelineOnly(url, park, loads, kind, groupMessages);
    pipeline.push({ name, seconds });
    log(`[${target}] ${name}: ${seconds.toFixed(2)} s = ${fmt(n / seconds)} /s`);
  }
  // The baseline again after the server runs: the machine is shared, so take the faster of the two (a stricter ratio).
  copySeconds.push(await copyRun(false));
  const copyS = Math.min(...copySeconds);
  log(`[${target}] raw COPY again: ${copySeconds[1]!.toFixed(2)} s; baseline = ${fmt(n / copyS)} readings/s`);

  const rows = [
    ...results.map((r) => [
      MODE_LABEL[r.mode]!,
      fmt(r.readings / r.seconds),
      fmt(r.steadyPerSecond),
      pct(copyS / r.seconds),
      pct(binarySeconds / r.seconds),
      fmt(r.messages / r.commits, 0),
      `${r.serverCpuS.toFixed(1)} / ${r.postgresCpuS.toFixed(1)} / ${r.clientCpuS.toFixed(1)}`,
      `${fmt(r.maxRssMiB)} (${fmt(r.peakRssMiB)})`,
    ]),
    ...pipeline.map((p) => [
      p.name,
      fmt(n / p.seconds),
      '',
      pct(copyS / p.seconds),
      pct(binarySeconds / p.seconds),
      '',
      '',
      '',
    ]),
  ];
  log(
    `\n[${target}] end-to-end ingest, ${fmt(n)} readings in messages of ${options.perMessage} (raw COPY text ${fmt(n / copyS)} /s, binary ${fmt(n / binarySeconds)} /s):\n` +
      renderTable(
        [
          'path',
          'readings/s',
          'steady /s',
          '÷ raw COPY',
          '÷ binary COPY',
          'msgs/commit',
          'CPU s server/PG/client',
          'server RSS MiB max (peak)',
        ],
        rows,
      ) +
      `\ntarget: MQTT ≥ 40 % of raw COPY (text). Wall time ${results.map((r) => `${r.mode} ${r.seconds.toFixed(1)} s`).join(', ')}.`,
  );
  return [
    {
      target,
      bench: 'server ingest: raw COPY',
      readings: n,
      seconds: copyS,
      secondsRuns: copySeconds,
      readingsPerSecond: n / copyS,
    },
    {
      target,
      bench: 'server ingest: raw COPY binary',
      readings: n,
      seconds: binarySeconds,
      readingsPerSecond: n / binarySeconds,
    },
    ...results.map((r) => ({
      target,
      bench: `server ingest: ${r.mode}`,
      perMessage: options.perMessage,
      gateways: options.gateways,
      window: options.window,
      readings: r.readings,
      messages: r.messages,
      seconds: r.seconds,
      readingsPerSecond: r.readings / r.seconds,
      steadyReadingsPerSecond: r.steadyPerSecond,
      ratioToRawCopy: copyS / r.seconds,
      ratioToRawBinaryCopy: binarySeconds / r.seconds,
      cpuSeconds: { server: r.serverCpuS, postgres: r.postgresCpuS, client: r.clientCpuS },
      serverRssMiB: { max: r.maxRssMiB, peak: r.peakRssMiB },
      storedRows: r.stored,
      rejected: r.rejected,
      commits: r.commits,
    })),
    ...pipeline.map((p) => ({
      target,
      bench: `server ingest: ${p.name}`,
      readings: n,
      seconds: p.seconds,
      readingsPerSecond: n / p.seconds,
      ratioToRawCopy: copyS / p.seconds,
    })),
  ];
}
