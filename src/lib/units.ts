/**
 * Units of meter readings: what each unit measures, whether it is a rate, and how to convert it. Lives in lib so that
 * ingestion, accounting and the park model share one registry.
 */

/** Energy and resource carriers a meter can measure. */
export const CARRIERS = [
  'electricity',
  'natural_gas',
  'steam',
  'heat',
  'cooling',
  'coal',
  'coke',
  'diesel',
  'gasoline',
  'fuel_oil',
  'lpg',
  'hydrogen',
  'water',
  'compressed_air',
] as const;
export type Carrier = (typeof CARRIERS)[number];

/** `cumulative`: a register that only counts up; `interval`: the quantity of one interval; `power`: an instantaneous rate. */
export const READING_KINDS = ['cumulative', 'interval', 'power'] as const;
export type ReadingKind = (typeof READING_KINDS)[number];

/** What a unit measures; each dimension has one base unit (kWh, GJ, m3, t, L). */
export type Dimension = 'electric_energy' | 'thermal_energy' | 'volume' | 'mass' | 'liquid_volume';

/** One known unit: an amount (`isRate` false, `toBase` base units per unit) or a rate (`toBase` base units per hour). */
export interface UnitInfo {
  unit: string;
  dimension: Dimension;
  isRate: boolean;
  toBase: number;
}

// Listed most common first within each dimension: error messages name the first three.
// [unit, dimension, isRate, toBase, unit of the interval quantity]
const UNIT_TABLE: readonly (readonly [string, Dimension, boolean, number, string])[] = [
  ['kWh', 'electric_energy', false, 1, 'kWh'],
  ['MWh', 'electric_energy', false, 1000, 'MWh'],
  ['Wh', 'electric_energy', false, 0.001, 'Wh'],
  ['GWh', 'electric_energy', false, 1_000_000, 'GWh'],
  ['kW', 'electric_energy', true, 1, 'kWh'],
  ['MW', 'electric_energy', true, 1000, 'MWh'],
  ['W', 'electric_energy', true, 0.001, 'Wh'],
  ['GJ', 'thermal_energy', false, 1, 'GJ'],
  ['MJ', 'thermal_energy', false, 0.001, 'MJ'],
  ['kWh_th', 'thermal_energy', false, 0.0036, 'kWh_th'], // 1 kWh = 3.6 MJ
  ['MWh_th', 'thermal_energy', false, 3.6, 'MWh_th'],
  ['TJ', 'thermal_energy', false, 1000, 'TJ'],
  ['kJ', 'thermal_energy', false, 0.000_001, 'kJ'],
  ['GJ/h', 'thermal_energy', true, 1, 'GJ'],
  ['kW_th', 'thermal_energy', true, 0.0036, 'kWh_th'],
  ['MW_th', 'thermal_energy', true, 3.6, 'MWh_th'],
  ['m3', 'volume', false, 1, 'm3'],
  ['Nm3', 'volume', false, 1, 'Nm3'], // normal cubic metres are not corrected to a reference state here
  ['10^4m3', 'volume', false, 10_000, '10^4m3'],
  ['m3/h', 'volume', true, 1, 'm3'],
  ['Nm3/h', 'volume', true, 1, 'Nm3'],
  ['t', 'mass', false, 1, 't'],
  ['kg', 'mass', false, 0.001, 'kg'],
  ['t/h', 'mass', true, 1, 't'],
  ['kg/h', 'mass', true, 0.001, 'kg'],
  ['L', 'liquid_volume', false, 1, 'L'],
  ['kL', 'liquid_volume', false, 1000, 'kL'],
  ['L/h', 'liquid_volume', true, 1, 'L'],
];

const UNITS = new Map<string, UnitInfo>(
  UNIT_TABLE.map(([unit, dimension, isRate, toBase]) => [
    unit,
    Object.freeze({ unit, dimension, isRate, toBase }),
  ]),
);
const QUANTITY_UNIT = new Map<string, string>(UNIT_TABLE.map((row) => [row[0], row[4]]));

/** Looks a unit up by exact, case-sensitive symbol (after trimming; `³` is read as `3`, so `m³` is `m3`). */
export function findUnit(unit: string): UnitInfo | undefined {
  const symbol = unit.trim();
  return UNITS.get(symbol) ?? (symbol.includes('³') ? UNITS.get(symbol.replaceAll('³', '3')) : undefined);
}

