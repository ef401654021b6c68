/**
 * Green-electricity matching (`green-matching-1`) on a park-year: 8,760 hours, 1,000 consumers each with a load and
 * one own source, two shared sources divided pro rata and one shared storage (target < 2 s). Measured without heat
 * maps and with a heat map for every consumer and the park. Runs alone — `node --import tsx bench/green-matching.ts` —
 * or from bench/run.ts through `greenMatchingBench()`; prints a table and returns the figures.
 *
 * The data are synthetic and seeded (same numbers every run): loads with day, week and season shapes and noise, PV
 * from a clipped sine of the hour with daily cloudiness, wind as an AR(1) series, a battery charging at midday and
 * discharging in the evening peak, and an hourly grid carbon-free share.
 */
import { pathToFileURL } from 'node:url';
import { renderTable } from '../src/lib/format.ts';
import {
  matchGreenSupply,
  type MatchingConsumer,
  type MatchingInput,
  type MatchingResult,
} from '../src/modules/green/index.ts';
import { DEMO_START_MS, log, machineLine } from './common.ts';
import { mulberry32 as rng } from '../src/lib/random.ts';

const HOURS = 8_760;
const CONSUMERS = 1_000;
const RUNS = 5;
const TARGET_MS = 2_000;

/** PV output per MW peak: a sine between 06:00 and 18:00 local (UTC+8) scaled by the day's cloudiness. */
function pvShape(random: () => number): Float64Array {
  const out = new Float64Array(HOURS);
  let clouds = 1;
  for (let h = 0; h < HOURS; h++) {
    const hour = h % 24;
    if (hour === 0) clouds = 0.3 + 0.7 * random();
    const day = Math.sin(((hour - 6) / 12) * Math.PI);
    out[h] = day > 0 ? day * clouds : 0;
  }
  return out;
}

/** Wind output per MW: an AR(1) capacity factor clipped to 0..1. */
function windShape(random: () => number): Float64Array {
  const out = new Float64Array(HOURS);
  let cf = 0.3;
  for (let h = 0; h < HOURS; h++) {
    cf = Math.min(1, Math.max(0, 0.95 * cf + 0.05 * 0.3 + 0.08 * (random() - 0.5)));
    out[h] = cf;
  }
  return out;
}

/** A synthetic park-year of matching input. */
export function syntheticMatchingInput(seed = 42, consumers = CONSUMERS): MatchingInput {
  const random = rng(seed);
  const pv = pvShape(random);
  const wind = windShape(random);
  const list: MatchingConsumer[] = [];
  for (let i = 0; i < consumers; i++) {
    const baseMw = 0.2 + 4 * random() ** 2;
    const nightShift = random() < 0.3;
    const loadMwh = new Float64Array(HOURS);
    for (let h = 0; h < HOURS; h++) {
      const hour = h % 24;
      const weekday = Math.floor(h / 24) % 7 < 5;
      const season = 1 + 0.15 * Math.cos((2 * Math.PI * h) / HOURS);
      const shift = nightShift || (hour >= 8 && hour < 20) ? 1 : 0.35;
      loadMwh[h] = baseMw * season * shift * (weekday ? 1 : 0.6) * (0.9 + 0.2 * random());
    }
    const ownPv = random() < 0.7;
    const peakMw = baseMw * (0.2 + 0.6 * random());
    const shape = ownPv ? pv : wind;
    list.push({
      id: `e${String(i).padStart(4, '0')}`,
      loadMwh,
      sources: [
        {
          id: ownPv ? 'rooftop-pv' : 'wind-trade',
          kind: ownPv ? 'onsite' : 'trade_hourly',
          technology: ownPv ? 'pv' : 'wind',
          energyMwh: shape.map((x) => x * peakMw),
        },
      ],
    });
  }
  const charge = new Float64Array(HOURS);
  const discharge = new Float64Array(HOURS);
  for (let h = 0; h < HOURS; h++) {
    const hour = h % 24;
    if (hour >= 11 && hour < 15) charge[h] = 200;
    if (hour >= 18 && hour < 22) discharge[h] = 176; // 800 MWh in at η 0.88 → 704 MWh out
  }
  const gridShare = new Float64Array(HOURS);
  for (let h = 0; h < HOURS; h++) gridShare[h] = 0.25 + 0.15 * pv[h]! + 0.05 * random();
  return {
    startMs: DEMO_START_MS,
    hours: HOURS,
    timeZone: 'Asia/Shanghai',
    consumers: list,
    shared: {
      sources: [
        {
          id: 'park-pv',
          kind: 'onsite',
          technology: 'pv',
          energyMwh: pv.map((x) => x * 1_500),
          allocation: { rule: 'pro_rata' },
        },
        {
          id: 'direct-line',
          kind: 'direct_supply',
          technology: 'wind',
          energyMwh: wind.map((x) => x * 300),
          allocation: { rule: 'pro_rata' },
        },
      ],
      storages: [
        {
          id: 'park-bess',
          chargeMwh: charge,
          dischargeMwh: discharge,
          roundTripEfficiency: 0.88,
          allocation: { rule: 'pro_rata' },
        },
      ],
    },
    gridGreenShare: { resolution: 'hourly', share: gridShare, source: 'synthetic' },
  };
}

