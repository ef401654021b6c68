/**
 * Properties of the pipeline over random data: out-of-order and batched arrival gives the same rollups as in-order
 * arrival, and energy is conserved from readings through slots, hours, days and months.
 */
import { fc, test } from '@fast-check/vitest';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { applyParkDefinition, type ParkDefinition } from '../src/modules/registry/index.ts';
import {
  ingestBatch,
  loadParkMeters,
  rebuildRollups,
  type ParkMeters,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const START = Date.parse('2025-03-30T20:00:00+08:00'); // crosses a day and a month boundary within 2 days
let db: TestDatabase;
let park: ParkMeters;

const meter = (id: string, readingKind: 'cumulative' | 'interval' | 'power', unit: string) => ({
  id,
  organisation: 'o',
  carrier: 'electricity' as const,
  role: 'consumption' as const,
  readingKind,
  unit,
  multiplier: 2,
  capacity: 400,
  rolloverAt: 100_000,
});

const def: ParkDefinition = {
  park: {
    id: 'prop',
    name: 'property park',
    province: 'yunnan',
    timezone: 'Asia/Shanghai',
    gridRegion: 'south',
    location: { latitude: 25, longitude: 102 },
  },
  organisations: [{ id: 'o', name: 'o' }],
  meters: ['A', 'B'].flatMap((x) => [
    meter(`C-${x}`, 'cumulative', 'kWh'),
    meter(`I-${x}`, 'interval', 'kWh'),
    meter(`P-${x}`, 'power', 'kW'),
  ]),
};

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, def);
  park = await loadParkMeters(db.pool, 'prop');
});
afterAll(async () => db?.close());

async function clear(): Promise<void> {
  for (const t of [
    'reading',
    'reading_split',
    'rollup_hour',
    'rollup_day',
    'rollup_month',
    'reading_revision',
  ]) {
    await db.pool.query(`DELETE FROM ${t}`);
  }
}

/** Random readings of one meter: slot steps with gaps, off-grid times, resets and spikes mixed in. */
const seriesArb = fc.array(
  fc.record({
    stepMinutes: fc.constantFrom(15, 15, 15, 30, 45, 105, 7, 20),
    increment: fc.double({ min: 0, max: 60, noNaN: true }),
    event: fc.constantFrom('none', 'none', 'none', 'none', 'none', 'reset', 'spike'),
  }),
  { minLength: 2, maxLength: 120 },
);

type Steps = typeof seriesArb extends fc.Arbitrary<infer T> ? T : never;

function toReadings(code: string, kind: 'cumulative' | 'interval' | 'power', steps: Steps) {
  const out: ReadingRecord[] = [];
  let t = START;
  let register = 99_000; // near the wrap at 100,000
  for (const s of steps) {
    t += s.stepMinutes * 60_000;
    let value: number;
    if (kind === 'cumulative') {
      register = s.event === 'reset' ? s.increment : register + (s.event === 'spike' ? 50_000 : s.increment);
      if (register >= 100_000) register -= 100_000;
      value = register;
    } else value = s.event === 'spike' ? 5_000 : s.increment;
    out.push({ meter: code, at: new Date(t).toISOString(), value: Math.round(value * 1000) / 1000 });
  }
  return out;
}

async function rollups(table: string, meterCode: string) {
  const id = park.byCode.get(meterCode)!.id;
  const { rows } = await db.pool.query<{
    bucket_at: number;
    measured: number;
    estimated: number;
    quarantined: number;
  }>(
    `SELECT bucket_at, measured, estimated, quarantined FROM ${table} WHERE meter_id = $1 ORDER BY bucket_at`,
    [id],
  );
  return rows.map((r) => [r.bucket_at, r.measured, r.estimated, r.quarantined]);
}

function expectSameRollups(actual: number[][], expected: number[][]): void {
  expect(actual.map((r) => r[0])).toEqual(expected.map((r) => r[0]));
  actual.forEach((row, i) => row.forEach((x, j) => expect(x).toBeCloseTo(expected[i]![j]!, 6)));
}

describe.each(['cumulative', 'interval', 'power'] as const)('%s meters', (kind) => {
  const prefix = kind === 'cumulative' ? 'C' : kind === 'interval' ? 'I' : 'P';

  test.prop([seriesArb, fc.integer({ min: 1, max: 6 }), fc.integer()], {
    numRuns: 12,
  })('shuffled batches give the same rollups as one in-order batch', async (steps, batches, seed) => {
    await clear();
    const inOrder = toReadings(`${prefix}-A`, kind, steps);
    await ingestBatch(db.pool, park, inOrder, { source: 'in-order', nowMs: NOW });
    // The same readings for meter B, shuffled deterministically by the seed and split into batches.
    const shuffled = toReadings(`${prefix}-B`, kind, steps)
      .map((rec, i) => ({ rec, key: Math.sin(seed + i * 7919) }))
      .sort((a, b) => a.key - b.key)
      .map((x) => x.rec);
    const size = Math.ceil(shuffled.length / batches);
    for (let i = 0; i < shuffled.length; i += size) {
      await ingestBatch(db.pool, park, shuffled.slice(i, i + size), { source: 'shuffled', nowMs: NOW });
    }
    const tables = ['rollup_hour', 'rollup_day', 'rollup_month'];
    const incremental = await Promise.all(tables.map((t) => rollups(t, `${prefix}-B`)));
    for (const [i, table] of tables.entries())
      expectSameRollups(incremental[i]!, await rollups(table, `${prefix}-A`));
    // Second method: rebuild B's rollups from its readings in SQL (the zone's calendar by date_trunc).
    await rebuildRollups(db.pool, 'prop', [`${prefix}-B`]);
    for (const [i, table] of tables.entries())
      expectSameRollups(incremental[i]!, await rollups(table, `${prefix}-B`));
  });

  test.prop([seriesArb], { numRuns: 12 })(
    'energy is conserved from readings through every rollup level',
    async (steps) => {
      await clear();
      await ingestBatch(db.pool, park, toReadings(`${prefix}-A`, kind, steps), { source: 'p', nowMs: NOW });
      const id = park.byCode.get(`${prefix}-A`)!.id;
      // Second method: the sum of the derived quantities straight from the reading rows.
      const { rows } = await db.pool.query<{ counted: number | null; quarantined: number | null }>(
        `SELECT sum(quantity) FILTER (WHERE flags & 16 = 0) AS counted, sum(quantity) FILTER (WHERE flags & 16 <> 0) AS quarantined
       FROM reading WHERE meter_id = $1`,
        [id],
      );
      const expectedCounted = rows[0]!.counted ?? 0;
      const expectedQuarantined = rows[0]!.quarantined ?? 0;
      for (const table of ['rollup_hour', 'rollup_day', 'rollup_month']) {
        const { rows: sums } = await db.pool.query<{ counted: number | null; quarantined: number | null }>(
          `SELECT sum(measured + estimated) AS counted, sum(quarantined) AS quarantined FROM ${table} WHERE meter_id = $1`,
          [id],
        );
        expect(sums[0]!.counted ?? 0).toBeCloseTo(expectedCounted, 6);
        expect(sums[0]!.quarantined ?? 0).toBeCloseTo(expectedQuarantined, 6);
      }
    },
  );
});
