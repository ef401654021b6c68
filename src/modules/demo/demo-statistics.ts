/**
 * The demo park's statistical inputs for 2025 — output, products, solid waste, waste heat, water, freight, process
 * activity, green claims, offsets and efficiency diagnoses — as the CSV an enterprise would import, so that the demo
 * account and scorecard are complete and plausible. Illustrative values, sized from the demo's metered energy (e.g.
 * the smelter's 656 GWh at about 13,400 kWh/t gives its aluminium output); none is a real enterprise's data.
 */
import { ensureDemoGreen } from './demo-green.ts';
import type pg from 'pg';
import { parkSnapshot } from '../registry/index.ts';
import {
  addFactor,
  importStatisticsCsv,
  listFactors,
  statisticBatches,
  type StatisticBatchResult,
} from '../carbon/index.ts';

/** Annual figures per organisation; months get them with a small deterministic seasonal swing. */
interface OrgYear {
  output?: number; // 10^4 CNY
  valueAdded?: number; // 10^4 CNY
  products?: [item: string, tonnesOrUnits: number, unit: string][];
  wasteGenerated?: number; // t
  wasteUtilised?: number; // t
  heatAvailable?: number; // GJ
  heatRecovered?: number; // GJ (matches the metered heat/steam the organisation exports)
  waterUsed?: number; // t withdrawn (as the water meters show, where there are some)
  waterReused?: number; // t of repeated use
  /** Diagnosis month (1–12) in 2025. */
  diagnosis?: number;
}

const YEAR: Record<string, OrgYear> = {
  // 656 GWh ÷ ≈13,400 kWh/t ≈ 49,000 t of aluminium a year; 19,494 GJ of flue-gas heat sold as hot water.
  ALU: {
    output: 93_000,
    valueAdded: 16_700,
    products: [['电解铝液', 49_000, 't']],
    wasteGenerated: 2_450,
    wasteUtilised: 2_060,
    heatAvailable: 52_000,
    heatRecovered: 19_494,
    waterUsed: 1_014_295,
    waterReused: 8_900_000,
    diagnosis: 4,
  },
  // 181 GWh ÷ ≈12,000 kWh/t ≈ 15,100 t of industrial silicon; 64,120 t of waste-heat steam × 3.679 GJ/t ≈ 235,900 GJ.
  SIL: {
    output: 22_600,
    valueAdded: 4_100,
    products: [['工业硅', 15_100, 't']],
    wasteGenerated: 3_300,
    wasteUtilised: 2_900,
    heatAvailable: 420_000,
    heatRecovered: 235_900,
    waterUsed: 312_001,
    waterReused: 2_400_000,
    diagnosis: 5,
  },
  CARB: {
    output: 30_000,
    valueAdded: 5_200,
    products: [['预焙阳极', 60_000, 't']],
    wasteGenerated: 1_900,
    wasteUtilised: 1_700,
    heatAvailable: 60_000,
    heatRecovered: 21_000,
    waterUsed: 249_539,
    waterReused: 1_600_000,
    diagnosis: 6,
  },
  ROLL: {
    output: 105_000,
    valueAdded: 12_000,
    products: [['铝板带箔', 50_000, 't']],
    wasteGenerated: 2_600,
    wasteUtilised: 2_500,
    waterUsed: 291_257,
    waterReused: 1_900_000,
    diagnosis: 9,
  },
  BAT: {
    output: 60_000,
    valueAdded: 9_000,
    products: [['磷酸铁锂正极材料', 10_000, 't']],
    wasteGenerated: 800,
    wasteUtilised: 610,
    waterUsed: 781_646,
    waterReused: 3_600_000,
  },
  CELL: {
    output: 160_000,
    valueAdded: 21_000,
    products: [['储能电芯', 4_000, 'MWh']],
    wasteGenerated: 650,
    wasteUtilised: 540,
    waterUsed: 208_801,
    waterReused: 900_000,
    diagnosis: 10,
  },
  PVM: {
    output: 120_000,
    valueAdded: 11_000,
    products: [['光伏组件', 2_000, 'MW']],
    wasteGenerated: 420,
    wasteUtilised: 360,
    waterUsed: 150_000,
    waterReused: 500_000,
  },
  AUTO: {
    output: 52_000,
    valueAdded: 9_800,
    products: [['汽车零部件', 180, '10^4 pieces']],
    wasteGenerated: 900,
    wasteUtilised: 780,
    waterUsed: 90_000,
    waterReused: 350_000,
  },
  PKG: {
    output: 9_000,
    valueAdded: 1_700,
    products: [['包装制品', 21_000, 't']],
    wasteGenerated: 600,
    wasteUtilised: 560,
  },
  DC: { output: 48_000, valueAdded: 21_000 },
  FOOD: {
    output: 26_000,
    valueAdded: 5_900,
    products: [['速冻食品', 30_000, 't']],
    wasteGenerated: 2_100,
    wasteUtilised: 1_900,
    waterUsed: 95_828,
    waterReused: 60_000,
  },
  DAIRY: {
    output: 38_000,
    valueAdded: 7_400,
    products: [['液态乳', 90_000, 't']],
    wasteGenerated: 1_200,
    wasteUtilised: 1_080,
    waterUsed: 296_139,
    waterReused: 210_000,
  },
  TEA: {
    output: 4_200,
    valueAdded: 1_300,
    products: [['精制茶', 1_500, 't']],
    wasteGenerated: 160,
    wasteUtilised: 150,
  },
  TCM: {
    output: 11_000,
    valueAdded: 3_300,
    products: [['中药饮片', 2_600, 't']],
    wasteGenerated: 310,
    wasteUtilised: 250,
  },
  GASCO: { output: 3_800, valueAdded: 1_400, products: [['压缩空气', 44_665_597, 'm3']] },
};

