/**
 * Pieces shared by the benchmarks: a throw-away schema per measurement, the demo readings, the raw COPY baseline,
 * free ports, percentiles, CPU time of processes, and the table printer.
 */
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import { copyBinary, copyLines, isoAt } from '../src/db/copy.ts';
import { openDatabase, type Database } from '../src/db/database.ts';
import { renderTable } from '../src/lib/format.ts';
import { parseTimestamp } from '../src/lib/time.ts';
import { applyParkDefinition, type ParkDefinition } from '../src/modules/registry/index.ts';
import { ensurePartitions, loadParkMeters, type ReadingRecord } from '../src/modules/telemetry/index.ts';
import { generateDemoReadings } from '../src/modules/demo/index.ts';

export { renderTable };

/** The clock the library benchmarks pin (after every demo reading, so that none is "in the future"). */
export const NOW = Date.parse('2026-06-01T00:00:00Z');
/** First instant of the demo data. */
export const DEMO_START_MS = Date.parse('2025-01-01T00:00:00+08:00');

export function log(text: string): void {
  process.stdout.write(`${text}\n`);
}

export const fmt = (n: number, decimals = 0): string =>
  n.toLocaleString('en-US', { minimumFractionDigits: decimals, maximumFractionDigits: decimals });

export const pct = (share: number): string => `${(share * 100).toFixed(0)} %`;

/** A database in a schema of its own on the server at `url`, dropped afterwards. */
export type SchemaDb = Database & { schema: string; drop(): Promise<void> };

export async function schemaDb(url: string, poolSize = 4): Promise<SchemaDb> {
  const schema = `bench_${crypto.randomBytes(4).toString('hex')}`;
  const db = await openDatabase({ databaseUrl: url, dataDir: '', port: 0, schema, poolSize });
  return {
    ...db,
    schema,
    async drop() {
      await db.pool.query(`DROP SCHEMA ${schema} CASCADE`);
      await db.close();
    },
  };
}

/** The connection string with `search_path` set to `schema`, for a server process that takes only DATABASE_URL. */
export function urlWithSchema(url: string, schema: string): string {
  const u = new URL(url);
  u.searchParams.set('options', `-c search_path=${schema}`);
  return u.toString();
}

/** Every demo reading of `days` days, in the generator's order (time-major, meters within an interval). */
export function collect(park: ParkDefinition, days: number): ReadingRecord[] {
  const all: ReadingRecord[] = [];
  for (const chunk of generateDemoReadings(park, { days })) for (const r of chunk) all.push(r);
  return all;
}

/**
 * Raw COPY of the same rows (meter id, time, value) into the same reading table: the speed of light. `binary` uses
 * COPY's binary format (what the pipeline writes with), the default the text format a DBA would load a CSV with.
 * Returns seconds.
 */
export async function rawCopy(
  db: Database,
  park: ParkDefinition,
  records: readonly ReadingRecord[],
  days: number,
  binary = false,
): Promise<number> {
  await applyParkDefinition(db.pool, park);
  const meters = await loadParkMeters(db.pool, park.park.id);
  await ensurePartitions(db.pool, DEMO_START_MS - 86_400_000, DEMO_START_MS + (days + 2) * 86_400_000); // as the pipeline does
  const client = await db.pool.connect();
  try {
    // Encoding is timed: a real loader must turn text into rows too.
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

export { freePort, sleep, waitForPort } from '../test/helpers/net.ts';

/** The p-th percentile (0–100) of an ascending array, nearest rank. */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return NaN;
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length - 1, Math.max(0, rank - 1))]!;
}

const TICK = 100; // USER_HZ on Linux

/** CPU seconds (user + system) a process has used, from /proc; 0 if it is gone. */
export function cpuSeconds(pid: number): number {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Fields after the command name (which may hold spaces) start after the last ')'.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) / TICK;
  } catch {
    return 0;
  }
}

/** A process and its direct children (a PostgreSQL postmaster and its backends). */
export function processTree(rootPid: number): number[] {
  const pids = [rootPid];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid === rootPid) pids.push(Number(entry));
    } catch {
      // gone meanwhile
    }
  }
  return pids;
}

/**
 * CPU seconds used by a PostgreSQL server between two calls: the postmaster's and every backend's, including
 * backends that exited in between (their time is in the postmaster's cumulative children time).
 */
export function postgresCpu(postmasterPid: number | undefined): () => number {
  if (postmasterPid === undefined) return () => NaN;
  const total = () => {
    let s = 0;
    for (const pid of processTree(postmasterPid)) s += cpuSeconds(pid);
    // cutime + cstime of the postmaster: backends that already exited.
    try {
      const stat = fs.readFileSync(`/proc/${postmasterPid}/stat`, 'utf8');
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      s += (Number(f[13]) + Number(f[14])) / TICK;
    } catch {
      // gone
    }
    return s;
  };
  const start = total();
  return () => total() - start;
}

/** The postmaster pid of a data directory (first line of postmaster.pid), if readable. */
export function postmasterPid(dataDir: string): number | undefined {
  try {
    const pid = Number(fs.readFileSync(`${dataDir}/postmaster.pid`, 'utf8').split('\n')[0]);
    return Number.isInteger(pid) && pid > 0 ? pid : undefined;
  } catch {
    return undefined;
  }
}

/** VmRSS and VmHWM (peak) of a process, in MiB. */
export function memoryMiB(pid: number): { rss: number; peak: number } {
  try {
    const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
    const kb = (name: string) => Number(new RegExp(`^${name}:\\s+(\\d+) kB`, 'm').exec(status)?.[1] ?? NaN);
    return { rss: kb('VmRSS') / 1024, peak: kb('VmHWM') / 1024 };
  } catch {
    return { rss: NaN, peak: NaN };
  }
}

/** Samples a process's RSS every `everyMs` until stopped: the highest sample, and the kernel's peak (VmHWM). */
export function rssSampler(pid: number, everyMs = 200): { stop(): { maxRssMiB: number; peakMiB: number } } {
  let max = memoryMiB(pid).rss;
  const timer = setInterval(() => {
    const m = memoryMiB(pid).rss;
    if (m > max) max = m;
  }, everyMs);
  return {
    stop() {
      clearInterval(timer);
      const now = memoryMiB(pid);
      return { maxRssMiB: Math.max(max, now.rss), peakMiB: now.peak };
    },
  };
}

/** What else the machine was doing: load averages, for the record. */
export function machineLine(): string {
  const [l1, l5] = os.loadavg();
  return `${os.cpus().length} cores, load ${l1!.toFixed(1)} (1 min) ${l5!.toFixed(1)} (5 min), Node ${process.version}`;
}
