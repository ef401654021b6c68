/**
 * Source-grid-load-storage LPs on HiGHS (issue 6 targets): full-year hourly sizing (< 15 s), the representative-day
 * mode (≥ 20× faster, within 2 % of the full-year objective), a 96-step dispatch (< 200 ms), and model building
 * (< 10 % of solve time). Runs alone — `node --import tsx bench/microgrid.ts [--days-k 16,24] [--runs 20] [--cold]` — or from
 * bench/run.ts through `microgridBench()`; prints a table and returns the figures.
 *
 * The park is synthetic and seeded (same numbers every run): a ~6 MW industrial load with day, week and season
 * shapes and noise, PV from the sun's elevation at 25° N with daily cloudiness, wind from an AR(1) speed through a
 * power curve, a Yunnan-like time-of-use tariff with a demand charge, PV + wind + storage costs, a 70 % annual green
 * share target.
 */
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import { renderTable } from '../src/lib/format.ts';
import {
  createLpSolver,
  solveDispatch,
  solveRollingDispatch,
  solveSizing,
  type DispatchScenario,
  type LpSolver,
  type SizingResult,
  type Tariff,
} from '../src/modules/microgrid/index.ts';
import { log, machineLine } from './common.ts';
import { mulberry32 as rng } from '../src/lib/random.ts';

type SizingLpInput = Parameters<typeof solveSizing>[0];

const DAYS = 365;
/** Seeds of the further synthetic years the representative-day error is checked on. */
const OTHER_YEARS = [7, 2024, 2025];

/** Hourly prices (CNY/kWh): valley 23–07, peak 09–12 and 17–21, flat otherwise; critical peak in Jul–Aug 19–21. */
function price(hour: number, month: number): number {
  if (hour >= 23 || hour < 7) return 0.31;
  if ((hour >= 9 && hour < 12) || (hour >= 17 && hour < 21)) {
    return (month === 6 || month === 7) && hour >= 19 ? 1.12 : 0.93;
  }
  return 0.62;
}

/** A synthetic year of hourly data for a park at 25° N. */
export function syntheticYear(seed = 42): SizingLpInput {
  const random = rng(seed);
  const loadKw: number[] = [];
  const pvPerKw: number[] = [];
  const windPerKw: number[] = [];
  const energyPrice: number[] = [];
  const monthOfStep: number[] = [];
  const monthStarts = [0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334, 365];
  let speed = 6;
  for (let d = 0; d < DAYS; d++) {
    const month = monthStarts.findIndex((s, i) => d >= s && d < monthStarts[i + 1]!);
    const weekend = d % 7 >= 5;
    const season = 1 + 0.12 * Math.cos((2 * Math.PI * (d - 200)) / 365); // summer cooling
    const clearness = 0.35 + 0.6 * random() ** 0.7;
    const declination = 23.44 * Math.sin((2 * Math.PI * (284 + d)) / 365);
    for (let h = 0; h < 24; h++) {
      const shift = h >= 8 && h < 20 ? 1 : 0.72;
      loadKw.push((weekend ? 4200 : 5600) * season * shift * (0.94 + 0.12 * random()));
      const hourAngle = 15 * (h + 0.5 - 12);
      const rad = Math.PI / 180;
      const sinElevation =
        Math.sin(25 * rad) * Math.sin(declination * rad) +
        Math.cos(25 * rad) * Math.cos(declination * rad) * Math.cos(hourAngle * rad);
      pvPerKw.push(Math.max(0, sinElevation) * clearness * 0.85);
      speed = Math.max(0, 6 + 0.85 * (speed - 6) + 1.6 * (random() - 0.5) * 2);
      windPerKw.push(speed < 3 ? 0 : speed >= 12 ? 1 : ((speed - 3) / 9) ** 3);
      energyPrice.push(price(h, month));
      monthOfStep.push(month);
    }
  }
  return {
    stepMinutes: 60,
    loadKw,
    pvPerKw,
    windPerKw,
    energyPrice,
    monthOfStep,
    exportPrice: 0.3358,
    gridExportLimitKw: 4000,
    demandChargePerKwMonth: 38,
    existing: { pvKw: 1500 },
    costs: {
      pv: { capexPerUnit: 3200, lifetimeYears: 25, omShare: 0.01, maxUnits: 20_000 },
      wind: { capexPerUnit: 5500, lifetimeYears: 20, omShare: 0.02, maxUnits: 10_000 },
      storageEnergy: { capexPerUnit: 850, lifetimeYears: 12, omShare: 0.02 },
      storagePower: { capexPerUnit: 280, lifetimeYears: 12, omShare: 0.02 },
    },
    storage: { roundTripEfficiency: 0.88, minSocShare: 0.1, maxSocShare: 0.95 },
    discountRate: 0.06,
    gridFactorTco2PerMwh: 0.5703,
    target: { kind: 'green_share_annual', share: 0.7 },
  };
}

