import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { matchGreenSupply } from './matching.ts';
import type {
  AllocationRule,
  ConsumerMatching,
  GridGreenShare,
  MatchingInput,
  MonthlyInstrument,
  SharedCertificates,
  SharedHourlySource,
  SharedStorage,
  StorageProfile,
} from './matching-types.ts';

// Invariants of the matching (STYLE.md rule 9): matched never exceeds load or supply in any hour; annual ≥ monthly ≥
// hourly; energy is conserved through allocation and storage; the park nets across consumers where that provably
// holds (no storage); shares do not depend on the unit (scaling every energy by k).

// Up to 72 hours from 30 January (Shanghai), so that periods cross into February.
const START_MS = Date.parse('2025-01-30T00:00:00+08:00');
const IDS = ['a', 'b', 'c'];

// Energies to two decimals, often zero (hours without load or sun).
const energy = fc.oneof(
  fc.constant(0),
  fc.integer({ min: 1, max: 100_000 }).map((n) => n / 100),
);
const fraction = fc.integer({ min: 0, max: 100 }).map((n) => n / 100);
const series = (hours: number) =>
  fc.array(energy, { minLength: hours, maxLength: hours }).map((v) => Float64Array.from(v));

const allocation = (consumers: number): fc.Arbitrary<AllocationRule> =>
  fc.oneof(
    fc.constant<AllocationRule>({ rule: 'pro_rata' }),
    fc.array(fraction, { minLength: consumers, maxLength: consumers }).map((raw): AllocationRule => {
      // Fractions scaled to sum to at most 1.
      const sum = raw.reduce((s, x) => s + x, 0);
      const scale = sum > 1 ? 1 / sum : 1;
      return { rule: 'contract', shares: Object.fromEntries(raw.map((x, i) => [IDS[i]!, x * scale])) };
    }),
  );

const storage = (hours: number, id: string): fc.Arbitrary<StorageProfile> =>
  fc.record({
    id: fc.constant(id),
    chargeMwh: series(hours),
    dischargeMwh: series(hours),
    roundTripEfficiency: fc.constantFrom(1, 0.9, 0.75),
  });

const arbitraryInput = (options: { storage: boolean }): fc.Arbitrary<MatchingInput> =>
  fc
    .record({ hours: fc.integer({ min: 1, max: 72 }), consumers: fc.integer({ min: 1, max: 3 }) })
    .chain(({ hours, consumers: n }) => {
      const months = hours > 48 ? ['2025-01', '2025-02'] : ['2025-01'];
      const consumer = (id: string) =>
        fc.record({
          id: fc.constant(id),
          loadMwh: series(hours),
          sources: fc.uniqueArray(
            fc.record({
              id: fc.constantFrom('pv', 'line', 'trade'),
              kind: fc.constantFrom('onsite' as const, 'direct_supply' as const, 'trade_hourly' as const),
              technology: fc.constantFrom('pv', 'wind'),
              energyMwh: series(hours),
            }),
            { maxLength: 2, selector: (s) => s.id },
          ),
          storages: options.storage ? fc.array(storage(hours, 'bess'), { maxLength: 1 }) : fc.constant([]),
        });
      const sharedSource = (id: string): fc.Arbitrary<SharedHourlySource> =>
        fc.record({
          id: fc.constant(id),
          kind: fc.constantFrom('onsite' as const, 'direct_supply' as const),
          technology: fc.constant('pv'),
          energyMwh: series(hours),
          allocation: allocation(n),
        });
      const sharedStorage: fc.Arbitrary<SharedStorage> = fc
        .record({ profile: storage(hours, 'park-bess'), allocation: allocation(n) })
        .map(({ profile, allocation: rule }) => ({ ...profile, allocation: rule }));
      const certificates: fc.Arbitrary<SharedCertificates> = fc.record({
        id: fc.constant('park-gec'),
        monthlyMwh: fc
          .array(energy, { minLength: months.length, maxLength: months.length })
          .map((v) => Object.fromEntries(months.map((m, i) => [m, v[i]!]))),
        allocation: allocation(n),
      });
      const instrument: fc.Arbitrary<MonthlyInstrument> = fc.record({
        id: fc.constantFrom('g1', 'g2', 't1'),
        consumerId: fc.constantFrom(...IDS.slice(0, n)),
        month: fc.constantFrom(...months),
        energyMwh: energy,
        kind: fc.constantFrom('certificate' as const, 'trade' as const),
      });
      const grid: fc.Arbitrary<GridGreenShare | undefined> = fc.oneof(
        fc.constant(undefined),
        fc.array(fraction, { minLength: hours, maxLength: hours }).map((v): GridGreenShare => ({
          resolution: 'hourly',
          share: Float64Array.from(v),
          source: 'test',
        })),
        fc
          .array(fraction, { minLength: months.length, maxLength: months.length })
          .map((v): GridGreenShare => ({
            resolution: 'monthly',
            share: Object.fromEntries(months.map((m, i) => [m, v[i]!])),
            source: 'test',
          })),
      );
      return fc
        .record({
          consumers: fc.tuple(...IDS.slice(0, n).map(consumer)),
          sources: fc
            .tuple(sharedSource('park-pv'), sharedSource('line'))
            .chain((both) => fc.integer({ min: 0, max: 2 }).map((k) => both.slice(0, k))),
          storages: options.storage ? fc.array(sharedStorage, { maxLength: 1 }) : fc.constant([]),
          certificates: fc.array(certificates, { maxLength: 1 }),
          instruments: fc.array(instrument, { maxLength: 4 }),
          grid,
        })
        .map((x): MatchingInput => ({
          startMs: START_MS,
          hours,
          timeZone: 'Asia/Shanghai',
          consumers: x.consumers,
          shared: { sources: x.sources, storages: x.storages, certificates: x.certificates },
          instruments: x.instruments,
          ...(x.grid ? { gridGreenShare: x.grid } : {}),
          options: { series: 'all', parkSeries: true },
        }));
    });

