/** SQL aggregates over readings and rollups for the modules built on telemetry: totals, grouped bucket sums, last readings, silent meters. */
import type pg from 'pg';
import { isoAt } from '../../db/copy.ts';
import type { Amounts } from './amounts.ts';
import { meterTotals, meterTotalsFromReadings, type Resolution } from './queries.repo.ts';
import { slotContributionsSql } from './readings.repo.ts';

const ROLLUP_TABLE = { hour: 'rollup_hour', day: 'rollup_day', month: 'rollup_month' } as const;

/** One meter's amounts over a period. */
export interface MeterAmounts extends Amounts {
  meterId: number;
}

/**
 * Per meter totals over [fromMs, toMs): from the rollup level `resolution` (its buckets must tile the period, see
 * `tilingResolution`), or from the readings themselves at '15m'. One query for all meters.
 */
export async function meterAmounts(
  pool: pg.Pool,
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
  resolution: Resolution,
): Promise<MeterAmounts[]> {
  if (meterIds.length === 0) return [];
  return resolution === '15m'
    ? meterTotalsFromReadings(pool, meterIds, fromMs, toMs)
    : meterTotals(pool, resolution, meterIds, fromMs, toMs);
}

/** Meters summed into numbered groups, each with a sign (+1 adds the meter, −1 subtracts it). */
export interface GroupMembers {
  meterIds: readonly number[];
  signs: readonly number[];
  groups: readonly number[];
}

/** One bucket of one group: the signed sum of measured + estimated quantities, and slot counts (unsigned). */
export interface GroupBucketRow {
  group: number;
  bucketMs: number;
  /** Σ sign × (measured + estimated); quarantined spikes are never counted. */
  net: number;
  measuredSlots: number;
  /** Measured + estimated slots: zero means nothing is known about the bucket. */
  knownSlots: number;
}

/**
 * Signed sums per group and bucket over buckets starting in [fromMs, toMs): from a rollup level, or from the
 * 15-minute slot contributions of readings and splits at '15m'. One query, grouped in SQL; rows in no order (a sort
 * of a year of hours spills to disk, and callers index the rows anyway).
 */
export async function groupBucketSums(
  pool: pg.Pool,
  resolution: Resolution,
  members: GroupMembers,
  fromMs: number,
  toMs: number,
): Promise<GroupBucketRow[]> {
  if (members.meterIds.length === 0) return [];
  const params = [members.meterIds, isoAt(fromMs), isoAt(toMs), members.signs, members.groups];
  const memberTable = `unnest($1::int[], $4::float8[], $5::int[]) AS s(meter_id, sign, grp)`;
  const sql =
    resolution === '15m'
      ? `SELECT s.grp AS "group", c.slot_at AS "bucketMs",
                coalesce(sum(s.sign * c.q) FILTER (WHERE c.st < 2), 0) AS net,
                coalesce(sum(c.n) FILTER (WHERE c.st = 0), 0) AS "measuredSlots",
                coalesce(sum(c.n) FILTER (WHERE c.st < 2), 0) AS "knownSlots"
         FROM (${slotContributionsSql(true)}) c JOIN ${memberTable} ON s.meter_id = c.meter_id
         GROUP BY 1, 2`
      : `SELECT s.grp AS "group", r.bucket_at AS "bucketMs", sum(s.sign * (r.measured + r.estimated)) AS net,
                sum(r.measured_slots)::float8 AS "measuredSlots",
                sum(r.measured_slots + r.estimated_slots)::float8 AS "knownSlots"
         FROM ${memberTable} JOIN ${ROLLUP_TABLE[resolution]} r ON r.meter_id = s.meter_id
         WHERE r.meter_id = ANY($1::int[]) AND r.bucket_at >= $2 AND r.bucket_at < $3
         GROUP BY 1, 2`;
  const { rows } = await pool.query<GroupBucketRow>(sql, params);
  return rows;
}

/**
 * The time of each meter's last reading at or before `atMs` (meters with none are absent): `meter_latest` when that is
 * at or before `atMs` (always, for the default `atMs` = Infinity), else one probe of the meter's readings.
 */
