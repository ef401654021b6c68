import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { GREEN_MATCHING_METHOD, heatMapToJson, matchGreenSupply, matchingResultToJson } from './matching.ts';
import type { ConsumerMatching, MatchingInput } from './matching-types.ts';

// Every expected number below is worked out by hand in the comments next to it (STYLE.md rule 9), not by the engine.

const f64 = (...values: number[]) => Float64Array.from(values);
const JAN_1 = Date.parse('2025-01-01T00:00:00+08:00');
const JAN_31 = Date.parse('2025-01-31T00:00:00+08:00');
const TZ = 'Asia/Shanghai';
const near = (actual: number | null | undefined, expected: number) =>
  expect(actual).toBeCloseTo(expected, 10);

function consumerOf(result: { consumers: ConsumerMatching[] }, id: string): ConsumerMatching {
  const found = result.consumers.find((c) => c.id === id);
  if (!found) throw new Error(`no consumer ${id}`);
  return found;
}

function badInput(input: MatchingInput, message: RegExp): void {
  let error: unknown;
  try {
    matchGreenSupply(input);
  } catch (e) {
    error = e;
  }
  expect(error).toBeInstanceOf(AppError);
  expect((error as AppError).code).toBe('BAD_INPUT');
  expect((error as AppError).message).toMatch(message);
}

/** 48 hours from 2025-01-31 00:00 Shanghai: `at(day, hour)` is the index of a park-local hour. */
const at = (day: number, hour: number) => day * 24 + hour;
function hours48(entries: [number, number, number][]): Float64Array {
  const values = new Float64Array(48);
  for (const [day, hour, mwh] of entries) values[at(day, hour)] = mwh;
  return values;
}

describe('hourly matching', () => {
  // One consumer, load 1 MWh in each of 3 hours, own PV 3 MWh in the first hour only.
  const input: MatchingInput = {
    startMs: JAN_1,
    hours: 3,
    timeZone: TZ,
    consumers: [
      {
        id: 'c1',
        loadMwh: f64(1, 1, 1),
        sources: [{ id: 'pv', kind: 'onsite', technology: 'pv', energyMwh: f64(3, 0, 0) }],
      },
    ],
  };

  it('does not carry one hour’s surplus to another', () => {
    const r = matchGreenSupply(input);
    const c = consumerOf(r, 'c1');
    // h0: min(1, 3) = 1, surplus 2; h1, h2: min(1, 0) = 0. Hourly share 1/3.
    near(c.hourly.matchedMwh, 1);
    near(c.hourly.surplusMwh, 2);
    near(c.hourly.matchedShare, 1 / 3);
    // No grid share given: CFE = matched.
    near(c.cfeScore, 1 / 3);
    expect(r.rules.gridShare).toMatchObject({ given: false, resolution: null, source: null });
    expect(r.rules.gridShare.note).toMatch(/not given/);
    // The month (and the period) nets the 2 MWh surplus against the 2 unmatched hours: min(3, 3) / 3 = 1.
    near(c.monthly.matchedShare, 1);
    near(c.annual.matchedShare, 1);
    expect(c.unmatched.hours).toBe(2);
    near(c.unmatched.energyMwh, 2);
    expect(r.method).toBe('green-matching-1');
    expect(GREEN_MATCHING_METHOD).toBe('green-matching-1');
  });

  it('adds the grid’s carbon-free share of the unmatched load (hourly and monthly shares)', () => {
    const hourly = matchGreenSupply({
      ...input,
      gridGreenShare: { resolution: 'hourly', share: f64(0.3, 0.5, 0.2), source: 'test hourly' },
    });
    // CFE = 1 + 0.3 × 0 + 0.5 × 1 + 0.2 × 1 = 1.7 of 3.
    near(consumerOf(hourly, 'c1').cfeScore, 1.7 / 3);
    expect(hourly.rules.gridShare).toEqual({
      given: true,
      resolution: 'hourly',
      source: 'test hourly',
      note: null,
    });
    const monthly = matchGreenSupply({
      ...input,
      gridGreenShare: { resolution: 'monthly', share: { '2025-01': 0.4 }, source: 'test monthly' },
    });
    // CFE = 1 + 0.4 × 1 + 0.4 × 1 = 1.8 of 3 = 0.6.
    near(consumerOf(monthly, 'c1').cfeScore, 0.6);
    // Monthly with grid: matched 3 of 3, nothing left for the grid.
    near(consumerOf(monthly, 'c1').monthly.withGridShare, 1);
  });
});