/** A ±6 % seasonal swing that sums to exactly 12 over the year (cosine over the months). */
const monthShare = (month: number) => (1 + 0.06 * Math.cos(((month - 1) / 12) * 2 * Math.PI)) / 12;

const r2 = (x: number) => Math.round(x * 100) / 100;

/** The demo's statistics CSV for 2025. */
export function demoStatisticsCsv(): string {
  const rows: string[] = [
    'organisation,month,kind,item,value,unit,evidence,note,factor_value,factor_unit,factor_source',
  ];
  const row = (
    org: string,
    month: number,
    kind: string,
    item: string,
    value: number,
    unit: string,
    evidence = '',
    note = '',
    factor: [number, string, string] | null = null,
  ) =>
    rows.push(
      [
        org,
        `2025-${String(month).padStart(2, '0')}`,
        kind,
        item,
        String(r2(value)),
        unit,
        evidence,
        note,
        ...(factor ? [String(factor[0]), factor[1], `"${factor[2]}"`] : ['', '', '']),
      ].join(','),
    );
  for (let month = 1; month <= 12; month++) {
    const share = monthShare(month);
    for (const [org, y] of Object.entries(YEAR)) {
      if (y.output) row(org, month, 'industrial_output', '', y.output * share, '10^4 CNY');
      if (y.valueAdded) row(org, month, 'value_added', '', y.valueAdded * share, '10^4 CNY');
      for (const [item, amount, unit] of y.products ?? [])
        row(org, month, 'product_output', item, amount * share, unit);
      if (y.wasteGenerated) row(org, month, 'solid_waste_generated', '', y.wasteGenerated * share, 't');
      if (y.wasteUtilised) row(org, month, 'solid_waste_utilised', '', y.wasteUtilised * share, 't');
      if (y.heatAvailable) row(org, month, 'waste_heat_available', 'heat', y.heatAvailable * share, 'GJ');
      if (y.heatRecovered) row(org, month, 'waste_heat_recovered', 'heat', y.heatRecovered * share, 'GJ');
      if (y.waterUsed) row(org, month, 'water_used', '', y.waterUsed * share, 't');
      if (y.waterReused) row(org, month, 'water_reused', '', y.waterReused * share, 't');
      if (y.diagnosis === month)
        row(
          org,
          month,
          'efficiency_diagnosis',
          `YN-NX-2025-${org}`,
          1,
          'count',
          `诊断报告 YN-NX-2025-${org}`,
        );
    }
    // Smelter anode consumption: ≈0.41 t of net anode per t of aluminium; CO₂ per t of anode from the carbon share
    // (1 − sulphur 2 % − ash 0.4 %) × 44/12 = 3.579 t (GB/T 32151.4 method; plant values, illustrative).
    row('ALU', month, 'process_activity', '阳极消耗', 0.41 * 49_000 * share, 't', '', '', [
      3.579,
      'tCO2/t',
      'GB/T 32151.4-2015 (1 − S − A) × 44/12 with plant lab S 2 %, A 0.4 % (demo)',
    ]);
    // Freight inside the park by the logistics company, by vehicle type (t·km).
    row('LOG', month, 'freight', 'diesel', 3_100_000 * share * 12, 't·km');
    row('LOG', month, 'freight', 'electric', 1_150_000 * share * 12, 't·km');
    row('LOG', month, 'freight', 'hydrogen', 420_000 * share * 12, 't·km');
    // Green certificates and trades are claimed in the ledger (demo-green.ts), not entered as statistics.
  }
  row('OPS', 12, 'offset', 'ccer', 12_000, 'tCO2e', 'CCER 注销证明 2025-OPS-01');
  row('OPS', 12, 'offset', 'sink', 3_000, 'tCO2e', '园区林业碳汇监测报告 2025');
  return rows.join('\n') + '\n';
}

