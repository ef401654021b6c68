/**
 * Scenario files (YAML or JSON): what a planner writes to ask "what must we build?" (sizing) or "what is tomorrow's
 * plan?" (dispatch). One TypeBox schema is the TypeScript type, the JSON Schema and the HTTP body schema; problems
 * are reported by file, line and field (lib/yaml-input.ts).
 */
import { Ajv, type ValidateFunction } from 'ajv';
import Type, { type Static } from 'typebox';
import { parseYamlInput, type PathIssue, type Segment } from '../../lib/yaml-input.ts';

const Id = Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' });
const Share = Type.Number({ minimum: 0, maximum: 1 });
const Positive = Type.Number({ minimum: 0 });
const LocalTime = Type.String({
  pattern: '^([01][0-9]|2[0-4]):[0-5][0-9]$',
  description: 'park-local HH:MM',
});

export const TechnologyCostSchema = Type.Object(
  {
    capexPerUnit: Type.Number({ minimum: 0, description: 'CNY per kW (storage energy: per kWh)' }),
    lifetimeYears: Type.Number({ exclusiveMinimum: 0, maximum: 60 }),
    omShare: Type.Number({ minimum: 0, maximum: 0.5, description: 'fixed O&M per year as a share of capex' }),
    minUnits: Type.Optional(Positive),
    maxUnits: Type.Optional(Positive),
  },
  { additionalProperties: false },
);

/** Where the load comes from: the park's (or one organisation's) metered electricity, or a CSV profile. */
export const LoadSourceSchema = Type.Object(
  {
    source: Type.Enum(['metered', 'csv'] as const),
    organisation: Type.Optional(Id),
    /** For `csv`: a file beside the scenario (CLI) — header at,kw. */
    file: Type.Optional(Type.String({ minLength: 1 })),
    stepMinutes: Type.Optional(Type.Enum([15, 60] as const)),
    /** Multiply the load (growth scenarios), default 1. */
    scale: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);

export const PvSchema = Type.Object(
  {
    tiltDeg: Type.Number({ minimum: 0, maximum: 90 }),
    azimuthDeg: Type.Number({ minimum: 0, maximum: 360, description: '180 = south' }),
    lossesShare: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
    monthlyClearness: Type.Optional(Type.Array(Share, { minItems: 12, maxItems: 12 })),
    existingKw: Type.Optional(Positive),
    cost: Type.Optional(TechnologyCostSchema),
  },
  { additionalProperties: false },
);

export const StorageSchema = Type.Object(
  {
    roundTripEfficiency: Type.Number({ exclusiveMinimum: 0, maximum: 1 }),
    minSocShare: Share,
    maxSocShare: Share,
    existingKwh: Type.Optional(Positive),
    existingKw: Type.Optional(Positive),
    energyCost: Type.Optional(TechnologyCostSchema),
    powerCost: Type.Optional(TechnologyCostSchema),
    initialSocShare: Type.Optional(Share),
  },
  { additionalProperties: false },
);

export const TargetSchema = Type.Union([
  Type.Object({ kind: Type.Literal('green_share_annual'), share: Share }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('green_share_hourly'), share: Share }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('co2_cap'), tco2: Positive }, { additionalProperties: false }),
  Type.Object({ kind: Type.Literal('none') }, { additionalProperties: false }),
]);

export const ShiftableSchema = Type.Object(
  {
    id: Id,
    energyKwh: Positive,
    maxKw: Type.Number({ exclusiveMinimum: 0 }),
    from: LocalTime,
    to: LocalTime,
  },
  { additionalProperties: false },
);

const Common = {
  version: Type.Optional(Type.Literal(1)),
  id: Id,
  name: Type.String({ minLength: 1 }),
  load: LoadSourceSchema,
  pv: Type.Optional(PvSchema),
  storage: Type.Optional(StorageSchema),
  /** A built-in tariff id (see `lingtan microgrid tariffs`). */
  tariff: Type.String({ minLength: 1 }),
  gridImportLimitKw: Type.Optional(Positive),
  gridExportLimitKw: Type.Optional(Positive),
  /** Grid emission factor, tCO₂/MWh (default: the park's province, latest year, from the factor table). */
  gridFactorTco2PerMwh: Type.Optional(Positive),
};

