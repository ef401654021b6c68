/**
 * Evaluation of an indicator set for a park and year: each indicator's value from the park account, the
 * organisations' accounts, statistics and factors, the threshold for the park's band and target year, and an outcome
 * with its gap, inputs and caveats. Pure: no I/O. Formulas and rules: docs/methods.md, "Zero-carbon park indicators".
 */
import { bandLabel, isInBand } from './sets.ts';
import type {
  EvaluationInput,
  IndicatorCompute,
  IndicatorDefinition,
  IndicatorInput,
  IndicatorOutcome,
  IndicatorResult,
  IndicatorSet,
  IndicatorThreshold,
  Scorecard,
  StatisticRef,
  StatisticTerm,
} from './types.ts';

type Account = EvaluationInput['parkAccount'];
type StatisticValue = EvaluationInput['statistics'][number];

/**
 * Relative tolerance of the pass test: a value within 1e-9 × max(1, |threshold|) of the threshold passes, so that
 * floating-point noise (0.30000000000000004) does not fail a park that sits exactly on it.
 */
export const PASS_TOLERANCE = 1e-9;

/** What a computation produced before thresholds are applied. */
interface Computed {
  value: number | null;
  missing: string[];
  /** Set when the base of the indicator is zero: nothing to measure. */
  notApplicable?: string;
  inputs: IndicatorInput[];
  notes: string[];
  complete: boolean;
}

/** Shared, precomputed facts of one evaluation. */
interface Context {
  input: EvaluationInput;
  months: string[];
  periodLabel: string;
  /** Latest version of each statistic (organisation, month, kind, item), all months passed in. */
  statistics: StatisticValue[];
  /** The same, restricted to the park account's months. */
  periodStatistics: StatisticValue[];
  accountNotes: string[];
  methodNote: string | null;
}

const ref = (s: StatisticValue): StatisticRef => ({
  organisation: s.organisation,
  month: s.month,
  kind: s.kind,
  item: s.item,
  value: s.value,
  unit: s.unit,
  version: s.version,
});

/** Keeps the highest version of each (organisation, month, kind, item): the input should hold only those already. */
function latestVersions(statistics: readonly StatisticValue[]): StatisticValue[] {
  const byKey = new Map<string, StatisticValue>();
  for (const s of statistics) {
    const key = `${s.organisation}\u0000${s.month}\u0000${s.kind}\u0000${s.item}`;
    const seen = byKey.get(key);
    if (!seen || s.version > seen.version) byKey.set(key, s);
  }
  return [...byKey.values()];
}

const termLabel = (t: StatisticTerm): string => (t.items ? `${t.kind} (${t.items.join(', ')})` : t.kind);
const matches = (s: StatisticValue, t: StatisticTerm): boolean =>
  s.kind === t.kind && (t.items === undefined || t.items.includes(s.item));

const accountIncompleteNotes = (account: Account, who: string): string[] =>
  account.complete
    ? []
    : [
        `${who} account incomplete (coverage ${account.totals.coverage.toFixed(3)})` +
          (account.missing.length === 0 ? '' : ':'),
        ...account.missing.map(
          (m) => `  missing ${m.what}: ${m.reason}${m.months.length ? ` (${m.months.join(', ')})` : ''}`,
        ),
      ];

const yearMonths = (year: number): string[] =>
  Array.from({ length: 12 }, (_, i) => `${year}-${String(i + 1).padStart(2, '0')}`);

const coversYear = (account: Account, year: number): boolean => {
  const months = new Set(account.period.months);
  return yearMonths(year).every((m) => months.has(m));
};

/** Sum of the statistics matching `terms`, with the months covered and the units seen. */
function sumTerms(statistics: readonly StatisticValue[], terms: readonly StatisticTerm[]) {
  const used = statistics.filter((s) => terms.some((t) => matches(s, t)));
  return {
    total: used.reduce((a, s) => a + s.value, 0),
    used,
    units: new Set(used.map((s) => s.unit)),
    months: new Set(used.map((s) => s.month)),
  };
}

function statisticInput(ctx: Context, id: string, label: string, used: StatisticValue[]): IndicatorInput {
  return {
    id,
    label,
    value: used.reduce((a, s) => a + s.value, 0),
    unit: used[0]?.unit ?? '',
    coverage: new Set(used.map((s) => s.month)).size / Math.max(1, ctx.months.length),
    statistics: used.map(ref),
  };
}

