import { describe, expect, it } from 'vitest';
import type { Meter } from '../registry/index.ts';
import { FLAG, deriveSeries } from '../telemetry/index.ts';
import { FAULT_METERS } from './demo-faults.ts';
import { createDemoPark } from './demo-park.ts';
import { DEMO_CHUNK_SIZE, demoDataPlan, generateDemoReadings, type DemoReading } from './demo-readings.ts';

const DEMO_START = '2025-01-01T00:00:00+08:00';
const park = createDemoPark();
const meters = new Map(park.meters.map((m) => [m.id, m]));
const chunks = [...generateDemoReadings(park, { days: 7 })];
const lateChunk = chunks[chunks.length - 1] ?? [];
const regular = chunks.slice(0, -1).flat();
const all = chunks.flat();
const ms = (iso: string) => Date.parse(iso);
const mult = (id: string) => meters.get(id)?.multiplier ?? 1;

/** Values by meter and instant (a list, so duplicates show). */
const values = new Map<string, Map<number, number[]>>();
for (const r of all) {
  let byAt = values.get(r.meter);
  if (!byAt) values.set(r.meter, (byAt = new Map<number, number[]>()));
  const at = ms(r.at);
  byAt.set(at, [...(byAt.get(at) ?? []), r.value]);
}
const valuesAt = (meter: string, at: string) => values.get(meter)?.get(ms(at)) ?? [];
const valueAt = (meter: string, at: string) => {
  const list = valuesAt(meter, at);
  expect(list, `${meter} at ${at}`).toHaveLength(1);
  return list[0];
};

