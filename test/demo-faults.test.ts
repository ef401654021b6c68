/**
 * The demo park's deliberate faults, end to end: eight days built through the one pipeline, then every fault of the
 * demo plan checked through the query API against the plan's expected numbers. Those numbers come from the faulted
 * meters' fixed schedules (src/modules/demo/demo-faults.ts); the comments redo the arithmetic by hand. Each faulted
 * meter draws a day rate for intervals inside 08:00–20:00 (+08:00) and a night rate otherwise, so a day is 12 h of
 * each: day energy = 12 × (day kW + night kW).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildDemo,
  createDemoPark,
  DEMO_PARK_ID,
  demoDataPlan,
  FAULT_METERS,
  type BuildDemoResult,
  type DemoFault,
} from '../src/modules/demo/index.ts';
import { listMeters } from '../src/modules/registry/index.ts';
import {
  meterSeries,
  parsePeriod,
  rebuildRollups,
  rejectedRecords,
  subMeterBalance,
  type Resolution,
} from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';

const NOW = Date.parse('2026-01-01T00:00:00Z');
const TZ = 'Asia/Shanghai';
const DAYS = 8;
const SLOT_MS = 15 * 60_000;
const plan = demoDataPlan(createDemoPark(), { days: DAYS });
let db: TestDatabase;
let built: BuildDemoResult;

const local = (ms: number) => new Date(ms + 8 * 3_600_000).toISOString().slice(0, 16);
const ms = (iso: string) => Date.parse(iso);
const num = (f: DemoFault, key: string): number => {
  const value = f.expected[key];
  if (typeof value !== 'number') throw new Error(`${f.kind} on ${f.meter}: no number ${key}`);
  return value;
};
const text = (f: DemoFault, key: string): string => String(f.expected[key]);

async function series(meter: string, period: string, resolution: Resolution) {
  return meterSeries(db.pool, DEMO_PARK_ID, meter, parsePeriod(period, TZ), resolution, NOW);
}
const sum = (xs: readonly (number | null)[]) => xs.reduce<number>((a, x) => a + (x ?? 0), 0);

beforeAll(async () => {
  db = await createTestDatabase();
  built = await buildDemo(db.pool, { days: DAYS, nowMs: NOW });
});
afterAll(async () => db?.close());

describe('the demo plan', () => {
  it('has the eight faults of the README, and the build reports what the pipeline made of them', () => {
    expect(plan.faults.map((f) => [f.kind, f.meter])).toEqual([
      ['rollover', FAULT_METERS.rollover],
      ['gap', FAULT_METERS.gap],
      ['gap', FAULT_METERS.powerGap],
      ['counter_reset', FAULT_METERS.counterReset],
      ['meter_replacement', FAULT_METERS.replacement],
      ['spike', FAULT_METERS.spike],
      ['duplicates', FAULT_METERS.duplicates],
      ['late_data', FAULT_METERS.lateData],
    ]);
    // The 8 duplicated readings are the only unchanged ones; the 4 gateway records the only rejected ones.
    expect(built).toMatchObject({ built: true, unchanged: 8, rejected: 4 });
  });
});

/** One check per fault of the plan, keyed by kind and meter. */
const checks: Record<string, (f: DemoFault) => Promise<void>> = {
  [`rollover:${FAULT_METERS.rollover}`]: async (f) => {
    // 600 kW flat = 150 kWh = 3.75 raw per interval at CT 40. 999,503 + 132 intervals × 3.75 = 999,998 at 09:00;
    // + 3.75 passes 1,000,000 and shows 1.75. Interval: (1.75 + 1,000,000 − 999,998) × 40 = 150 kWh.
    expect([num(f, 'registerBeforeRaw'), num(f, 'registerAfterRaw'), num(f, 'intervalEnergyKwh')]).toEqual([
      999_998, 1.75, 150,
    ]);
    const s = await series(f.meter, `${f.from}..${f.to}`, '15m');
    expect(s.points).toHaveLength(1);
    expect(s.points[0]).toMatchObject({ quantity: num(f, 'intervalEnergyKwh'), status: 'measured' });
    expect(s.points[0]!.flags).toContain('rollover');
    // The hour holds four flat intervals: 4 × 150 = 600 kWh.
    const hour = await series(f.meter, '2025-01-02T09:00+08:00..2025-01-02T10:00+08:00', 'hour');
    expect(hour.points[0]!.quantity).toBeCloseTo(600, 6);
  },

  [`gap:${FAULT_METERS.gap}`]: async (f) => {
    // 160 kW by night = 40 kWh = 2 raw per interval at CT 20. Readings 02:00…07:45 (24) are missing; the 08:00
    // reading bridges 01:45 → 08:00 (25 intervals, all night): 25,494 → 25,544 = 50 raw = 1,000 kWh = 25 × 40.
    expect([num(f, 'missingSlots'), num(f, 'bridgedIntervals'), num(f, 'bridgedEnergyKwh')]).toEqual([
      24, 25, 1000,
    ]);
    const bridged = await series(
      f.meter,
      `${text(f, 'lastReadingBeforeAt')}..${text(f, 'firstReadingAfterAt')}`,
      '15m',
    );
    expect(bridged.points).toHaveLength(num(f, 'bridgedIntervals'));
    for (const p of bridged.points) {
      expect(p, local(p.startMs)).toMatchObject({ status: 'estimated', measured: 0 });
      expect(p.quantity!).toBeCloseTo(1000 / 25, 6);
      expect(p.flags).toContain('gap_bridged');
    }
    expect(bridged.totals.estimated).toBeCloseTo(num(f, 'bridgedEnergyKwh'), 6);
    // The missing slots themselves: [02:00, 07:45 + 15 min), every one shown as an estimate.
    const missing = await series(
      f.meter,
      `${text(f, 'firstMissingAt')}..${new Date(ms(text(f, 'lastMissingAt')) + SLOT_MS).toISOString()}`,
      '15m',
    );
    expect(missing.points).toHaveLength(num(f, 'missingSlots'));
    expect(missing.points.every((p) => p.status === 'estimated' && p.quantity !== null)).toBe(true);
    // Hour 01:00: three measured slots (01:00–01:45) and one estimated, 4 × 40 = 160 kWh.
    const hours = await series(f.meter, '2025-01-03', 'hour');
    expect(hours.points[1]).toMatchObject({ status: 'partial', coverage: 0.75 });
    expect(hours.points[1]!.quantity!).toBeCloseTo(160, 6);
    expect(hours.points[1]!.estimated).toBeCloseTo(40, 6);
    // The bridged total is exact, so the day is the schedule's: 12 × (240 + 160) = 4,800 kWh, of it 1,000 estimated.
    const day = await series(f.meter, '2025-01-03', 'day');
    expect(day.points[0]!.quantity!).toBeCloseTo(4800, 6);
    expect(day.points[0]!.estimated).toBeCloseTo(1000, 6);
  },

  [`gap:${FAULT_METERS.powerGap}`]: async (f) => {
    // Samples at 14:00…15:45 (8) are missing: no energy can be known for [13:45, 16:00) — the 16:00 sample follows
    // the one at 13:45, 2 h 15 min apart, longer than the 15-minute interval; [13:45, 14:00) needs the 14:00 sample.
    expect([num(f, 'missingReadings'), num(f, 'missingSlots')]).toEqual([8, 9]);
    const gapEnd = new Date(ms(text(f, 'lastMissingAt')) + SLOT_MS).toISOString();
    const gap = await series(f.meter, `${text(f, 'firstMissingAt')}..${gapEnd}`, '15m');
    expect(gap.points).toHaveLength(num(f, 'missingSlots'));
    for (const p of gap.points)
      expect(p, local(p.startMs)).toMatchObject({ quantity: null, status: 'missing' });
    // By the trapezoid rule the slot [13:45, 14:00) needs the 14:00 sample too, so it is missing as well; the slots
    // on either side of that are measured.
    const around = await series(f.meter, '2025-01-04T13:30+08:00..2025-01-04T16:15+08:00', '15m');
    expect(around.points.map((p) => p.quantity === null)).toEqual([
      false, // 13:30
      true, // 13:45
      ...Array<boolean>(8).fill(true), // 14:00 … 15:45
      false, // 16:00
    ]);
    const hours = await series(f.meter, '2025-01-04', 'hour');
    expect(hours.points[14]).toMatchObject({ quantity: null, status: 'missing' });
    expect(hours.points[15]).toMatchObject({ quantity: null, status: 'missing' });
    expect(hours.points[13]).toMatchObject({ status: 'partial', coverage: 0.75 });
  },

  [`counter_reset:${FAULT_METERS.counterReset}`]: async (f) => {
    // 400 kW by day = 100 kWh = 2.5 raw at CT 40. Register 48,684 at 14:00, reset to 0, 2.5 at 14:15: Δ = 2.5 × 40.
    expect([num(f, 'registerBeforeRaw'), num(f, 'registerAfterRaw'), num(f, 'deltaAfterResetKwh')]).toEqual([
      48_684, 2.5, 100,
    ]);
    const s = await series(f.meter, `${f.from}..${f.to}`, '15m');
    expect(s.points[0]).toMatchObject({ quantity: num(f, 'deltaAfterResetKwh'), status: 'measured' });
    expect(s.points[0]!.flags).toContain('reset');
    // Nothing lost or invented: the day is the schedule's, 12 × (400 + 240) = 7,680 kWh, all measured.
    const day = await series(f.meter, '2025-01-04', 'day');
    expect(day.points[0]!.quantity!).toBeCloseTo(7680, 6);
    expect(day.points[0]).toMatchObject({ estimated: 0, quarantined: 0 });
  },

  [`meter_replacement:${FAULT_METERS.replacement}`]: async (f) => {
    // 480 kW by day = 3 raw per interval at CT 40 (0.2 raw a minute). 74,258 at 10:00; the old meter reads 74,259 at
    // the 10:05 swap; the new one starts at 0 and reads 2 at 10:15: (74,259 − 74,258 + 2 − 0) × 40 = 120 kWh.
    expect(num(f, 'intervalEnergyKwh')).toBe(120);
    const s = await series(f.meter, `${f.from}..${f.to}`, '15m');
    expect(s.points[0]).toMatchObject({ quantity: num(f, 'intervalEnergyKwh'), status: 'measured' });
    expect(s.points[0]!.flags).toContain('replacement');
    // The day is the schedule's: 12 × (480 + 320) = 9,600 kWh.
    const day = await series(f.meter, '2025-01-05', 'day');
    expect(day.points[0]!.quantity!).toBeCloseTo(9600, 6);
  },

  [`spike:${FAULT_METERS.spike}`]: async (f) => {
    // 320 kW by day = 80 kWh = 4 raw per interval at CT 20. The register jumps 50 × 4 = 200 raw = 4,000 kWh in the
    // interval ending 15:00 (16,000 kW against a 500 kW meter): all of it quarantined, then +4 raw again.
    expect([num(f, 'quarantinedDeltaKwh'), num(f, 'normalDeltaKwh')]).toEqual([4000, 80]);
    const s = await series(f.meter, `${f.from}..${f.to}`, '15m');
    expect(s.points[0]).toMatchObject({
      quantity: null,
      quarantined: num(f, 'quarantinedDeltaKwh'),
      status: 'quarantined',
    });
    expect(s.points[0]!.flags).toContain('spike');
    const next = await series(f.meter, `${f.to}..${new Date(ms(f.to!) + SLOT_MS).toISOString()}`, '15m');
    expect(next.points[0]).toMatchObject({ quantity: num(f, 'normalDeltaKwh'), status: 'measured' });
    // The day: 12 × (320 + 160) = 5,760 kWh scheduled, less the 80 kWh of the quarantined interval = 5,680.
    const day = await series(f.meter, '2025-01-06', 'day');
    expect(day.points[0]!.quantity!).toBeCloseTo(5680, 6);
    expect(day.points[0]!.quarantined).toBeCloseTo(4000, 6);
  },

  [`duplicates:${FAULT_METERS.duplicates}`]: async (f) => {
    // 200 kW by day = 50 kWh per interval. The 8 readings at 09:00…10:45 came twice: counted unchanged (see the
    // build's `unchanged: 8`), stored once, no energy doubled and nothing marked revised.
    expect(num(f, 'duplicateReadings')).toBe(8);
    expect(built.unchanged).toBe(num(f, 'duplicateReadings'));
    const s = await series(f.meter, `${f.from}..${f.to}`, '15m');
    expect(s.points).toHaveLength(8);
    for (const p of s.points) {
      expect(p.quantity!, local(p.startMs)).toBeCloseTo(50, 6);
      expect(p.flags).not.toContain('revised');
    }
    expect(s.revisions).toEqual([]);
    // Between the first and last duplicated readings: 7 intervals × 50 = 350 kWh.
    expect(num(f, 'windowEnergyKwh')).toBe(350);
    expect(sum(s.points.slice(0, 7).map((p) => p.quantity))).toBeCloseTo(num(f, 'windowEnergyKwh'), 6);
    const hours = await series(f.meter, '2025-01-06', 'hour');
    expect(hours.points[9]!.quantity!).toBeCloseTo(200, 6);
    expect(hours.points[10]!.quantity!).toBeCloseTo(200, 6);
    // The day: 12 × (200 + 60) = 3,120 kWh.
    const day = await series(f.meter, '2025-01-06', 'day');
    expect(day.points[0]!.quantity!).toBeCloseTo(3120, 6);
  },

  [`late_data:${FAULT_METERS.lateData}`]: async (f) => {
    // 640 / 160 kW: 12 × (640 + 160) = 9,600 kWh a day, the same schedule every day. The late day's hours must come
    // out as those of the day before: 160 kWh an hour by night, 640 by day.
    expect(num(f, 'dayEnergyKwh')).toBe(9600);
    const late = await series(f.meter, '2025-01-07', 'hour');
    const before = await series(f.meter, '2025-01-06', 'hour');
    expect(late.points).toHaveLength(24);
    late.points.forEach((p, h) => {
      expect(p.quantity!, `hour ${h}`).toBeCloseTo(before.points[h]!.quantity!, 6);
      expect(p.quantity!, `hour ${h}`).toBeCloseTo(h >= 8 && h < 20 ? 640 : 160, 6);
      expect(p, `hour ${h}`).toMatchObject({ status: 'measured', estimated: 0, coverage: 1 });
    });
    const day = await series(f.meter, '2025-01-07', 'day');
    expect(day.points[0]!.quantity!).toBeCloseTo(num(f, 'dayEnergyKwh'), 6);
    // The on-time reading at 00:00 on the 8th first bridged the whole day; once the late day arrived nothing of
    // that estimate is left.
    const week = await series(f.meter, '2025-01-01..2025-01-09', 'day');
    expect(week.totals.estimated).toBeCloseTo(0, 6);
  },
};