describe('storage (FIFO, net of losses)', () => {
  // One consumer with PV and a battery, η = 0.9, grid share hourly 0.5, 0.2, 0.3, 0.4.
  //
  // h0: load 1, PV 3 → surplus 2; charge 4 = 2 green + 2 grid (grid green 0.5 × 2 = 1).
  //     Parcel A = {4 × 0.9 = 3.6, green 1.8, grid green 0.9}; loss 0.4. C0 = 3 − 2 = 1, matched 1, CFE 1.
  // h1: load 1, PV 1.5 → surplus 0.5; charge 2 = 0.5 green + 1.5 grid (grid green 0.2 × 1.5 = 0.3).
  //     Parcel B = {1.8, green 0.45, grid green 0.27}; loss 0.2. C1 = 1.5 − 0.5 = 1, matched 1, CFE 1.
  // h2: load 6, discharge 4.5 = all of A (3.6: green 1.8, grid 1.8 carrying 0.9) + half of B
  //     (0.9: green 0.225, grid 0.675 carrying 0.135). C2 = 2.025 = matched.
  //     Rest 3.975: stored grid 2.475 (carbon-free 1.035) + fresh grid 1.5 × 0.3 = 0.45.
  //     CFE2 = 2.025 + 1.035 + 0.45 = 3.51.
  // h3: load 2, discharge 1.2 = the other half of B (0.9: green 0.225, grid 0.675 carrying 0.135) + 0.3 of unknown
  //     origin (never charged). C3 = 0.225 = matched. Rest 1.775: stored grid 0.675 (0.135), unknown 0.3 (0),
  //     fresh grid 0.8 × 0.4 = 0.32. CFE3 = 0.225 + 0.135 + 0.32 = 0.68.
  // Totals: load 10; matched 1 + 1 + 2.025 + 0.225 = 4.25; CFE 1 + 1 + 3.51 + 0.68 = 6.19.
  const input: MatchingInput = {
    startMs: JAN_1,
    hours: 4,
    timeZone: TZ,
    consumers: [
      {
        id: 'c1',
        loadMwh: f64(1, 1, 6, 2),
        sources: [{ id: 'pv', kind: 'onsite', technology: 'pv', energyMwh: f64(3, 1.5, 0, 0) }],
        storages: [
          {
            id: 'bess',
            chargeMwh: f64(4, 2, 0, 0),
            dischargeMwh: f64(0, 0, 4.5, 1.2),
            roundTripEfficiency: 0.9,
          },
        ],
      },
    ],
    gridGreenShare: { resolution: 'hourly', share: f64(0.5, 0.2, 0.3, 0.4), source: 'test' },
    options: { series: 'all', parkSeries: true },
  };

  it('pops parcels oldest first, partially, and reports losses and unknown origin', () => {
    const r = matchGreenSupply(input);
    const c = consumerOf(r, 'c1');
    const series = c.series!;
    [1, 1, 2.025, 0.225].forEach((v, h) => near(series.greenSupplyMwh[h], v));
    [1, 1, 2.025, 0.225].forEach((v, h) => near(series.matchedMwh[h], v));
    [1, 1, 3.51, 0.68].forEach((v, h) => near(series.cfeMwh[h], v));
    near(c.hourly.matchedMwh, 4.25);
    near(c.hourly.matchedShare, 0.425);
    near(c.cfeScore, 0.619);
    near(c.storageLossesMwh, 0.6); // 0.4 + 0.2
    near(c.unknownOriginMwh, 0.3);
    near(c.storageGreenChargedMwh, 2.5); // 2 + 0.5
    // Gross supply: PV 4.5, green discharge 1.8 + 0.225 + 0.225 = 2.25; net hourly supply 4.5 − 2.5 + 2.25 = 4.25.
    near(c.greenSupplyByKindMwh.onsite, 4.5);
    near(c.greenSupplyByKindMwh.storage_discharge, 2.25);
    near(c.hourly.greenSupplyMwh, 4.25);
    expect(c.unmatched.hours).toBe(2);
    near(c.unmatched.energyMwh, 5.75); // 10 − 4.25
    const st = c.storages[0]!;
    expect(st).toMatchObject({ id: 'bess', origin: 'own', roundTripEfficiency: 0.9 });
    near(st.chargedMwh, 6);
    near(st.chargedGreenMwh, 2.5);
    near(st.chargedGridGreenMwh, 1.3); // 0.5 × 2 + 0.2 × 1.5
    near(st.dischargedMwh, 5.7);
    near(st.dischargedGreenMwh, 2.25); // = 2.5 × 0.9: every green parcel came out
    near(st.dischargedGridMwh, 3.15); // 1.8 + 0.675 + 0.675
    near(st.dischargedGridGreenMwh, 1.17); // 1.3 × 0.9
    near(st.unknownOriginMwh, 0.3);
    near(st.endStoredMwh, 0);
    // Monthly and annual: 4.25 of 10; with the load-weighted grid share (0.5 + 0.2 + 0.3 × 6 + 0.4 × 2) / 10 = 0.33
    // on the remaining 5.75: 4.25 + 1.8975 = 6.1475.
    near(c.monthly.matchedShare, 0.425);
    near(c.annual.matchedShare, 0.425);
    near(c.byMonth[0]!.gridShareMean, 0.33);
    near(c.monthly.withGridShare, 0.61475);
    near(c.annual.withGridShare, 0.61475);
    // The park of one consumer is that consumer; its storage is named after its owner.
    near(r.park.cfeScore, 0.619);
    expect(r.park.storages.map((s) => s.id)).toEqual(['c1/bess']);
    [1, 1, 3.51, 0.68].forEach((v, h) => near(r.park.series!.cfeMwh[h], v));
  });
});