export async function lastReadingAt(
  pool: pg.Pool,
  meterIds: readonly number[],
  atMs = Infinity,
): Promise<Map<number, number>> {
  if (meterIds.length === 0) return new Map();
  const { rows } =
    atMs === Infinity
      ? await pool.query<{ meterId: number; atMs: number }>(
          `SELECT meter_id AS "meterId", last_at AS "atMs" FROM meter_latest WHERE meter_id = ANY($1::int[])`,
          [meterIds],
        )
      : await pool.query<{ meterId: number; atMs: number | null }>(
          `SELECT l.meter_id AS "meterId",
                  CASE WHEN l.last_at <= $2 THEN l.last_at
                       ELSE (SELECT max(r.at) FROM reading r WHERE r.meter_id = l.meter_id AND r.at <= $2) END AS "atMs"
           FROM meter_latest l WHERE l.meter_id = ANY($1::int[])`,
          [meterIds, isoAt(atMs)],
        );
  const out = new Map<number, number>();
  for (const r of rows) if (r.atMs !== null) out.set(r.meterId, r.atMs);
  return out;
}

/** The latest reading time of any of these meters, or undefined when none has a reading. */
export async function latestReadingAt(
  pool: pg.Pool,
  meterIds: readonly number[],
): Promise<number | undefined> {
  const { rows } = await pool.query<{ atMs: number | null }>(
    'SELECT max(last_at) AS "atMs" FROM meter_latest WHERE meter_id = ANY($1::int[])',
    [meterIds],
  );
  return rows[0]?.atMs ?? undefined;
}

/**
 * The meters with no reading in (atMs − silentAfterMs, atMs], each with its last reading at or before `atMs` (null
 * when it has none): one query. A meter whose latest reading is at or before `atMs` is answered from `meter_latest`;
 * one with later readings by a probe of the window alone (one or two partitions), and — only when it is silent — one
 * more for its last reading before `atMs`.
 */
export async function silentMeters(
  pool: pg.Pool,
  meterIds: readonly number[],
  atMs: number,
  silentAfterMs: number,
): Promise<Map<number, number | null>> {
  if (meterIds.length === 0) return new Map();
  const { rows } = await pool.query<{ meterId: number; lastMs: number | null }>(
    `SELECT m.id AS "meterId",
            CASE WHEN l.last_at IS NULL OR l.last_at <= $2 THEN l.last_at
                 ELSE (SELECT max(r.at) FROM reading r WHERE r.meter_id = m.id AND r.at <= $2) END AS "lastMs"
     FROM unnest($1::int[]) AS m(id)
     LEFT JOIN meter_latest l ON l.meter_id = m.id
     WHERE l.last_at IS NULL
        OR l.last_at <= $3
        OR (l.last_at > $2
            AND NOT EXISTS (SELECT 1 FROM reading r WHERE r.meter_id = m.id AND r.at > $3 AND r.at <= $2))`,
    [meterIds, isoAt(atMs), isoAt(atMs - silentAfterMs)],
  );
  return new Map(rows.map((r) => [r.meterId, r.lastMs]));
}

/**
 * A change stamp per month over months starting in [fromMs, toMs): the count of these meters' `rollup_month` rows
 * and the sum of their row versions (`xmin`, the id of the transaction that last wrote each row; every commit that
 * changes a month rewrites its rows). Equal stamps mean the month's data did not change in between, so a cache of
 * per-month results recomputes only the months whose stamp moved. Months without rows are absent.
 */
export async function monthStamps(
  pool: pg.Pool,
  meterIds: readonly number[],
  fromMs: number,
  toMs: number,
): Promise<Map<number, string>> {
  const out = new Map<number, string>();
  if (meterIds.length === 0) return out;
  const { rows } = await pool.query<{ bucketMs: number; stamp: string }>(
    `SELECT bucket_at AS "bucketMs", count(*) || ':' || sum(xmin::text::bigint) AS stamp
     FROM rollup_month WHERE meter_id = ANY($1::int[]) AND bucket_at >= $2 AND bucket_at < $3
     GROUP BY bucket_at`,
    [meterIds, isoAt(fromMs), isoAt(toMs)],
  );
  for (const r of rows) out.set(r.bucketMs, r.stamp);
  return out;
}