/** A note and complete = false when a statistic has values in only some of the period's months. */
function monthCoverageNotes(ctx: Context, label: string, used: StatisticValue[]): string[] {
  const have = new Set(used.map((s) => s.month));
  const lacking = ctx.months.filter((m) => !have.has(m));
  if (lacking.length === 0 || used.length === 0) return [];
  return [
    `${label}: no value in ${lacking.length} of ${ctx.months.length} months (${lacking.join(', ')}); ` +
      'the months without a value are left out, not counted as 0',
  ];
}

const unitProblem = (units: Set<string>): string | null =>
  units.size > 1 ? `statistics in one unit (found ${[...units].join(', ')})` : null;

// ---- computations ----

function computeAccountField(ctx: Context, field: 'coreTco2PerTce' | 'cleanShare'): Computed {
  const account = ctx.input.parkAccount;
  const t = account.totals;
  const inputs: IndicatorInput[] = [
    {
      id: 'account:park:energyTce',
      label: 'park energy consumption',
      value: t.energyTce,
      unit: 'tce',
      coverage: t.coverage,
    },
  ];
  if (field === 'coreTco2PerTce') {
    inputs.push(
      {
        id: 'account:park:grossTco2',
        label: 'park gross CO₂',
        value: t.grossTco2,
        unit: 'tCO2',
        coverage: t.coverage,
      },
      {
        id: 'account:park:netTco2',
        label: 'park net CO₂ (after offsets)',
        value: t.netTco2,
        unit: 'tCO2',
        coverage: t.coverage,
      },
    );
  } else {
    inputs.push({
      id: 'account:park:cleanEnergyTce',
      label: 'park clean energy',
      value: t.cleanEnergyTce,
      unit: 'tce',
      coverage: t.coverage,
    });
  }
  const value = t[field];
  const notes = [...ctx.accountNotes, ...(ctx.methodNote ? [ctx.methodNote] : [])];
  return {
    value,
    missing:
      value === null
        ? [`park energy consumption (the account's energy is ${t.energyTce} tce, so the ratio is undefined)`]
        : [],
    inputs,
    notes,
    complete: account.complete,
  };
}

function computeStatisticRatio(
  ctx: Context,
  numerator: StatisticTerm[],
  denominator: StatisticTerm[],
): Computed {
  const missing: string[] = [];
  for (const t of [...numerator, ...denominator]) {
    const label = `statistic ${termLabel(t)} for ${ctx.periodLabel}`;
    if (!ctx.periodStatistics.some((s) => matches(s, t)) && !missing.includes(label)) missing.push(label);
  }
  const num = sumTerms(ctx.periodStatistics, numerator);
  const den = sumTerms(ctx.periodStatistics, denominator);
  const unitIssue = unitProblem(new Set([...num.units, ...den.units]));
  if (unitIssue) missing.push(unitIssue);

  // One input per distinct term, so that a kind in both numerator and denominator is listed once.
  const terms = [...numerator, ...denominator].filter(
    (t, i, all) => all.findIndex((u) => termLabel(u) === termLabel(t)) === i,
  );
  const inputs: IndicatorInput[] = [];
  const notes: string[] = [];
  for (const t of terms) {
    const used = ctx.periodStatistics.filter((s) => matches(s, t));
    if (used.length === 0) continue;
    inputs.push(statisticInput(ctx, `statistic:${termLabel(t)}`, termLabel(t), used));
    notes.push(...monthCoverageNotes(ctx, termLabel(t), used));
  }
  const base: Computed = { value: null, missing, inputs, notes, complete: notes.length === 0 };
  if (missing.length > 0) return base;
  if (den.total === 0) {
    return {
      ...base,
      notApplicable: `${denominator.map(termLabel).join(' + ')} is 0 over ${ctx.periodLabel}: nothing to measure`,
    };
  }
  return { ...base, value: num.total / den.total };
}

