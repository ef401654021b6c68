/**
 * Tariffs: validating a two-part time-of-use tariff, the price class of a park-local hour, price series over a
 * horizon, the tariff in force on a date, and two example tariffs (illustrative data, not official tariffs).
 * Pure: no I/O.
 */
import { AppError, type InputIssue } from '../../lib/errors.ts';
import { parseDateOrInstant, zoneOffsetMinutes } from '../../lib/time.ts';
import type { PriceClass, Tariff } from './types.ts';

const MINUTE_MS = 60_000;
const QUARTER_MS = 15 * MINUTE_MS;

/** Every price class, dearest first. */
export const PRICE_CLASSES: readonly PriceClass[] = [
  'critical_peak',
  'peak',
  'flat',
  'valley',
  'deep_valley',
];

/**
 * Checks a tariff: id and name present, `validFrom` a date, prices finite and ≥ 0 with `flat` present, each rule's
 * months within 1–12 and hours half-open ranges within 0–24 on quarter hours (settlement is by 15-minute slot), a price
 * for every class a rule names, charges ≥ 0. Throws BAD_INPUT listing every problem with its field; returns the tariff.
 */
export function validateTariff(tariff: Tariff): Tariff {
  const issues: InputIssue[] = [];
  const at = (field: string, reason: string) => issues.push({ field, reason });
  const nonNegative = (v: unknown): v is number => typeof v === 'number' && Number.isFinite(v) && v >= 0;
  if (typeof tariff.id !== 'string' || tariff.id.trim() === '') at('id', 'is missing');
  if (typeof tariff.name !== 'string' || tariff.name.trim() === '') at('name', 'is missing');
  if (typeof tariff.validFrom !== 'string' || !/^\d{4}-\d{2}-\d{2}$/.test(tariff.validFrom)) {
    at('validFrom', `${JSON.stringify(tariff.validFrom)} is not a date YYYY-MM-DD`);
  } else {
    const parsed = parseDateOrInstant(tariff.validFrom, 'UTC');
    if (!parsed.ok) at('validFrom', parsed.reason);
  }
  const prices = (tariff.energyPrice ?? {}) as Partial<Record<string, unknown>>;
  if (prices.flat === undefined)
    at('energyPrice.flat', 'the flat price is missing (hours no rule covers are flat)');
  for (const [cls, price] of Object.entries(prices)) {
    if (!PRICE_CLASSES.includes(cls as PriceClass)) at(`energyPrice.${cls}`, `"${cls}" is not a price class`);
    else if (!nonNegative(price)) at(`energyPrice.${cls}`, `${String(price)} is not a price ≥ 0 CNY/kWh`);
  }
  if (!Array.isArray(tariff.touRules)) at('touRules', 'must be a list of rules (empty: flat all day)');
  (Array.isArray(tariff.touRules) ? tariff.touRules : []).forEach((rule, r) => {
    const where = `touRules[${r}]`;
    if (!Array.isArray(rule.months) || rule.months.length === 0) at(`${where}.months`, 'no months');
    else {
      rule.months.forEach((m, i) => {
        if (!Number.isInteger(m) || m < 1 || m > 12) at(`${where}.months[${i}]`, `${m} is not a month 1–12`);
      });
    }
    if (!Array.isArray(rule.hours) || rule.hours.length === 0) at(`${where}.hours`, 'no hours');
    else {
      rule.hours.forEach((range, i) => {
        const [from, to] = Array.isArray(range) ? range : [Number.NaN, Number.NaN];
        const field = `${where}.hours[${i}]`;
        if (!(Number.isFinite(from) && Number.isFinite(to) && from >= 0 && to <= 24)) {
          at(field, `[${String(from)}, ${String(to)}] is not within 0–24 h`);
        } else if (!(from < to)) {
          at(
            field,
            `[${from}, ${to}] is empty or wraps midnight: split it, e.g. [[${from}, 24], [0, ${to}]]`,
          );
        } else if (!Number.isInteger(from * 4) || !Number.isInteger(to * 4)) {
          at(field, `[${from}, ${to}] is not on quarter hours (settlement is by 15-minute slot)`);
        }
      });
    }
    if (!PRICE_CLASSES.includes(rule.priceClass))
      at(`${where}.priceClass`, `"${String(rule.priceClass)}" is not a price class`);
    else if (prices[rule.priceClass] === undefined) {
      at(`${where}.priceClass`, `energyPrice has no ${rule.priceClass} price`);
    }
  });
  if (!nonNegative(tariff.demandChargePerKwMonth)) {
    at('demandChargePerKwMonth', `${String(tariff.demandChargePerKwMonth)} is not a charge ≥ 0 CNY/kW-month`);
  }
  if (tariff.capacityChargePerKvaMonth !== undefined && !nonNegative(tariff.capacityChargePerKvaMonth)) {
    at(
      'capacityChargePerKvaMonth',
      `${String(tariff.capacityChargePerKvaMonth)} is not a charge ≥ 0 CNY/kVA-month`,
    );
  }
  if (tariff.exportPrice !== null && !nonNegative(tariff.exportPrice)) {
    at('exportPrice', `${String(tariff.exportPrice)} is not a price ≥ 0 CNY/kWh (null: no export allowed)`);
  }
  if (typeof tariff.source !== 'string' || tariff.source.trim() === '')
    at('source', 'say where the numbers come from');
  if (issues.length > 0) {
    throw new AppError(
      'BAD_INPUT',
      `tariff ${JSON.stringify(tariff.id)}: ${issues.map((i) => `${i.field}: ${i.reason}`).join('; ')}`,
      { issues },
    );
  }
  return tariff;
}

