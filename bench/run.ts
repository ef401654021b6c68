/**
 * `npm run bench`: figures and ratios measured side by side in one run, printed, and written to
 * bench/out/results.json. Parts (all by default; choose with `--only a,b`):
 *
 * - `ingest`        library ingest and CSV import against raw COPY of the same rows into the same database
 * - `summary`       the park-year summary from rollups against the same answer by scanning the readings
 * - `server-ingest` `lingtan serve` in a child process: MQTT (embedded broker and Mosquitto) and HTTP ingest, 100
 *                   readings per message, against raw COPY of the same rows (bench/server-ingest.ts)
 * - `api`           dashboard API latency at 50 clients and server RSS on the 1,020-meter demo park (bench/server-api.ts)
 * - `page`          first page load in Chromium (bench/server-page.ts)
 * - `microgrid`     full-year sizing, representative days against it, 96-step dispatch on HiGHS (bench/microgrid.ts)
 * - `accounting`    a park-year account of the ~1,000-meter demo park, cold, warm and after late data (bench/accounting.ts)
 * - `green`         hourly matching of 1,000 consumers over a year (bench/green-matching.ts); tracing a 1,000-bus
 *                   snapshot, a year of hourly 100-bus snapshots and a zone year (bench/green-trace.ts)
 *
 * `--only library` = ingest,summary; `--only server` = server-ingest,api,page. `--quick`: 30 days instead of a year
 * for the summary and the dashboard database. `--targets embedded,system` (ingest, summary, server-ingest; the
 * system PostgreSQL is DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test). `--profile`: CPU profile of
 * the server during server-ingest and api. `--mqtt-url mqtt://…`: measure this broker instead of a private Mosquitto.
 *
 * Options (env): BENCH_DAYS (ingest data, default 14), BENCH_SUMMARY_METERS_SCALE (default 3.4 ≈ 1,000 meters),
 * BENCH_SUMMARY_DAYS (default 365, 30 with --quick), BENCH_SUMMARY=0 to skip the summary, BENCH_TARGETS,
 * BENCH_MQTT_PER_MESSAGE (100), BENCH_GATEWAYS (20), BENCH_WINDOW (25 messages per gateway), BENCH_CLIENTS (50),
 * BENCH_DURATION_S (20), BENCH_WARMUP_S (5), BENCH_HOME (bench/out/dashboard-db: the persistent dashboard database),
 * BENCH_SERVER_MODES (mqtt-embedded,mqtt-mosquitto,http), BENCH_ANSWER_CACHE=0 (the dashboard server without its answer
 * cache: every answer computed afresh).
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { isoAt } from '../src/db/copy.ts';
import { canConnect, redact, startEmbeddedServer, type Database } from '../src/db/database.ts';
import { applyParkDefinition, type ParkDefinition } from '../src/modules/registry/index.ts';
import {
  energyByCarrier,
  importReadingsCsv,
  FLAG,
  STATUS,
  ingestStream,
  loadParkMeters,
  parsePeriod,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { buildDemo, createDemoPark, demoReadingsCsv } from '../src/modules/demo/index.ts';
import { collect, freePort, log, machineLine, NOW, postmasterPid, rawCopy, schemaDb } from './common.ts';
import { accountingBench } from './accounting.ts';
import { greenMatchingBench } from './green-matching.ts';
import { greenTraceBench } from './green-trace.ts';
import { microgridBench } from './microgrid.ts';
import { dashboardBench } from './server-api.ts';
import { serverIngestBench } from './server-ingest.ts';

const PARTS = [
  'ingest',
  'summary',
  'server-ingest',
  'api',
  'page',
  'microgrid',
  'accounting',
  'green',
] as const;
const GROUPS: Record<string, readonly string[]> = {
  library: ['ingest', 'summary'],
  server: ['server-ingest', 'api', 'page'],
};
const { values: args } = parseArgs({
  options: {
    only: { type: 'string' },
    quick: { type: 'boolean', default: false },
    targets: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'mqtt-url': { type: 'string' },
  },
});
const parts = new Set(
  (args.only ?? PARTS.join(','))
    .split(',')
    .map((p) => p.trim())
    .flatMap((p) => GROUPS[p] ?? [p]),
);
for (const p of parts) {
  if (!(PARTS as readonly string[]).includes(p)) {
    process.stderr.write(`unknown part "${p}": choose from ${PARTS.join(', ')}, library, server\n`);
    process.exit(2);
  }
}

const env = process.env;
const DAYS = Number(env.BENCH_DAYS ?? 14);
const SUMMARY = env.BENCH_SUMMARY !== '0' && parts.has('summary');
const SUMMARY_SCALE = Number(env.BENCH_SUMMARY_METERS_SCALE ?? 3.4);
const SUMMARY_DAYS = Number(env.BENCH_SUMMARY_DAYS ?? (args.quick ? 30 : 365));
const results: Record<string, unknown>[] = [];

async function libraryIngest(db: Database, park: ParkDefinition, records: ReadingRecord[]): Promise<number> {
  await applyParkDefinition(db.pool, park);
  const meters = await loadParkMeters(db.pool, park.park.id);
  const started = performance.now();
  const batches = function* () {
    for (let i = 0; i < records.length; i += 50_000) yield records.slice(i, i + 50_000);
  };
  await ingestStream(db.pool, meters, batches(), { source: 'bench', nowMs: NOW });
  return (performance.now() - started) / 1000;
}

async function csvImport(db: Database, park: ParkDefinition, file: string): Promise<number> {
  await applyParkDefinition(db.pool, park);
  const started = performance.now();
  await importReadingsCsv(db.pool, park.park.id, file, { nowMs: NOW });
  return (performance.now() - started) / 1000;
}

async function ingestBench(target: string, url: string): Promise<void> {
  const park = createDemoPark();
  log(`\n[${target}] generating ${DAYS} days of demo readings for ${park.meters.length} meters …`);
  const records = collect(park, DAYS);
  const file = path.join(os.tmpdir(), `lingtan-bench-${DAYS}d.csv`);
  if (!fs.existsSync(file)) {
    const out = fs.openSync(file, 'w');
    for (const chunk of demoReadingsCsv(park, { days: DAYS })) fs.writeSync(out, chunk);
    fs.closeSync(out);
  }
  const n = records.length;
  const runs: [string, (db: Database) => Promise<number>][] = [
    ['raw COPY', (db) => rawCopy(db, park, records, DAYS)],
    ['raw COPY binary', (db) => rawCopy(db, park, records, DAYS, true)],
    ['library ingest', (db) => libraryIngest(db, park, records)],
    ['CSV import', (db) => csvImport(db, park, file)],
  ];
  const seconds: Record<string, number> = {};
  for (const [name, run] of runs) {
    const db = await schemaDb(url);
    try {
      seconds[name] = await run(db);
    } finally {
      await db.drop();
    }
    log(
      `[${target}] ${name.padEnd(15)} ${n.toLocaleString('en-US')} readings in ${seconds[name].toFixed(2)} s = ${Math.round(n / seconds[name]).toLocaleString('en-US')} readings/s`,
    );
  }
  for (const name of ['library ingest', 'CSV import']) {
    const ratio = seconds['raw COPY']! / seconds[name]!;
    const ratioBinary = seconds['raw COPY binary']! / seconds[name]!;
    log(
      `[${target}] ${name} / raw COPY = ${(ratio * 100).toFixed(0)} % (target ≥ 50 %); / raw binary COPY = ${(ratioBinary * 100).toFixed(0)} %`,
    );
    results.push({
      target,
      bench: name,
      readings: n,
      seconds: seconds[name],
      readingsPerSecond: n / seconds[name]!,
      ratioToRawCopy: ratio,
      ratioToRawBinaryCopy: ratioBinary,
    });
  }
  for (const name of ['raw COPY', 'raw COPY binary']) {
    results.push({
      target,
      bench: name,
      readings: n,
      seconds: seconds[name],
      readingsPerSecond: n / seconds[name]!,
    });
  }
}

async function summaryBench(target: string, url: string): Promise<void> {
  const park = createDemoPark({ meterScale: SUMMARY_SCALE });
  const db = await schemaDb(url);
  try {
    log(`\n[${target}] park-year summary: populating ${park.meters.length} meters × ${SUMMARY_DAYS} days …`);
    const t0 = performance.now();
    const built = await buildDemo(db.pool, { days: SUMMARY_DAYS, meterScale: SUMMARY_SCALE, nowMs: NOW });
    const rows = built.readings;
    const secs = (performance.now() - t0) / 1000;
    log(
      `[${target}] ingested ${rows.toLocaleString('en-US')} readings through the pipeline in ${secs.toFixed(0)} s (${Math.round(rows / secs).toLocaleString('en-US')} readings/s)`,
    );
    await db.pool.query('VACUUM ANALYZE');
    const period = parsePeriod('2025', 'Asia/Shanghai');
    const timings: number[] = [];
    let fromRollups: Awaited<ReturnType<typeof energyByCarrier>> | undefined;
    for (let i = 0; i < 7; i++) {
      const s = performance.now();
      fromRollups = await energyByCarrier(db.pool, park.park.id, period, NOW);
      timings.push(performance.now() - s);
    }
    timings.sort((a, b) => a - b);
    const median = timings[3]!;
    // The same answer by scanning the readings: a period not aligned to rollups forces the 15-minute path.
    const scanPeriod = { ...period, fromMs: period.fromMs, toMs: period.toMs, label: 'scan' };
    const s = performance.now();
    const fromScan = await energyByCarrierFromReadings(db, park.park.id, scanPeriod);
    const scanMs = performance.now() - s;
    const a = fromRollups!.park.find((g) => g.carrier === 'electricity')!.net;
    const b = fromScan.find((g) => g.carrier === 'electricity')!.net;
    log(
      `[${target}] summary from rollups: median ${median.toFixed(1)} ms (of 7; target < 200 ms); raw scan ${scanMs.toFixed(0)} ms; speed-up ${(scanMs / median).toFixed(0)}× (target ≥ 100×)`,
    );
    log(
      `[${target}] park electricity net: rollups ${a.toFixed(1)} kWh, raw scan ${b.toFixed(1)} kWh (relative difference ${Math.abs(a - b) / Math.max(1, Math.abs(b))})`,
    );
    results.push({
      target,
      bench: 'park-year summary',
      meters: park.meters.length,
      readings: rows,
      rollupMedianMs: median,
      rawScanMs: scanMs,
      speedup: scanMs / median,
    });
  } finally {
    await db.drop();
  }
}

/** Energy by carrier for the park computed from the reading rows and splits, not the rollups. */
async function energyByCarrierFromReadings(
  db: Database,
  parkId: string,
  period: { fromMs: number; toMs: number },
) {
  const { rows } = await db.pool.query<{ carrier: string; role: string; q: number }>(
    `SELECT m.carrier, m.role, sum(x.q) AS q FROM meter m JOIN (
       SELECT meter_id, sum(quantity) AS q FROM reading
       WHERE at > $2 AND at <= $3::timestamptz + interval '15 minutes' AND at - span_ms * interval '1 millisecond' >= $2 AND at - span_ms * interval '1 millisecond' < $3
         AND quantity IS NOT NULL AND flags & ${FLAG.SPIKE | FLAG.SPLIT} = 0 GROUP BY meter_id
       UNION ALL
       SELECT meter_id, sum(quantity) FROM reading_split WHERE slot_at >= $2 AND slot_at < $3 AND status <> ${STATUS.QUARANTINED} GROUP BY meter_id
     ) x ON x.meter_id = m.id
     WHERE m.park_id = $1 AND m.parent_code IS NULL GROUP BY 1, 2`,
    [parkId, isoAt(period.fromMs), isoAt(period.toMs)],
  );
  const out = new Map<string, { carrier: string; net: number }>();
  for (const r of rows) {
    const g = out.get(r.carrier) ?? { carrier: r.carrier, net: 0 };
    g.net += ['export', 'storage_charge'].includes(r.role) ? -r.q : r.q;
    out.set(r.carrier, g);
  }
  return [...out.values()];
}

