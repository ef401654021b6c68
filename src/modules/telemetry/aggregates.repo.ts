/** SQL aggregates over readings and rollups for the modules built on telemetry: totals, grouped bucket sums, last readings. */
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

/** The time of each meter's last reading at or before `atMs` (meters with none are absent). */
export async function lastReadingAt(
  pool: pg.Pool,
  meterIds: readonly number[],
  atMs: number,
): Promise<Map<number, number>> {
  if (meterIds.length === 0) return new Map();
  const { rows } = await pool.query<{ meterId: number; atMs: number }>(
    `SELECT m.id AS "meterId", r.at AS "atMs"
     FROM unnest($1::int[]) AS m(id)
     CROSS JOIN LATERAL (SELECT at FROM reading WHERE meter_id = m.id AND at <= $2 ORDER BY at DESC LIMIT 1) r`,
    [meterIds, isoAt(atMs)],
  );
  return new Map(rows.map((r) => [r.meterId, r.atMs]));
}
