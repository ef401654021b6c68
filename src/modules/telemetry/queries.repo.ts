/** SQL for reading series, energy totals and rejected records. */
import type pg from 'pg';
import { isoAt } from '../../db/copy.ts';
import type { Amounts } from './amounts.ts';
import { amountSumsSql, slotContributionsSql } from './readings.repo.ts';

export type Resolution = '15m' | 'hour' | 'day' | 'month';

export interface BucketRow extends Amounts {
  meterId: number;
  bucketMs: number;
  /** OR of the flags of the readings in the bucket (15-minute resolution only). */
  flags: number;
}

const ROLLUP_TABLE = { hour: 'rollup_hour', day: 'rollup_day', month: 'rollup_month' } as const;

/** Rollup rows of the meters for buckets starting in [fromMs, toMs). */
export async function rollupRows(
  pool: pg.Pool,
  resolution: 'hour' | 'day' | 'month',
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<BucketRow[]> {
  const { rows } = await pool.query<BucketRow>(
    `SELECT meter_id AS "meterId", bucket_at AS "bucketMs", measured, estimated, quarantined,
            measured_slots AS "measuredSlots", estimated_slots AS "estimatedSlots",
            quarantined_slots AS "quarantinedSlots", 0 AS flags
     FROM ${ROLLUP_TABLE[resolution]}
     WHERE meter_id = ANY($1::int[]) AND bucket_at >= $2 AND bucket_at < $3
     ORDER BY meter_id, bucket_at`,
    [meterIds, isoAt(fromMs), isoAt(toMs)],
  );
  return rows;
}

/** 15-minute slot rows of the meters in [fromMs, toMs), from readings and their splits. */
export async function slotRows(
  pool: pg.Pool,
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<BucketRow[]> {
  const { rows } = await pool.query<BucketRow>(
    `SELECT meter_id AS "meterId", slot_at AS "bucketMs", ${amountSumsSql(true)}, bit_or(flags) AS flags
     FROM (${slotContributionsSql(true)}) c
     GROUP BY meter_id, slot_at
     ORDER BY meter_id, slot_at`,
    [meterIds, isoAt(fromMs), isoAt(toMs)],
  );
  return rows;
}

/** SQL of per meter totals from one rollup level over buckets starting in [$2, $3) ($1: meter ids). */
const rollupTotalsSql = (resolution: 'hour' | 'day' | 'month') =>
  `SELECT meter_id AS "meterId", sum(measured) AS measured, sum(estimated) AS estimated,
          sum(quarantined) AS quarantined, sum(measured_slots) AS "measuredSlots",
          sum(estimated_slots) AS "estimatedSlots", sum(quarantined_slots) AS "quarantinedSlots"
   FROM ${ROLLUP_TABLE[resolution]}
   WHERE meter_id = ANY($1::int[]) AND bucket_at >= $2 AND bucket_at < $3
   GROUP BY meter_id`;

/** SQL of per meter totals from the readings and splits over [$2, $3) ($1: meter ids). */
const readingTotalsSql = () =>
  `SELECT meter_id AS "meterId", ${amountSumsSql(true)} FROM (${slotContributionsSql(true)}) c GROUP BY meter_id`;

/** Per meter totals over [fromMs, toMs) from one rollup level (buckets must tile the period). */
export async function meterTotals(
  pool: pg.Pool,
  resolution: 'hour' | 'day' | 'month',
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<Omit<BucketRow, 'bucketMs' | 'flags'>[]> {
  const { rows } = await pool.query<Omit<BucketRow, 'bucketMs' | 'flags'>>(rollupTotalsSql(resolution), [
    meterIds,
    isoAt(fromMs),
    isoAt(toMs),
  ]);
  return rows;
}

/** Per meter totals computed from the readings and splits themselves (periods that rollups do not tile). */
export async function meterTotalsFromReadings(
  pool: pg.Pool,
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<Omit<BucketRow, 'bucketMs' | 'flags'>[]> {
  const { rows } = await pool.query<Omit<BucketRow, 'bucketMs' | 'flags'>>(readingTotalsSql(), [
    meterIds,
    isoAt(fromMs),
    isoAt(toMs),
  ]);
  return rows;
}

/** One period of `meterTotalsOver`, with the rollup level that tiles it ('15m': from the readings). */
export interface TotalsPart {
  resolution: Resolution;
  fromMs: number;
  toMs: number;
}

/**
 * Per meter totals over several periods in one statement (one round trip): each part is the statement of
 * `meterTotals` or `meterTotalsFromReadings`, and its rows carry the part's index.
 */
export async function meterTotalsOver(
  pool: pg.Pool,
  meterIds: readonly number[],
  parts: readonly TotalsPart[],
): Promise<(Omit<BucketRow, 'bucketMs' | 'flags'> & { part: number })[]> {
  if (parts.length === 0) return [];
  const params: unknown[] = [meterIds];
  const sql = parts
    .map((part, i) => {
      params.push(isoAt(part.fromMs), isoAt(part.toMs));
      const body = part.resolution === '15m' ? readingTotalsSql() : rollupTotalsSql(part.resolution);
      const numbered = body.replace(/\$2\b/g, `$${params.length - 1}`).replace(/\$3\b/g, `$${params.length}`);
      return `SELECT ${i} AS part, t.* FROM (${numbered}) t`;
    })
    .join('\nUNION ALL\n');
  const { rows } = await pool.query<Omit<BucketRow, 'bucketMs' | 'flags'> & { part: number }>(sql, params);
  return rows;
}

export interface RevisionView {
  atMs: number;
  value: number;
  batchId: number;
  supersededBy: number;
}

export async function revisionsOf(
  pool: pg.Pool,
  meterId: number,
  fromMs: number,
  toMs: number,
): Promise<RevisionView[]> {
  const { rows } = await pool.query<RevisionView>(
    `SELECT at AS "atMs", value, batch_id AS "batchId", superseded_by AS "supersededBy"
     FROM reading_revision WHERE meter_id = $1 AND at >= $2 AND at <= $3 ORDER BY at, id`,
    [meterId, isoAt(fromMs), isoAt(toMs)],
  );
  return rows;
}

export interface RejectedView {
  id: number;
  batchId: number;
  meterCode: string | null;
  line: number | null;
  field: string;
  reason: string;
  raw: string;
  receivedAtMs: number;
  source: string;
  fileName: string | null;
}

export async function rejectedRecords(
  pool: pg.Pool,
  parkId: string,
  meterCode: string | undefined,
  limit: number,
  onlyMeters?: readonly string[],
): Promise<{ total: number; rows: RejectedView[] }> {
  const where = `r.park_id = $1 AND ($2::text IS NULL OR r.meter_code = $2)
                 AND ($4::text[] IS NULL OR r.meter_code = ANY($4::text[]))`;
  const [{ rows }, count] = await Promise.all([
    pool.query<RejectedView>(
      `SELECT r.id, r.batch_id AS "batchId", r.meter_code AS "meterCode", r.line, r.field, r.reason, r.raw,
              r.received_at AS "receivedAtMs", b.source, b.file_name AS "fileName"
       FROM rejected_record r JOIN ingest_batch b ON b.id = r.batch_id
       WHERE ${where} ORDER BY r.id DESC LIMIT $3`,
      [parkId, meterCode ?? null, limit, onlyMeters ?? null],
    ),
    pool.query<{ n: number }>(
      `SELECT count(*)::int AS n FROM rejected_record r WHERE ${where.replaceAll('$4', '$3')}`,
      [parkId, meterCode ?? null, onlyMeters ?? null],
    ),
  ]);
  return { total: count.rows[0]?.n ?? 0, rows };
}

/** Rejected-record counts per meter code (null = records that named no known meter). */
export async function rejectedCountsByMeter(
  pool: pg.Pool,
  parkId: string,
): Promise<Map<string | null, number>> {
  const { rows } = await pool.query<{ meterCode: string | null; n: number }>(
    `SELECT meter_code AS "meterCode", count(*)::int AS n FROM rejected_record WHERE park_id = $1 GROUP BY 1`,
    [parkId],
  );
  return new Map(rows.map((r) => [r.meterCode, r.n]));
}

/** Start of the latest month that holds data for any of the park's meters. */
export async function latestRollupMonth(pool: pg.Pool, parkId: string): Promise<number | undefined> {
  const { rows } = await pool.query<{ atMs: number | null }>(
    `SELECT max(r.bucket_at) AS "atMs" FROM rollup_month r JOIN meter m ON m.id = r.meter_id WHERE m.park_id = $1`,
    [parkId],
  );
  return rows[0]?.atMs ?? undefined;
}

/** The first month bucket with data among these meters (park-local month start), or undefined. */
export async function firstDataMonth(
  pool: pg.Pool,
  meterIds: readonly number[],
): Promise<number | undefined> {
  const { rows } = await pool.query<{ atMs: number | null }>(
    'SELECT min(bucket_at) AS "atMs" FROM rollup_month WHERE meter_id = ANY($1::int[])',
    [meterIds],
  );
  return rows[0]?.atMs ?? undefined;
}
