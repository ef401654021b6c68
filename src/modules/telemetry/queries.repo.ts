/** SQL for reading series, energy totals and rejected records. */
import type pg from 'pg';
import { isoAt } from '../../db/copy.ts';
import type { Amounts } from './amounts.ts';
import { FLAG } from './derive.ts';
import { spanStartSql } from './readings.repo.ts';

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
  const status = `CASE WHEN r.flags & ${FLAG.SPIKE} <> 0 THEN 2 WHEN r.flags & ${FLAG.GAP_BRIDGED} <> 0 THEN 1 ELSE 0 END`;
  const { rows } = await pool.query<BucketRow>(
    `SELECT meter_id AS "meterId", slot_at AS "bucketMs",
            coalesce(sum(q) FILTER (WHERE st = 0), 0) AS measured, coalesce(sum(q) FILTER (WHERE st = 1), 0) AS estimated,
            coalesce(sum(q) FILTER (WHERE st = 2), 0) AS quarantined,
            coalesce(sum(n) FILTER (WHERE st = 0), 0) AS "measuredSlots",
            coalesce(sum(n) FILTER (WHERE st = 1), 0) AS "estimatedSlots",
            coalesce(sum(n) FILTER (WHERE st = 2), 0) AS "quarantinedSlots", bit_or(flags) AS flags
     FROM (
       SELECT r.meter_id, ${spanStartSql('r')} AS slot_at, r.quantity AS q, 1::real AS n, ${status} AS st, r.flags
       FROM reading r
       WHERE r.meter_id = ANY($1::int[]) AND r.at >= $2 AND r.at <= $3::timestamptz + interval '15 minutes'
         AND r.flags & ${FLAG.SPLIT} = 0 AND r.quantity IS NOT NULL AND ${spanStartSql('r')} >= $2 AND ${spanStartSql('r')} < $3
       UNION ALL
       SELECT s.meter_id, s.slot_at, s.quantity, s.slots, s.status, r.flags
       FROM reading_split s JOIN reading r ON r.meter_id = s.meter_id AND r.at = s.reading_at
       WHERE s.meter_id = ANY($1::int[]) AND s.slot_at >= $2 AND s.slot_at < $3
     ) c
     GROUP BY meter_id, slot_at
     ORDER BY meter_id, slot_at`,
    [meterIds, isoAt(fromMs), isoAt(toMs)],
  );
  return rows;
}

/** Per meter totals over [fromMs, toMs) from one rollup level (buckets must tile the period). */
export async function meterTotals(
  pool: pg.Pool,
  resolution: 'hour' | 'day' | 'month',
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<Omit<BucketRow, 'bucketMs' | 'flags'>[]> {
  const { rows } = await pool.query<Omit<BucketRow, 'bucketMs' | 'flags'>>(
    `SELECT meter_id AS "meterId", sum(measured) AS measured, sum(estimated) AS estimated,
            sum(quarantined) AS quarantined, sum(measured_slots) AS "measuredSlots",
            sum(estimated_slots) AS "estimatedSlots", sum(quarantined_slots) AS "quarantinedSlots"
     FROM ${ROLLUP_TABLE[resolution]}
     WHERE meter_id = ANY($1::int[]) AND bucket_at >= $2 AND bucket_at < $3
     GROUP BY meter_id`,
    [meterIds, isoAt(fromMs), isoAt(toMs)],
  );
  return rows;
}

/** Per meter totals computed from the readings and splits themselves (periods that rollups do not tile). */
export async function meterTotalsFromReadings(
  pool: pg.Pool,
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<Omit<BucketRow, 'bucketMs' | 'flags'>[]> {
  const { rows } = await pool.query<Omit<BucketRow, 'bucketMs' | 'flags'>>(
    `SELECT "meterId", sum(measured) AS measured, sum(estimated) AS estimated, sum(quarantined) AS quarantined,
            sum("measuredSlots") AS "measuredSlots", sum("estimatedSlots") AS "estimatedSlots",
            sum("quarantinedSlots") AS "quarantinedSlots"
     FROM (${SLOT_TOTALS_SQL}) t GROUP BY "meterId"`,
    [meterIds, isoAt(fromMs), isoAt(toMs)],
  );
  return rows;
}

const SLOT_TOTALS_SQL = `
  SELECT r.meter_id AS "meterId",
         coalesce(sum(r.quantity) FILTER (WHERE r.flags & ${FLAG.SPIKE | FLAG.GAP_BRIDGED} = 0), 0) AS measured,
         coalesce(sum(r.quantity) FILTER (WHERE r.flags & ${FLAG.SPIKE} = 0 AND r.flags & ${FLAG.GAP_BRIDGED} <> 0), 0) AS estimated,
         coalesce(sum(r.quantity) FILTER (WHERE r.flags & ${FLAG.SPIKE} <> 0), 0) AS quarantined,
         count(*) FILTER (WHERE r.flags & ${FLAG.SPIKE | FLAG.GAP_BRIDGED} = 0) AS "measuredSlots",
         count(*) FILTER (WHERE r.flags & ${FLAG.SPIKE} = 0 AND r.flags & ${FLAG.GAP_BRIDGED} <> 0) AS "estimatedSlots",
         count(*) FILTER (WHERE r.flags & ${FLAG.SPIKE} <> 0) AS "quarantinedSlots"
  FROM reading r
  WHERE r.meter_id = ANY($1::int[]) AND r.at >= $2 AND r.at <= $3::timestamptz + interval '15 minutes'
    AND r.flags & ${FLAG.SPLIT} = 0 AND r.quantity IS NOT NULL AND ${spanStartSql('r')} >= $2 AND ${spanStartSql('r')} < $3
  GROUP BY r.meter_id
  UNION ALL
  SELECT s.meter_id, coalesce(sum(s.quantity) FILTER (WHERE s.status = 0), 0),
         coalesce(sum(s.quantity) FILTER (WHERE s.status = 1), 0), coalesce(sum(s.quantity) FILTER (WHERE s.status = 2), 0),
         coalesce(sum(s.slots) FILTER (WHERE s.status = 0), 0), coalesce(sum(s.slots) FILTER (WHERE s.status = 1), 0),
         coalesce(sum(s.slots) FILTER (WHERE s.status = 2), 0)
  FROM reading_split s
  WHERE s.meter_id = ANY($1::int[]) AND s.slot_at >= $2 AND s.slot_at < $3
  GROUP BY s.meter_id`;

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
): Promise<{ total: number; rows: RejectedView[] }> {
  const where = `r.park_id = $1 AND ($2::text IS NULL OR r.meter_code = $2)`;
  const [{ rows }, count] = await Promise.all([
    pool.query<RejectedView>(
      `SELECT r.id, r.batch_id AS "batchId", r.meter_code AS "meterCode", r.line, r.field, r.reason, r.raw,
              r.received_at AS "receivedAtMs", b.source, b.file_name AS "fileName"
       FROM rejected_record r JOIN ingest_batch b ON b.id = r.batch_id
       WHERE ${where} ORDER BY r.id DESC LIMIT $3`,
      [parkId, meterCode ?? null, limit],
    ),
    pool.query<{ n: number }>(`SELECT count(*)::int AS n FROM rejected_record r WHERE ${where}`, [
      parkId,
      meterCode ?? null,
    ]),
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
