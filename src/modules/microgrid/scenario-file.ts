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

/**
 * A profile given in the scenario: a CSV file beside the scenario file (read when the scenario is saved from the CLI
 * and stored with it as `start`, `stepMinutes` and `values`), or the values inline.
 */
const ProfileFields = {
  /** CSV beside the scenario file (header at,kw or at,kwh; wind speeds: at,speed). */
  file: Type.Optional(Type.String({ minLength: 1 })),
  /** Start of the first step: park-local 'YYYY-MM-DD HH:MM' or with an offset. */
  start: Type.Optional(Type.String({ minLength: 10, maxLength: 40 })),
  stepMinutes: Type.Optional(Type.Enum([15, 60] as const)),
  /** One value per step (kW; per kW installed for PV and wind unless `ratedKw`; m/s for wind speeds). */
  values: Type.Optional(Type.Array(Type.Number({ minimum: 0 }), { minItems: 1, maxItems: 40_000 })),
};
export const ProfileDataSchema = Type.Object(ProfileFields, { additionalProperties: false });

/** An output profile of PV or wind: per kW installed, or the output of a plant of `ratedKw`. */
export const OutputProfileSchema = Type.Object(
  {
    ...ProfileFields,
    /** The values are the output of a plant of this size, kW (else they are per kW installed). */
    ratedKw: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);

/** Where the load comes from: the park's (or one organisation's) metered electricity, or a profile (csv). */
export const LoadSourceSchema = Type.Object(
  {
    source: Type.Enum(['metered', 'csv'] as const),
    organisation: Type.Optional(Id),
    /** For `csv`: a file beside the scenario (CLI) — header at,kw — or inline `start` and `values`. */
    file: Type.Optional(Type.String({ minLength: 1 })),
    start: ProfileFields.start,
    values: ProfileFields.values,
    stepMinutes: Type.Optional(Type.Enum([15, 60] as const)),
    /** Multiply the load (growth scenarios), default 1. */
    scale: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
  },
  { additionalProperties: false },
);

export const PvSchema = Type.Object(
  {
    /** The PV model's panel (or, instead, a `profile`). */
    tiltDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 90 })),
    azimuthDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 360, description: '180 = south' })),
    /** Measured or modelled output instead of the PV model. */
    profile: Type.Optional(OutputProfileSchema),
    lossesShare: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
    monthlyClearness: Type.Optional(Type.Array(Share, { minItems: 12, maxItems: 12 })),
    existingKw: Type.Optional(Positive),
    cost: Type.Optional(TechnologyCostSchema),
  },
  { additionalProperties: false },
);

/** Wind: an output profile, or wind speeds through a power curve (`windShape`). */
export const WindSchema = Type.Object(
  {
    profile: Type.Optional(OutputProfileSchema),
    /** Mean wind speed per step, m/s, at `measurementHeightM`. */
    speed: Type.Optional(ProfileDataSchema),
    measurementHeightM: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    hubHeightM: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    shearExponent: Type.Optional(Type.Number({ minimum: 0, maximum: 0.6 })),
    /** Site elevation, m: air density by the ISA, for the density correction of the curve. */
    elevationM: Type.Optional(Type.Number({ minimum: -500, maximum: 6000 })),
    /** Output share of rated power at speeds (m/s); default the generic 3/12/25 m/s curve. */
    powerCurve: Type.Optional(
      Type.Object(
        {
          points: Type.Array(
            Type.Tuple([Type.Number({ minimum: 0 }), Type.Number({ minimum: 0, maximum: 1.05 })]),
            {
              minItems: 1,
            },
          ),
          cutOutMs: Type.Number({ exclusiveMinimum: 0 }),
        },
        { additionalProperties: false },
      ),
    ),
    lossesShare: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
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
  wind: Type.Optional(WindSchema),
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
    /** Days from `date` (default 1); shiftable loads repeat every day. */
    days: Type.Optional(Type.Integer({ minimum: 1, maximum: 31 })),
    /** PV capacity for the plan's PV profile (kW); the model profile of `pv` is scaled to it. */
    pvKw: Type.Optional(Positive),
    /** Wind capacity for the plan's wind profile (kW). */
    windKw: Type.Optional(Positive),
    shiftable: Type.Optional(Type.Array(ShiftableSchema)),
    monthPeakSoFarKw: Type.Optional(Positive),
    objective: Type.Enum(['cost', 'co2', 'green_self_consumption'] as const),
    /** A rolling plan: re-plan every `commitSteps` steps over the next `windowSteps` (else one plan of the horizon). */
    rolling: Type.Optional(
      Type.Object(
        {
          windowSteps: Type.Integer({ minimum: 1, maximum: 2976 }),
          commitSteps: Type.Integer({ minimum: 1, maximum: 2976 }),
        },
        { additionalProperties: false },
      ),
    ),
    /**
     * What really happened (a rolling plan's committed steps face it; the plan used the forecasts above): the load and
     * the PV (with wind, when there is wind) available, kW.
     */
    actual: Type.Optional(
      Type.Object(
        { load: Type.Optional(ProfileDataSchema), pv: Type.Optional(ProfileDataSchema) },
        { additionalProperties: false },
      ),
    ),
  },
  { additionalProperties: false },
);