describe('generateDemoReadings', () => {
  it('is deterministic, and a longer run starts with the same readings', () => {
    expect([...generateDemoReadings(park, { days: 7 })].flat()).toEqual(all);
    const end = ms('2025-01-08T00:00:00+08:00');
    const longer = [...generateDemoReadings(park, { days: 14 })].flat();
    const head = (list: DemoReading[]) =>
      list.filter((r) => ms(r.at) < end && r.meter !== FAULT_METERS.lateData);
    expect(head(longer)).toEqual(head(all));
  });

  it('sends chunks of 50,000 in time order across meters, the late batch last', () => {
    for (const c of chunks.slice(0, -2)) {
      expect(c.length).toBeGreaterThanOrEqual(DEMO_CHUNK_SIZE);
      expect(c.length).toBeLessThan(DEMO_CHUNK_SIZE + 100); // a slot's duplicates may ride along
    }
    for (let i = 1; i < regular.length; i++) {
      if ((regular[i]?.at ?? '') < (regular[i - 1]?.at ?? '')) throw new Error(`out of order at ${i}`);
    }
    expect(new Set(lateChunk.map((r) => r.meter))).toEqual(new Set([FAULT_METERS.lateData]));
  });

  it('stamps readings in park-local time with three decimals and the meter unit', () => {
    for (const r of all) {
      if (!/^2025-01-0[1-8]T\d\d:[0-5][05]:00\+08:00$/.test(r.at)) throw new Error(`bad stamp ${r.at}`);
      if (Math.abs(r.value * 1000 - Math.round(r.value * 1000)) > 1e-6)
        throw new Error(`${r.value} has > 3 decimals`);
      if (r.unit !== meters.get(r.meter)?.unit) throw new Error(`unit of ${r.meter}`);
      if (!(r.value >= 0)) throw new Error(`negative ${r.meter} ${r.at}`);
    }
  });

  it('sends every reading of an unfaulted meter: registers 00:00 to the end, intervals from 00:15, power to 23:45', () => {
    const faulted = new Set<string>(Object.values(FAULT_METERS));
    const days = 7;
    for (const m of park.meters) {
      if (faulted.has(m.id)) continue;
      const byAt = values.get(m.id) ?? new Map<number, number[]>();
      const expected = m.readingKind === 'cumulative' ? days * 96 + 1 : days * 96;
      expect(byAt.size, m.id).toBe(expected);
      const first = Math.min(...byAt.keys());
      expect(first, m.id).toBe(ms(m.readingKind === 'interval' ? '2025-01-01T00:15:00+08:00' : DEMO_START));
    }
  });

  it('keeps every sub-meter tree consistent: children sum to 85–97 % of their parent, never more', () => {
    const plan = demoDataPlan(park, { days: 7 });
    // Intervals whose quantity a fault changes (reset, rollover, replacement, spike) are left out.
    const skip = new Set(
      plan.faults
        .filter((f) => f.kind !== 'gap' && f.kind !== 'duplicates' && f.to)
        .map((f) => `${f.meter}@${ms(f.to ?? '')}`),
    );
    const quantities = new Map<string, Map<number, number>>();
    for (const m of park.meters) quantities.set(m.id, intervalQuantities(m, values.get(m.id), skip));
    const children = new Map<string, Meter[]>();
    for (const m of park.meters) {
      if (m.parent) children.set(m.parent, [...(children.get(m.parent) ?? []), m]);
    }
    // Networks: a non-electric export feeds the other organisations' imports of its carrier.
    for (const m of park.meters) {
      if (m.role !== 'export' || m.carrier === 'electricity') continue;
      children.set(
        m.id,
        park.meters.filter(
          (o) => o.role === 'import' && o.carrier === m.carrier && o.organisation !== m.organisation,
        ),
      );
    }
    expect(children.size).toBeGreaterThan(60);
    for (const [parentId, kids] of children) {
      const parent = quantities.get(parentId) ?? new Map<number, number>();
      let parentSum = 0;
      let childSum = 0;
      for (const [at, q] of parent) {
        const parts = kids.map((k) => quantities.get(k.id)?.get(at));
        if (parts.some((p) => p === undefined)) continue;
        const sum = parts.reduce<number>((a, b) => a + (b ?? 0), 0);
        if (sum > q + 1e-6) throw new Error(`${parentId} at ${new Date(at).toISOString()}: ${sum} > ${q}`);
        parentSum += q;
        childSum += sum;
      }
      expect(parentSum, parentId).toBeGreaterThan(0);
      expect(childSum / parentSum, parentId).toBeGreaterThan(0.85);
      expect(childSum / parentSum, parentId).toBeLessThan(0.97);
    }
  });

  it('makes PV follow the sun and storage charge and discharge at different times', () => {
    const pv = intervalQuantities(meters.get('OPS-EL-PV') as Meter, values.get('OPS-EL-PV'), new Set());
    const localHour = (at: number) => new Date(at + 8 * 3_600_000 - 1).getUTCHours();
    for (const [at, q] of pv) {
      const h = localHour(at);
      if (h < 7 || h >= 19) expect(q, new Date(at).toISOString()).toBe(0);
    }
    const noon = [...pv].filter(([at]) => localHour(at) === 13).map(([, q]) => q * 4);
    expect(Math.max(...noon)).toBeGreaterThan(15_000); // kW, a 30 MWp plant on a clear January day
    const charge = intervalQuantities(
      meters.get('OPS-EL-ESS-CHG') as Meter,
      values.get('OPS-EL-ESS-CHG'),
      new Set(),
    );
    const discharge = intervalQuantities(
      meters.get('OPS-EL-ESS-DIS') as Meter,
      values.get('OPS-EL-ESS-DIS'),
      new Set(),
    );
    for (const [at, q] of charge) if (q > 0) expect(discharge.get(at)).toBe(0);
    const total = (m: Map<number, number>) => [...m.values()].reduce((a, b) => a + b, 0);
    expect(total(discharge) / total(charge)).toBeCloseTo(0.86, 2);
  });
});