function computeWeightedRatio(
  ctx: Context,
  c: Extract<IndicatorCompute, { kind: 'weighted_ratio' }>,
): Computed {
  const missing: string[] = [];
  const notes: string[] = [];
  const inputs: IndicatorInput[] = [];
  const itemsKnown = new Set(c.parts.map((p) => p.item));
  const ignored = ctx.periodStatistics.filter(
    (s) => (s.kind === c.available || s.kind === c.recovered) && !itemsKnown.has(s.item),
  );
  if (ignored.length > 0) {
    const items = [...new Set(ignored.map((s) => `'${s.item}'`))].join(', ');
    notes.push(`statistics with item ${items} left out: the parts are ${[...itemsKnown].join(', ')}`);
  }

  const allUsed: StatisticValue[] = [];
  let weightSum = 0;
  let weightedSum = 0;
  let partsPresent = 0;
  for (const part of c.parts) {
    const available = ctx.periodStatistics.filter((s) => s.kind === c.available && s.item === part.item);
    const recovered = ctx.periodStatistics.filter((s) => s.kind === c.recovered && s.item === part.item);
    if (available.length === 0 && recovered.length === 0) continue; // the park has no such part
    partsPresent++;
    allUsed.push(...available, ...recovered);
    if (available.length === 0) {
      missing.push(`statistic ${c.available} (item ${part.item}) for ${ctx.periodLabel}`);
      continue;
    }
    if (recovered.length === 0) {
      missing.push(`statistic ${c.recovered} (item ${part.item}) for ${ctx.periodLabel}`);
      continue;
    }
    const a = available.reduce((x, s) => x + s.value, 0);
    const r = recovered.reduce((x, s) => x + s.value, 0);
    inputs.push(
      statisticInput(ctx, `statistic:${c.available}:${part.item}`, `${part.label}: available`, available),
      statisticInput(ctx, `statistic:${c.recovered}:${part.item}`, `${part.label}: recovered`, recovered),
    );
    notes.push(...monthCoverageNotes(ctx, `${c.available} (${part.item})`, available));
    notes.push(...monthCoverageNotes(ctx, `${c.recovered} (${part.item})`, recovered));
    if (a === 0) {
      if (r > 0)
        missing.push(`a non-zero ${c.available} (item ${part.item}): ${r} recovered but 0 available`);
      continue; // weight 0: the part does not count
    }
    const rate = r / a;
    inputs.push({
      id: `rate:${part.item}`,
      label: `${part.label}: utilisation rate (weight ${a})`,
      value: rate,
      unit: 'share',
    });
    weightSum += a;
    weightedSum += a * rate;
  }
  if (partsPresent === 0) {
    missing.push(
      `statistics ${c.available} and ${c.recovered} (items ${c.parts.map((p) => p.item).join(', ')}) for ${ctx.periodLabel}`,
    );
  }
  const unitIssue = unitProblem(new Set(allUsed.map((s) => s.unit)));
  if (unitIssue) missing.push(unitIssue);
  const base: Computed = { value: null, missing, inputs, notes, complete: notes.length === 0 };
  if (missing.length > 0) return base;
  if (weightSum === 0) {
    return {
      ...base,
      notApplicable: `${c.available} is 0 for every part over ${ctx.periodLabel}: nothing to recover`,
    };
  }
  return { ...base, value: weightedSum / weightSum };
}

function computeFreightShare(ctx: Context, items: string[]): Computed {
  const freight = ctx.periodStatistics.filter((s) => s.kind === 'freight');
  if (freight.length === 0) {
    return {
      value: null,
      missing: [`statistic freight (t·km by vehicle type) for ${ctx.periodLabel}`],
      inputs: [],
      notes: [],
      complete: true,
    };
  }
  const clean = freight.filter((s) => items.includes(s.item));
  const inputs = [
    statisticInput(
      ctx,
      `statistic:freight (${items.join(', ')})`,
      `freight by ${items.join(' or ')} vehicles`,
      clean,
    ),
    statisticInput(ctx, 'statistic:freight', 'all freight', freight),
  ];
  inputs[0]!.unit = freight[0]!.unit;
  const notes = monthCoverageNotes(ctx, 'freight', freight);
  const unitIssue = unitProblem(new Set(freight.map((s) => s.unit)));
  const base: Computed = {
    value: null,
    missing: unitIssue ? [unitIssue] : [],
    inputs,
    notes,
    complete: notes.length === 0,
  };
  if (unitIssue) return base;
  const total = freight.reduce((a, s) => a + s.value, 0);
  if (total === 0)
    return { ...base, notApplicable: `freight is 0 over ${ctx.periodLabel}: nothing to measure` };
  return { ...base, value: clean.reduce((a, s) => a + s.value, 0) / total };
}

