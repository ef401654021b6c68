/**
 * The factor key families as the factor library page groups and checks them: pattern, allowed units, plausible range
 * and meaning. Mirrors FACTOR_KEYS of src/modules/carbon/factor-library.ts, which the web app cannot import (it reads
 * the seed CSV files with node:fs); test/browser/factors.test.ts compares every field with the server's.
 */

/** The page's coarse sections: standard coal, grid, fuel, heat and steam, the grid's clean share. */
export type FactorGroup = 'tce' | 'grid' | 'fuel' | 'heat' | 'clean';

export const FACTOR_GROUPS: readonly FactorGroup[] = ['tce', 'grid', 'fuel', 'heat', 'clean'];

export interface KeyFamily {
  pattern: string;
  regex: RegExp;
  /** Allowed units; every version of one key keeps the unit of its first version. */
  units: readonly string[];
  /** Inclusive bounds of a plausible value. */
  min: number;
  max: number;
  meaning: string;
  meaningZh: string;
  group: FactorGroup;
}

const NAME = '[a-z0-9_]+';

/** In the server's order (first match wins). */
export const KEY_FAMILIES: readonly KeyFamily[] = [
  {
    pattern: 'tce.electricity_calorific',
    regex: /^tce\.electricity_calorific$/,
    units: ['tce/kWh'],
    min: 0,
    max: 0.001,
    meaning: 'electricity to tce at the calorific value (当量值), GB/T 2589-2020',
    meaningZh: '电力折标系数(当量值)',
    group: 'tce',
  },
  {
    pattern: 'tce.electricity_equivalent',
    regex: /^tce\.electricity_equivalent$/,
    units: ['tce/kWh'],
    min: 0,
    max: 0.001,
    meaning:
      "electricity to tce at the equivalent value (等价值) = the year's thermal-power supply coal rate",
    meaningZh: '电力折标系数(等价值,当年火电供电煤耗)',
    group: 'tce',
  },
  {
    pattern: 'tce.<carrier or fuel>',
    regex: new RegExp(`^tce\\.${NAME}$`),
    units: ['tce/t', 'tce/m3', 'tce/GJ'],
    min: 0,
    max: 10,
    meaning: 'standard-coal coefficient per unit of the carrier (GB/T 2589-2020 appendix A)',
    meaningZh: '折标准煤系数',
    group: 'tce',
  },
  {
    pattern: 'grid.<level>.<region>.<variant>',
    regex: new RegExp(`^grid\\.(national|regional|provincial)\\.[A-Za-z0-9_]+\\.${NAME}$`),
    units: ['tCO2/MWh'],
    min: 0,
    max: 2,
    meaning: 'grid emission factor (MEE/NBS), valid from 1 January of its data year',
    meaningZh: '电网排放因子',
    group: 'grid',
  },
  {
    pattern: 'fuel.<fuel>.ncv',
    regex: new RegExp(`^fuel\\.${NAME}\\.ncv$`),
    units: ['GJ/t', 'GJ/m3'],
    min: 0,
    max: 200,
    meaning: 'net calorific value per unit of fuel (gases per m3, not corrected to a reference state)',
    meaningZh: '低位发热量',
    group: 'fuel',
  },
  {
    pattern: 'fuel.<fuel>.carbon_content',
    regex: new RegExp(`^fuel\\.${NAME}\\.carbon_content$`),
    units: ['tC/GJ'],
    min: 0,
    max: 0.1,
    meaning: 'carbon content per unit of heat',
    meaningZh: '单位热值含碳量',
    group: 'fuel',
  },
  {
    pattern: 'fuel.<fuel>.oxidation',
    regex: new RegExp(`^fuel\\.${NAME}\\.oxidation$`),
    units: ['1'],
    min: 0,
    max: 1,
    meaning: 'carbon oxidation rate (fraction)',
    meaningZh: '碳氧化率',
    group: 'fuel',
  },
  {
    pattern: 'fuel.<fuel>.density',
    regex: new RegExp(`^fuel\\.${NAME}\\.density$`),
    units: ['kg/L'],
    min: 0,
    max: 2,
    meaning: 'density of a liquid fuel metered in litres',
    meaningZh: '密度',
    group: 'fuel',
  },
  {
    pattern: 'heat.co2[.<variant>]',
    regex: new RegExp(`^heat\\.co2(\\.${NAME})?$`),
    units: ['tCO2/GJ'],
    min: 0,
    max: 1,
    meaning: 'emission factor of purchased and exported heat and steam',
    meaningZh: '热力排放因子',
    group: 'heat',
  },
  {
    pattern: 'steam.enthalpy',
    regex: /^steam\.enthalpy$/,
    units: ['kJ/kg'],
    min: 83.74,
    max: 4000,
    meaning: 'steam enthalpy; steam t → GJ by t × (h − 83.74) × 10⁻³',
    meaningZh: '蒸汽热焓',
    group: 'heat',
  },
  {
    pattern: 'grid_clean_share.<level>.<region>',
    regex: new RegExp(`^grid_clean_share\\.(national|regional|provincial)\\.[A-Za-z0-9_]+$`),
    units: ['1'],
    min: 0,
    max: 1,
    meaning: "the grid's non-fossil share of electricity, counted as clean for unclaimed grid electricity",
    meaningZh: '电网清洁电力占比',
    group: 'clean',
  },
];

/** The family a key belongs to, or undefined for a key the server would refuse. */
export function keyFamily(key: string): KeyFamily | undefined {
  return KEY_FAMILIES.find((f) => f.regex.test(key));
}