/** Median times of `RUNS` runs of each input, interleaved so that a busy machine slows both alike, after a warm-up. */
function timed(inputs: MatchingInput[]): { ms: number; result: MatchingResult }[] {
  matchGreenSupply(inputs[0]!); // JIT warm-up
  const times = inputs.map((): number[] => []);
  const results: MatchingResult[] = [];
  for (let run = 0; run < RUNS; run++) {
    inputs.forEach((input, i) => {
      const started = performance.now();
      results[i] = matchGreenSupply(input);
      times[i]!.push(performance.now() - started);
    });
  }
  return inputs.map((_, i) => {
    const sorted = times[i]!.sort((a, b) => a - b);
    return { ms: sorted[Math.floor(RUNS / 2)]!, result: results[i]! };
  });
}

/** Times a park-year of matching without and with heat maps; prints a table and returns the figures. */
export async function greenMatchingBench(): Promise<Record<string, unknown>> {
  await Promise.resolve(); // the same shape as the other parts' entry points
  log(
    `\ngreen matching: ${CONSUMERS.toLocaleString('en-US')} consumers × ${HOURS.toLocaleString('en-US')} h; ${machineLine()}`,
  );
  const t0 = performance.now();
  const input = syntheticMatchingInput();
  const generateMs = performance.now() - t0;
  const [plain, maps] = timed([
    { ...input, options: { heatMaps: 'none', parkHeatMap: false } },
    { ...input, options: { heatMaps: 'all', parkHeatMap: true } },
  ]) as [{ ms: number; result: MatchingResult }, { ms: number; result: MatchingResult }];
  const park = plain.result.park;
  const pct = (x: number | null) => (x === null ? '—' : `${(x * 100).toFixed(1)} %`);
  const ms = (x: number) => `${x.toFixed(0)} ms`;
  const signed = (x: number) => `${x < 0 ? '−' : '+'}${Math.abs(x).toFixed(0)}`;
  const rows = [
    ['matching, no heat maps', ms(plain.ms), `< ${TARGET_MS} ms`, `median of ${RUNS}`],
    [
      'matching, heat maps for all',
      ms(maps.ms),
      `< ${TARGET_MS} ms`,
      `${signed(maps.ms - plain.ms)} ms (${signed((maps.ms / plain.ms - 1) * 100)} %) for ${CONSUMERS + 1} maps`,
    ],
    ['input generation', ms(generateMs), '', 'not part of the figures above'],
    [
      'park shares',
      '',
      '',
      `hourly ${pct(park.hourly.matchedShare)}, monthly ${pct(park.monthly.matchedShare)}, annual ${pct(park.annual.matchedShare)}, CFE ${pct(park.cfeScore)}`,
    ],
  ];
  log(renderTable(['measurement', 'value', 'target', 'detail'], rows));
  return {
    part: 'green-matching',
    bench: 'park-year matching',
    consumers: CONSUMERS,
    hours: HOURS,
    msWithoutHeatMaps: plain.ms,
    msWithHeatMaps: maps.ms,
    targetMs: TARGET_MS,
    parkHourlyShare: park.hourly.matchedShare,
    parkMonthlyShare: park.monthly.matchedShare,
    parkAnnualShare: park.annual.matchedShare,
    parkCfeScore: park.cfeScore,
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await greenMatchingBench();
}