const close = (a: number | null, b: number | null, tolerance = 1e-9) => {
  if (a === null || b === null) return expect(a).toBe(b);
  expect(Math.abs(a - b)).toBeLessThanOrEqual(tolerance * Math.max(1, Math.abs(a), Math.abs(b)));
};
/** a ≤ b up to rounding. */
const atMost = (a: number, b: number) => expect(a).toBeLessThanOrEqual(b + 1e-9 * Math.max(1, Math.abs(b)));

const parties = (r: { consumers: ConsumerMatching[]; park: ConsumerMatching }) => [...r.consumers, r.park];
const sum = (values: number[]) => values.reduce((s, x) => s + x, 0);

function scaled(input: MatchingInput, k: number): MatchingInput {
  const times = (v: Float64Array) => v.map((x) => x * k);
  const storageTimes = <T extends StorageProfile>(s: T): T => ({
    ...s,
    chargeMwh: times(s.chargeMwh),
    dischargeMwh: times(s.dischargeMwh),
  });
  return {
    ...input,
    consumers: input.consumers.map((c) => ({
      ...c,
      loadMwh: times(c.loadMwh),
      sources: c.sources?.map((s) => ({ ...s, energyMwh: times(s.energyMwh) })),
      storages: c.storages?.map(storageTimes),
    })),
    shared: {
      sources: input.shared?.sources?.map((s) => ({ ...s, energyMwh: times(s.energyMwh) })),
      storages: input.shared?.storages?.map(storageTimes),
      certificates: input.shared?.certificates?.map((c) => ({
        ...c,
        monthlyMwh: Object.fromEntries(Object.entries(c.monthlyMwh).map(([m, v]) => [m, v * k])),
      })),
    },
    instruments: input.instruments?.map((i) => ({ ...i, energyMwh: i.energyMwh * k })),
  };
}