describe('shared sources', () => {
  // Three consumers; park PV 2, 4, 1 MWh in three hours.
  // Loads: a 1, 2, 0; b 3, 2, 0; c 0, 4, 0 (park 4, 8, 0).
  const consumers = [
    { id: 'a', loadMwh: f64(1, 2, 0) },
    { id: 'b', loadMwh: f64(3, 2, 0) },
    { id: 'c', loadMwh: f64(0, 4, 0) },
  ];
  const pv = { id: 'park-pv', kind: 'onsite' as const, technology: 'pv', energyMwh: f64(2, 4, 1) };

  it('divides pro rata to each hour’s load; an hour without load keeps it unallocated', () => {
    const r = matchGreenSupply({
      startMs: JAN_1,
      hours: 3,
      timeZone: TZ,
      consumers,
      shared: { sources: [{ ...pv, allocation: { rule: 'pro_rata' } }] },
    });
    // h0: a 2 × 1/4 = 0.5, b 2 × 3/4 = 1.5, c 0. h1: a 4 × 2/8 = 1, b 1, c 2. h2: no load → 1 unallocated.
    // Allocations never exceed load here, so matched = allocated: a 1.5 of 3, b 2.5 of 5, c 2 of 4.
    near(consumerOf(r, 'a').hourly.matchedMwh, 1.5);
    near(consumerOf(r, 'b').hourly.matchedMwh, 2.5);
    near(consumerOf(r, 'c').hourly.matchedMwh, 2);
    for (const id of ['a', 'b', 'c']) near(consumerOf(r, id).hourly.matchedShare, 0.5);
    expect(consumerOf(r, 'a').unmatched.hours).toBe(2); // 0.5 < 1, 1 < 2
    const report = r.shared[0]!;
    expect(report).toMatchObject({
      id: 'park-pv',
      resource: 'source',
      rule: 'pro_rata',
      basis: 'hourly_load',
    });
    near(report.totalMwh, 7);
    near(report.allocatedMwh.a, 1.5);
    near(report.allocatedMwh.b, 2.5);
    near(report.allocatedMwh.c, 2);
    near(report.unallocatedMwh, 1);
    expect(consumerOf(r, 'a').supplyLines).toEqual([
      { id: 'park-pv', origin: 'shared', kind: 'onsite', technology: 'pv', energyMwh: 1.5 },
    ]);
    // Park: load 4, 8, 0 against 2, 4, 1: matched 2 + 4 = 6 of 12, surplus 1 (the hour without load).
    near(r.park.hourly.matchedMwh, 6);
    near(r.park.hourly.surplusMwh, 1);
    near(r.park.hourly.matchedShare, 0.5);
    expect(r.rules.allocation).toEqual([{ resourceId: 'park-pv', resource: 'source', rule: 'pro_rata' }]);
  });

  it('divides by contract shares and reports the rest as unallocated; the park nets across consumers', () => {
    const r = matchGreenSupply({
      startMs: JAN_1,
      hours: 3,
      timeZone: TZ,
      consumers,
      shared: { sources: [{ ...pv, allocation: { rule: 'contract', shares: { a: 0.5, b: 0.3 } } }] },
    });
    // a gets 1, 2, 0.5 → matched 1 + 2 + 0 = 3 of 3, surplus 0.5 (hour 2).
    // b gets 0.6, 1.2, 0.3 → matched 0.6 + 1.2 = 1.8 of 5, surplus 0.3. c gets nothing.
    const a = consumerOf(r, 'a');
    const b = consumerOf(r, 'b');
    near(a.hourly.matchedShare, 1);
    near(a.hourly.surplusMwh, 0.5);
    near(b.hourly.matchedShare, 0.36);
    near(b.hourly.surplusMwh, 0.3);
    near(b.monthly.matchedShare, 0.42); // min(5, 2.1) / 5
    near(consumerOf(r, 'c').hourly.matchedMwh, 0);
    const report = r.shared[0]!;
    expect(report).toMatchObject({ rule: 'contract', basis: 'fixed_shares' });
    near(report.allocatedMwh.a, 3.5);
    near(report.allocatedMwh.b, 2.1);
    near(report.unallocatedMwh, 1.4); // 7 × (1 − 0.8) = 7 − 3.5 − 2.1
    // The park is matched 6 of 12 as before; the consumers together only 3 + 1.8 + 0 = 4.8.
    near(r.park.hourly.matchedMwh, 6);
  });

  it('lets a shared storage charge from the shared sources before they are divided', () => {
    // Consumers a (load 1, 1) and b (load 1, 2); park PV 4, 0; a shared battery charges 2 in h0 and discharges
    // 1.8 in h1, η = 0.9, both pro rata.
    // h0: the battery takes 2 of the 4 MWh PV (all green) → parcel {1.8, green 1.8}; the other 2 MWh are divided
    //     1 : 1 → a 1, b 1, both matched.
    // h1: green discharge 1.8 divided 1 : 2 → a 0.6, b 1.2, matched.
    // a: 1.6 of 2 = 0.8; b: 2.2 of 3.
    // Park: one consumer, load 2, 3; its battery charges 2 from the park surplus 4 − 2 = 2 (green);
    //       matched 2 + 1.8 = 3.8 of 5 = 0.76.
    const r = matchGreenSupply({
      startMs: JAN_1,
      hours: 2,
      timeZone: TZ,
      consumers: [
        { id: 'a', loadMwh: f64(1, 1) },
        { id: 'b', loadMwh: f64(1, 2) },
      ],
      shared: {
        sources: [
          {
            id: 'pv',
            kind: 'onsite',
            technology: 'pv',
            energyMwh: f64(4, 0),
            allocation: { rule: 'pro_rata' },
          },
        ],
        storages: [
          {
            id: 'bess',
            chargeMwh: f64(2, 0),
            dischargeMwh: f64(0, 1.8),
            roundTripEfficiency: 0.9,
            allocation: { rule: 'pro_rata' },
          },
        ],
      },
    });
    const a = consumerOf(r, 'a');
    near(a.hourly.matchedShare, 0.8);
    near(consumerOf(r, 'b').hourly.matchedShare, 2.2 / 3);
    near(a.greenSupplyByKindMwh.onsite, 1);
    near(a.greenSupplyByKindMwh.storage_discharge, 0.6);
    near(a.storageLossesMwh, 0); // the shared battery's losses are reported with it
    const [source, storage] = r.shared;
    near(source!.totalMwh, 4);
    near(source!.drawnToStorageMwh, 2);
    near(source!.allocatedMwh.a, 1);
    near(source!.allocatedMwh.b, 1);
    expect(storage).toMatchObject({ id: 'bess', resource: 'storage', rule: 'pro_rata' });
    near(storage!.totalMwh, 1.8);
    near(storage!.allocatedMwh.a, 0.6);
    near(storage!.allocatedMwh.b, 1.2);
    near(storage!.storage!.chargedGreenMwh, 2);
    near(storage!.storage!.lossesMwh, 0.2);
    near(r.park.hourly.matchedShare, 0.76);
    near(r.park.storageLossesMwh, 0.2);
  });
});

