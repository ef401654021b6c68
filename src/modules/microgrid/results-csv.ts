/**
 * Results as CSV: a dispatch plan (day-ahead or rolling) and a sizing result's modelled dispatch, one row per step,
 * with a header that names each column's unit. Pure: the caller writes the text to a file or an HTTP answer.
 */
import { renderCsv } from '../../lib/format.ts';
import { formatLocal } from '../../lib/time.ts';
import type { DispatchPlan, SizingResult } from './types.ts';

const COLUMNS = [
  'step',
  'time_local',
  'load_kw',
  'pv_available_kw',
  'pv_used_kw',
  'wind_available_kw',
  'wind_used_kw',
  'curtailed_kw',
  'grid_import_kw',
  'grid_export_kw',
  'charge_kw',
  'discharge_kw',
  'soc_kwh',
] as const;

/** A number for CSV: at most 6 decimals, no exponent for ordinary sizes, '' when unknown. */
function num(value: number | undefined): string {
  if (value === undefined || !Number.isFinite(value)) return '';
  return String(Math.round(value * 1e6) / 1e6 + 0);
}

/** Splits a pooled renewable output in proportion to what each source could give (as the sizing LP reports it). */
function split(usedKw: number, pvKw: number, windKw: number): { pv: number; wind: number } {
  const total = pvKw + windKw;
  const pv = total > 0 ? (usedKw * pvKw) / total : 0;
  return { pv, wind: usedKw - pv };
}

/**
 * A dispatch plan as CSV: per step its park-local start, load, PV and wind available and used, curtailment, grid
 * import and export, storage charge, discharge and state of charge at the end of the step, each shiftable load and
 * the energy price. Powers are step averages, kW.
 *
 * @example fs.writeFileSync('plan.csv', dispatchPlanCsv(plan, 'Asia/Shanghai'))
 */
export function dispatchPlanCsv(plan: DispatchPlan, timeZone: string): string {
  const ids = Object.keys(plan.shiftableKw);
  const header = [...COLUMNS, ...ids.map((id) => `shiftable_${id}_kw`), 'price_cny_per_kwh'];
  const stepMs = plan.stepMinutes * 60_000;
  const rows: string[][] = [];
  for (let t = 0; t < plan.loadKw.length; t++) {
    const wind = plan.windAvailableKw?.[t] ?? 0;
    const pvAvailable = plan.pvAvailableKw[t]! - wind;
    const used = split(plan.pvUsedKw[t]!, pvAvailable, wind);
    rows.push([
      String(t),
      formatLocal(plan.startMs + t * stepMs, timeZone),
      num(plan.loadKw[t]),
      num(pvAvailable),
      num(used.pv),
      num(wind),
      num(used.wind),
      num(plan.pvCurtailedKw[t]),
      num(plan.gridImportKw[t]),
      num(plan.gridExportKw[t]),
      num(plan.chargeKw[t]),
      num(plan.dischargeKw[t]),
      plan.socKwh.length > 0 ? num(plan.socKwh[t]) : '',
      ...ids.map((id) => num(plan.shiftableKw[id]![t])),
      num(plan.priceCnyPerKwh?.[t]),
    ]);
  }
  return renderCsv(header, rows);
}

/**
 * A sizing result's modelled dispatch as CSV (the year, or the representative days one after another, each step with
 * the number of real steps it stands for in `weight`), with the columns of `dispatchPlanCsv` at the capacities built.
 * The time is left empty for results that did not record their start.
 */
export function sizingDispatchCsv(result: SizingResult, timeZone: string): string {
  const d = result.dispatch;
  const header = [...COLUMNS, 'price_cny_per_kwh', 'weight'];
  const stepMs = d.stepMinutes * 60_000;
  const stepsPerDay = (24 * 60) / d.stepMinutes;
  const days = result.representativeDays;
  const timeOf = (t: number): string => {
    if (d.startMs === undefined) return '';
    const real = days ? days[Math.floor(t / stepsPerDay)]!.day * stepsPerDay + (t % stepsPerDay) : t;
    return formatLocal(d.startMs + real * stepMs, timeZone);
  };
  const rows: string[][] = [];
  for (let t = 0; t < d.loadKw.length; t++) {
    rows.push([
      String(t),
      timeOf(t),
      num(d.loadKw[t]),
      num(d.pvUsedKw[t]! + d.pvCurtailedKw[t]!),
      num(d.pvUsedKw[t]),
      num(d.windUsedKw[t]! + d.windCurtailedKw[t]!),
      num(d.windUsedKw[t]),
      num(d.pvCurtailedKw[t]! + d.windCurtailedKw[t]!),
      num(d.gridImportKw[t]),
      num(d.gridExportKw[t]),
      num(d.chargeKw[t]),
      num(d.dischargeKw[t]),
      d.socKwh.length > 0 ? num(d.socKwh[t]) : '',
      num(d.energyPriceCnyPerKwh?.[t]),
      num(d.weight[t]),
    ]);
  }
  return renderCsv(header, rows);
}

/** A run's result as CSV, whichever kind it is (a dispatch plan, rolling or not, or a sizing result). */
export function resultCsv(result: DispatchPlan | SizingResult, timeZone: string): string {
  return 'capacities' in result ? sizingDispatchCsv(result, timeZone) : dispatchPlanCsv(result, timeZone);
}