/** Converts `value` between two units of the same dimension and the same rate-ness, or undefined when they differ. */
export function convertAmount(value: number, fromUnit: string, toUnit: string): number | undefined {
  const from = findUnit(fromUnit);
  const to = findUnit(toUnit);
  if (!from || !to || from.dimension !== to.dimension || from.isRate !== to.isRate) return undefined;
  if (from.toBase === to.toBase) return value;
  // Dividing by the larger factor keeps decimal conversions (kg → t, Wh → kWh) exact more often than multiplying.
  return from.toBase >= to.toBase ? value * (from.toBase / to.toBase) : value / (to.toBase / from.toBase);
}

/** Unit of the derived interval quantity for a meter whose raw readings are in `unit` (kW -> kWh, m3/h -> m3, kWh -> kWh, GJ/h -> GJ, t/h -> t ...). */
export function quantityUnitFor(unit: string): string | undefined {
  const info = findUnit(unit);
  return info && QUANTITY_UNIT.get(info.unit);
}

const CARRIER_DIMENSIONS: Readonly<Record<Carrier, readonly Dimension[]>> = {
  electricity: ['electric_energy'],
  natural_gas: ['volume', 'thermal_energy'],
  steam: ['mass', 'thermal_energy'],
  heat: ['thermal_energy', 'mass'], // hot-water networks often meter tonnes of water
  cooling: ['thermal_energy'],
  coal: ['mass'],
  coke: ['mass'],
  diesel: ['mass', 'liquid_volume'],
  gasoline: ['mass', 'liquid_volume'],
  fuel_oil: ['mass', 'liquid_volume'],
  lpg: ['mass', 'volume'],
  hydrogen: ['mass', 'volume'],
  water: ['volume', 'mass'],
  compressed_air: ['volume'],
};

const CARRIER_METER: Readonly<Record<Carrier, string>> = {
  electricity: 'an electricity meter',
  natural_gas: 'a natural gas meter',
  steam: 'a steam meter',
  heat: 'a heat meter',
  cooling: 'a cooling meter',
  coal: 'a coal meter',
  coke: 'a coke meter',
  diesel: 'a diesel meter',
  gasoline: 'a gasoline meter',
  fuel_oil: 'a fuel oil meter',
  lpg: 'an LPG meter',
  hydrogen: 'a hydrogen meter',
  water: 'a water meter',
  compressed_air: 'a compressed air meter',
};

const DIMENSION_NAMES: Readonly<Record<Dimension, { amount: string; rate: string }>> = {
  electric_energy: { amount: 'electric energy', rate: 'electric power' },
  thermal_energy: { amount: 'thermal energy', rate: 'thermal power' },
  volume: { amount: 'volume', rate: 'volume flow' },
  mass: { amount: 'mass', rate: 'mass flow' },
  liquid_volume: { amount: 'liquid volume', rate: 'liquid flow' },
};

const dimensionName = (dimension: Dimension, isRate: boolean) =>
  isRate ? DIMENSION_NAMES[dimension].rate : DIMENSION_NAMES[dimension].amount;
const withArticle = (noun: string) => (/^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`);
const examples = (dimension: Dimension, isRate: boolean) =>
  UNIT_TABLE.filter((row) => row[1] === dimension && row[2] === isRate)
    .slice(0, 3)
    .map((row) => row[0])
    .join(', ');

/** Why `unit` is not acceptable for this carrier and reading kind, or undefined when it is. */
export function unitProblem(carrier: Carrier, readingKind: ReadingKind, unit: string): string | undefined {
  const wantsRate = readingKind === 'power';
  const dimensions = CARRIER_DIMENSIONS[carrier];
  const needs = `${CARRIER_METER[carrier]}${wantsRate ? ' reading power' : ''} needs ${dimensions
    .map((d) => `${dimensionName(d, wantsRate)} (${examples(d, wantsRate)})`)
    .join(' or ')}`;
  const info = findUnit(unit);
  if (!info) return `unknown unit "${unit}" (units are case-sensitive); ${needs}`;
  if (!dimensions.includes(info.dimension)) {
    return `unit "${unit}" is ${withArticle(dimensionName(info.dimension, info.isRate))}; ${needs}`;
  }
  if (info.isRate === wantsRate) return undefined;
  return wantsRate
    ? `unit "${unit}" is an amount, not a rate; a power reading needs a rate such as ${examples(info.dimension, true)}`
    : `unit "${unit}" is a rate; ${withArticle(readingKind)} reading needs an amount such as ${examples(info.dimension, false)}`;
}
