/** `lingtan demo`: the demo park applied and its readings ingested through the one pipeline, faults and all. */
import type pg from 'pg';
import { applyParkDefinition, findPark } from '../registry/index.ts';
import { ingestBatch, ingestStream, loadParkMeters, type ReadingRecord } from '../telemetry/index.ts';
import { createDemoPark, DEMO_PARK_ID } from './demo-park.ts';
import { demoDataPlan, generateDemoReadings } from './demo-readings.ts';
import { ensureDemoCarbon } from './demo-statistics.ts';

export interface BuildDemoOptions {
  days?: number;
  meterScale?: number;
  /** Delete the demo park and its data first. */
  force?: boolean;
  onProgress?: (share: number, label: string) => void;
  nowMs?: number;
}

export interface BuildDemoResult {
  parkId: string;
  built: boolean;
  meters: number;
  readings: number;
  inserted: number;
  unchanged: number;
  rejected: number;
  seconds: number;
  summary: string;
}

/** Records a misconfigured gateway sends: they must be rejected, kept, and shown with their reasons. */
const GATEWAY_GARBAGE: ReadingRecord[] = [
  {
    meter: 'ALU-EL-MAIN',
    at: '2025-01-03T08:15:00+08:00',
    value: 'ERR',
    raw: 'ALU-EL-MAIN,2025-01-03T08:15:00+08:00,ERR',
  },
  {
    meter: 'ALU-EL-MIAN',
    at: '2025-01-03T08:15:00+08:00',
    value: 1,
    raw: 'ALU-EL-MIAN,2025-01-03T08:15:00+08:00,1',
  },
  {
    meter: 'ALU-EL-MAIN',
    at: '2025-02-30T08:15:00+08:00',
    value: 1,
    raw: 'ALU-EL-MAIN,2025-02-30T08:15:00+08:00,1',
  },
  {
    meter: 'ALU-EL-MAIN',
    at: '2025-01-03T08:30:00+08:00',
    value: 5,
    unit: 'm3',
    raw: 'ALU-EL-MAIN,2025-01-03T08:30:00+08:00,5,m3',
  },
];

async function deletePark(pool: pg.Pool, parkId: string): Promise<void> {
  const ids = (
    await pool.query<{ id: number }>('SELECT id FROM meter WHERE park_id = $1', [parkId])
  ).rows.map((r) => r.id);
  for (const table of [
    'reading',
    'reading_split',
    'reading_revision',
    'rollup_hour',
    'rollup_day',
    'rollup_month',
  ]) {
    await pool.query(`DELETE FROM ${table} WHERE meter_id = ANY($1::int[])`, [ids]);
  }
  await pool.query('DELETE FROM park WHERE id = $1', [parkId]);
}

/** Builds the demo park (unless it already has data and `force` is not set). */
export async function buildDemo(pool: pg.Pool, options: BuildDemoOptions = {}): Promise<BuildDemoResult> {
  const started = Date.now();
  const days = options.days ?? 365;
  const park = createDemoPark(options.meterScale === undefined ? {} : { meterScale: options.meterScale });
  const existing = await findPark(pool, DEMO_PARK_ID);
  if (existing && !options.force) {
    const { rows } = await pool.query<{ n: number }>(
      'SELECT count(*)::int AS n FROM meter m WHERE m.park_id = $1 AND EXISTS (SELECT 1 FROM rollup_month r WHERE r.meter_id = m.id)',
      [DEMO_PARK_ID],
    );
    if ((rows[0]?.n ?? 0) > 0) {
      await ensureDemoCarbon(pool, DEMO_PARK_ID);
      return {
        parkId: DEMO_PARK_ID,
        built: false,
        meters: park.meters.length,
        readings: 0,
        inserted: 0,
        unchanged: 0,
        rejected: 0,
        seconds: 0,
        summary: `the demo park "${DEMO_PARK_ID}" already has data (lingtan demo --force rebuilds it)`,
      };
    }
  }
  if (existing) await deletePark(pool, DEMO_PARK_ID);
  await applyParkDefinition(pool, park);
  const meters = await loadParkMeters(pool, DEMO_PARK_ID);
  const plan = demoDataPlan(park, { days });
  const expected = park.meters.length * days * 96;
  const totals = { readings: 0, inserted: 0, unchanged: 0, rejected: 0 };
  const ingestOptions = { source: 'demo', ...(options.nowMs === undefined ? {} : { nowMs: options.nowMs }) };
  // The next chunk is generated and validated while the previous one commits.
  await ingestStream(pool, meters, generateDemoReadings(park, { days }), {
    ...ingestOptions,
    onBatch: (r) => {
      totals.readings += r.received;
      totals.inserted += r.inserted;
      totals.unchanged += r.unchanged;
      totals.rejected += r.rejected;
      options.onProgress?.(
        Math.min(1, totals.readings / expected),
        `${totals.readings.toLocaleString('en-US')} readings`,
      );
    },
  });
  const garbage = await ingestBatch(pool, meters, GATEWAY_GARBAGE, {
    ...ingestOptions,
    source: 'demo-gateway',
  });
  totals.rejected += garbage.rejected;
  const stats = await ensureDemoCarbon(pool, DEMO_PARK_ID);
  const seconds = (Date.now() - started) / 1000;
  const faults = plan.faults.map((f) => `  - ${f.kind} on ${f.meter}: ${f.description}`).join('\n');
  return {
    parkId: DEMO_PARK_ID,
    built: true,
    meters: park.meters.length,
    ...totals,
    seconds,
    summary:
      `demo park "${DEMO_PARK_ID}" (${park.park.name}): ${park.organisations.length} organisations, ${park.meters.length} meters, ` +
      `${days} days; ${totals.readings.toLocaleString('en-US')} readings in ${seconds.toFixed(0)} s ` +
      `(${totals.inserted.toLocaleString('en-US')} stored, ${totals.unchanged} duplicates, ${totals.rejected} rejected)\n` +
      `statistical inputs for the accounts: ${stats ? `${stats.inserted} values` : 'already there'}\n` +
      `deliberate faults the pipeline handled:\n${faults}`,
  };
}
