/**
 * `npm run bench`: ingest speed against raw COPY of the same rows into the same database, and the park-year summary
 * from rollups against the same answer computed by scanning the readings — on the embedded PostgreSQL and, when it
 * answers, the system PostgreSQL (DATABASE_URL, default postgres://postgres@127.0.0.1:5432/test).
 *
 * Options (env): BENCH_DAYS (ingest data, default 14), BENCH_SUMMARY_METERS_SCALE (default 3.4 ≈ 1,000 meters),
 * BENCH_SUMMARY_DAYS (default 365), BENCH_SUMMARY=0 to skip the summary, BENCH_TARGETS=embedded,system.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import crypto from 'node:crypto';
import { copyBinary, copyLines, isoAt } from '../src/db/copy.ts';
import { canConnect, openDatabase, redact, startEmbeddedServer, type Database } from '../src/db/database.ts';
import { parseTimestamp } from '../src/lib/time.ts';
import { applyParkDefinition, type ParkDefinition } from '../src/modules/registry/index.ts';
import {
  energyByCarrier,
  importReadingsCsv,
  ensurePartitions,
  FLAG,
  STATUS,
  ingestStream,
  loadParkMeters,
  parsePeriod,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import {
  buildDemo,
  createDemoPark,
  demoReadingsCsv,
  generateDemoReadings,
} from '../src/modules/demo/index.ts';

const env = process.env;
const DAYS = Number(env.BENCH_DAYS ?? 14);
const SUMMARY = env.BENCH_SUMMARY !== '0';
const SUMMARY_SCALE = Number(env.BENCH_SUMMARY_METERS_SCALE ?? 3.4);
const SUMMARY_DAYS = Number(env.BENCH_SUMMARY_DAYS ?? 365);
const NOW = Date.parse('2026-06-01T00:00:00Z');
const results: Record<string, unknown>[] = [];

function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

async function schemaDb(url: string): Promise<Database & { drop(): Promise<void> }> {
  const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: url, dataDir: '', port: 0, schema, poolSize: 4 });
  return {
    ...db,
    async drop() {
      await db.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

function collect(park: ParkDefinition, days: number): ReadingRecord[] {
  const all: ReadingRecord[] = [];
  for (const chunk of generateDemoReadings(park, { days })) for (const r of chunk) all.push(r);
  return all;
}

/**
 * Raw COPY of the same rows (meter id, time, value) into the same reading table: the speed of light. `binary` uses
 * COPY's binary format (what the pipeline writes with), the default the text format a DBA would load a CSV with.
 */
async function rawCopy(
  db: Database,
  park: ParkDefinition,
  records: ReadingRecord[],
  binary = false,
): Promise<number> {
  await applyParkDefinition(db.pool, park);
  const meters = await loadParkMeters(db.pool, park.park.id);
  // Encode outside the timed section? No: a real loader must turn text into rows too, so encoding is timed.
  const lo = Date.parse('2025-01-01T00:00:00+08:00');
  await ensurePartitions(db.pool, lo - 86_400_000, lo + (DAYS + 2) * 86_400_000); // as the pipeline does
  const client = await db.pool.connect();
  try {
    const started = performance.now();
    const rows: [number, number, number, number][] = [];
    const seen = new Set<string>();
    for (const r of records) {
      const key = `${r.meter}|${r.at}`;
      if (seen.has(key)) continue; // COPY into the primary key cannot take duplicates
      seen.add(key);
      const at = parseTimestamp(r.at, 'Asia/Shanghai');
      if (!at.ok) continue;
      rows.push([meters.byCode.get(r.meter)!.id, at.atMs, Number(r.value), 0]);
    }
    const columns = ['meter_id', 'at', 'value', 'batch_id'];
    await client.query('BEGIN');
    if (binary) await copyBinary(client, 'reading', columns, ['int4', 'timestamptz', 'float8', 'int4'], rows);
    else
      await copyLines(
        client,
        'reading',
        columns,
        rows.map(([m, at, v, b]) => `${m}\t${isoAt(at)}\t${v}\t${b}`),
      );
    await client.query('COMMIT');
    return (performance.now() - started) / 1000;
  } finally {
    client.release();
  }
}

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
    ['raw COPY', (db) => rawCopy(db, park, records)],
    ['raw COPY binary', (db) => rawCopy(db, park, records, true)],
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

const targets = (env.BENCH_TARGETS ?? 'embedded,system').split(',');
const stops: (() => Promise<void>)[] = [];
try {
  if (targets.includes('embedded')) {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-bench-pg-'));
    fs.chmodSync(dir, 0o777);
    const { url, handle } = await startEmbeddedServer(path.join(dir, 'data'), 54391);
    stops.push(async () => {
      await handle?.stop();
      fs.rmSync(dir, { recursive: true, force: true });
    });
    await ingestBench('embedded', url);
    if (SUMMARY) await summaryBench('embedded', url);
  }
  const systemUrl = env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/test';
  if (targets.includes('system')) {
    if (await canConnect(systemUrl)) {
      await ingestBench('system', systemUrl);
      if (SUMMARY) await summaryBench('system', systemUrl);
    } else log(`\n[system] ${redact(systemUrl)} does not answer: skipped`);
  }
} finally {
  for (const stop of stops) await stop();
}
fs.mkdirSync('bench/out', { recursive: true });
fs.writeFileSync(
  'bench/out/results.json',
  JSON.stringify({ at: new Date().toISOString(), cpus: os.cpus().length, results }, null, 2),
);
log('\nresults: bench/out/results.json');