export const ScenarioFileSchema = Type.Union([SizingScenarioFileSchema, DispatchScenarioFileSchema]);
export type SizingScenarioFile = Static<typeof SizingScenarioFileSchema>;
export type DispatchScenarioFile = Static<typeof DispatchScenarioFileSchema>;
export type ScenarioFile = SizingScenarioFile | DispatchScenarioFile;
export type ProfileData = Static<typeof ProfileDataSchema>;
export type OutputProfileData = Static<typeof OutputProfileSchema>;

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
  const load = d.load as (ProfileLike & { source?: string }) | undefined;
  if (load?.source === 'csv') profileIssues(load, ['load'], add);
  else if (load && (load.file !== undefined || load.values !== undefined))
    add(['load', 'source'], 'a load with a file or values is `source: csv`');
  const pv = d.pv as { tiltDeg?: number; azimuthDeg?: number; profile?: ProfileLike } | undefined;
  if (pv) {
    if (pv.profile) profileIssues(pv.profile, ['pv', 'profile'], add);
    else if (pv.tiltDeg === undefined || pv.azimuthDeg === undefined)
      add(['pv'], 'give the panel (tiltDeg and azimuthDeg) for the PV model, or a profile');
  }
  const wind = d.wind as
    | { profile?: ProfileLike; speed?: ProfileLike; measurementHeightM?: number; hubHeightM?: number }
    | undefined;
  if (wind) {
    if (wind.profile && wind.speed) add(['wind', 'speed'], 'give a profile or wind speeds, not both');
    else if (wind.profile) profileIssues(wind.profile, ['wind', 'profile'], add);
    else if (wind.speed) profileIssues(wind.speed, ['wind', 'speed'], add);
    else add(['wind'], 'wind needs a profile or wind speeds (speed)');
    if ((wind.measurementHeightM === undefined) !== (wind.hubHeightM === undefined))
      add(
        ['wind', wind.hubHeightM === undefined ? 'hubHeightM' : 'measurementHeightM'],
        'give both heights, or neither',
      );
  }
  const actual = d.actual as { load?: ProfileLike; pv?: ProfileLike } | undefined;
  if (actual) {
    if (d.rolling === undefined) add(['actual'], 'actual profiles are for a rolling plan: add rolling');
    if (actual.load) profileIssues(actual.load, ['actual', 'load'], add);
    if (actual.pv) profileIssues(actual.pv, ['actual', 'pv'], add);
  }
  const rolling = d.rolling as { windowSteps?: number; commitSteps?: number } | undefined;
  if (
    rolling?.windowSteps !== undefined &&
    rolling.commitSteps !== undefined &&
    rolling.commitSteps > rolling.windowSteps
  )
    add(['rolling', 'commitSteps'], `must not exceed windowSteps (${rolling.windowSteps})`);
  const storage = d.storage as { minSocShare?: number; maxSocShare?: number } | undefined;
  if (storage && (storage.minSocShare ?? 0) >= (storage.maxSocShare ?? 1))
    add(['storage', 'minSocShare'], 'must be below maxSocShare');
  const shiftable = Array.isArray(d.shiftable) ? (d.shiftable as { from?: string; to?: string }[]) : [];
  shiftable.forEach((s, i) => {
    if (s.from && s.to && s.from >= s.to) add(['shiftable', i, 'to'], `must be after from (${s.from})`);
  });
  return issues;
}

interface ProfileLike {
  file?: string;
  start?: string;
  stepMinutes?: number;
  values?: number[];
}

/** A profile needs its file, or inline values with their start and step. */
function profileIssues(
  p: ProfileLike,
  path: Segment[],
  add: (path: Segment[], reason: string) => void,
): void {
  if (p.file !== undefined) return;
  if (p.values === undefined) {
    add([...path, 'file'], 'give a CSV file, or the values inline');
    return;
  }
  if (p.start === undefined) add([...path, 'start'], 'inline values need the start of their first step');
  if (p.stepMinutes === undefined) add([...path, 'stepMinutes'], 'inline values need their step (15 or 60)');
}

/** Parses a scenario file; the `kind` field chooses the schema (sizing or dispatch). */
export function parseScenarioFile(text: string, fileName: string): ScenarioFile {
  const kind = /^\s*"?kind"?\s*:\s*"?dispatch"?/m.test(text) ? 'dispatch' : 'sizing';
  return parseYamlInput<ScenarioFile>(text, fileName, validatorFor(kind), {
    patternNames: { '^[A-Za-z0-9][A-Za-z0-9._-]*$': "must be an id: letters, digits, '.', '_' or '-'" },
    semantic,
  });
}