describe('monthly and annual against hourly', () => {
  it('gives a day of PV and a night of load 100 % annually, less monthly, 0 % hourly (park-local months)', () => {
    // 48 h from 2025-01-31 00:00 Shanghai (= 2025-01-30 16:00 UTC).
    // Load 1 MWh at 00–03 on 31 January (4 MWh) and at 00–05 on 1 February (6 MWh); PV 2.5 MWh at 11–14 on
    // 31 January (10 MWh). Grid share: January 0.3, February 0.5.
    // Hourly: PV and load never meet → 0 %; CFE = (0.3 × 4 + 0.5 × 6) / 10 = 0.42.
    // Monthly: January min(4, 10) = 4; February min(6, 0) = 0 → 40 %. (UTC months would put 1 February's
    // 00–05 into January and give 100 %.) With grid: 4 + 0.5 × 6 = 7 → 70 %.
    // Annual: min(10, 10) = 10 → 100 %.
    const load = hours48([
      ...[0, 1, 2, 3].map((h): [number, number, number] => [0, h, 1]),
      ...[0, 1, 2, 3, 4, 5].map((h): [number, number, number] => [1, h, 1]),
    ]);
    const pv = hours48([11, 12, 13, 14].map((h): [number, number, number] => [0, h, 2.5]));
    const r = matchGreenSupply({
      startMs: JAN_31,
      hours: 48,
      timeZone: TZ,
      consumers: [
        { id: 'c1', loadMwh: load, sources: [{ id: 'pv', kind: 'onsite', technology: 'pv', energyMwh: pv }] },
      ],
      gridGreenShare: { resolution: 'monthly', share: { '2025-01': 0.3, '2025-02': 0.5 }, source: 'test' },
      options: { heatMaps: ['c1'] },
    });
    const c = consumerOf(r, 'c1');
    near(c.hourly.matchedShare, 0);
    near(c.cfeScore, 0.42);
    near(c.monthly.matchedShare, 0.4);
    near(c.monthly.withGridShare, 0.7);
    near(c.annual.matchedShare, 1);
    near(c.annual.withGridShare, 1);
    near(c.hourly.surplusMwh, 10);
    near(c.annual.surplusMwh, 0);
    near(c.monthly.surplusMwh, 6); // January 10 − 4
    expect(r.period.months).toEqual(['2025-01', '2025-02']);
    expect(c.byMonth.map((m) => [m.month, m.hours, m.loadMwh])).toEqual([
      ['2025-01', 24, 4],
      ['2025-02', 24, 6],
    ]);
    // Heat map: park-local days; CFE / load per cell, null without load.
    const map = heatMapToJson(c.heatMap!);
    expect(map.days).toEqual(['2025-01-31', '2025-02-01']);
    expect(map.values[0]![0]).toBe(0.3);
    expect(map.values[1]![5]).toBe(0.5);
    expect(map.values[0]![12]).toBeNull();
    expect(map.values[1]![23]).toBeNull();
    expect(r.park.heatMap).toBeDefined();
  });

  it('counts monthly instruments and park certificates monthly and annually, never hourly', () => {
    // Same 48 h. a: load 1 at 31 Jan 00:00 and 2 at 1 Feb 00:00; b: 3 at 31 Jan 01:00 and 2 at 1 Feb 01:00.
    // Park certificates: January 2, February 8 MWh, pro rata to monthly load (January 1 : 3, February 2 : 2):
    //   a 0.5 + 4, b 1.5 + 4. Own instruments of a: trade t1 0.2 in January, certificate g1 1 in February.
    // a: January min(1, 0.5 + 0.2) = 0.7; February min(2, 4 + 1) = 2 → monthly 2.7 / 3 = 0.9; annual min(3, 5.7) → 1.
    // b: January min(3, 1.5) = 1.5; February min(2, 4) = 2 → 3.5 / 5 = 0.7; annual min(5, 5.5) → 1.
    // Park: January min(4, 2.2) = 2.2; February min(4, 9) = 4 → 6.2 / 8 = 0.775.
    const input: MatchingInput = {
      startMs: JAN_31,
      hours: 48,
      timeZone: TZ,
      consumers: [
        {
          id: 'a',
          loadMwh: hours48([
            [0, 0, 1],
            [1, 0, 2],
          ]),
        },
        {
          id: 'b',
          loadMwh: hours48([
            [0, 1, 3],
            [1, 1, 2],
          ]),
        },
      ],
      shared: {
        certificates: [
          {
            id: 'park-gec',
            technology: 'wind',
            monthlyMwh: { '2025-01': 2, '2025-02': 8 },
            allocation: { rule: 'pro_rata' },
          },
        ],
      },
      instruments: [
        { id: 't1', consumerId: 'a', month: '2025-01', energyMwh: 0.2, kind: 'trade' },
        { id: 'g1', consumerId: 'a', month: '2025-02', energyMwh: 1, kind: 'certificate', technology: 'pv' },
      ],
    };
    const r = matchGreenSupply(input);
    const a = consumerOf(r, 'a');
    const b = consumerOf(r, 'b');
    near(a.hourly.matchedMwh, 0);
    near(a.cfeScore, 0);
    near(a.monthly.matchedShare, 0.9);
    near(a.annual.matchedShare, 1);
    near(a.byMonth[0]!.instrumentsMwh, 0.7);
    near(a.greenSupplyByKindMwh.certificate, 5.5); // 4.5 allocated + 1 own
    near(a.greenSupplyByKindMwh.trade, 0.2);
    near(b.monthly.matchedShare, 0.7);
    near(b.annual.matchedShare, 1);
    near(r.park.monthly.matchedShare, 0.775);
    near(r.park.hourly.matchedMwh, 0);
    const report = r.shared[0]!;
    expect(report).toMatchObject({ resource: 'certificates', rule: 'pro_rata', basis: 'monthly_load' });
    near(report.allocatedMwh.a, 4.5);
    near(report.allocatedMwh.b, 5.5);
    near(report.unallocatedMwh, 0);
    expect(r.rules.instruments).toBe('monthly-and-annual-only');

    // By contract, a 25 %: January 0.5, February 2; 7.5 MWh stay unallocated.
    const contract = matchGreenSupply({
      ...input,
      shared: {
        certificates: [
          { ...input.shared!.certificates![0]!, allocation: { rule: 'contract', shares: { a: 0.25 } } },
        ],
      },
    });
    near(contract.shared[0]!.allocatedMwh.a, 2.5);
    near(contract.shared[0]!.unallocatedMwh, 7.5);
  });
});