function dispatchDay(year: SizingLpInput, day: number, sized: SizingResult | undefined): DispatchScenario {
  const tariff: Tariff = {
    id: 'bench',
    name: 'bench ToU',
    validFrom: '2025-01-01',
    energyPrice: { flat: 0.62 },
    touRules: [],
    demandChargePerKwMonth: 38,
    exportPrice: 0.3358,
    source: 'bench',
  };
  const pvKw = sized?.capacities.pv.total ?? 8000;
  const quarter = <T>(hourly: readonly T[]) =>
    hourly.slice(day * 24, day * 24 + 24).flatMap((x) => [x, x, x, x]);
  return {
    id: 'bench-day',
    name: 'bench day',
    stepMinutes: 15,
    startMs: Date.parse('2025-06-01T00:00:00+08:00'),
    loadKw: quarter(year.loadKw).map((x, i) => x * (1 + 0.03 * Math.sin(i))),
    pvKw: quarter(year.pvPerKw!).map((x) => x * pvKw),
    storage: {
      energyKwh: sized?.capacities.storageEnergy.total || 8000,
      powerKw: sized?.capacities.storagePower.total || 2000,
      roundTripEfficiency: 0.88,
      minSocShare: 0.1,
      maxSocShare: 0.95,
      initialSocShare: 0.5,
    },
    shiftable: [
      { id: 'ev-fleet', energyKwh: 3000, maxKw: 800, window: [0, 32] },
      { id: 'kiln', energyKwh: 6000, maxKw: 1500, window: [36, 72] },
    ],
    tariff,
    gridImportLimitKw: 9000,
    gridExportLimitKw: 4000,
    monthPeakSoFarKw: 5000,
    gridFactorTco2PerMwh: 0.5703,
    objective: 'cost',
  };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const s = (ms: number) => `${(ms / 1000).toFixed(2)} s`;
const ms = (x: number) => `${x.toFixed(1)} ms`;

/** Runs the microgrid benchmark and returns its figures (one object per measurement). */
export async function microgridBench(
  options: { representativeDays?: number[]; dispatchRuns?: number; solver?: LpSolver; cold?: boolean } = {},
): Promise<Record<string, unknown>[]> {
  const ks = options.representativeDays ?? [16, 24];
  const coldToo = options.cold ?? false;
  const runs = options.dispatchRuns ?? 20;
  const solver = options.solver ?? createLpSolver();
  const results: Record<string, unknown>[] = [];
  const rows: string[][] = [];
  try {
    log(`microgrid LPs on HiGHS — ${machineLine()}`);
    const year = syntheticYear();

    // Full-year sizing (hot-started from 12 representative days, as by default).
    const tFull = performance.now();
    const full = await solveSizing(year, {
      solver,
      timeoutMs: 300_000,
      onProgress: (p) => {
        if (p.kind === 'iterations')
          log(`  … ${p.iterations.toLocaleString('en-US')} iterations, ${s(p.elapsedMs)}`);
      },
      progressEveryMs: 5000,
    });
    const fullMs = performance.now() - tFull;
    if (full.status !== 'optimal') throw new Error(`full-year sizing: ${JSON.stringify(full).slice(0, 400)}`);
    const st = full.solve.stats;
    const buildMs = full.solve.buildMs;
    log(
      `full year: ${full.solve.variables.toLocaleString('en-US')} variables, ` +
        `${full.solve.rows.toLocaleString('en-US')} rows, ${(full.solve.lpTextChars / 1e6).toFixed(1)} MB of LP text`,
    );
    const fixedMs = st.warmStartMs ?? 0;
    rows.push([
      'full-year sizing (8,760 h)',
      s(fullMs),
      `< 15 s: ${fullMs < 15_000 ? 'met' : 'MISSED'}`,
      `build ${ms(full.solve.buildMs)}, guess on 24 days ${ms(full.solve.guessMs ?? 0)}, parse ${ms(st.parseMs)}, ` +
        `solve ${s(st.solveMs)} (capacities fixed ${s(fixedMs)}, then free ${s(st.solveMs - fixedMs)}), ` +
        `${st.iterations} iterations`,
    ]);
    const buildShare = buildMs / (st.parseMs + st.solveMs);
    rows.push([
      'model building / solve',
      `${(buildShare * 100).toFixed(1)} %`,
      `< 10 %: ${buildShare < 0.1 ? 'met' : 'MISSED'}`,
      `JS builds the text in ${ms(buildMs)}; HiGHS reads it in ${ms(st.parseMs)} ` +
        `(${((st.parseMs / st.solveMs) * 100).toFixed(1)} % of the solve)`,
    ]);
    if (coldToo) {
      const tCold = performance.now();
      const coldFull = await solveSizing(year, { solver, timeoutMs: 300_000, hotStart: false });
      const coldMs = performance.now() - tCold;
      if (coldFull.status === 'optimal') {
        rows.push([
          'full-year sizing, cold start',
          s(coldMs),
          '—',
          `${coldFull.solve.stats.iterations} iterations; objective ${coldFull.cost.totalCny.toFixed(0)} vs ` +
            `${full.cost.totalCny.toFixed(0)} hot-started`,
        ]);
        results.push({ part: 'microgrid', bench: 'sizing full year cold', seconds: coldMs / 1000 });
      }
    }
    results.push({
      part: 'microgrid',
      bench: 'sizing full year',
      seconds: fullMs / 1000,
      buildMs,
      parseMs: st.parseMs,
      solveMs: st.solveMs,
      iterations: st.iterations,
      variables: full.solve.variables,
      rows: full.solve.rows,
      buildShare,
      totalCny: full.cost.totalCny,
      capacities: full.capacities,
      greenShare: full.greenShare,
    });
    const cap = (r: SizingResult) =>
      `PV ${Math.round(r.capacities.pv.total)} kW, wind ${Math.round(r.capacities.wind.total)} kW, ` +
      `storage ${Math.round(r.capacities.storageEnergy.total)} kWh / ${Math.round(r.capacities.storagePower.total)} kW`;
    log(
      `full year: ${cap(full)}; ${full.cost.totalCny.toFixed(0)} CNY/yr, ` +
        `LCOE ${full.levelisedCostCnyPerKwh.toFixed(4)} CNY/kWh, green ${(full.greenShare * 100).toFixed(1)} %, ` +
        `curtailed ${(full.energy.curtailmentShare * 100).toFixed(1)} %`,
    );

    for (const k of ks) {
      const t0 = performance.now();
      const rep = await solveSizing(year, { solver, representativeDays: k });
      const repMs = performance.now() - t0;
      if (rep.status !== 'optimal')
        throw new Error(`representative days: ${JSON.stringify(rep).slice(0, 400)}`);
      const error = (rep.cost.totalCny - full.cost.totalCny) / full.cost.totalCny;
      const speedup = fullMs / repMs;
      rows.push([
        `representative days, k = ${k}`,
        s(repMs),
        `≥ 20× and ≤ 2 %: ${speedup >= 20 && Math.abs(error) <= 0.02 ? 'met' : 'MISSED'}`,
        `${speedup.toFixed(0)}× faster, objective ${error >= 0 ? '+' : ''}${(error * 100).toFixed(2)} % vs full year; ${cap(rep)}`,
      ]);
      results.push({
        part: 'microgrid',
        bench: `sizing representative days k=${k}`,
        seconds: repMs / 1000,
        speedup,
        relativeError: error,
        capacities: rep.capacities,
      });
    }

    // The same representative-day modes on three more synthetic years: the error depends on the data.
    for (const seed of OTHER_YEARS) {
      const other = syntheticYear(seed);
      const t0 = performance.now();
      const fullOther = await solveSizing(other, { solver, timeoutMs: 300_000 });
      const otherMs = performance.now() - t0;
      if (fullOther.status !== 'optimal') throw new Error(`year ${seed}: ${fullOther.status}`);
      const cells: string[] = [];
      for (const k of ks) {
        const t1 = performance.now();
        const rep = await solveSizing(other, { solver, representativeDays: k });
        const repMs = performance.now() - t1;
        if (rep.status !== 'optimal') throw new Error(`year ${seed}, k = ${k}: ${rep.status}`);
        const error = (rep.cost.totalCny - fullOther.cost.totalCny) / fullOther.cost.totalCny;
        cells.push(
          `k = ${k}: ${(otherMs / repMs).toFixed(0)}×, ${error >= 0 ? '+' : ''}${(error * 100).toFixed(2)} %`,
        );
        results.push({
          part: 'microgrid',
          bench: `sizing representative days k=${k}, year seed ${seed}`,
          speedup: otherMs / repMs,
          relativeError: error,
        });
      }
      rows.push([`another year (seed ${seed}): full year`, s(otherMs), '', cells.join('; ')]);
    }

    // Day-ahead dispatch, 96 × 15 min with storage, two shiftable loads, demand charge and export.
    const scenario = dispatchDay(year, 180, full);
    const prices = scenario.loadKw.map((_, i) => price(Math.floor(i / 4), 6));
    const fresh = createLpSolver();
    const tc = performance.now();
    const coldPlan = await solveDispatch(scenario, prices, { solver: fresh });
    const coldMs = performance.now() - tc;
    await fresh.close();
    if (coldPlan.status !== 'optimal') throw new Error(`dispatch: ${JSON.stringify(coldPlan).slice(0, 400)}`);
    const times: number[] = [];
    const dispatchBuild: number[] = [];
    for (let i = 0; i < runs; i++) {
      const t0 = performance.now();
      const plan = await solveDispatch(scenario, prices, { solver });
      times.push(performance.now() - t0);
      if (plan.status === 'optimal') dispatchBuild.push(plan.solve.buildMs);
    }
    const warm = median(times);
    rows.push([
      '96-step dispatch (warm worker)',
      ms(warm),
      `< 200 ms: ${warm < 200 ? 'met' : 'MISSED'}`,
      `median of ${runs}; build ${ms(median(dispatchBuild))}; cold (new worker, HiGHS load) ${ms(coldMs)}; ` +
        `cost ${coldPlan.totals.costCny.toFixed(0)} CNY, peak ${coldPlan.totals.peakKw.toFixed(0)} kW`,
    ]);
    results.push({
      part: 'microgrid',
      bench: 'dispatch 96 steps',
      medianMs: warm,
      coldMs,
      buildMs: median(dispatchBuild),
    });
    // Rolling: the same day re-planned every hour over a 24-hour look-ahead (24 solves), forecasts equal to actuals.
    const tr = performance.now();
    const rolled = await solveRollingDispatch(
      scenario,
      prices,
      { windowSteps: 96, commitSteps: 4 },
      { solver },
    );
    const rollingMs = performance.now() - tr;
    if (rolled.status !== 'optimal') throw new Error(`rolling: ${JSON.stringify(rolled).slice(0, 400)}`);
    rows.push([
      'rolling day: hourly re-plans, 96-step look-ahead',
      ms(rollingMs),
      '',
      `${rolled.rolling.replans} solves; cost ${rolled.totals.costCny.toFixed(0)} CNY vs day-ahead ${coldPlan.totals.costCny.toFixed(0)} CNY`,
    ]);
    results.push({ part: 'microgrid', bench: 'rolling day', ms: rollingMs, replans: rolled.rolling.replans });
    log('');
    log(renderTable(['measurement', 'value', 'target', 'detail'], rows));
    return results;
  } finally {
    if (!options.solver) await solver.close();
  }
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const { values } = parseArgs({
    options: {
      'days-k': { type: 'string' },
      runs: { type: 'string' },
      cold: { type: 'boolean', default: false },
    },
  });
  await microgridBench({
    representativeDays: values['days-k']?.split(',').map(Number),
    dispatchRuns: values.runs ? Number(values.runs) : undefined,
    cold: values.cold,
  });
}