function computeDiagnosisCoverage(
  ctx: Context,
  c: Extract<IndicatorCompute, { kind: 'diagnosis_coverage' }>,
): Computed {
  const { year } = ctx.input;
  const firstYear = year - c.cycleYears + 1;
  const missing: string[] = [];
  const notes: string[] = [
    `cycle [U]: diagnoses in ${firstYear}–${year} count (the assessment year and the ${c.cycleYears - 1} before it)`,
  ];
  let complete = true;
  const inputs: IndicatorInput[] = [];
  let inScope = 0;
  let diagnosed = 0;

  const from = ctx.input.statisticsFrom;
  const earlierSeen =
    (from !== undefined && from <= `${firstYear}-01`) ||
    ctx.statistics.some(
      (s) => Number(s.month.slice(0, 4)) < year && Number(s.month.slice(0, 4)) >= firstYear,
    );
  if (firstYear < year && !earlierSeen) {
    notes.push(
      `no statistics of ${firstYear === year - 1 ? firstYear : `${firstYear}–${year - 1}`} were passed in: ` +
        'diagnoses made then cannot be seen, so coverage may be understated (set statisticsFrom when they were)',
    );
    complete = false;
  }

  for (const org of ctx.input.organisations.filter((o) => o.kind === c.organisationKind)) {
    const account = ctx.input.organisationAccounts.find((a) => a.organisation === org.id);
    if (!account) {
      missing.push(`energy account of organisation ${org.id} for ${year}`);
      continue;
    }
    if (!coversYear(account, year)) {
      notes.push(
        `account of ${org.id} covers ${account.period.from}–${account.period.to}, not the 12 months of ${year}`,
      );
      complete = false;
    }
    if (!account.complete) {
      notes.push(...accountIncompleteNotes(account, org.id));
      complete = false;
    }
    const energy = account.totals.energyTce;
    const diagnoses = ctx.statistics.filter((s) => {
      const y = Number(s.month.slice(0, 4));
      return (
        s.organisation === org.id &&
        s.kind === 'efficiency_diagnosis' &&
        s.value > 0 &&
        y >= firstYear &&
        y <= year
      );
    });
    const counts = energy >= c.thresholdTce;
    if (counts) {
      inScope++;
      if (diagnoses.length > 0) diagnosed++;
    }
    inputs.push({
      id: `organisation:${org.id}`,
      label:
        `${org.id}: ${energy} tce in ${year}, ` +
        (counts ? `≥ ${c.thresholdTce} tce, ` : `< ${c.thresholdTce} tce (out of scope), `) +
        (diagnoses.length > 0
          ? `diagnosed ${diagnoses.map((d) => d.month).join(', ')}`
          : 'no diagnosis in the cycle'),
      value: energy,
      unit: 'tce',
      coverage: account.totals.coverage,
      statistics: diagnoses.map(ref),
    });
  }
  if (ctx.methodNote) notes.push(ctx.methodNote);
  const base: Computed = { value: null, missing, inputs, notes, complete };
  if (missing.length > 0) return base;
  if (inScope === 0) {
    return { ...base, notApplicable: `no ${c.organisationKind} consumed ≥ ${c.thresholdTce} tce in ${year}` };
  }
  inputs.push(
    {
      id: 'count:in_scope',
      label: `${c.organisationKind}s consuming ≥ ${c.thresholdTce} tce`,
      value: inScope,
      unit: 'count',
    },
    { id: 'count:diagnosed', label: 'of which diagnosed in the cycle', value: diagnosed, unit: 'count' },
  );
  return { ...base, value: diagnosed / inScope };
}

/** tce per unit of `outputUnit` from a norm factor in tce/<unit> or kgce/<unit>; null when the units do not fit. */
function normTcePerUnit(value: number, unit: string, outputUnit: string): number | null {
  const [energy, per] = unit.split('/');
  if (per !== outputUnit) return null;
  if (energy === 'tce') return value;
  if (energy === 'kgce') return value / 1000;
  return null;
}