describe('the park aggregate with storage', () => {
  // Without storage the park matches at least the sum of its consumers (property test); with storage it need not.

  it('can score a lower CFE than its consumers: stored grid power serves another consumer’s load', () => {
    // a has no load and a battery (η = 1) that charges 1 MWh from the grid in h0 (g = 0) and discharges it in h1.
    // b: load 1 MWh in h1, when g = 1.
    // Consumers: a's discharge finds no load of a's; b takes fresh grid power: CFE 1 × 1 = 1 MWh.
    // Park: the stored h0 grid power (carbon-free share 0) serves the park's 1 MWh in h1: CFE 0.
    const r = matchGreenSupply({
      startMs: JAN_1,
      hours: 2,
      timeZone: TZ,
      consumers: [
        {
          id: 'a',
          loadMwh: f64(0, 0),
          storages: [{ id: 'bess', chargeMwh: f64(1, 0), dischargeMwh: f64(0, 1), roundTripEfficiency: 1 }],
        },
        { id: 'b', loadMwh: f64(0, 1) },
      ],
      gridGreenShare: { resolution: 'hourly', share: f64(0, 1), source: 'test' },
    });
    near(consumerOf(r, 'b').cfeScore, 1);
    expect(consumerOf(r, 'a').cfeScore).toBeNull();
    near(r.park.cfeScore, 0);
  });

  it('can score a lower monthly share: the park’s storage charges from a surplus the consumer counted', () => {
    // a: load 1 MWh in h1, own PV 1 MWh in h0. A shared battery (η = 0.5, no shared sources) charges 1 in h0 and
    // discharges 1 in h1.
    // a's view: the battery charges from the shared sources — none — so from the grid (g = 0): parcel {0.5, green 0}.
    //   h1 discharge 1 = 0.5 grid + 0.5 unknown origin. Hourly 0; monthly min(1, PV 1) = 1 → 100 %.
    // Park view: the battery charges from the park's surplus (PV 1, load 0) → parcel {0.5, green 0.5}.
    //   h1: 0.5 green + 0.5 unknown → hourly 0.5; monthly: G = 1 − 1 + 0.5 = 0.5 → 50 %.
    const r = matchGreenSupply({
      startMs: JAN_1,
      hours: 2,
      timeZone: TZ,
      consumers: [
        {
          id: 'a',
          loadMwh: f64(0, 1),
          sources: [{ id: 'pv', kind: 'onsite', technology: 'pv', energyMwh: f64(1, 0) }],
        },
      ],
      shared: {
        storages: [
          {
            id: 'bess',
            chargeMwh: f64(1, 0),
            dischargeMwh: f64(0, 1),
            roundTripEfficiency: 0.5,
            allocation: { rule: 'pro_rata' },
          },
        ],
      },
    });
    const a = consumerOf(r, 'a');
    near(a.hourly.matchedShare, 0);
    near(a.monthly.matchedShare, 1);
    near(a.unknownOriginMwh, 0.5);
    near(r.park.hourly.matchedShare, 0.5);
    near(r.park.monthly.matchedShare, 0.5);
    near(r.park.unknownOriginMwh, 0.5);
  });
});