describe('the deliberate faults', () => {
  const plan = demoDataPlan(park, { days: 7 });
  const fault = (kind: string, meter: string) => {
    const f = plan.faults.find((x) => x.kind === kind && x.meter === meter);
    if (!f) throw new Error(`no ${kind} fault on ${meter}`);
    return f;
  };

  it('are all planned within the first seven days', () => {
    expect(plan.startAt).toBe(DEMO_START);
    expect(plan.faults.map((f) => f.kind).sort()).toEqual(
      [
        'counter_reset',
        'duplicates',
        'gap',
        'gap',
        'late_data',
        'meter_replacement',
        'rollover',
        'spike',
      ].sort(),
    );
    const three = demoDataPlan(park, { days: 3 }).faults.map((f) => f.kind);
    expect(three).toEqual(['rollover', 'gap']);
    expect(demoDataPlan(park, { days: 365 }).faults).toEqual(plan.faults);
  });

  // Each register below is worked out from the meter's schedule (demo-faults.ts): a day has 48 day intervals
  // (ending 08:15…20:00) and 48 night intervals.

  it('rollover: 999,503 + (96 + 36) × 3.75 = 999,998 at 09:00, then +3.75 wraps to 1.75', () => {
    const id = FAULT_METERS.rollover;
    expect(valueAt(id, '2025-01-02T09:00:00+08:00')).toBe(999_998);
    expect(valueAt(id, '2025-01-02T09:15:00+08:00')).toBe(1.75);
    expect(fault('rollover', id).expected).toEqual({
      rolloverAt: 1_000_000,
      registerBeforeRaw: 999_998,
      registerAfterRaw: 1.75,
      intervalDeltaRaw: 3.75,
      intervalEnergyKwh: 150, // 3.75 × CT 40
    });
  });

  it('gap: 24 register readings missing; 25,000 + 2 × 240 + 7 × 2 = 25,494 before, + 25 × 2 after', () => {
    const id = FAULT_METERS.gap;
    for (let t = ms('2025-01-03T02:00:00+08:00'); t < ms('2025-01-03T08:00:00+08:00'); t += 900_000) {
      expect(values.get(id)?.has(t)).toBe(false);
    }
    expect(values.get(id)?.size).toBe(7 * 96 + 1 - 24);
    expect(valueAt(id, '2025-01-03T01:45:00+08:00')).toBe(25_494);
    expect(valueAt(id, '2025-01-03T08:00:00+08:00')).toBe(25_544);
    expect(fault('gap', id).expected).toMatchObject({
      missingReadings: 24,
      registerBeforeRaw: 25_494,
      registerAfterRaw: 25_544,
      bridgedIntervals: 25,
      bridgedEnergyKwh: 1000, // 50 raw × CT 20
    });
  });

  it('power gap: 8 samples missing, 14:00–15:45', () => {
    const id = FAULT_METERS.powerGap;
    expect(values.get(id)?.size).toBe(7 * 96 - 8);
    expect(valuesAt(id, '2025-01-04T13:45:00+08:00')).toHaveLength(1);
    expect(valuesAt(id, '2025-01-04T14:00:00+08:00')).toHaveLength(0);
    expect(valuesAt(id, '2025-01-04T15:45:00+08:00')).toHaveLength(0);
    expect(valuesAt(id, '2025-01-04T16:00:00+08:00')).toHaveLength(1);
    expect(fault('gap', id).expected).toMatchObject({ missingReadings: 8 });
  });

  it('counter reset: 48,000 + 3 × 192 + 32 × 1.5 + 24 × 2.5 = 48,684, then 2.5 and 5', () => {
    const id = FAULT_METERS.counterReset;
    expect(valueAt(id, '2025-01-04T14:00:00+08:00')).toBe(48_684);
    expect(valueAt(id, '2025-01-04T14:15:00+08:00')).toBe(2.5);
    expect(valueAt(id, '2025-01-04T14:30:00+08:00')).toBe(5);
    expect(fault('counter_reset', id).expected).toEqual({
      registerBeforeRaw: 48_684,
      registerAfterRaw: 2.5,
      deltaAfterResetKwh: 100, // 2.5 × CT 40
    });
  });

  it('replacement at 10:05: 73,210 + 4 × 240 + 32 × 2 + 8 × 3 = 74,258; old meter +1, new meter 2', () => {
    const id = FAULT_METERS.replacement;
    expect(valueAt(id, '2025-01-05T10:00:00+08:00')).toBe(74_258);
    expect(valueAt(id, '2025-01-05T10:15:00+08:00')).toBe(2);
    expect(valueAt(id, '2025-01-05T10:30:00+08:00')).toBe(5);
    expect(fault('meter_replacement', id).expected).toMatchObject({
      registerBeforeRaw: 74_258,
      oldFinalReading: 74_259,
      newInitialReading: 0,
      registerAfterRaw: 2,
      intervalEnergyKwh: 120, // (74,259 − 74,258 + 2 − 0) × 40
    });
    expect(meters.get(id)?.replacements?.[0]).toMatchObject({
      oldFinalReading: 74_259,
      newInitialReading: 0,
    });
  });

  it('spike: 9,876 + 5 × 288 + 32 × 2 + 27 × 4 = 11,488, then a jump of 50 × 4 raw', () => {
    const id = FAULT_METERS.spike;
    expect(valueAt(id, '2025-01-06T14:45:00+08:00')).toBe(11_488);
    expect(valueAt(id, '2025-01-06T15:00:00+08:00')).toBe(11_688);
    expect(valueAt(id, '2025-01-06T15:15:00+08:00')).toBe(11_692);
    const capacity = meters.get(id)?.capacity ?? 0;
    expect((200 * mult(id)) / 0.25).toBeGreaterThan(capacity * 1.5);
    expect(fault('spike', id).expected).toMatchObject({
      spikeDeltaKwh: 4000, // 200 raw × CT 20
      quarantinedDeltaKwh: 4000,
      normalDeltaKwh: 80,
      impliedRateKw: 16_000,
      capacityKw: 500,
    });
  });

  it('duplicates: eight readings sent twice, identically', () => {
    const id = FAULT_METERS.duplicates;
    const twice = all.filter((r) => r.meter === id && valuesAt(id, r.at).length === 2);
    expect(twice).toHaveLength(16);
    expect(new Set(twice.map((r) => r.at)).size).toBe(8);
    // 5,000 + 5 × 156 + 32 × 0.75 + 4 × 2.5 = 5,814 at 09:00; + 7 × 2.5 at 10:45.
    expect(valuesAt(id, '2025-01-06T09:00:00+08:00')).toEqual([5814, 5814]);
    expect(valuesAt(id, '2025-01-06T10:45:00+08:00')).toEqual([5831.5, 5831.5]);
    let duplicates = 0;
    for (const byAt of values.values()) for (const list of byAt.values()) duplicates += list.length - 1;
    expect(duplicates).toBe(8);
    expect(fault('duplicates', id).expected).toMatchObject({ duplicateReadings: 8, firstValueRaw: 5814 });
  });

  it('late data: a whole day withheld to the last chunk; 31,000 + 6 × 240 = 32,440', () => {
    const id = FAULT_METERS.lateData;
    expect(lateChunk).toHaveLength(96);
    expect(lateChunk[0]).toEqual({ meter: id, at: '2025-01-07T00:00:00+08:00', value: 32_440, unit: 'kWh' });
    expect(lateChunk[95]).toEqual({ meter: id, at: '2025-01-07T23:45:00+08:00', value: 32_679, unit: 'kWh' });
    expect(regular.filter((r) => r.meter === id && r.at.startsWith('2025-01-07'))).toHaveLength(0);
    expect(regular.find((r) => r.meter === id && r.at === '2025-01-08T00:00:00+08:00')?.value).toBe(32_680);
    expect(fault('late_data', id).expected).toMatchObject({ lateReadings: 96, dayEnergyKwh: 9600 }); // 240 × 40
  });

  it('are what the telemetry derivation finds, and nothing else', () => {
    const found: string[] = [];
    const quantityOf = new Map<string, number | null>();
    for (const m of park.meters) {
      const points = [...(values.get(m.id) ?? new Map<number, number[]>())]
        .map(([atMs, list]) => ({ atMs, value: list[0] ?? 0 }))
        .sort((a, b) => a.atMs - b.atMs);
      const derived = deriveSeries(
        {
          readingKind: m.readingKind,
          multiplier: m.multiplier ?? 1,
          intervalMinutes: 15,
          intervalStamp: 'end',
          capacity: m.capacity,
          rolloverAt: m.rolloverAt,
          replacements: (m.replacements ?? []).map((r) => ({ ...r, atMs: ms(r.at) })),
        },
        undefined,
        points,
      );
      derived.forEach((d, i) => {
        const flags = Object.entries(FLAG)
          .filter(([name, bit]) => d.flags & bit && name !== 'FIRST' && name !== 'SPLIT')
          .map(([name]) => name);
        if (flags.length === 0) return;
        const key = `${m.id} ${new Date((points[i]?.atMs ?? 0) + 8 * 3_600_000).toISOString().slice(0, 16)} ${flags.join('|')}`;
        found.push(key);
        quantityOf.set(key, d.quantity);
      });
    }
    expect(found.sort()).toEqual(
      [
        'ALU-EL-RECT-COOL 2025-01-02T09:15 ROLLOVER',
        'BAT-EL-DRY 2025-01-04T14:15 RESET',
        'DAIRY-EL-CHILL 2025-01-05T10:15 REPLACEMENT',
        'DC-PW-CRAH 2025-01-04T16:00 GAP_UNBRIDGED',
        'FOOD-EL-COLD 2025-01-03T08:00 GAP_BRIDGED',
        'LOG-EL-DOCK 2025-01-06T15:00 SPIKE',
      ].sort(),
    );
    expect(quantityOf.get('ALU-EL-RECT-COOL 2025-01-02T09:15 ROLLOVER')).toBeCloseTo(150, 6);
    expect(quantityOf.get('BAT-EL-DRY 2025-01-04T14:15 RESET')).toBeCloseTo(100, 6);
    expect(quantityOf.get('DAIRY-EL-CHILL 2025-01-05T10:15 REPLACEMENT')).toBeCloseTo(120, 6);
    expect(quantityOf.get('FOOD-EL-COLD 2025-01-03T08:00 GAP_BRIDGED')).toBeCloseTo(1000, 6);
    expect(quantityOf.get('LOG-EL-DOCK 2025-01-06T15:00 SPIKE')).toBeCloseTo(4000, 6);
  });
});

