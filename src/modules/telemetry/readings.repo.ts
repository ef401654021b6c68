/** SQL for readings, their slot splits, revisions, rejected records, batches and rollups. */
import type pg from 'pg';
import { copyField, copyLines, isoAt } from '../../db/copy.ts';
import { FLAG } from './derive.ts';

type Queryable = pg.Pool | pg.PoolClient;

const partitionsKnown = new Set<string>();

function monthStartUtc(ms: number): number {
  const d = new Date(ms);
  return Date.UTC(d.getUTCFullYear(), d.getUTCMonth(), 1);
}

/**
 * Creates the monthly partitions of `reading` and `reading_split` covering [fromMs, toMs], outside any transaction
 * (concurrent creators race harmlessly: a duplicate is ignored).
 */
export async function ensurePartitions(pool: pg.Pool, fromMs: number, toMs: number): Promise<void> {
  const { rows } = await pool.query<{ schema: string }>('SELECT current_schema() AS schema');
  const schema = rows[0]?.schema ?? 'public';
  for (let m = monthStartUtc(fromMs); m <= toMs;) {
    const d = new Date(m);
    const next = Date.UTC(d.getUTCFullYear(), d.getUTCMonth() + 1, 1);
    const suffix = `${d.getUTCFullYear()}_${String(d.getUTCMonth() + 1).padStart(2, '0')}`;
    for (const table of ['reading', 'reading_split']) {
      const key = `${schema}.${table}_${suffix}`;
      if (partitionsKnown.has(key)) continue;
      try {
        await pool.query(
          `CREATE TABLE IF NOT EXISTS ${table}_${suffix} PARTITION OF ${table}
           FOR VALUES FROM ('${isoAt(m)}') TO ('${isoAt(next)}')`,
        );
      } catch (error) {
        const code = (error as { code?: string }).code;
        if (code !== '42P07' && code !== '23505') throw error; // created meanwhile by another process
      }
      partitionsKnown.add(key);
    }
    m = next;
  }
}

/** Forgets which partitions exist (tests drop schemas). */
export function forgetPartitions(): void {
  partitionsKnown.clear();
}

/** Takes per-meter transaction locks in id order, so that concurrent batches for one meter serialise. */
export async function lockMeters(client: pg.PoolClient, meterIds: readonly number[]): Promise<void> {
  await client.query(
    `SELECT count(pg_advisory_xact_lock(7301, id)) FROM (SELECT id FROM unnest($1::int[]) AS id ORDER BY id) s`,
    [[...meterIds].sort((a, b) => a - b)],
  );
}

export interface StoredReading {
  meterId: number;
  atMs: number;
  value: number;
  batchId: number;
  quantity: number | null;
  flags: number;
  spanStartMs: number | null;
  spanEndMs: number | null;
}

/**
 * For each window [fromMs, toMs] of a meter: the stored readings inside it, the nearest one before and the nearest
 * one after. Rows come ordered by meter and time.
 */
export async function loadWindows(
  client: pg.PoolClient,
  windows: readonly { meterId: number; fromMs: number; toMs: number }[],
): Promise<StoredReading[]> {
  if (windows.length === 0) return [];
  const cols = `meter_id AS "meterId", at AS "atMs", value, batch_id AS "batchId", quantity, flags,
                span_start AS "spanStartMs", span_end AS "spanEndMs"`;
  const { rows } = await client.query<StoredReading>(
    `SELECT r.* FROM unnest($1::int[], $2::timestamptz[], $3::timestamptz[]) AS w(id, lo, hi)
     CROSS JOIN LATERAL (
       (SELECT ${cols} FROM reading WHERE meter_id = w.id AND at < w.lo ORDER BY at DESC LIMIT 1)
       UNION ALL
       (SELECT ${cols} FROM reading WHERE meter_id = w.id AND at >= w.lo AND at <= w.hi)
       UNION ALL
       (SELECT ${cols} FROM reading WHERE meter_id = w.id AND at > w.hi ORDER BY at LIMIT 1)
     ) r
     ORDER BY 1, 2`,
    [windows.map((w) => w.meterId), windows.map((w) => isoAt(w.fromMs)), windows.map((w) => isoAt(w.toMs))],
  );
  return rows;
}

const READING_COLUMNS = [
  'meter_id',
  'at',
  'value',
  'batch_id',
  'quantity',
  'flags',
  'span_start',
  'span_end',
];