describe('park-local calendar', () => {
  // Grid share g_h = h / 100 and load 1 MWh every hour, no green supply: each cell shows its hour's g.
  const flat = (startMs: number, hours: number): MatchingInput => ({
    startMs,
    hours,
    timeZone: 'Europe/Berlin',
    consumers: [{ id: 'c1', loadMwh: new Float64Array(hours).fill(1) }],
    gridGreenShare: {
      resolution: 'hourly',
      share: Float64Array.from({ length: hours }, (_, h) => h / 100),
      source: 'test',
    },
  });

  it('leaves the skipped hour of a spring-forward day empty', () => {
    // 2025-03-30 in Berlin: 02:00 does not exist. Hours 0, 1 → 00:00, 01:00; hour 2 → 03:00 …; hour 23 → 31 March 00:00.
    const r = matchGreenSupply(flat(Date.parse('2025-03-30T00:00:00+01:00'), 24));
    const map = heatMapToJson(r.park.heatMap!);
    expect(map.days).toEqual(['2025-03-30', '2025-03-31']);
    expect(map.values[0]![1]).toBeCloseTo(0.01, 6);
    expect(map.values[0]![2]).toBeNull();
    expect(map.values[0]![3]).toBeCloseTo(0.02, 6);
    expect(map.values[1]![0]).toBeCloseTo(0.23, 6);
  });

  it('puts both repeated hours of a fall-back day into one cell', () => {
    // 2025-10-26 in Berlin has 25 hours: hours 2 and 3 are 02:00 CEST and 02:00 CET → (0.02 + 0.03) / 2.
    const r = matchGreenSupply(flat(Date.parse('2025-10-26T00:00:00+02:00'), 25));
    const map = heatMapToJson(r.park.heatMap!);
    expect(map.days).toEqual(['2025-10-26']);
    expect(map.values[0]![2]).toBeCloseTo(0.025, 6);
    expect(map.values[0]![23]).toBeCloseTo(0.24, 6);
  });
});

