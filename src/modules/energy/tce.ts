/**
 * Standard-coal coefficients (GB/T 2589-2020) and the conversion of carrier quantities to tonnes of standard coal
 * equivalent (tce). Pure: no I/O.
 */
import type { FactorView, MethodNote } from '../../server/api-types.ts';
import { CARRIERS, convertAmount, findUnit, type Carrier } from '../../lib/units.ts';

const GBT_2589 = 'GB/T 2589-2020 《综合能耗计算通则》 appendix A';

/** 1 GJ of heat is 1 / 29.307 tce (1 kgce = 29,307 kJ); GB/T 2589-2020 rounds it to 0.03412 tce/GJ. */
export const HEAT_TCE_PER_GJ = 0.03412;

const factor = (
  value: number,
  unit: string,
  source: string,
  status: FactorView['status'],
): Readonly<FactorView> => Object.freeze({ value, unit, source, status });

/**
 * The standard-coal coefficient of each carrier in tce per unit of its primary metering unit, or null where the
 * standard gives none that belongs in a park's energy total (water, cooling, hydrogen: see docs/methods.md).
 */
export const TCE_FACTORS: Readonly<Record<Carrier, Readonly<FactorView> | null>> = Object.freeze({
  // 0.1229 kgce/kWh: the calorific (当量) value; the equivalent (等价) value is a method choice of the accounting issue.
  electricity: factor(0.0001229, 'tce/kWh', `${GBT_2589}: electricity, calorific (当量) value`, 'secondary'),
  // GB/T 2589 gives 1.1000–1.3300 kgce/m³; without the supplier's measured calorific value, its table value for
  // 38,931 kJ/m³ (1.3300) is used, as in the reference CSV.
  natural_gas: factor(
    0.00133,
    'tce/m3',
    `${GBT_2589}: natural gas 38,931 kJ/m³ (range 1.1000–1.3300 kgce/m³; a measured calorific value should replace it)`,
    'secondary',
  ),
  steam: factor(0.1286, 'tce/t', `${GBT_2589}: low-pressure steam 3,763 kJ/kg`, 'secondary'),
  heat: factor(HEAT_TCE_PER_GJ, 'tce/GJ', `${GBT_2589}: heat 0.03412 kgce/MJ`, 'secondary'),
  cooling: null,
  coal: factor(0.7143, 'tce/t', `${GBT_2589}: raw coal 20,908 kJ/kg (washed coal 0.9000)`, 'unverified'),
  coke: factor(0.9714, 'tce/t', `${GBT_2589}: coke 28,435 kJ/kg`, 'unverified'),
  diesel: factor(1.4571, 'tce/t', `${GBT_2589}: diesel 42,652 kJ/kg`, 'secondary'),
  gasoline: factor(1.4714, 'tce/t', `${GBT_2589}: gasoline 43,070 kJ/kg`, 'secondary'),
  fuel_oil: factor(1.4286, 'tce/t', `${GBT_2589}: fuel oil 41,816 kJ/kg`, 'unverified'),
  lpg: factor(1.7143, 'tce/t', `${GBT_2589}: LPG 50,179 kJ/kg`, 'unverified'),
  hydrogen: null,
  water: null,
  compressed_air: factor(
    0.00004,
    'tce/m3',
    `${GBT_2589}: compressed air, energy-carrying working fluid 0.0400 kgce/m³`,
    'unverified',
  ),
});

/** The heat-content factor used for an energy carrier metered in thermal units (GJ, MJ, kWh_th …). */
const HEAT_CONTENT = factor(
  HEAT_TCE_PER_GJ,
  'tce/GJ',
  `${GBT_2589}: metered heat content, 0.03412 kgce/MJ`,
  'secondary',
);

/** The tce display convention every energy figure carries until the accounting module's method profiles replace it. */
export const DISPLAY_METHOD: Readonly<MethodNote> = Object.freeze({
  id: 'display-tce-gbt2589-2020-calorific@1',
  note:
    'Display convention: tce from GB/T 2589-2020 coefficients, electricity at the calorific (当量) value ' +
    '0.1229 kgce/kWh, natural gas 1.3300 kgce/m³; water, cooling and hydrogen have no coefficient, and fuels metered ' +
    'by volume (diesel and gasoline in litres) would need a density: all are left out of tce totals. The accounting ' +
    "module's method profiles will replace this convention.",
});

function isCarrier(carrier: string): carrier is Carrier {
  return (CARRIERS as readonly string[]).includes(carrier);
}

/** The unit a factor's value is per, e.g. 'kWh' for 'tce/kWh'. */
function perUnit(f: FactorView): string {
  return f.unit.slice(f.unit.indexOf('/') + 1);
}

/**
 * The factor that converts `unit` of `carrier` to tce, or null: the carrier's own coefficient when the unit converts
 * to its unit, the heat-content coefficient for an energy carrier metered in thermal units, else null (liquid fuels in
 * litres, LPG in m³ and hot water in tonnes need a density or temperatures the park model does not hold).
 */
export function tceFactorFor(carrier: string, unit: string): Readonly<FactorView> | null {
  if (!isCarrier(carrier)) return null;
  const f = TCE_FACTORS[carrier];
  if (!f) return null;
  if (convertAmount(1, unit, perUnit(f)) !== undefined) return f;
  const info = findUnit(unit);
  return info && !info.isRate && info.dimension === 'thermal_energy' ? HEAT_CONTENT : null;
}

/**
 * A quantity of a carrier in tce, or null when the carrier has no coefficient or the unit cannot be converted.
 * @example tceOf('electricity', 'MWh', 10) // 10,000 kWh × 0.0001229 = 1.229 tce
 */
export function tceOf(carrier: string, unit: string, quantity: number): number | null {
  const f = tceFactorFor(carrier, unit);
  if (!f) return null;
  const inFactorUnit = convertAmount(quantity, unit, perUnit(f));
  return inFactorUnit === undefined ? null : inFactorUnit * f.value;
}