describe('matching invariants', () => {
  test.prop([arbitraryInput({ storage: true })])(
    'every hour: matched ≤ load, matched ≤ supply, matched ≤ CFE ≤ load; surplus = supply − matched',
    (input) => {
      const r = matchGreenSupply(input);
      const parkLoad = new Float64Array(input.hours);
      for (const c of input.consumers) c.loadMwh.forEach((l, h) => (parkLoad[h] = parkLoad[h]! + l));
      const le = (a: number, b: number) => a <= b + 1e-9 * Math.max(1, Math.abs(b));
      // One expect per run, naming the first hour that breaks a rule (an expect per hour is slow).
      const broken: string[] = [];
      parties(r).forEach((party, i) => {
        const load = input.consumers[i]?.loadMwh ?? parkLoad;
        const s = party.series!;
        for (let h = 0; h < input.hours && broken.length === 0; h++) {
          const l = load[h]!;
          const c = s.greenSupplyMwh[h]!;
          const m = s.matchedMwh[h]!;
          const cfe = s.cfeMwh[h]!;
          const surplus = s.surplusMwh[h]!;
          const ok =
            le(m, l) &&
            le(m, c) &&
            le(m, cfe) &&
            le(cfe, l) &&
            surplus >= 0 &&
            le(Math.abs(surplus - (c - m)), 0);
          if (!ok)
            broken.push(
              `${party.id} h${h}: load ${l}, supply ${c}, matched ${m}, CFE ${cfe}, surplus ${surplus}`,
            );
        }
      });
      expect(broken).toEqual([]);
    },
  );

  test.prop([arbitraryInput({ storage: true })])(
    'annual ≥ monthly ≥ hourly matched, for every party',
    (input) => {
      const r = matchGreenSupply(input);
      for (const party of parties(r)) {
        // Exact, not up to rounding: the sums run in the same order and rounding is monotone.
        expect(party.annual.matchedMwh).toBeGreaterThanOrEqual(party.monthly.matchedMwh);
        expect(party.monthly.matchedMwh).toBeGreaterThanOrEqual(party.hourly.matchedMwh);
        if (party.loadMwh > 0) {
          expect(party.annual.matchedShare!).toBeGreaterThanOrEqual(party.monthly.matchedShare!);
          expect(party.monthly.matchedShare!).toBeGreaterThanOrEqual(party.hourly.matchedShare!);
          expect(party.cfeScore!).toBeGreaterThanOrEqual(party.hourly.matchedShare!);
          expect(party.annual.matchedShare!).toBeLessThanOrEqual(1);
        } else expect(party.cfeScore).toBeNull();
        close(party.cfeScore, party.hourly.withGridShare);
        close(party.unmatched.energyMwh, party.loadMwh - party.hourly.matchedMwh);
      }
    },
  );

  test.prop([arbitraryInput({ storage: true })])(
    'energy is conserved through allocation and storage',
    (input) => {
      const r = matchGreenSupply(input);
      for (const report of r.shared) {
        const allocated = sum(Object.values(report.allocatedMwh));
        // Allocated shared = shared − drawn into shared storage − unallocated.
        close(allocated + report.unallocatedMwh, report.totalMwh - report.drawnToStorageMwh);
      }
      const storages = [
        ...r.shared.flatMap((s) => (s.storage ? [s.storage] : [])),
        ...parties(r).flatMap((p) => p.storages),
      ];
      for (const st of storages) {
        // Green out ≤ green in × η (equal to it with what is still stored).
        atMost(st.dischargedGreenMwh, st.chargedGreenMwh * st.roundTripEfficiency);
        close(st.dischargedGreenMwh + st.endStoredGreenMwh, st.chargedGreenMwh * st.roundTripEfficiency);
        close(st.dischargedMwh + st.endStoredMwh + st.lossesMwh, st.chargedMwh + st.unknownOriginMwh);
        close(st.dischargedGreenMwh + st.dischargedGridMwh + st.unknownOriginMwh, st.dischargedMwh);
        atMost(st.dischargedGridGreenMwh, st.dischargedGridMwh);
      }
      for (const party of parties(r)) {
        const k = party.greenSupplyByKindMwh;
        // Hourly green = sources + green discharge − green charged; monthly adds the instruments.
        close(
          party.hourly.greenSupplyMwh,
          k.onsite + k.direct_supply + k.trade_hourly + k.storage_discharge - party.storageGreenChargedMwh,
        );
        close(party.monthly.greenSupplyMwh, party.hourly.greenSupplyMwh + k.certificate + k.trade);
        close(party.annual.greenSupplyMwh, party.monthly.greenSupplyMwh);
        close(sum(party.byMonth.map((m) => m.loadMwh)), party.loadMwh);
      }
      // The park's load and undivided supply are the consumers' plus the shared resources'.
      close(r.park.loadMwh, sum(r.consumers.map((c) => c.loadMwh)));
      const gross = (p: ConsumerMatching) =>
        p.greenSupplyByKindMwh.onsite +
        p.greenSupplyByKindMwh.direct_supply +
        p.greenSupplyByKindMwh.trade_hourly;
      const sharedSources = r.shared.filter((s) => s.resource === 'source');
      close(
        gross(r.park),
        sum(r.consumers.map(gross)) + sum(sharedSources.map((s) => s.drawnToStorageMwh + s.unallocatedMwh)),
      );
    },
  );

  test.prop([arbitraryInput({ storage: false })])(
    'without storage the park nets across consumers: it matches at least their sum, by every method',
    (input) => {
      const r = matchGreenSupply(input);
      for (const method of ['hourly', 'monthly', 'annual'] as const) {
        atMost(sum(r.consumers.map((c) => c[method].matchedMwh)), r.park[method].matchedMwh);
      }
      // CFE_h = M + g (L − M) grows with M (g ≤ 1).
      atMost(
        sum(r.consumers.map((c) => (c.cfeScore === null ? 0 : c.cfeScore * c.loadMwh))),
        (r.park.cfeScore ?? 0) * r.park.loadMwh,
      );
    },
  );

  test.prop([arbitraryInput({ storage: true }), fc.constantFrom(0.001, 0.37, 3, 1000)])(
    'scaling every energy by k leaves every share unchanged',
    (input, k) => {
      const a = matchGreenSupply(input);
      const b = matchGreenSupply(scaled(input, k));
      parties(a).forEach((pa, i) => {
        const pb = parties(b)[i]!;
        for (const method of ['hourly', 'monthly', 'annual'] as const) {
          close(pa[method].matchedShare, pb[method].matchedShare, 1e-8);
          close(pa[method].withGridShare, pb[method].withGridShare, 1e-8);
        }
        close(pa.cfeScore, pb.cfeScore, 1e-8);
        close(pb.loadMwh, pa.loadMwh * k);
      });
    },
  );
});