const targets = (args.targets ?? env.BENCH_TARGETS ?? 'embedded,system').split(',');
const serverIngestOptions = {
  days: DAYS,
  perMessage: Number(env.BENCH_MQTT_PER_MESSAGE ?? 100),
  gateways: Number(env.BENCH_GATEWAYS ?? 20),
  window: Number(env.BENCH_WINDOW ?? 25),
  mqttUrl: args['mqtt-url'],
  profile: args.profile,
  modes: (env.BENCH_SERVER_MODES ?? 'mqtt-embedded,mqtt-mosquitto,http').split(','),
};

/** Runs one part and tags its result rows with the part's name. */
async function part(name: string, run: () => Promise<void | Record<string, unknown>[]>): Promise<void> {
  const before = results.length;
  const rows = await run();
  if (rows) results.push(...rows);
  for (const r of results.slice(before)) r.part ??= name;
}

/** The system PostgreSQL's postmaster pid (for its CPU time), if this process may read its data directory. */
async function systemPostmaster(url: string): Promise<number | undefined> {
  const db = await schemaDb(url, 1);
  try {
    const { rows } = await db.pool.query<{ dir: string }>('SELECT current_setting($1) AS dir', [
      'data_directory',
    ]);
    return postmasterPid(rows[0]!.dir);
  } catch {
    return undefined;
  } finally {
    await db.drop();
  }
}