function computeProductEnergy(
  ctx: Context,
  c: Extract<IndicatorCompute, { kind: 'product_energy_vs_norm' }>,
): Computed {
  const output = ctx.periodStatistics.filter((s) => s.kind === 'product_output');
  const missing: string[] = [];
  const notes: string[] = ctx.methodNote ? [ctx.methodNote] : [];
  const inputs: IndicatorInput[] = [];
  let complete = true;
  if (output.length === 0) {
    missing.push(`statistic product_output (each enterprise's product and output) for ${ctx.periodLabel}`);
  }
  const byOrganisation = new Map<string, StatisticValue[]>();
  for (const s of output)
    byOrganisation.set(s.organisation, [...(byOrganisation.get(s.organisation) ?? []), s]);

  let worst: number | null = null;
  for (const [organisation, stats] of [...byOrganisation].sort(([a], [b]) => a.localeCompare(b))) {
    const products = [...new Set(stats.map((s) => s.item))];
    if (products.length > 1) {
      missing.push(
        `energy by product for organisation ${organisation} (it reports ${products.join(', ')}; ` +
          'its energy can be compared with a norm only when it makes one product)',
      );
      continue;
    }
    const product = products[0]!;
    const account = ctx.input.organisationAccounts.find((a) => a.organisation === organisation);
    const key = c.normKey.replace('{product}', product);
    const norms = ctx.input.factors.filter((f) => f.key === key);
    const norm = norms.reduce<(typeof norms)[number] | undefined>(
      (best, f) => (best === undefined || (f.version ?? 0) > (best.version ?? 0) ? f : best),
      undefined,
    );
    const units = new Set(stats.map((s) => s.unit));
    const outputUnit = stats[0]!.unit;
    if (!account) missing.push(`energy account of organisation ${organisation} for ${ctx.periodLabel}`);
    if (!norm) missing.push(`factor ${key} (grade-${c.grade} norm of ${product}, tce/${outputUnit})`);
    if (units.size > 1)
      missing.push(`product_output of ${organisation} in one unit (found ${[...units].join(', ')})`);
    if (!account || !norm || units.size > 1) continue;
    const normTce = normTcePerUnit(norm.value, norm.unit, outputUnit);
    if (normTce === null || normTce <= 0) {
      missing.push(
        `factor ${key} in tce/${outputUnit} or kgce/${outputUnit}, > 0 (found ${norm.value} ${norm.unit})`,
      );
      continue;
    }
    const quantity = stats.reduce((a, s) => a + s.value, 0);
    if (quantity <= 0) {
      missing.push(`a positive product_output of ${organisation} (${product}: ${quantity} ${outputUnit})`);
      continue;
    }
    if (!account.complete) {
      notes.push(...accountIncompleteNotes(account, organisation));
      complete = false;
    }
    const park = ctx.input.parkAccount.period;
    if (account.period.from !== park.from || account.period.to !== park.to) {
      notes.push(
        `account of ${organisation} covers ${account.period.from}–${account.period.to}, not the period ${ctx.periodLabel}`,
      );
      complete = false;
    }
    const monthNotes = monthCoverageNotes(ctx, `product_output of ${organisation}`, stats);
    if (monthNotes.length) complete = false;
    notes.push(...monthNotes);
    const energy = account.totals.energyTce;
    const perUnit = energy / quantity;
    const ratio = perUnit / normTce;
    worst = worst === null ? ratio : Math.max(worst, ratio);
    inputs.push(
      {
        id: `organisation:${organisation}:energyTce`,
        label: `${organisation} energy`,
        value: energy,
        unit: 'tce',
        coverage: account.totals.coverage,
      },
      statisticInput(
        ctx,
        `statistic:product_output:${organisation}`,
        `${organisation} output of ${product}`,
        stats,
      ),
      {
        id: `factor:${key}`,
        label: `grade-${c.grade} norm of ${product}`,
        value: normTce,
        unit: `tce/${outputUnit}`,
        source: norm.source,
      },
      {
        id: `ratio:${organisation}`,
        label: `${organisation}: ${perUnit} tce/${outputUnit} ÷ norm`,
        value: ratio,
        unit: 'ratio to norm',
      },
    );
  }
  return { value: missing.length > 0 ? null : worst, missing, inputs, notes, complete };
}

function compute(ctx: Context, def: IndicatorDefinition): Computed {
  const c = def.compute;
  switch (c.kind) {
    case 'account':
      return computeAccountField(ctx, c.field);
    case 'statistic_ratio':
      return computeStatisticRatio(ctx, c.numerator, c.denominator);
    case 'weighted_ratio':
      return computeWeightedRatio(ctx, c);
    case 'freight_share':
      return computeFreightShare(ctx, c.items);
    case 'diagnosis_coverage':
      return computeDiagnosisCoverage(ctx, c);
    case 'product_energy_vs_norm':
      return computeProductEnergy(ctx, c);
  }
}

