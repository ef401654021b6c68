/**
 * The synthetic demo park: 滇中绿色低碳产业园（示范）, a fictional zero-carbon industrial park in Anning near Kunming with
 * an aluminium smelter on a direct hydro line, an industrial-silicon plant, battery makers, a data centre, food
 * factories, cold-chain logistics, offices, a 30 MWp PV plant and a 10 MW / 20 MWh storage station.
 */
import type {
  Carrier,
  Meter,
  MeterRole,
  Organisation,
  ParkDefinition,
  ReadingKind,
  Replacement,
  Site,
  Technology,
} from '../registry/index.ts';
import {
  DEMO_EPOCH,
  FAULT_METERS,
  FAULT_TIMES,
  REPLACEMENT_NEW_INITIAL_RAW,
  SCHEDULED_LOADS,
  scheduledRegisterRaw,
} from './demo-faults.ts';
import type { ProfileKind } from './demo-profiles.ts';
import { hashSeed, mulberry32 } from '../../lib/random.ts';
import { createUscc } from './uscc.ts';

export const DEMO_PARK_ID = 'demo-yn';
const DEMO_TIMEZONE = 'Asia/Shanghai';

/** Meters at meterScale 1; the scale adds or removes consumption sub-meters to reach about this many × meterScale. */
export const DEMO_BASE_METER_COUNT = 300;

/** Leaf meter capacity = peak × this: room for noise before a rate counts as a spike. */
export const CAPACITY_HEADROOM = 1.4;
/** PV plants are built with this many kWp of modules per kW of inverter (capacity is the AC rating). */
export const PV_DC_AC_RATIO = 1.15;
/** Storage energy = capacity (kW) × this many hours. */
export const STORAGE_HOURS = 2;

/** Sites whose loads follow their own shape rather than their organisation's industry. */
export const DEMO_SITE_PROFILES: Readonly<Record<string, ProfileKind>> = {
  'OPS-ROADS': 'street_lighting',
  'OPS-WWTP': 'wastewater',
  'OPS-COOL': 'cooling',
  'OPS-CENTRE': 'office',
};

/** Anning (安宁市), Kunming: the administrative division code of every demo USCC. */
const DIVISION_CODE = '530181';

const DEFAULT_READING_KIND: Readonly<Record<Carrier, ReadingKind>> = {
  electricity: 'cumulative',
  natural_gas: 'cumulative',
  steam: 'interval',
  heat: 'cumulative',
  cooling: 'cumulative',
  coal: 'interval',
  coke: 'interval',
  diesel: 'interval',
  gasoline: 'interval',
  fuel_oil: 'interval',
  lpg: 'interval',
  hydrogen: 'interval',
  water: 'cumulative',
  compressed_air: 'cumulative',
};

const AMOUNT_UNIT: Readonly<Record<Carrier, string>> = {
  electricity: 'kWh',
  natural_gas: 'm3',
  steam: 't',
  heat: 'GJ',
  cooling: 'GJ',
  coal: 't',
  coke: 't',
  diesel: 'L',
  gasoline: 'L',
  fuel_oil: 't',
  lpg: 'kg',
  hydrogen: 'kg',
  water: 'm3',
  compressed_air: 'm3',
};

const RATE_UNIT: Readonly<Partial<Record<Carrier, string>>> = { electricity: 'kW' };

/** A meter being designed: the schema fields plus what sizing needs. */
interface Draft {
  id: string;
  name: string;
  site?: string;
  carrier?: Carrier;
  role?: MeterRole;
  technology?: Technology;
  readingKind?: ReadingKind;
  /** Leaves: typical peak rate, engineering units per hour. */
  peak?: number;
  capacity?: number;
  multiplier?: number;
  /** Metering voltage (kV) of an electricity meter, which sets its CT × PT ratio; LV when absent. */
  kv?: number;
  /** Hosts scaled consumption sub-meters: their share of the count, the peak they share, and their name stem. */
  circuits?: { weight: number; peak: number; label: string };
  rolloverAt?: number;
  replacements?: Replacement[];
  children?: Draft[];
}

interface OrganisationSpec {
  id: string;
  name: string;
  kind: 'enterprise' | 'park_operator' | 'public';
  industryCode: string;
  sites: { id: string; name: string; kind: NonNullable<Site['kind']> }[];
  meters: Draft[];
}

/** Scheduled (faulted) meters take their multiplier and capacity from the fault table; `peak` sizes their siblings. */
function scheduled(id: string, name: string, extra: Partial<Draft> = {}): Draft {
  const load = SCHEDULED_LOADS[id];
  if (!load) throw new Error(`no scheduled load for ${id}`);
  return { id, name, peak: load.dayKw, capacity: load.capacityKw, multiplier: load.multiplier, ...extra };
}

