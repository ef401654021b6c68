/**
 * The metered load profile on the small park, from the energy trend over the rollups. Readings (+08:00) are made so
 * that every expected number follows by hand: org-a's E-MAIN (cumulative, ×100) consumes q = 20 + h + 10·d kWh in
 * each quarter hour of local hour h on day d (d = 0 for 2025-01-01), i.e. an hourly mean of 4q kW. Its first reading
 * is at 01:00 on day 0 (hour 0 unknown), none between 10:00 and 12:00 on day 1 (the register bridges the gap:
 * estimated, coverage 0), and the last at 22:00 on day 2 (hours 22 and 23 unknown).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AppError } from '../src/lib/errors.ts';
import { FILL_RULE, meteredLoadProfile } from '../src/modules/microgrid/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import {
  ingestBatch,
  loadParkMeters,
  parsePeriod,
  type ReadingRecord,
} from '../src/modules/telemetry/index.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, smallPark, TZ } from './helpers/small-park.ts';

let db: TestDatabase;
const SLOT = 900_000;
const DAY0 = Date.parse('2025-01-01T00:00:00+08:00');
/** Energy of E-MAIN in the quarter hour starting at t, kWh. */
const q = (t: number) => {
  const minutes = (t - DAY0) / 60_000;
  const day = Math.floor(minutes / 1440);
  const hour = Math.floor((minutes % 1440) / 60);
  return 20 + hour + 10 * day;
};
const kw = (day: number, hour: number) => 4 * (20 + hour + 10 * day);
const iso = (t: number) => new Date(t).toISOString();
// Register differences × 100 carry rounding of the order of 1e-13 kWh: compare to 9 decimals.

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  const park = await loadParkMeters(db.pool, 'p1');
  const records: ReadingRecord[] = [];
  const first = DAY0 + 3_600_000; // day 0, 01:00
  const last = DAY0 + 2 * 86_400_000 + 22 * 3_600_000; // day 2, 22:00
  const gapFrom = DAY0 + 86_400_000 + 10 * 3_600_000; // day 1, 10:00
  const gapTo = gapFrom + 2 * 3_600_000;
  let register = 0;
  for (let t = first; t <= last; t += SLOT) {
    if (t > first) register += q(t - SLOT) / 100;
    if (t > gapFrom && t < gapTo) continue; // no readings at 10:15 … 11:45 on day 1
    records.push({ meter: 'E-MAIN', at: iso(t), value: register });
  }
  // org-b's PV-1 (power, kW): 40 kW from 01:00 on day 0 to 00:00 on day 1: 10 kWh in every quarter hour between.
  for (let t = first; t <= DAY0 + 86_400_000; t += SLOT)
    records.push({ meter: 'PV-1', at: iso(t), value: 40 });
  const res = await ingestBatch(db.pool, park, records, { source: 'test', nowMs: NOW });
  expect(res.rejected).toBe(0);
});
afterAll(async () => db?.close());