/**
 * Price class at a park-local hour of day (0 ≤ localHour < 24, fractions for minutes) in a month (1–12): the first
 * rule whose months and half-open hour ranges contain it, else `flat`.
 */
export function priceClassAt(tariff: Tariff, localHour: number, month: number): PriceClass {
  for (const rule of tariff.touRules) {
    if (!rule.months.includes(month)) continue;
    for (const [from, to] of rule.hours) if (localHour >= from && localHour < to) return rule.priceClass;
  }
  return 'flat';
}

/** Energy price (CNY/kWh) and price class of each step. */
export interface PriceSeries {
  energyPrice: number[];
  priceClass: PriceClass[];
}

/**
 * The tariff's energy price and price class for each step from `startMs` (quarter-hour aligned), evaluated per
 * 15-minute slot in park-local time: an hourly step's price is the mean of its four slots, its class the one covering
 * most of it (the earliest on a tie).
 */
export function priceSeries(
  tariff: Tariff,
  startMs: number,
  steps: number,
  stepMinutes: 15 | 60,
  timeZone: string,
): PriceSeries {
  validateTariff(tariff);
  if (!Number.isInteger(steps) || steps < 0) throw new AppError('BAD_INPUT', `steps ${steps} is not a count`);
  if (stepMinutes !== 15 && stepMinutes !== 60)
    throw new AppError('BAD_INPUT', 'stepMinutes must be 15 or 60');
  if (!Number.isFinite(startMs) || startMs % QUARTER_MS !== 0) {
    throw new AppError('BAD_INPUT', 'a price series starts on a quarter hour');
  }
  const slotsPerStep = stepMinutes / 15;
  const energyPrice = new Array<number>(steps);
  const priceClass = new Array<PriceClass>(steps);
  const counts = new Map<PriceClass, number>();
  for (let s = 0; s < steps; s++) {
    let priceSum = 0;
    counts.clear();
    let best: PriceClass = 'flat';
    let bestCount = 0;
    for (let q = 0; q < slotsPerStep; q++) {
      const atMs = startMs + (s * slotsPerStep + q) * QUARTER_MS;
      const local = new Date(atMs + zoneOffsetMinutes(timeZone, atMs) * MINUTE_MS);
      const hour = local.getUTCHours() + local.getUTCMinutes() / 60;
      const cls = priceClassAt(tariff, hour, local.getUTCMonth() + 1);
      priceSum += tariff.energyPrice[cls] ?? tariff.energyPrice.flat;
      const c = (counts.get(cls) ?? 0) + 1;
      counts.set(cls, c);
      if (c > bestCount) {
        best = cls;
        bestCount = c;
      }
    }
    energyPrice[s] = priceSum / slotsPerStep;
    priceClass[s] = best;
  }
  return { energyPrice, priceClass };
}