/**
 * The demo's own factor versions. Densities of the fuels it meters in litres (the logistics fleet's diesel and
 * petrol, the data centre's generator diesel): measured values from the suppliers' delivery notes, entered as park
 * factors — what a park does when its meters count litres; within GB 19147 (diesel 810–845 kg/m³) and GB 17930
 * (petrol 720–775 kg/m³) at 20 °C. And the Yunnan grid's clean share, an estimate marked unverified.
 */
const DEMO_FACTORS = [
  {
    key: 'fuel.diesel.density',
    value: 0.835,
    unit: 'kg/L',
    source: '供应商送货单实测密度（20 °C，示范数据）',
    status: 'measured',
    evidence: 'demo delivery notes 2025 (0 号柴油)',
    note: '0 号柴油',
  },
  {
    key: 'fuel.gasoline.density',
    value: 0.74,
    unit: 'kg/L',
    source: '供应商送货单实测密度（20 °C，示范数据）',
    status: 'measured',
    evidence: 'demo delivery notes 2025 (92 号汽油)',
    note: '92 号汽油',
  },
  // The Yunnan profile counts the grid's clean share of unclaimed grid electricity. No published value was at hand:
  // an estimate from two published factors, 1 − 0.1333 (Yunnan 2023 average) ÷ 0.8273 (national fossil-power 2023)
  // = 0.839, i.e. the share of Yunnan's grid electricity that would have to be fossil to give its average factor.
  {
    key: 'grid_clean_share.provincial.yunnan',
    value: 0.839,
    unit: '1',
    source:
      '估算：1 − 0.1333 ÷ 0.8273（生态环境部、国家统计局 2025 年第 47 号公告：云南 2023 平均、全国化石电源）',
    status: 'unverified',
    evidence: undefined,
    note: 'an estimate to replace with the provincial energy statistics',
  },
] as const;

/** Enters the demo's factor versions and, once, its statistics (null when they are there already). */
export async function ensureDemoCarbon(pool: pg.Pool, parkId: string): Promise<StatisticBatchResult | null> {
  const organisations = new Set((await parkSnapshot(pool, parkId)).organisations.map((o) => o.id));
  const have = new Set(
    (await listFactors(pool, parkId)).filter((f) => f.scope === `park:${parkId}`).map((f) => f.key),
  );
  for (const f of DEMO_FACTORS)
    if (!have.has(f.key))
      await addFactor(pool, parkId, organisations, {
        key: f.key,
        value: f.value,
        unit: f.unit,
        validFrom: '2025-01-01',
        source: f.source,
        status: f.status,
        ...(f.evidence ? { evidence: f.evidence } : {}),
        note: f.note,
        by: 'demo',
      });
  await ensureDemoGreen(pool, parkId);
  // Seeded once: an import at every start would put the demo values back over what a user has entered since.
  // Runs at every start: one batch row tells, not a year of values.
  if ((await statisticBatches(pool, parkId, 1)).length > 0) return null;
  return importStatisticsCsv(pool, parkId, demoStatisticsCsv(), {
    file: 'demo-statistics-2025.csv',
    actor: 'demo',
  });
}