// ---- thresholds ----

/** The target year: the one asked for, else the nearest ≥ `year`, else the last (with a note); null without years. */
function pickYear(
  years: number[],
  year: number,
  targetYear: number | undefined,
): { year: number | null; note?: string } {
  if (years.length === 0) return { year: null };
  if (targetYear !== undefined) return { year: targetYear };
  const sorted = [...new Set(years)].sort((a, b) => a - b);
  const next = sorted.find((y) => y >= year);
  if (next !== undefined) return { year: next };
  const last = sorted[sorted.length - 1]!;
  return {
    year: last,
    note: `the assessment year ${year} is after the last target year; the ${last} target is used`,
  };
}

interface Selected {
  index: number;
  row: IndicatorThreshold | null;
  targetYear: number | null;
  notes: string[];
}

function selectThreshold(
  def: IndicatorDefinition,
  energyTce: number,
  year: number,
  targetYear?: number,
): Selected {
  const inBand = def.thresholds
    .map((row, index) => ({ row, index }))
    .filter(({ row }) => isInBand(row, energyTce));
  if (inBand.length === 0) {
    return {
      index: -1,
      row: null,
      targetYear: null,
      notes: [`no threshold row for a park of ${energyTce} tce`],
    };
  }
  const dated = inBand.filter(({ row }) => row.year !== undefined);
  const picked = pickYear(
    dated.map(({ row }) => row.year!),
    year,
    targetYear,
  );
  const notes = picked.note ? [picked.note] : [];
  const hit =
    dated.find(({ row }) => row.year === picked.year) ?? inBand.find(({ row }) => row.year === undefined);
  if (!hit) {
    const years = [...new Set(dated.map(({ row }) => row.year!))].sort((a, b) => a - b).join(', ');
    return {
      index: -1,
      row: null,
      targetYear: picked.year,
      notes: [...notes, `no threshold for target year ${picked.year} (targets: ${years})`],
    };
  }
  return { index: hit.index, row: hit.row, targetYear: hit.row.year ?? null, notes };
}

/** Signed distance to the threshold: positive = better than it (see IndicatorResult.gap). */
export function gapTo(direction: IndicatorDefinition['direction'], value: number, threshold: number): number {
  return direction === 'at_most' ? threshold - value : value - threshold;
}

function evaluateIndicator(ctx: Context, def: IndicatorDefinition): IndicatorResult {
  const { input } = ctx;
  const energyTce = input.parkAccount.totals.energyTce;
  const selected = selectThreshold(def, energyTce, input.year, input.targetYear);
  const declared = input.notApplicable?.find((n) => n.indicator === def.id);
  const computed: Computed = declared
    ? {
        value: null,
        missing: [],
        notApplicable: `declared not applicable by the park: ${declared.reason}`,
        inputs: [],
        notes: [],
        complete: true,
      }
    : compute(ctx, def);
  const threshold = selected.row?.value ?? null;

  let outcome: IndicatorOutcome;
  let reason: string | null = null;
  let gap: number | null = null;
  if (computed.notApplicable !== undefined) {
    outcome = 'not_applicable';
    reason = computed.notApplicable;
  } else if (computed.value === null) {
    outcome = 'not_computable';
    reason = `not computable: missing ${computed.missing.join('; ')}`;
  } else if (threshold === null) {
    outcome = 'no_threshold';
    reason =
      selected.row === null
        ? `no threshold: ${selected.notes.join('; ')}`
        : `no threshold known for ${bandLabel(selected.row) ?? 'this indicator'}` +
          `${selected.targetYear === null ? '' : ` in ${selected.targetYear}`}` +
          `${selected.row.configurable ? ' (the park may enter it with its source: lingtan threshold, or the scorecard page)' : ''}`;
  } else {
    gap = gapTo(def.direction, computed.value, threshold);
    outcome = gap >= -PASS_TOLERANCE * Math.max(1, Math.abs(threshold)) ? 'pass' : 'fail';
  }

  const row = selected.row;
  return {
    indicator: def.id,
    name: def.name,
    nameEn: def.nameEn,
    category: def.category,
    unit: def.unit,
    direction: def.direction,
    formula: def.formula,
    value: computed.value,
    threshold,
    thresholdRef:
      row === null
        ? null
        : {
            index: selected.index,
            status: row.status,
            source: row.source,
            configurable: row.configurable,
            ...(row.configured ? { configured: row.configured } : {}),
          },
    band: row === null ? null : bandLabel(row),
    targetYear: selected.targetYear,
    outcome,
    gap,
    missing: computed.missing,
    reason,
    notes: [...selected.notes, ...(row?.note ? [row.note] : []), ...computed.notes],
    complete: computed.complete,
    inputs: computed.inputs,
    applicability: def.applicability,
  };
}