const feeder = (
  id: string,
  name: string,
  peak: number,
  weight: number,
  children: Draft[] = [],
  kv = 10,
): Draft => ({
  id,
  name,
  kv,
  circuits: { weight, peak, label: name },
  children,
});

const power = (id: string, name: string, peak: number): Draft => ({ id, name, readingKind: 'power', peak });

const water = (id: string, name: string, peak: number, children?: Draft[]): Draft => ({
  id,
  name,
  carrier: 'water',
  role: 'import',
  peak,
  ...(children ? { children } : {}),
});

const pv = (id: string, name: string, acKw: number, kv = 10): Draft => ({
  id,
  name,
  role: 'generation',
  technology: 'pv',
  capacity: acKw,
  kv,
});

/** The park's organisations and their meters, before sizing and scaling. */
function organisationSpecs(): OrganisationSpec[] {
  const sub = (id: string, name: string, carrier: Carrier, peak: number): Draft => ({
    id,
    name,
    carrier,
    peak,
  });
  return [
    {
      id: 'OPS',
      name: '滇中示范零碳园区运营管理有限公司',
      kind: 'park_operator',
      industryCode: 'L7221',
      sites: [
        { id: 'OPS-CENTRE', name: '园区服务中心', kind: 'building' },
        { id: 'OPS-PV', name: '园区集中式光伏电站', kind: 'station' },
        { id: 'OPS-ESS', name: '园区储能电站', kind: 'station' },
        { id: 'OPS-ROADS', name: '园区道路与公共区域', kind: 'other' },
        { id: 'OPS-WWTP', name: '园区污水处理厂', kind: 'station' },
        { id: 'OPS-COOL', name: '园区区域供冷站', kind: 'station' },
      ],
      meters: [
        { ...pv('OPS-EL-PV', '集中式光伏电站并网计量（30 MWp）', 26_000, 35), site: 'OPS-PV' },
        {
          id: 'OPS-EL-ESS-CHG',
          name: '储能电站充电计量（10 MW / 20 MWh）',
          site: 'OPS-ESS',
          role: 'storage_charge',
          capacity: 10_000,
          kv: 10,
        },
        {
          id: 'OPS-EL-ESS-DIS',
          name: '储能电站放电计量（10 MW / 20 MWh）',
          site: 'OPS-ESS',
          role: 'storage_discharge',
          capacity: 10_000,
          kv: 10,
        },
        {
          id: 'OPS-EL-MAIN',
          name: '运营公司 10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            { ...feeder('OPS-EL-LIGHT', '园区路灯', 350, 6), site: 'OPS-ROADS' },
            {
              ...feeder('OPS-EL-WWTP', '污水处理厂', 500, 4, [
                { ...power('OPS-PW-BLOWER', '曝气鼓风机功率', 160), site: 'OPS-WWTP' },
              ]),
              site: 'OPS-WWTP',
            },
            { ...feeder('OPS-EL-CENTRE', '服务中心', 250, 4), site: 'OPS-CENTRE' },
            { ...feeder('OPS-EL-COOL', '区域供冷站冷机', 900, 3), site: 'OPS-COOL' },
          ],
        },
        {
          id: 'OPS-CL-EXPORT',
          name: '区域供冷站供冷量',
          site: 'OPS-COOL',
          carrier: 'cooling',
          role: 'export',
        },
        water('OPS-WA-MAIN', '园区公共用水总表', 60),
      ],
    },
    {
      id: 'GOV',
      name: '滇中示范绿色低碳产业园管理委员会',
      kind: 'public',
      industryCode: 'S9225',
      sites: [{ id: 'GOV-BLDG', name: '管委会办公楼', kind: 'building' }],
      meters: [
        {
          id: 'GOV-EL-MAIN',
          name: '管委会低压总表',
          role: 'import',
          circuits: { weight: 4, peak: 220, label: '管委会办公楼' },
        },
        water('GOV-WA-MAIN', '管委会用水总表', 6),
      ],
    },
    {
      id: 'ALU',
      name: '示范滇中铝业有限公司',
      kind: 'enterprise',
      industryCode: 'C3216',
      sites: [{ id: 'ALU-PLANT', name: '电解铝厂区', kind: 'plant' }],
      meters: [
        {
          id: 'ALU-EL-MAIN',
          name: '110 kV 电网进线总表',
          role: 'import',
          kv: 110,
          children: [
            { id: 'ALU-EL-POT1', name: '一系列电解槽整流', kv: 110, peak: 24_000 },
            { id: 'ALU-EL-POT2', name: '二系列电解槽整流', kv: 110, peak: 24_000 },
            feeder('ALU-EL-AUX', '辅助生产', 3_600, 10, [
              scheduled(FAULT_METERS.rollover, '整流所循环冷却水泵', { rolloverAt: 1_000_000 }),
            ]),
          ],
        },
        {
          id: 'ALU-EL-GREEN',
          name: '绿电直连 110 kV 水电专线',
          role: 'direct_green_supply',
          technology: 'hydro',
          kv: 110,
          children: [{ id: 'ALU-EL-POT3', name: '三系列电解槽整流（绿电直连）', kv: 110, peak: 18_000 }],
        },
        {
          id: 'ALU-NG-MAIN',
          name: '天然气总表',
          carrier: 'natural_gas',
          role: 'import',
          children: [
            sub('ALU-NG-CAST1', '铸造保温炉 1#', 'natural_gas', 120),
            sub('ALU-NG-CAST2', '铸造保温炉 2#', 'natural_gas', 120),
          ],
        },
        { id: 'ALU-HT-EXPORT', name: '电解烟气余热热水外供', carrier: 'heat', role: 'export' },
        water('ALU-WA-MAIN', '生产生活用水总表', 120),
      ],
    },
    {
      id: 'SIL',
      name: '示范云硅新材料有限公司',
      kind: 'enterprise',
      industryCode: 'C3218',
      sites: [{ id: 'SIL-PLANT', name: '工业硅厂区', kind: 'plant' }],
      meters: [
        {
          id: 'SIL-EL-MAIN',
          name: '35 kV 进线总表',
          role: 'import',
          kv: 35,
          children: [
            { id: 'SIL-EL-FUR1', name: '1# 矿热炉（12.5 MVA）', kv: 35, peak: 12_500 },
            { id: 'SIL-EL-FUR2', name: '2# 矿热炉（12.5 MVA）', kv: 35, peak: 12_500 },
            feeder('SIL-EL-AUX', '辅助生产', 1_800, 6),
          ],
        },
        { id: 'SIL-COAL-IN', name: '还原剂洗精煤入厂地磅', carrier: 'coal', role: 'import', capacity: 180 },
        { id: 'SIL-COKE-IN', name: '石油焦入厂地磅', carrier: 'coke', role: 'import', capacity: 170 },
        { id: 'SIL-ST-EXPORT', name: '矿热炉余热锅炉蒸汽外供', carrier: 'steam', role: 'export' },
        water('SIL-WA-MAIN', '用水总表', 50),
      ],
    },
    {
      id: 'CARB',
      name: '示范滇中碳素制品有限公司',
      kind: 'enterprise',
      industryCode: 'C3091',
      sites: [{ id: 'CARB-PLANT', name: '预焙阳极厂区', kind: 'plant' }],
      meters: [
        {
          id: 'CARB-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('CARB-EL-FORM', '成型车间', 1_400, 5),
            feeder('CARB-EL-BAKE', '焙烧车间', 900, 4),
            feeder('CARB-EL-ROD', '组装车间', 600, 3),
          ],
        },
        { id: 'CARB-NG-MAIN', name: '焙烧炉天然气总表', carrier: 'natural_gas', role: 'import', peak: 350 },
        { id: 'CARB-FO-IN', name: '备用重油入厂计量', carrier: 'fuel_oil', role: 'import', capacity: 100 },
        water('CARB-WA-MAIN', '用水总表', 30),
      ],
    },
    {
      id: 'ROLL',
      name: '示范铝材精深加工有限公司',
      kind: 'enterprise',
      industryCode: 'C3252',
      sites: [{ id: 'ROLL-PLANT', name: '铝材加工厂区', kind: 'plant' }],
      meters: [
        {
          id: 'ROLL-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('ROLL-EL-MILL', '轧制车间', 3_200, 6),
            feeder('ROLL-EL-EXTR', '挤压车间', 2_000, 5),
            feeder('ROLL-EL-FIN', '精整车间', 800, 4),
          ],
        },
        {
          id: 'ROLL-NG-MAIN',
          name: '天然气总表',
          carrier: 'natural_gas',
          role: 'import',
          children: [
            sub('ROLL-NG-FURN1', '均质炉 1#', 'natural_gas', 220),
            sub('ROLL-NG-FURN2', '时效炉 2#', 'natural_gas', 220),
          ],
        },
        water('ROLL-WA-MAIN', '用水总表', 40),
      ],
    },
    {
      id: 'BAT',
      name: '示范滇能锂电材料有限公司',
      kind: 'enterprise',
      industryCode: 'C3985',
      sites: [{ id: 'BAT-PLANT', name: '磷酸铁锂正极材料厂区', kind: 'plant' }],
      meters: [
        {
          id: 'BAT-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('BAT-EL-KILN', '烧结辊道窑', 5_000, 8),
            feeder('BAT-EL-GRIND', '研磨车间', 3_000, 6),
            feeder('BAT-EL-SPRAY', '喷雾干燥', 2_000, 5),
            feeder('BAT-EL-PACK', '包装车间', 700, 3),
            feeder('BAT-EL-UTIL', '公用动力', 1_400, 4, [
              scheduled(FAULT_METERS.counterReset, '除湿干燥机组'),
            ]),
          ],
        },
        pv('BAT-EL-PV', '屋顶分布式光伏（3 MWp）', 2_600),
        { id: 'BAT-NG-MAIN', name: '喷雾干燥天然气总表', carrier: 'natural_gas', role: 'import', peak: 450 },
        { id: 'BAT-ST-IN', name: '外购蒸汽（余热蒸汽管网）', carrier: 'steam', role: 'import', peak: 4.5 },
        { id: 'BAT-CA-IN', name: '集中供压缩空气', carrier: 'compressed_air', role: 'import', peak: 2_600 },
        water('BAT-WA-MAIN', '用水总表', 0, [
          sub('BAT-WA-PROC', '工艺纯水', 'water', 60),
          sub('BAT-WA-COOL', '循环冷却补水', 'water', 40),
          sub('BAT-WA-DOM', '生活用水', 'water', 8),
        ]),
      ],
    },
    {
      id: 'CELL',
      name: '示范储能电池有限公司',
      kind: 'enterprise',
      industryCode: 'C3841',
      sites: [{ id: 'CELL-PLANT', name: '储能电池厂区', kind: 'plant' }],
      meters: [
        {
          id: 'CELL-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('CELL-EL-ELEC', '极片车间', 2_400, 6),
            feeder('CELL-EL-ASSY', '装配车间', 1_400, 5),
            feeder('CELL-EL-FORM', '化成分容', 1_900, 5),
            feeder('CELL-EL-DRYRM', '干燥房', 1_100, 3, [
              power('CELL-PW-DRYROOM', '干燥房转轮除湿功率', 450),
            ]),
          ],
        },
        { id: 'CELL-CA-IN', name: '集中供压缩空气', carrier: 'compressed_air', role: 'import', peak: 1_800 },
        water('CELL-WA-MAIN', '用水总表', 35),
      ],
    },
    {
      id: 'PVM',
      name: '示范光伏组件有限公司',
      kind: 'enterprise',
      industryCode: 'C3825',
      sites: [{ id: 'PVM-PLANT', name: '光伏组件厂区', kind: 'plant' }],
      meters: [
        {
          id: 'PVM-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('PVM-EL-LAM', '层压车间', 1_100, 4),
            feeder('PVM-EL-ASSY', '组装车间', 700, 4),
            feeder('PVM-EL-UTIL', '公用动力', 450, 3),
          ],
        },
        pv('PVM-EL-PV', '屋顶分布式光伏（2.5 MWp）', 2_200),
        { id: 'PVM-CA-IN', name: '集中供压缩空气', carrier: 'compressed_air', role: 'import', peak: 1_000 },
      ],
    },
    {
      id: 'AUTO',
      name: '示范新能源汽车零部件有限公司',
      kind: 'enterprise',
      industryCode: 'C3670',
      sites: [{ id: 'AUTO-PLANT', name: '汽车零部件厂区', kind: 'plant' }],
      meters: [
        {
          id: 'AUTO-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('AUTO-EL-STAMP', '冲压车间', 1_400, 5),
            feeder('AUTO-EL-WELD', '焊装车间', 1_100, 5),
            feeder('AUTO-EL-COAT', '涂装车间', 900, 3, [
              scheduled(FAULT_METERS.lateData, '涂装烘干炉及喷房'),
            ]),
          ],
        },
        { id: 'AUTO-NG-MAIN', name: '涂装烘干天然气总表', carrier: 'natural_gas', role: 'import', peak: 350 },
        { id: 'AUTO-CA-IN', name: '集中供压缩空气', carrier: 'compressed_air', role: 'import', peak: 1_300 },
      ],
    },
    {
      id: 'PKG',
      name: '示范绿色包装有限公司',
      kind: 'enterprise',
      industryCode: 'C2231',
      sites: [{ id: 'PKG-PLANT', name: '包装厂区', kind: 'plant' }],
      meters: [
        {
          id: 'PKG-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('PKG-EL-CORR', '瓦楞纸板生产线', 700, 4),
            feeder('PKG-EL-PRINT', '印刷车间', 500, 4),
          ],
        },
        water('PKG-WA-MAIN', '用水总表', 10),
      ],
    },
    {
      id: 'DC',
      name: '示范云数据科技有限公司',
      kind: 'enterprise',
      industryCode: 'I6450',
      sites: [{ id: 'DC-CAMPUS', name: '绿色数据中心', kind: 'building' }],
      meters: [
        {
          id: 'DC-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('DC-EL-HALLA', 'A 栋机房 UPS', 3_300, 6),
            feeder('DC-EL-HALLB', 'B 栋机房 UPS', 3_300, 6),
            feeder('DC-EL-COOL', '制冷系统', 1_800, 4, [power(FAULT_METERS.powerGap, '精密空调功率', 500)]),
            feeder('DC-EL-OFFICE', '办公及辅助', 180, 2),
          ],
        },
        pv('DC-EL-PV', '屋顶分布式光伏（0.8 MWp）', 700),
        { id: 'DC-DS-IN', name: '柴油发电机组燃油计量', carrier: 'diesel', role: 'import', capacity: 600 },
        water('DC-WA-MAIN', '冷却塔补水总表', 25),
      ],
    },
    {
      id: 'FOOD',
      name: '示范高原鲜花饼食品有限公司',
      kind: 'enterprise',
      industryCode: 'C1411',
      sites: [{ id: 'FOOD-PLANT', name: '食品厂区', kind: 'plant' }],
      meters: [
        {
          id: 'FOOD-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('FOOD-EL-BAKE', '烘焙车间', 750, 4),
            feeder('FOOD-EL-PACK', '包装车间', 380, 3),
            feeder('FOOD-EL-COLDST', '冷库', 300, 2, [scheduled(FAULT_METERS.gap, '冷库压缩机组')]),
          ],
        },
        pv('FOOD-EL-PV', '屋顶分布式光伏（1.2 MWp）', 1_000),
        {
          id: 'FOOD-NG-MAIN',
          name: '天然气总表',
          carrier: 'natural_gas',
          role: 'import',
          children: [
            sub('FOOD-NG-OVEN1', '隧道烤炉 1#', 'natural_gas', 120),
            sub('FOOD-NG-OVEN2', '隧道烤炉 2#', 'natural_gas', 120),
          ],
        },
        { id: 'FOOD-HT-IN', name: '余热热水（铝厂余热管网）', carrier: 'heat', role: 'import', peak: 2.5 },
        water('FOOD-WA-MAIN', '用水总表', 18),
      ],
    },
    {
      id: 'DAIRY',
      name: '示范高原乳业有限公司',
      kind: 'enterprise',
      industryCode: 'C1440',
      sites: [{ id: 'DAIRY-PLANT', name: '乳品厂区', kind: 'plant' }],
      meters: [
        {
          id: 'DAIRY-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('DAIRY-EL-PROC', '加工车间', 700, 4),
            feeder('DAIRY-EL-UTIL', '公用动力', 900, 3, [scheduled(FAULT_METERS.replacement, '冰水机组')]),
          ],
        },
        { id: 'DAIRY-ST-IN', name: '外购蒸汽（余热蒸汽管网）', carrier: 'steam', role: 'import', peak: 3.5 },
        {
          id: 'DAIRY-NG-MAIN',
          name: '备用锅炉天然气总表',
          carrier: 'natural_gas',
          role: 'import',
          peak: 150,
        },
        water('DAIRY-WA-MAIN', '用水总表', 0, [
          sub('DAIRY-WA-PROC', '工艺用水', 'water', 25),
          sub('DAIRY-WA-CIP', 'CIP 清洗用水', 'water', 12),
        ]),
      ],
    },
    {
      id: 'TEA',
      name: '示范普洱茶业有限公司',
      kind: 'enterprise',
      industryCode: 'C1530',
      sites: [{ id: 'TEA-PLANT', name: '茶叶精制厂', kind: 'plant' }],
      meters: [
        {
          id: 'TEA-EL-MAIN',
          name: '低压总表',
          role: 'import',
          circuits: { weight: 4, peak: 320, label: '茶叶精制' },
        },
        water('TEA-WA-MAIN', '用水总表', 4),
      ],
    },
    {
      id: 'TCM',
      name: '示范三七药业有限公司',
      kind: 'enterprise',
      industryCode: 'C2730',
      sites: [{ id: 'TCM-PLANT', name: '中药饮片厂', kind: 'plant' }],
      meters: [
        {
          id: 'TCM-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [feeder('TCM-EL-EXTR', '提取车间', 450, 3), feeder('TCM-EL-PREP', '饮片车间', 280, 3)],
        },
        { id: 'TCM-ST-IN', name: '外购蒸汽（余热蒸汽管网）', carrier: 'steam', role: 'import', peak: 1.2 },
        water('TCM-WA-MAIN', '用水总表', 10),
      ],
    },
    {
      id: 'LOG',
      name: '示范冷链物流有限公司',
      kind: 'enterprise',
      industryCode: 'G5930',
      sites: [{ id: 'LOG-YARD', name: '冷链物流园', kind: 'yard' }],
      meters: [
        {
          id: 'LOG-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('LOG-EL-COLD', '冷库', 1_400, 6),
            feeder('LOG-EL-DOCKS', '月台', 450, 3, [scheduled(FAULT_METERS.spike, '月台制冷及门封')]),
            feeder('LOG-EL-EV', '电动重卡充电站', 1_000, 2, [power('LOG-PW-EVCHG', '充电桩总功率', 600)]),
          ],
        },
        pv('LOG-EL-PV', '屋顶分布式光伏（2 MWp）', 1_700),
        { id: 'LOG-DS-IN', name: '车队柴油加注', carrier: 'diesel', role: 'import', capacity: 3_000 },
        { id: 'LOG-GS-IN', name: '公务车汽油加注', carrier: 'gasoline', role: 'import', capacity: 400 },
        { id: 'LOG-H2-IN', name: '氢燃料重卡加氢', carrier: 'hydrogen', role: 'import', capacity: 120 },
        water('LOG-WA-MAIN', '用水总表', 8),
      ],
    },
    {
      id: 'OFF',
      name: '示范科创中心物业管理有限公司',
      kind: 'enterprise',
      industryCode: 'K7020',
      sites: [{ id: 'OFF-TOWER', name: '科创中心办公楼', kind: 'building' }],
      meters: [
        {
          id: 'OFF-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          children: [
            feeder('OFF-EL-FLOORS', '楼层照明插座', 550, 6),
            feeder('OFF-EL-HVACF', '暖通空调', 350, 2, [
              scheduled(FAULT_METERS.duplicates, '新风及空调末端'),
            ]),
            feeder('OFF-EL-LIFTS', '电梯', 120, 2),
          ],
        },
        pv('OFF-EL-PV', '屋顶分布式光伏（0.5 MWp）', 430),
        { id: 'OFF-CL-IN', name: '区域供冷（园区供冷站）', carrier: 'cooling', role: 'import', peak: 2.5 },
        water('OFF-WA-MAIN', '用水总表', 15),
      ],
    },
    {
      id: 'LAB',
      name: '示范检验检测有限公司',
      kind: 'enterprise',
      industryCode: 'M7452',
      sites: [{ id: 'LAB-BLDG', name: '检测实验楼', kind: 'building' }],
      meters: [
        {
          id: 'LAB-EL-MAIN',
          name: '低压总表',
          role: 'import',
          circuits: { weight: 4, peak: 260, label: '检测实验楼' },
        },
        water('LAB-WA-MAIN', '用水总表', 3),
      ],
    },
    {
      id: 'CANT',
      name: '示范园区餐饮服务有限公司',
      kind: 'enterprise',
      industryCode: 'H6210',
      sites: [{ id: 'CANT-BLDG', name: '园区职工食堂', kind: 'building' }],
      meters: [
        {
          id: 'CANT-EL-MAIN',
          name: '低压总表',
          role: 'import',
          circuits: { weight: 3, peak: 240, label: '职工食堂' },
        },
        { id: 'CANT-LPG-IN', name: '液化石油气入库', carrier: 'lpg', role: 'import', capacity: 2_400 },
        { id: 'CANT-HT-IN', name: '余热热水（铝厂余热管网）', carrier: 'heat', role: 'import', peak: 1.2 },
        water('CANT-WA-MAIN', '用水总表', 18),
      ],
    },
    {
      id: 'GASCO',
      name: '示范工业气体有限公司',
      kind: 'enterprise',
      industryCode: 'C2619',
      sites: [{ id: 'GASCO-STATION', name: '集中空压站', kind: 'station' }],
      meters: [
        {
          id: 'GASCO-EL-MAIN',
          name: '10 kV 进线总表',
          role: 'import',
          kv: 10,
          circuits: { weight: 2, peak: 950, label: '干燥机及冷却' },
          children: [
            power('GASCO-PW-COMP1', '1# 离心空压机功率', 260),
            power('GASCO-PW-COMP2', '2# 离心空压机功率', 260),
            power('GASCO-PW-COMP3', '3# 螺杆空压机功率', 260),
          ],
        },
        { id: 'GASCO-CA-EXPORT', name: '压缩空气管网外供', carrier: 'compressed_air', role: 'export' },
      ],
    },
  ];
}

