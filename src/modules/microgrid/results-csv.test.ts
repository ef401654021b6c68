import { describe, expect, test } from 'vitest';
import { dispatchPlanCsv, resultCsv, sizingDispatchCsv } from './results-csv.ts';
import type { DispatchPlan, SizingResult } from './types.ts';

const TZ = 'Asia/Shanghai';
const startMs = Date.parse('2025-06-01T00:00:00+08:00');

describe('results as CSV', () => {
  test('a dispatch plan: one row per step, park-local times, wind split from the pool in proportion', () => {
    // Step 1: PV + wind 40 kW of which wind 10, 20 used → PV 30 × 20/40 = 15 used, wind 5; 20 curtailed.
    const plan = {
      status: 'optimal',
      scenarioId: 's',
      objective: 'cost',
      startMs,
      stepMinutes: 15,
      loadKw: [100, 50],
      gridImportKw: [100, 30],
      gridExportKw: [0, 0],
      pvAvailableKw: [0, 40],
      pvUsedKw: [0, 20],
      pvCurtailedKw: [0, 20],
      chargeKw: [0, 0],
      dischargeKw: [0, 0],
      socKwh: [],
      shiftableKw: { ev: [0, 0.1234567] },
      priceCnyPerKwh: [0.3, 0.72],
      windAvailableKw: [0, 10],
    } as unknown as DispatchPlan;
    const csv = dispatchPlanCsv(plan, TZ);
    expect(csv.split('\n')).toEqual([
      'step,time_local,load_kw,pv_available_kw,pv_used_kw,wind_available_kw,wind_used_kw,curtailed_kw,' +
        'grid_import_kw,grid_export_kw,charge_kw,discharge_kw,soc_kwh,shiftable_ev_kw,price_cny_per_kwh',
      '0,2025-06-01T00:00:00+08:00,100,0,0,0,0,0,100,0,0,0,,0,0.3',
      '1,2025-06-01T00:15:00+08:00,50,30,15,10,5,20,30,0,0,0,,0.123457,0.72',
      '',
    ]);
    expect(resultCsv(plan, TZ)).toBe(csv);
  });

  test("a sizing result on representative days: each step's real time and weight", () => {
    // Two hourly representative days: day 3 (weight 10) then day 40 (weight 5); 24 steps each. Row 25 is day 40's
    // hour 1: 2025-01-01 + 40 days = 2025-02-10, 01:00.
    const n = 48;
    const z = () => new Array<number>(n).fill(0);
    const result = {
      status: 'optimal',
      mode: 'representative_days',
      capacities: {},
      representativeDays: [
        { day: 3, weight: 10, members: [], months: [0] },
        { day: 40, weight: 5, members: [], months: [1] },
      ],
      dispatch: {
        stepMinutes: 60,
        startMs: Date.parse('2025-01-01T00:00:00+08:00'),
        energyPriceCnyPerKwh: new Array<number>(n).fill(0.5),
        weight: [...new Array<number>(24).fill(10), ...new Array<number>(24).fill(5)],
        loadKw: new Array<number>(n).fill(80),
        gridImportKw: new Array<number>(n).fill(80),
        gridExportKw: z(),
        pvUsedKw: z(),
        pvCurtailedKw: z(),
        windUsedKw: z(),
        windCurtailedKw: z(),
        chargeKw: z(),
        dischargeKw: z(),
        socKwh: [],
      },
    } as unknown as SizingResult;
    const lines = sizingDispatchCsv(result, TZ).split('\n');
    expect(lines[0]).toMatch(/,price_cny_per_kwh,weight$/);
    expect(lines[1]).toBe('0,2025-01-04T00:00:00+08:00,80,0,0,0,0,0,80,0,0,0,,0.5,10');
    expect(lines[26]).toBe('25,2025-02-10T01:00:00+08:00,80,0,0,0,0,0,80,0,0,0,,0.5,5');
    expect(lines).toHaveLength(n + 2);
  });
});