describe('every fault of the plan, through the query API', () => {
  it.for(plan.faults)('$kind on $meter', async (f) => {
    const check = checks[`${f.kind}:${f.meter}`];
    expect(check, `no check for ${f.kind} on ${f.meter}`).toBeDefined();
    await check!(f);
  });
});

describe('around the faults', () => {
  it('keeps the four garbage gateway records, each with its reason', async () => {
    const stored = await rejectedRecords(db.pool, DEMO_PARK_ID, undefined, 100);
    expect(stored.total).toBe(4);
    const byField = new Map(stored.rows.map((r) => [r.field, r]));
    expect([...byField.keys()].sort()).toEqual(['at', 'meter', 'unit', 'value']);
    expect(byField.get('value')!.reason).toMatch(/"ERR" is not a number/);
    expect(byField.get('meter')).toMatchObject({ meterCode: 'ALU-EL-MIAN' });
    expect(byField.get('meter')!.reason).toMatch(/unknown meter "ALU-EL-MIAN"/);
    expect(byField.get('at')!.reason).toMatch(/no day 30/);
    expect(byField.get('unit')!.reason).toMatch(/"m3"/);
    expect(stored.rows.every((r) => r.source === 'demo-gateway' && r.raw.startsWith('ALU-EL-'))).toBe(true);
  });

  it('never has sub-meters adding up to more than their parent, per day and over the eight days', async () => {
    // Parents read their children's sum plus 4–13 % unmetered, rounded up; faults only take energy from children.
    const periods = ['2025-01-01..2025-01-09'];
    for (let d = 1; d <= DAYS; d++) periods.push(`2025-01-0${d}`);
    let parents = 0;
    for (const period of periods) {
      const balances = await subMeterBalance(db.pool, DEMO_PARK_ID, parsePeriod(period, TZ), undefined, NOW);
      expect(balances.length).toBeGreaterThan(0);
      for (const b of balances) {
        expect(b.unmetered, `${b.parent} ${period}`).toBeGreaterThanOrEqual(0);
        expect(b.parentQuantity, `${b.parent} ${period}`).toBeGreaterThan(0);
      }
      parents = balances.length;
    }
    const meters = await listMeters(db.pool, DEMO_PARK_ID);
    expect(parents).toBe(new Set(meters.map((m) => m.spec.parent).filter(Boolean)).size);
  });

  it('has rollups on the faulted meters equal to rebuilding them from the readings', async () => {
    const codes = Object.values(FAULT_METERS);
    const meters = await listMeters(db.pool, DEMO_PARK_ID);
    const ids = codes.map((c) => meters.find((m) => m.code === c)!.id);
    const snapshot = async () => {
      const out: Record<string, Record<string, number>[]> = {};
      for (const level of ['hour', 'day', 'month']) {
        const { rows } = await db.pool.query<Record<string, number>>(
          `SELECT meter_id, bucket_at, measured, estimated, quarantined, measured_slots, estimated_slots,
                  quarantined_slots
           FROM rollup_${level} WHERE meter_id = ANY($1::int[]) ORDER BY meter_id, bucket_at`,
          [ids],
        );
        out[level] = rows;
      }
      return out;
    };
    const incremental = await snapshot();
    expect(await rebuildRollups(db.pool, DEMO_PARK_ID, codes)).toBe(codes.length);
    const rebuilt = await snapshot();
    for (const level of ['hour', 'day', 'month']) {
      const a = incremental[level]!;
      const b = rebuilt[level]!;
      expect(
        a.map((r) => [r.meter_id, r.bucket_at]),
        level,
      ).toEqual(b.map((r) => [r.meter_id, r.bucket_at]));
      a.forEach((row, i) => {
        for (const [key, value] of Object.entries(row)) {
          expect(value, `${level} ${row.meter_id} ${local(row.bucket_at!)} ${key}`).toBeCloseTo(
            b[i]![key]!,
            6,
          );
        }
      });
    }
    // Eight days of hours for each of the eight meters (the power meter's two missing hours have no row).
    expect(incremental.hour!.length).toBe(codes.length * DAYS * 24 - 2);
  });
});