export const SizingScenarioFileSchema = Type.Object(
  {
    ...Common,
    kind: Type.Literal('sizing'),
    /** The year of metered load to size against, e.g. '2025'. */
    period: Type.String({ minLength: 4 }),
    discountRate: Type.Number({ minimum: 0, maximum: 0.3 }),
    target: TargetSchema,
    /** Solve on k representative days instead of the full year (fast mode). */
    representativeDays: Type.Optional(Type.Integer({ minimum: 1, maximum: 60 })),
  },
  { additionalProperties: false },
);

export const DispatchScenarioFileSchema = Type.Object(
  {
    ...Common,
    kind: Type.Literal('dispatch'),
    /** The park-local day to plan, YYYY-MM-DD (its metered or forecast load). */
    date: Type.String({ pattern: '^\\d{4}-\\d{2}-\\d{2}$' }),
    /** PV capacity for the plan's PV profile (kW); the model profile of `pv` is scaled to it. */
    pvKw: Type.Optional(Positive),
    shiftable: Type.Optional(Type.Array(ShiftableSchema)),
    monthPeakSoFarKw: Type.Optional(Positive),
    objective: Type.Enum(['cost', 'co2', 'green_self_consumption'] as const),
  },
  { additionalProperties: false },
);

export const ScenarioFileSchema = Type.Union([SizingScenarioFileSchema, DispatchScenarioFileSchema]);
export type SizingScenarioFile = Static<typeof SizingScenarioFileSchema>;
export type DispatchScenarioFile = Static<typeof DispatchScenarioFileSchema>;
export type ScenarioFile = SizingScenarioFile | DispatchScenarioFile;

const validators = new Map<string, ValidateFunction>();
function validatorFor(kind: 'sizing' | 'dispatch'): ValidateFunction {
  let v = validators.get(kind);
  if (!v) {
    v = new Ajv({ allErrors: true, verbose: true }).compile(
      kind === 'sizing' ? SizingScenarioFileSchema : DispatchScenarioFileSchema,
    );
    validators.set(kind, v);
  }
  return v;
}

function semantic(data: unknown): PathIssue[] {
  const issues: PathIssue[] = [];
  const d = (typeof data === 'object' && data !== null ? data : {}) as Record<string, unknown>;
  const add = (path: Segment[], reason: string) => issues.push({ path, reason });
  const load = d.load as { source?: string; file?: string } | undefined;
  if (load?.source === 'csv' && !load.file) add(['load', 'file'], 'a csv load needs its file');
  const storage = d.storage as { minSocShare?: number; maxSocShare?: number } | undefined;
  if (storage && (storage.minSocShare ?? 0) >= (storage.maxSocShare ?? 1))
    add(['storage', 'minSocShare'], 'must be below maxSocShare');
  const shiftable = Array.isArray(d.shiftable) ? (d.shiftable as { from?: string; to?: string }[]) : [];
  shiftable.forEach((s, i) => {
    if (s.from && s.to && s.from >= s.to) add(['shiftable', i, 'to'], `must be after from (${s.from})`);
  });
  return issues;
}

/** Parses a scenario file; the `kind` field chooses the schema (sizing or dispatch). */
export function parseScenarioFile(text: string, fileName: string): ScenarioFile {
  const kind = /^\s*"?kind"?\s*:\s*"?dispatch"?/m.test(text) ? 'dispatch' : 'sizing';
  return parseYamlInput<ScenarioFile>(text, fileName, validatorFor(kind), {
    patternNames: { '^[A-Za-z0-9][A-Za-z0-9._-]*$': "must be an id: letters, digits, '.', '_' or '-'" },
    semantic,
  });
}