/** Rounds a capacity up to two significant figures (1234 → 1300). */
export function niceCeil(x: number): number {
  if (x <= 0) return 1;
  const step = 10 ** (Math.floor(Math.log10(x)) - 1);
  return Math.ceil(x / step - 1e-9) * step;
}

const CT_PRIMARIES = [
  10, 15, 20, 30, 40, 50, 75, 100, 150, 200, 300, 400, 500, 600, 750, 800, 1000, 1200, 1500, 2000, 2500, 3000,
  4000, 5000,
];

/**
 * CT × PT ratio of an electricity meter sized for `capacityKw` at `kv`: PT kV/100 V, CT x/5 A with the smallest
 * standard primary above the current at capacity; low-voltage meters up to 40 kW are direct-connected.
 */
export function meterMultiplier(capacityKw: number, kv: number | undefined): number {
  const lowVoltage = kv === undefined || kv < 1;
  const volts = lowVoltage ? 0.4 : kv;
  if (lowVoltage && capacityKw <= 40) return 1;
  const amps = capacityKw / (Math.sqrt(3) * volts * 0.9);
  const primary = CT_PRIMARIES.find((p) => p >= amps) ?? CT_PRIMARIES[CT_PRIMARIES.length - 1] ?? 5000;
  const pt = lowVoltage ? 1 : (kv * 1000) / 100;
  return (pt * primary) / 5;
}