/**
 * Evaluates every indicator of `set` for the park: values from `input`, thresholds for the park's band (from the park
 * account's annual energy) and target year, outcomes with gaps, the inputs used and every caveat. Never throws for
 * missing data: an indicator that lacks an input is 'not_computable' and names it.
 */
export function evaluateSet(set: Readonly<IndicatorSet>, input: EvaluationInput): Scorecard {
  const account = input.parkAccount;
  const statistics = latestVersions(input.statistics);
  const months = account.period.months;
  const monthSet = new Set(months);
  const notes: string[] = [];
  if (!coversYear(account, input.year) || months.length !== 12) {
    notes.push(
      `the park account covers ${account.period.from}–${account.period.to}, not the 12 months of ${input.year}: ` +
        'bands and thresholds are annual',
    );
  }
  const methodNote =
    set.method?.electricityTce !== undefined && set.method.electricityTce !== account.method.electricityTce
      ? `the set counts electricity at the ${set.method.electricityTce} value; the account (method ${account.method.id} ` +
        `v${account.method.version}) at the ${account.method.electricityTce} value — energy figures are not on the set's basis`
      : null;
  if (methodNote) notes.push(methodNote);
  const otherMethods = input.organisationAccounts.filter(
    (a) => a.method.id !== account.method.id || a.method.version !== account.method.version,
  );
  if (otherMethods.length > 0) {
    notes.push(
      `organisation accounts on another method than the park's: ${otherMethods.map((a) => `${a.organisation ?? 'park'} (${a.method.id} v${a.method.version})`).join(', ')}`,
    );
  }
  const accountNotes = accountIncompleteNotes(account, 'park');
  notes.push(...accountNotes);
  notes.push(...account.warnings.map((w) => `park account warning: ${w.what}: ${w.reason}`));

  const ctx: Context = {
    input,
    months,
    periodLabel:
      account.period.from === account.period.to
        ? account.period.from
        : `${account.period.from}…${account.period.to}`,
    statistics,
    periodStatistics: statistics.filter((s) => monthSet.has(s.month)),
    accountNotes,
    methodNote,
  };

  const results = set.indicators.map((def) => evaluateIndicator(ctx, def));
  const counts: Record<IndicatorOutcome, number> = {
    pass: 0,
    fail: 0,
    no_threshold: 0,
    not_computable: 0,
    not_applicable: 0,
  };
  for (const r of results) counts[r.outcome]++;
  const core = results.filter((r) => r.category === 'core');
  const coreResult: Scorecard['core'] = core.some((r) => r.outcome === 'fail')
    ? 'fail'
    : core.length > 0 && core.every((r) => r.outcome === 'pass')
      ? 'pass'
      : 'undetermined';

  const allYears = set.indicators.flatMap((d) =>
    d.thresholds.flatMap((t) => (t.year === undefined ? [] : [t.year])),
  );
  const picked = pickYear(allYears, input.year, input.targetYear);

  return {
    set: {
      id: set.id,
      version: set.version,
      name: set.name,
      nameEn: set.nameEn,
      jurisdiction: set.jurisdiction,
      source: set.source,
      status: set.status,
    },
    park: account.park,
    period: { from: account.period.from, to: account.period.to, months: [...months] },
    year: input.year,
    targetYear: picked.year,
    band: { energyTce: account.totals.energyTce, label: core[0]?.band ?? null },
    method: {
      id: account.method.id,
      version: account.method.version,
      name: account.method.name,
      electricityTce: account.method.electricityTce,
    },
    account: { complete: account.complete, coverage: account.totals.coverage, missing: account.missing },
    core: coreResult,
    counts,
    notes,
    results,
  };
}