function readingLine(r: StoredReading): string {
  return [
    r.meterId,
    isoAt(r.atMs),
    r.value,
    r.batchId,
    copyField(r.quantity),
    r.flags,
    r.spanStartMs === null ? '\\N' : isoAt(r.spanStartMs),
    r.spanEndMs === null ? '\\N' : isoAt(r.spanEndMs),
  ].join('\t');
}

export async function insertReadings(client: pg.PoolClient, rows: readonly StoredReading[]): Promise<void> {
  await copyLines(client, 'reading', READING_COLUMNS, rows.map(readingLine));
}

/** Rewrites stored readings (value, batch and derived columns) in place. */
export async function updateReadings(client: pg.PoolClient, rows: readonly StoredReading[]): Promise<void> {
  if (rows.length === 0) return;
  await client.query(`CREATE TEMP TABLE IF NOT EXISTS reading_update (LIKE reading) ON COMMIT DELETE ROWS`);
  await copyLines(client, 'reading_update', READING_COLUMNS, rows.map(readingLine));
  await client.query(
    `UPDATE reading r SET value = u.value, batch_id = u.batch_id, quantity = u.quantity, flags = u.flags,
            span_start = u.span_start, span_end = u.span_end
     FROM reading_update u WHERE r.meter_id = u.meter_id AND r.at = u.at`,
  );
  await client.query('TRUNCATE reading_update');
}

export interface SplitRow {
  meterId: number;
  slotMs: number;
  readingAtMs: number;
  quantity: number;
  slots: number;
  status: number;
}

/** Removes the slot splits of these readings (they are about to be derived again). */
export async function deleteSplits(
  client: pg.PoolClient,
  readings: readonly { meterId: number; atMs: number }[],
): Promise<void> {
  if (readings.length === 0) return;
  await client.query(
    `DELETE FROM reading_split s USING unnest($1::int[], $2::timestamptz[]) AS d(meter_id, at)
     WHERE s.meter_id = d.meter_id AND s.reading_at = d.at`,
    [readings.map((r) => r.meterId), readings.map((r) => isoAt(r.atMs))],
  );
}

export async function insertSplits(client: pg.PoolClient, rows: readonly SplitRow[]): Promise<void> {
  await copyLines(
    client,
    'reading_split',
    ['meter_id', 'slot_at', 'reading_at', 'quantity', 'slots', 'status'],
    rows.map((s) =>
      [s.meterId, isoAt(s.slotMs), isoAt(s.readingAtMs), s.quantity, s.slots, s.status].join('\t'),
    ),
  );
}

export interface RevisionRow {
  meterId: number;
  atMs: number;
  value: number;
  batchId: number;
  supersededBy: number;
}

export async function insertRevisions(client: pg.PoolClient, rows: readonly RevisionRow[]): Promise<void> {
  await copyLines(
    client,
    'reading_revision',
    ['meter_id', 'at', 'value', 'batch_id', 'superseded_by'],
    rows.map((r) => [r.meterId, isoAt(r.atMs), r.value, r.batchId, r.supersededBy].join('\t')),
  );
}

export interface RejectedRow {
  meterCode: string | null;
  meterId: number | null;
  line: number | null;
  field: string;
  reason: string;
  raw: string;
}

export async function insertRejected(
  client: pg.PoolClient,
  parkId: string,
  batchId: number,
  rows: readonly RejectedRow[],
): Promise<void> {
  await copyLines(
    client,
    'rejected_record',
    ['park_id', 'batch_id', 'meter_code', 'meter_id', 'line', 'field', 'reason', 'raw'],
    rows.map((r) =>
      [parkId, batchId, r.meterCode, r.meterId, r.line, r.field, r.reason, r.raw].map(copyField).join('\t'),
    ),
  );
}

export async function createBatch(
  db: Queryable,
  parkId: string,
  source: string,
  fileName?: string,
): Promise<number> {
  const { rows } = await db.query<{ id: number }>(
    'INSERT INTO ingest_batch (park_id, source, file_name) VALUES ($1, $2, $3) RETURNING id',
    [parkId, source, fileName ?? null],
  );
  return rows[0]!.id;
}

export async function finishBatch(
  db: Queryable,
  batchId: number,
  counts: { received: number; inserted: number; unchanged: number; revised: number; rejected: number },
): Promise<void> {
  await db.query(
    `UPDATE ingest_batch SET received = $2, inserted = $3, unchanged = $4, revised = $5, rejected = $6,
            finished_at = now() WHERE id = $1`,
    [batchId, counts.received, counts.inserted, counts.unchanged, counts.revised, counts.rejected],
  );
}