/** Splits `total` into integer parts proportional to `weights`, each at least 1 (largest remainders win ties). */
function allocate(total: number, weights: readonly number[]): number[] {
  const sum = weights.reduce((a, b) => a + b, 0);
  const exact = weights.map((w) => (total * w) / sum);
  const parts = exact.map((x) => Math.max(1, Math.floor(x)));
  let left = total - parts.reduce((a, b) => a + b, 0);
  const order = exact.map((x, i) => ({ i, r: x - Math.floor(x) })).sort((a, b) => b.r - a.r || a.i - b.i);
  for (let j = 0; left > 0; j = (j + 1) % order.length, left--) {
    const at = order[j]?.i ?? 0;
    parts[at] = (parts[at] ?? 0) + 1;
  }
  return parts;
}

interface Sized {
  draft: Draft;
  organisation: string;
  site: string;
  parent: string | undefined;
  carrier: Carrier;
  children: Sized[];
}

/**
 * Builds the demo park definition. `meterScale` grows or shrinks the number of consumption sub-meters so that the park
 * has about 300 × meterScale meters (3.4 → about 1,000); the park's energy does not change with it.
 * @example const park = createDemoPark(); park.meters.length // ≈ 300
 */
export function createDemoPark(options: { meterScale?: number } = {}): ParkDefinition {
  const meterScale = options.meterScale ?? 1;
  if (!(meterScale > 0) || !Number.isFinite(meterScale))
    throw new RangeError('meterScale must be a positive number');
  const specs = organisationSpecs();

  // 1. Trees of drafts with their organisation, site and parent.
  const roots: Sized[] = [];
  const all: Sized[] = [];
  const walk = (
    draft: Draft,
    organisation: string,
    defaultSite: string,
    parent: Sized | undefined,
  ): Sized => {
    const site = draft.site ?? parent?.site ?? defaultSite;
    const node: Sized = {
      draft,
      organisation,
      site,
      parent: parent?.draft.id,
      carrier: draft.carrier ?? parent?.carrier ?? 'electricity',
      children: [],
    };
    all.push(node);
    node.children = (draft.children ?? []).map((child) => walk(child, organisation, defaultSite, node));
    return node;
  };
  for (const spec of specs) {
    const defaultSite = spec.sites[0]?.id ?? spec.id;
    for (const draft of spec.meters) roots.push(walk(draft, spec.id, defaultSite, undefined));
  }

  // 2. Scaled consumption sub-meters under each host, sharing what the host's fixed children leave.
  const hosts = all.filter((node) => node.draft.circuits);
  const circuitTotal = Math.max(hosts.length, Math.round(DEMO_BASE_METER_COUNT * meterScale) - all.length);
  const counts = allocate(
    circuitTotal,
    hosts.map((h) => h.draft.circuits?.weight ?? 1),
  );
  hosts.forEach((host, h) => {
    const circuits = host.draft.circuits;
    if (!circuits) return;
    const count = counts[h] ?? 1;
    const fixedPeak = host.children.reduce((sum, c) => sum + (c.draft.peak ?? 0), 0);
    const available = Math.max(circuits.peak * 0.92 - fixedPeak, circuits.peak * 0.2);
    const random = mulberry32(hashSeed(`${DEMO_PARK_ID}/${host.draft.id}/circuits`));
    const weights = Array.from({ length: count }, () => 0.5 + random());
    const weightSum = weights.reduce((a, b) => a + b, 0);
    const digits = count >= 100 ? 3 : 2;
    for (let i = 0; i < count; i++) {
      const n = String(i + 1).padStart(digits, '0');
      const draft: Draft = {
        id: `${host.draft.id}-${n}`,
        name: `${circuits.label} ${n}# 回路`,
        peak: (available * (weights[i] ?? 1)) / weightSum,
      };
      const node: Sized = {
        draft,
        organisation: host.organisation,
        site: host.site,
        parent: host.draft.id,
        carrier: host.carrier,
        children: [],
      };
      host.children.push(node);
    }
  });

  // 3. Sizing, bottom-up: leaves from their peak, parents and networks from their children.
  const capacity = new Map<string, number>();
  const importsOf = (carrier: Carrier, organisation: string) =>
    all.filter((n) => n.carrier === carrier && n.draft.role === 'import' && n.organisation !== organisation);
  const size = (node: Sized): number => {
    const known = capacity.get(node.draft.id);
    if (known !== undefined) return known;
    let value = node.draft.capacity;
    if (value === undefined) {
      const sources =
        node.children.length > 0
          ? node.children
          : node.draft.role === 'export' && node.carrier !== 'electricity'
            ? importsOf(node.carrier, node.organisation)
            : [];
      if (sources.length > 0) value = niceCeil(sources.reduce((sum, c) => sum + size(c), 0) * 1.1);
      else if (node.draft.peak !== undefined && node.draft.peak > 0)
        value = niceCeil(node.draft.peak * CAPACITY_HEADROOM);
      else throw new Error(`demo meter ${node.draft.id} has neither peak, capacity nor children`);
    }
    capacity.set(node.draft.id, value);
    return value;
  };

  const usccRandom = mulberry32(hashSeed(`${DEMO_PARK_ID}/uscc`));
  const organisations: Organisation[] = specs.map((spec) => ({
    id: spec.id,
    name: spec.name,
    kind: spec.kind,
    uscc: createUscc(
      spec.kind === 'public'
        ? { authority: '1', category: '1', division: DIVISION_CODE }
        : { authority: '9', category: '1', division: DIVISION_CODE },
      usccRandom,
    ),
    industryCode: spec.industryCode,
  }));
  const sites: Site[] = specs.flatMap((spec) =>
    spec.sites.map((site) => ({ id: site.id, name: site.name, organisation: spec.id, kind: site.kind })),
  );

  // 4. Meters in pre-order: each main meter, then its sub-meters. Carriers some organisation sells to others in the
  // park (waste-heat steam, hot water, cooling, compressed air) move inside the park: their imports and exports are
  // internal transfers, which cancel at the park boundary.
  const internalCarriers = new Set(
    all.filter((n) => n.draft.role === 'export' && n.carrier !== 'electricity').map((n) => n.carrier),
  );
  const meters: Meter[] = [];
  const emit = (node: Sized) => {
    const d = node.draft;
    const readingKind = d.readingKind ?? DEFAULT_READING_KIND[node.carrier];
    const cap = size(node);
    const multiplier =
      d.multiplier ??
      (node.carrier === 'electricity' && readingKind === 'cumulative' ? meterMultiplier(cap, d.kv) : 1);
    const meter: Meter = {
      id: d.id,
      name: d.name,
      organisation: node.organisation,
      site: node.site,
      carrier: node.carrier,
      role: d.role ?? 'consumption',
      ...(d.technology ? { technology: d.technology } : {}),
      readingKind,
      unit:
        readingKind === 'power'
          ? (RATE_UNIT[node.carrier] ?? AMOUNT_UNIT[node.carrier])
          : AMOUNT_UNIT[node.carrier],
      ...(multiplier !== 1 ? { multiplier } : {}),
      intervalMinutes: 15,
      capacity: cap,
      ...(d.rolloverAt !== undefined ? { rolloverAt: d.rolloverAt } : {}),
      ...(node.parent ? { parent: node.parent } : {}),
      ...((d.role === 'import' || d.role === 'export') && internalCarriers.has(node.carrier)
        ? { internalTransfer: true }
        : {}),
      installedAt: DEMO_EPOCH.slice(0, 10),
      ...(d.replacements ? { replacements: d.replacements } : {}),
    };
    meters.push(meter);
    for (const child of node.children) emit(child);
  };
  for (const root of roots) emit(root);

  const replaced = meters.find((m) => m.id === FAULT_METERS.replacement);
  const replacedLoad = SCHEDULED_LOADS[FAULT_METERS.replacement];
  if (replaced && replacedLoad) {
    const atMs = Date.parse(FAULT_TIMES.replacementAt);
    replaced.replacements = [
      {
        at: FAULT_TIMES.replacementAt,
        oldFinalReading: Math.round(scheduledRegisterRaw(replacedLoad, atMs, DEMO_TIMEZONE) * 1000) / 1000,
        newInitialReading: REPLACEMENT_NEW_INITIAL_RAW,
        note: '冰水机组电能表故障更换（示范数据）',
      },
    ];
  }

  return {
    version: 1,
    park: {
      id: DEMO_PARK_ID,
      name: '滇中绿色低碳产业园（示范）',
      province: 'yunnan',
      timezone: DEMO_TIMEZONE,
      gridRegion: 'south',
      location: { latitude: 24.92, longitude: 102.48 },
    },
    organisations,
    sites,
    meters,
  };
}