describe('meteredLoadProfile', () => {
  const days3 = () => parsePeriod('2025-01-01..2025-01-04', TZ);

  it('gives an organisation hourly kW, filling unusable hours from the nearest day, and says which', async () => {
    const r = await meteredLoadProfile(db.pool, 'p1', days3(), {
      organisation: 'org-a',
      stepMinutes: 60,
      nowMs: NOW,
    });
    const v = r.profile.valuesKw;
    expect(r.profile).toMatchObject({
      startMs: DAY0,
      stepMinutes: 60,
      perKw: false,
      source: 'metered:p1/org-a',
    });
    expect(v).toHaveLength(72);
    // Day 0, hour 0: nothing known, filled from day 1 hour 0 (the previous day is outside the period): 4 · 30 = 120.
    expect(v[0]).toBeCloseTo(kw(1, 0), 9);
    expect(v[1]).toBeCloseTo(kw(0, 1), 9); // 84 kW
    expect(v[23]).toBeCloseTo(kw(0, 23), 9);
    // Day 1, 10:00 and 11:00: only estimated energy (coverage 0 < 0.9): filled from day 0 — 120 and 124 kW.
    expect(v[34]).toBeCloseTo(kw(0, 10), 9);
    expect(v[35]).toBeCloseTo(kw(0, 11), 9);
    expect(v[36]).toBeCloseTo(kw(1, 12), 9);
    // Day 2, 22:00 and 23:00: nothing known, filled from day 1 — 208 and 212 kW.
    expect(v[70]).toBeCloseTo(kw(1, 22), 9);
    expect(v[71]).toBeCloseTo(kw(1, 23), 9);
    expect(r.filledSteps).toEqual([0, 34, 35, 70, 71]);
    expect(r.usableSteps).toBe(67);
    expect(r.coverage[34]).toBe(0);
    expect(r.coverage[1]).toBe(1);
    expect(r.meanCoverage).toBeCloseTo(67 / 72, 12);
    expect(r.fillRule).toBe(FILL_RULE);
  });

  it('keeps the register-bridged estimate when any known data is accepted (minCoverage 0)', async () => {
    const r = await meteredLoadProfile(db.pool, 'p1', days3(), {
      organisation: 'org-a',
      stepMinutes: 60,
      minCoverage: 0,
      nowMs: NOW,
    });
    // The bridged 2 hours hold 4 · (40 + 41) = 324 kWh spread evenly in time: 162 kWh in each hour → 162 kW.
    expect(r.profile.valuesKw[34]).toBeCloseTo(162, 9);
    expect(r.profile.valuesKw[35]).toBeCloseTo(162, 9);
    expect(r.filledSteps).toEqual([0, 70, 71]);
  });

  it('gives 15-minute kW equal to 4 × the quarter-hour kWh', async () => {
    const period = parsePeriod('2025-01-01T01:00+08:00..2025-01-02T01:00+08:00', TZ);
    const r = await meteredLoadProfile(db.pool, 'p1', period, {
      organisation: 'org-a',
      stepMinutes: 15,
      nowMs: NOW,
    });
    const v = r.profile.valuesKw;
    expect(v).toHaveLength(96);
    expect(r.filledSteps).toEqual([]);
    expect(v[0]).toBeCloseTo(4 * 21, 9); // 01:00–01:15 on day 0: q = 21 kWh
    expect(v[95]).toBeCloseTo(4 * 30, 9); // 00:45–01:00 on day 1: q = 30 kWh
    // Energy: Σ over hours 1…23 of day 0 of 4q + hour 0 of day 1: 4 · (Σ 21…43) + 4 · 30 = 4 · 736 + 120 = 3,064 kWh.
    expect(v.reduce((a, b) => a + b, 0) / 4).toBeCloseTo(3064, 9);
  });

  it('sums the park: E-MAIN plus PV-1 generation', async () => {
    const period = parsePeriod('2025-01-01T01:00+08:00..2025-01-02T00:00+08:00', TZ);
    const r = await meteredLoadProfile(db.pool, 'p1', period, { stepMinutes: 60, nowMs: NOW });
    expect(r.profile.source).toBe('metered:p1');
    // Hour 5: 4 · 25 = 100 kW from E-MAIN + 40 kW of own PV consumed = 140 kW.
    expect(r.profile.valuesKw[4]).toBeCloseTo(140, 9);
    r.profile.valuesKw.forEach((value, i) => expect(value).toBeCloseTo(kw(0, i + 1) + 40, 9));
    expect(r.coverage.every((c) => c === 1)).toBe(true);
  });

  it('fails naming the gap when the rule cannot fill it, never returning zeros', async () => {
    // Day 0 alone: hour 0 has no data and no other day in the period to take it from.
    try {
      await meteredLoadProfile(db.pool, 'p1', parsePeriod('2025-01-01', TZ), {
        organisation: 'org-a',
        stepMinutes: 15,
        nowMs: NOW,
      });
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(AppError);
      expect((e as AppError).code).toBe('BAD_INPUT');
      expect((e as AppError).issues).toEqual([
        {
          field: 'load',
          reason:
            'no usable data from 2025-01-01T00:00:00+08:00 to 2025-01-01T01:00:00+08:00 and none the same time ' +
            'within 7 days',
        },
      ]);
      expect((e as AppError).message).toContain('4 of 96 steps');
    }
  });

  it('reads a 15-minute load longer than one trend allows in pieces', async () => {
    // 40 days of quarter hours (the trend gives at most 31 days at 15 minutes): every step accounted for.
    await expect(
      meteredLoadProfile(db.pool, 'p1', parsePeriod('2025-01-01..2025-02-10', TZ), {
        organisation: 'org-a',
        stepMinutes: 15,
        nowMs: NOW,
      }),
    ).rejects.toThrow(/of 3840 steps have no usable data/);
  });

  it('refuses an unknown organisation', async () => {
    await expect(
      meteredLoadProfile(db.pool, 'p1', days3(), { organisation: 'nobody', stepMinutes: 60, nowMs: NOW }),
    ).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