export interface TouchedBucket {
  meterId: number;
  startMs: number;
  endMs: number;
}

async function loadTouched(
  client: pg.PoolClient,
  table: string,
  buckets: readonly TouchedBucket[],
): Promise<void> {
  await client.query(
    `CREATE TEMP TABLE IF NOT EXISTS ${table} (meter_id integer, bucket_at timestamptz, bucket_end timestamptz)
     ON COMMIT DELETE ROWS`,
  );
  await client.query(`TRUNCATE ${table}`);
  await copyLines(
    client,
    table,
    ['meter_id', 'bucket_at', 'bucket_end'],
    buckets.map((b) => `${b.meterId}\t${isoAt(b.startMs)}\t${isoAt(b.endMs)}`),
  );
  await client.query(`ANALYZE ${table}`);
}

const STATUS_SQL = `CASE WHEN r.flags & ${FLAG.SPIKE} <> 0 THEN 2 WHEN r.flags & ${FLAG.GAP_BRIDGED} <> 0 THEN 1 ELSE 0 END`;

const SUMS_SQL = [0, 1, 2]
  .map((st) => `coalesce(sum(q) FILTER (WHERE st = ${st}), 0)`)
  .concat([0, 1, 2].map((st) => `coalesce(sum(n) FILTER (WHERE st = ${st}), 0)`))
  .join(', ');

const ROLLUP_COLUMNS = `meter_id, bucket_at, measured, estimated, quarantined, measured_slots, estimated_slots,
  quarantined_slots`;

/**
 * Recomputes exactly the touched hour, day and month buckets: hours from readings and splits, days from hours,
 * months from days. Bucket bounds come from the caller (park-local calendar).
 */
export async function recomputeRollups(
  client: pg.PoolClient,
  touched: {
    hours: readonly TouchedBucket[];
    days: readonly TouchedBucket[];
    months: readonly TouchedBucket[];
  },
): Promise<void> {
  if (touched.hours.length === 0) return;
  await loadTouched(client, 'touched_hour', touched.hours);
  await client.query(
    `DELETE FROM rollup_hour h USING touched_hour t WHERE h.meter_id = t.meter_id AND h.bucket_at = t.bucket_at`,
  );
  // A reading whose span is one aligned slot has at ∈ [span_start, span_start + 15 min]: the range bounds the scan.
  await client.query(
    `INSERT INTO rollup_hour (${ROLLUP_COLUMNS})
     SELECT meter_id, bucket_at, ${SUMS_SQL}
     FROM (
       SELECT t.meter_id, t.bucket_at, r.quantity AS q, 1::real AS n, ${STATUS_SQL} AS st
       FROM touched_hour t JOIN reading r ON r.meter_id = t.meter_id
        AND r.at >= t.bucket_at AND r.at <= t.bucket_end + interval '15 minutes'
       WHERE r.flags & ${FLAG.SPLIT} = 0 AND r.quantity IS NOT NULL
         AND r.span_start >= t.bucket_at AND r.span_start < t.bucket_end
       UNION ALL
       SELECT t.meter_id, t.bucket_at, s.quantity, s.slots, s.status
       FROM touched_hour t JOIN reading_split s ON s.meter_id = t.meter_id
        AND s.slot_at >= t.bucket_at AND s.slot_at < t.bucket_end
     ) c
     GROUP BY meter_id, bucket_at`,
  );
  await rollUp(client, 'touched_day', touched.days, 'rollup_day', 'rollup_hour');
  await rollUp(client, 'touched_month', touched.months, 'rollup_month', 'rollup_day');
}

async function rollUp(
  client: pg.PoolClient,
  touchedTable: string,
  buckets: readonly TouchedBucket[],
  target: string,
  source: string,
): Promise<void> {
  await loadTouched(client, touchedTable, buckets);
  await client.query(
    `DELETE FROM ${target} x USING ${touchedTable} t WHERE x.meter_id = t.meter_id AND x.bucket_at = t.bucket_at`,
  );
  await client.query(
    `INSERT INTO ${target} (${ROLLUP_COLUMNS})
     SELECT t.meter_id, t.bucket_at, sum(s.measured), sum(s.estimated), sum(s.quarantined), sum(s.measured_slots),
            sum(s.estimated_slots), sum(s.quarantined_slots)
     FROM ${touchedTable} t JOIN ${source} s ON s.meter_id = t.meter_id
      AND s.bucket_at >= t.bucket_at AND s.bucket_at < t.bucket_end
     GROUP BY t.meter_id, t.bucket_at`,
  );
}