describe('a whole year', () => {
  it('has every reading and plausible annual figures', () => {
    const first = new Map<string, number>();
    const last = new Map<string, number>();
    const monthlyPv = new Map<string, number>();
    let count = 0;
    let lateCount = 0;
    const chunksOfYear = [...generateDemoReadings(park)];
    for (const [c, chunk] of chunksOfYear.entries()) {
      if (c === chunksOfYear.length - 1) lateCount = chunk.length;
      for (const r of chunk) {
        count++;
        if (!first.has(r.meter)) first.set(r.meter, r.value);
        last.set(r.meter, r.value);
        if (r.meter === 'OPS-EL-PV' && r.at.endsWith('-01T00:00:00+08:00'))
          monthlyPv.set(r.at.slice(0, 7), r.value);
      }
    }
    const slots = 365 * 96;
    const expected = park.meters.reduce(
      (n, m) => n + (m.readingKind === 'cumulative' ? slots + 1 : slots),
      0,
    );
    expect(count).toBe(expected - 24 - 8 + 8); // gaps, duplicates
    expect(lateCount).toBe(96);
    const energy = (id: string) => ((last.get(id) ?? 0) - (first.get(id) ?? 0)) * mult(id);
    // 30 MWp in Kunming: about 1,300–1,500 kWh per kWp and year.
    const yieldKwhPerKwp = energy('OPS-EL-PV') / 30_000;
    expect(yieldKwhPerKwp).toBeGreaterThan(1200);
    expect(yieldKwhPerKwp).toBeLessThan(1600);
    // The smelter (grid + direct hydro line) runs at 60–80 MW around the clock.
    const smelterMw = (energy('ALU-EL-MAIN') + energy('ALU-EL-GREEN')) / 8760 / 1000;
    expect(smelterMw).toBeGreaterThan(60);
    expect(smelterMw).toBeLessThan(80);
    // Wet-season cloud: July yields less PV than March.
    const month = (m: string, next: string) =>
      ((monthlyPv.get(next) ?? 0) - (monthlyPv.get(m) ?? 0)) * mult('OPS-EL-PV');
    expect(month('2025-07', '2025-08')).toBeLessThan(month('2025-03', '2025-04'));
  }, 60_000);
});

/** Engineering quantity per interval end (ms), as the telemetry pipeline would derive it for a clean series. */
function intervalQuantities(
  meter: Meter,
  byAt: Map<number, number[]> | undefined,
  skip: ReadonlySet<string>,
): Map<number, number> {
  const out = new Map<number, number>();
  const m = meter.multiplier ?? 1;
  const points = [...(byAt ?? new Map<number, number[]>())].sort((a, b) => a[0] - b[0]);
  points.forEach(([at, list], i) => {
    const value = list[0] ?? 0;
    if (skip.has(`${meter.id}@${at}`)) return;
    if (meter.readingKind === 'interval') {
      out.set(at, value * m);
      return;
    }
    const prev = points[i - 1];
    if (!prev || prev[0] !== at - 900_000) return;
    const before = prev[1][0] ?? 0;
    if (meter.readingKind === 'power') out.set(at, ((before + value) / 2) * 0.25 * m);
    else if (value >= before) out.set(at, (value - before) * m);
  });
  return out;
}