log(`parts: ${[...parts].join(', ')}${args.quick ? ' (quick)' : ''}; ${machineLine()}`);
const stops: (() => Promise<void>)[] = [];
try {
  const libraryOrIngest = ['ingest', 'summary', 'server-ingest', 'accounting'].some((p) => parts.has(p));
  if (libraryOrIngest && targets.includes('embedded')) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-bench-pg-'));
    fs.chmodSync(dir, 0o777);
    // A free port: a fixed one may belong to another Lingtan's embedded server, which we would then share.
    const dataDir = path.join(dir, 'data');
    const { url, handle } = await startEmbeddedServer(
      dataDir,
      Number(env.BENCH_PG_PORT ?? (await freePort())),
    );
    stops.push(async () => {
      await handle?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    if (parts.has('ingest')) await part('ingest', () => ingestBench('embedded', url));
    if (SUMMARY) await part('summary', () => summaryBench('embedded', url));
    if (parts.has('accounting'))
      await part('accounting', async () => [
        { target: 'embedded', bench: 'park-year account', ...(await accountingBench(url, SUMMARY_SCALE)) },
      ]);
    if (parts.has('server-ingest'))
      await part('server-ingest', () =>
        serverIngestBench('embedded', url, postmasterPid(dataDir), serverIngestOptions),
      );
  }
  const systemUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (libraryOrIngest && targets.includes('system')) {
    if (await canConnect(systemUrl)) {
      if (parts.has('ingest')) await part('ingest', () => ingestBench('system', systemUrl));
      if (SUMMARY) await part('summary', () => summaryBench('system', systemUrl));
      if (parts.has('server-ingest'))
        await part('server-ingest', async () =>
          serverIngestBench('system', systemUrl, await systemPostmaster(systemUrl), serverIngestOptions),
        );
    } else log(`\n[system] ${redact(systemUrl)} does not answer: skipped`);
  }
  if (parts.has('api') || parts.has('page')) {
    await part('api', () =>
      dashboardBench({
        days: args.quick ? 30 : 365,
        meterScale: SUMMARY_SCALE,
        clients: Number(env.BENCH_CLIENTS ?? 50),
        warmupS: Number(env.BENCH_WARMUP_S ?? 5),
        durationS: Number(env.BENCH_DURATION_S ?? 20),
        home: env.BENCH_HOME ?? 'bench/out/dashboard-db',
        api: parts.has('api'),
        page: parts.has('page'),
        profile: args.profile,
        answerCache: env.BENCH_ANSWER_CACHE !== '0',
      }),
    );
  }
  if (parts.has('microgrid')) await part('microgrid', () => microgridBench());
  if (parts.has('green'))
    await part('green', async () => [await greenMatchingBench(), await greenTraceBench()]);
} finally {
  for (const stop of stops) await stop();
}
// Keep the figures of the parts not run this time.
const file = 'bench/out/results.json';
fs.mkdirSync('bench/out', { recursive: true });
let kept: Record<string, unknown>[] = [];
try {
  const previous = JSON.parse(fs.readFileSync(file, 'utf8')) as { results?: Record<string, unknown>[] };
  kept = (previous.results ?? []).filter((r) => typeof r.part === 'string' && !parts.has(r.part));
} catch {
  // no previous results
}
fs.writeFileSync(
  file,
  JSON.stringify(
    {
      at: new Date().toISOString(),
      cpus: os.cpus().length,
      quick: args.quick,
      results: [...kept, ...results],
    },
    null,
    2,
  ),
);
log(`\nresults: ${file}`);