/**
 * The tariff in force on a park-local date (YYYY-MM-DD): the one with the latest `validFrom` on or before it.
 * NOT_FOUND when none has started yet; BAD_INPUT when two take effect on the same day.
 */
export function tariffFor(tariffs: readonly Tariff[], localDate: string): Tariff {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(localDate))
    throw new AppError('BAD_INPUT', `"${localDate}" is not a date YYYY-MM-DD`);
  const inForce = tariffs.filter((t) => t.validFrom <= localDate);
  const latest = inForce.reduce<string | undefined>(
    (a, t) => (a === undefined || t.validFrom > a ? t.validFrom : a),
    undefined,
  );
  const candidates = inForce.filter((t) => t.validFrom === latest);
  if (candidates.length > 1) {
    throw new AppError(
      'BAD_INPUT',
      `tariffs ${candidates.map((t) => `"${t.id}"`).join(', ')} all take effect on ${latest}: which one applies is ambiguous`,
    );
  }
  const found = candidates[0];
  if (found === undefined) {
    const earliest = tariffs.map((t) => t.validFrom).sort()[0];
    throw new AppError(
      'NOT_FOUND',
      `no tariff in force on ${localDate}${earliest ? ` (the earliest takes effect on ${earliest})` : ' (none given)'}`,
    );
  }
  return found;
}

/**
 * The demo park's tariff. ILLUSTRATIVE: made-up numbers of a plausible magnitude (peak : flat : valley ≈ 1.5 : 1 : 0.5),
 * not Yunnan's official tariff — the reference notes of this project hold no time-of-use data.
 */
export const YUNNAN_2025_DEMO_TARIFF: Tariff = {
  id: 'yunnan-2025-demo',
  name: '示范两部制工业分时电价（示意）Demo two-part industrial TOU tariff (illustrative)',
  validFrom: '2025-01-01',
  energyPrice: { peak: 0.72, flat: 0.48, valley: 0.24 },
  touRules: [
    { months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12], hours: [[0, 8]], priceClass: 'valley' },
    {
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      hours: [
        [9, 12],
        [18, 23],
      ],
      priceClass: 'peak',
    },
  ],
  demandChargePerKwMonth: 32,
  capacityChargePerKvaMonth: 21,
  exportPrice: 0.3,
  source:
    'illustrative, not an official tariff: invented numbers for the demo park (no time-of-use data in the ' +
    "project's reference notes); use the tariff the park is actually billed under (its grid company's price notice)",
};

/**
 * A second example with seasons, a summer critical peak and a midday deep valley (the shape of solar-era TOU schemes).
 * ILLUSTRATIVE: invented numbers, not any province's tariff.
 */
export const EXAMPLE_SEASONAL_TARIFF: Tariff = {
  id: 'example-seasonal-2025',
  name: '季节性尖峰深谷分时电价（示意）Seasonal TOU with critical peak and deep valley (illustrative)',
  validFrom: '2025-01-01',
  energyPrice: { critical_peak: 1.05, peak: 0.85, flat: 0.55, valley: 0.3, deep_valley: 0.2 },
  touRules: [
    // Summer evenings: critical peak before the ordinary peak, so it wins where they overlap.
    { months: [7, 8], hours: [[20, 22]], priceClass: 'critical_peak' },
    // Spring and autumn middays with plenty of solar: deep valley.
    { months: [3, 4, 5, 9, 10], hours: [[11, 14]], priceClass: 'deep_valley' },
    {
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      hours: [
        [0, 7],
        [23, 24],
      ],
      priceClass: 'valley',
    },
    {
      months: [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12],
      hours: [
        [8, 11],
        [17, 22],
      ],
      priceClass: 'peak',
    },
  ],
  demandChargePerKwMonth: 38,
  exportPrice: 0.25,
  source:
    'illustrative, not an official tariff: invented numbers showing seasons, critical peak and deep valley',
};