describe('bad input', () => {
  const base: MatchingInput = {
    startMs: JAN_1,
    hours: 2,
    timeZone: TZ,
    consumers: [
      { id: 'a', loadMwh: f64(1, 1) },
      { id: 'b', loadMwh: f64(1, 1) },
    ],
  };
  const pv = { id: 'pv', kind: 'onsite' as const, technology: 'pv', energyMwh: f64(1, 1) };

  it('names the consumer or resource and the field', () => {
    badInput(
      { ...base, consumers: [{ id: 'a', loadMwh: f64(1) }] },
      /consumer "a": loadMwh has 1 values, expected 2/,
    );
    badInput({ ...base, consumers: [{ id: 'a', loadMwh: f64(1, -1) }] }, /consumer "a": loadMwh\[1\] is -1/);
    badInput(
      { ...base, consumers: [{ id: 'a', loadMwh: f64(1, NaN) }] },
      /consumer "a": loadMwh\[1\] is NaN/,
    );
    badInput(
      {
        ...base,
        consumers: [{ id: 'a', loadMwh: f64(1, 1), sources: [{ ...pv, energyMwh: f64(1, 1, 1) }] }],
      },
      /consumer "a" source "pv": energyMwh has 3 values/,
    );
    badInput(
      {
        ...base,
        shared: { sources: [{ ...pv, allocation: { rule: 'contract', shares: { a: 0.7, b: 0.5 } } }] },
      },
      /shared source "pv": allocation shares add up to 1.2/,
    );
    badInput(
      { ...base, shared: { sources: [{ ...pv, allocation: { rule: 'contract', shares: { a: 1.5 } } }] } },
      /shared source "pv": allocation share of "a" is 1.5/,
    );
    badInput(
      { ...base, shared: { sources: [{ ...pv, allocation: { rule: 'contract', shares: { x: 0.5 } } }] } },
      /unknown consumer "x"/,
    );
    badInput(
      {
        ...base,
        shared: {
          storages: [
            {
              id: 'bess',
              chargeMwh: f64(0, 0),
              dischargeMwh: f64(0, 0),
              roundTripEfficiency: 0,
              allocation: { rule: 'pro_rata' },
            },
          ],
        },
      },
      /shared storage "bess": roundTripEfficiency is 0/,
    );
    badInput(
      {
        ...base,
        instruments: [{ id: 'g', consumerId: 'a', month: '2024-12', energyMwh: 1, kind: 'certificate' }],
      },
      /instrument "g" \(#0\): month "2024-12" is not in the period/,
    );
    badInput(
      { ...base, gridGreenShare: { resolution: 'monthly', share: {}, source: 'x' } },
      /gridGreenShare: no share for month 2025-01/,
    );
    badInput(
      { ...base, gridGreenShare: { resolution: 'hourly', share: f64(0.5, 1.5), source: 'x' } },
      /gridGreenShare: share\[1\] is 1.5/,
    );
    badInput({ ...base, consumers: [base.consumers[0]!, base.consumers[0]!] }, /id "a" is used twice/);
    badInput({ ...base, timeZone: 'Mars/Olympus' }, /timeZone "Mars\/Olympus"/);
    badInput({ ...base, startMs: JAN_1 + 60_000 }, /does not start an hour/);
    badInput({ ...base, hours: 0 }, /hours is 0/);
    badInput({ ...base, options: { heatMaps: ['z'] } }, /options.heatMaps names unknown consumer "z"/);
  });
});

describe('JSON', () => {
  it('turns heat maps and series into plain arrays', () => {
    const r = matchGreenSupply({
      startMs: JAN_1,
      hours: 2,
      timeZone: TZ,
      consumers: [
        {
          id: 'a',
          loadMwh: f64(1, 0),
          sources: [{ id: 'pv', kind: 'onsite', technology: 'pv', energyMwh: f64(0.5, 1) }],
        },
      ],
      options: { heatMaps: 'all', series: 'all' },
    });
    const json = JSON.parse(JSON.stringify(matchingResultToJson(r))) as ReturnType<
      typeof matchingResultToJson
    >;
    const a = json.consumers[0]!;
    expect(a.heatMap!.days).toEqual(['2025-01-01']);
    expect(a.heatMap!.values[0]!.slice(0, 3)).toEqual([0.5, null, null]);
    expect(a.series!.surplusMwh).toEqual([0, 1]);
    expect(json.park.heatMap!.values[0]![0]).toBe(0.5);
    expect(json.method).toBe('green-matching-1');
  });
});
