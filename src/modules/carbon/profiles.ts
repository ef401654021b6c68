/**
 * The shipped method profiles (data, not code branches), their validation, and copying a profile into a user profile.
 * Every choice the sources do not settle carries a `ProfileChoice` note with its status (standards.md §2–4).
 */
import { findKeyFamily } from './factor-library.ts';
import { FACTOR_STATUSES, type FactorStatus, type MethodProfile, type ProfileChoice } from './types.ts';

const SHIPPED_AT = '2025-12-01T00:00:00.000Z';

/** Carrier → fuel whose combustion defaults apply (GB/T 32150 table A.1 fuels). */
const CARRIER_FUEL: Readonly<Record<string, string>> = {
  natural_gas: 'natural_gas',
  coal: 'bituminous_coal',
  coke: 'coke',
  diesel: 'diesel',
  gasoline: 'gasoline',
  fuel_oil: 'fuel_oil',
  lpg: 'lpg',
};

/** Carrier → standard-coal factor key; water, cooling and hydrogen have none (docs/methods.md, energy in tce). */
const CARRIER_TCE: Readonly<Record<string, string>> = {
  natural_gas: 'tce.natural_gas',
  steam: 'tce.steam_low_pressure',
  heat: 'tce.heat',
  coal: 'tce.raw_coal',
  coke: 'tce.coke',
  diesel: 'tce.diesel',
  gasoline: 'tce.gasoline',
  fuel_oil: 'tce.fuel_oil',
  lpg: 'tce.lpg',
  compressed_air: 'tce.compressed_air',
};

const choice = (field: string, status: FactorStatus, note: string): ProfileChoice => ({
  field,
  status,
  note,
});

/** Choices every shipped profile shares (the GB/T 32150 structure of standards.md §4). */
const COMMON_CHOICES: readonly ProfileChoice[] = [
  choice(
    'heatFactorKey',
    'secondary',
    'Purchased heat and steam at 0.11 tCO₂/GJ (GB/T 32150-2025 §7.5); steam t → GJ by t × (h − 83.74) × 10⁻³ with h = steam.enthalpy (3,763 kJ/kg, unverified).',
  ),
  choice(
    'creditExports',
    'secondary',
    'Exported electricity (at the grid factor used for the organisation-month) and exported heat and steam (at the heat factor) are subtracted: E − E_exported_electricity − E_exported_heat (GB/T 32150 structure, standards.md §4).',
  ),
  choice(
    'processEmissions',
    'secondary',
    'Process emissions are part of gross emissions (GB/T 32150 structure, standards.md §4).',
  ),
  choice(
    'recoveredCo2',
    'secondary',
    'Recovered CO₂ (captured and used or stored) is subtracted from gross: − R_recovered (GB/T 32150 structure).',
  ),
  choice(
    'offsets',
    'unverified',
    'Offsets (CCER, sinks, CCUS credits) are reported apart as a memo and not subtracted: standards.md §4 says to report gross, offsets and net separately until the official method is confirmed.',
  ),
  choice(
    'coreIndicatorBasis',
    'unverified',
    'The core indicator divides gross emissions (offsets not subtracted), consistent with offsets being a memo.',
  ),
  choice(
    'allocation',
    'unverified',
    "The park operator's and public organisations' emissions and energy (shared PV, storage, common services) are allocated to the enterprises pro rata to each one's electricity consumption of the month, so that organisation accounts add up to the park account. No source prescribes a key.",
  ),
  choice(
    'carrierFuel',
    'unverified',
    'Meters name a carrier, not a fuel grade: coal is taken as bituminous coal, coke, diesel, gasoline, fuel oil and LPG at their GB/T 32150-2015 table A.1 defaults (quoted from memory in the reference table); natural gas at GB/T 32151.34-2024 table C.1 (secondary). A measured NCV overrides the default.',
  ),
  choice(
    'carrierTce',
    'unverified',
    'GB/T 2589-2020 coefficients: raw coal for coal, low-pressure steam for steam, 1.3300 kgce/m³ for natural gas (the top of the standard’s range: a measured value should replace it); water, cooling and hydrogen have no coefficient in the total.',
  ),
];

/** National zero-carbon park method (发改环资〔2025〕910号 attachment 4, full text not available: see the choices). */
export const CN_ZERO_CARBON_PARK_2025: MethodProfile = deepFreeze({
  id: 'cn-zero-carbon-park-2025',
  version: 1,
  name: '零碳园区碳排放核算(国家,2025 试行)',
  nameEn: 'Zero-carbon park accounting (national, 2025 trial)',
  description:
    'GB/T 32150 structure with the national zero-carbon park programme’s core indicator (tCO₂/tce). The official accounting method (attachment 4 of 发改环资〔2025〕910号) was not available: every choice it might settle is marked.',
  electricityTce: 'equivalent',
  gridFactor: { rule: 'residual_when_claimed', level: 'national', dataYear: 'latest' },
  heatFactorKey: 'heat.co2',
  creditExports: true,
  processEmissions: 'include',
  recoveredCo2: 'deduct',
  offsets: 'memo',
  coreIndicatorBasis: 'gross',
  cleanEnergy: { naturalGas: false, gridCleanShareKey: null },
  allocation: { key: 'electricity', sharedKinds: ['park_operator', 'public'] },
  carrierFuel: { ...CARRIER_FUEL },
  carrierTce: { ...CARRIER_TCE },
  rounding: { tco2: 2, tce: 2, indicator: 4, share: 4 },
  choices: [
    choice(
      'electricityTce',
      'unverified',
      "Electricity at the equivalent value (等价值, the year's thermal-power supply coal rate). The national method's text was not available; the national average of about 2.1 tCO₂/tce that the thresholds are read against is consistent with national statistics, which count primary electricity at the coal-equivalent rate, and the Yunnan plan defines the indicator this way. At the calorific value a grid-powered park's indicator is about 2.5× higher (standards.md §3).",
    ),
    choice(
      'gridFactor',
      'unverified',
      'Which grid factor the method prescribes is unknown (standards.md §4). Rule that avoids double counting: claimed green MWh at 0 and the rest at the national factor excluding market-traded non-fossil electricity; without claims, the national average; the latest published data year in force. Judged per organisation-month so that organisations add up to the park.',
    ),
    choice(
      'cleanEnergy',
      'unverified',
      'Clean energy = evidenced green electricity only: on-site renewables consumed, direct green supply and claimed certificates or green-power trades, at the electricity convention; natural gas and the grid’s own clean share are not counted.',
    ),
    ...COMMON_CHOICES,
  ],
  createdBy: 'lingtan',
  createdAt: SHIPPED_AT,
});

/** Yunnan zero-carbon park method (the Yunnan plan: electricity at the equivalent value; provincial grid factor). */
export const YN_ZERO_CARBON_PARK: MethodProfile = deepFreeze({
  ...CN_ZERO_CARBON_PARK_2025,
  id: 'yn-zero-carbon-park',
  version: 1,
  name: '零碳园区碳排放核算(云南)',
  nameEn: 'Zero-carbon park accounting (Yunnan)',
  description:
    'The national structure with the Yunnan plan’s definition of energy consumption (electricity at the equivalent value) and the Yunnan provincial grid factor, which reflects the province’s hydropower.',
  electricityTce: 'equivalent',
  gridFactor: { rule: 'average', level: 'provincial', dataYear: 'latest' },
  cleanEnergy: { naturalGas: false, gridCleanShareKey: 'grid_clean_share.provincial.yunnan' },
  carrierFuel: { ...CARRIER_FUEL },
  carrierTce: { ...CARRIER_TCE },
  choices: [
    choice(
      'electricityTce',
      'secondary',
      'The Yunnan plan defines energy consumption in tce with electricity at the equivalent value (等价值) (standards.md §2, from the seed document).',
    ),
    choice(
      'gridFactor',
      'unverified',
      'All grid electricity at the Yunnan provincial average (0.1333 tCO₂/MWh for 2023, a quarter of the national one: standards.md §4); the level is selectable in a copy. Rule "average": the provincial average already carries the province’s hydropower, so claimed certificates do not lower emissions again (they still count as clean energy). The residual rule would price the unclaimed rest at the national residual factor (0.6096), so that claiming certificates would raise a Yunnan park’s emissions.',
    ),
    choice(
      'cleanEnergy',
      'unverified',
      'Clean energy = evidenced green electricity plus the Yunnan grid’s non-fossil share of unclaimed grid electricity (the plan’s characteristic indicators show the province’s green-power advantage). No citable value of that share was available: the library ships none, and until a user enters grid_clean_share.provincial.yunnan (a fraction, with its source) the account lists it as missing and counts none of the grid as clean.',
    ),
    ...COMMON_CHOICES,
  ],
});

/** Hunan zero-carbon park method (湘工信节能〔2025〕467号 sets targets; the accounting choices follow the national one). */
export const HN_ZERO_CARBON_PARK: MethodProfile = deepFreeze({
  ...CN_ZERO_CARBON_PARK_2025,
  id: 'hn-zero-carbon-park',
  version: 1,
  name: '零碳园区碳排放核算(湖南)',
  nameEn: 'Zero-carbon park accounting (Hunan)',
  description:
    'Hunan’s 湘工信节能〔2025〕467号 sets the core indicator and guiding indicator targets for 2027/2030/2035 (standards.md §2, verified); it defines no accounting convention we could find, so the accounting follows the national profile, every such choice marked unverified.',
  carrierFuel: { ...CARRIER_FUEL },
  carrierTce: { ...CARRIER_TCE },
  choices: [
    choice(
      'electricityTce',
      'unverified',
      'Equivalent value, as the national profile: the Hunan notice gives targets (core ≤ 1.0/0.7/0.3 tCO₂/tce below 1 Mtce) but no convention; the targets are read against the national indicator.',
    ),
    choice(
      'gridFactor',
      'unverified',
      'As the national profile (national level, residual when claimed). Hunan lies in the central regional grid: a copy may set level "regional".',
    ),
    choice(
      'cleanEnergy',
      'unverified',
      'As the national profile: evidenced green electricity only (Hunan’s clean-energy targets 60/70/90 % give no definition).',
    ),
    ...COMMON_CHOICES,
  ],
});

/** The profiles Lingtan ships, newest version of each. */
export const SHIPPED_PROFILES: readonly MethodProfile[] = Object.freeze([
  CN_ZERO_CARBON_PARK_2025,
  YN_ZERO_CARBON_PARK,
  HN_ZERO_CARBON_PARK,
]);

/** A shipped profile by id (and version), or undefined. */
export function findShippedProfile(id: string, version?: number): MethodProfile | undefined {
  return SHIPPED_PROFILES.find((p) => p.id === id && (version === undefined || p.version === version));
}

/** A problem with a profile, naming its field (dotted path). */
export interface ProfileIssue {
  field: string;
  message: string;
}

const PROFILE_FIELDS = [
  'electricityTce',
  'gridFactor',
  'heatFactorKey',
  'creditExports',
  'processEmissions',
  'recoveredCo2',
  'offsets',
  'coreIndicatorBasis',
  'cleanEnergy',
  'allocation',
  'carrierFuel',
  'carrierTce',
  'rounding',
] as const;

/** Every problem of a profile (empty when it is usable). */
export function validateProfile(p: MethodProfile): ProfileIssue[] {
  const issues: ProfileIssue[] = [];
  const bad = (field: string, message: string) => issues.push({ field, message });
  const oneOf = (field: string, value: unknown, allowed: readonly unknown[]) => {
    if (!allowed.includes(value))
      bad(field, `must be one of ${allowed.map((a) => JSON.stringify(a)).join(', ')}`);
  };
  if (typeof p.id !== 'string' || !/^[a-z0-9][a-z0-9._-]{0,63}$/.test(p.id)) {
    bad('id', 'lower-case letters, digits, ".", "_" or "-", at most 64, starting with a letter or digit');
  }
  if (!Number.isInteger(p.version) || p.version < 1) bad('version', 'a whole number ≥ 1');
  if (!p.name?.trim()) bad('name', 'required');
  if (!p.nameEn?.trim()) bad('nameEn', 'required');
  if (typeof p.description !== 'string') bad('description', 'must be text');
  if (p.basedOn && (!p.basedOn.id || !Number.isInteger(p.basedOn.version) || p.basedOn.version < 1)) {
    bad('basedOn', 'needs the id and version of the profile it was copied from');
  }
  oneOf('electricityTce', p.electricityTce, ['calorific', 'equivalent']);
  if (!p.gridFactor) bad('gridFactor', 'required');
  else {
    oneOf('gridFactor.rule', p.gridFactor.rule, ['average', 'residual_when_claimed']);
    oneOf('gridFactor.level', p.gridFactor.level, ['national', 'regional', 'provincial']);
    const y = p.gridFactor.dataYear;
    if (y !== 'latest' && !(Number.isInteger(y) && y >= 2000 && y <= 2100)) {
      bad('gridFactor.dataYear', "'latest' or a data year such as 2023");
    }
  }
  const heat = findKeyFamily(p.heatFactorKey ?? '');
  if (!heat || !heat.units.includes('tCO2/GJ')) bad('heatFactorKey', 'a heat.co2 factor key (tCO2/GJ)');
  if (typeof p.creditExports !== 'boolean') bad('creditExports', 'true or false');
  oneOf('processEmissions', p.processEmissions, ['include', 'memo']);
  oneOf('recoveredCo2', p.recoveredCo2, ['deduct', 'memo']);
  oneOf('offsets', p.offsets, ['net', 'memo']);
  oneOf('coreIndicatorBasis', p.coreIndicatorBasis, ['gross', 'net']);
  if (!p.cleanEnergy) bad('cleanEnergy', 'required');
  else {
    if (typeof p.cleanEnergy.naturalGas !== 'boolean') bad('cleanEnergy.naturalGas', 'true or false');
    const k = p.cleanEnergy.gridCleanShareKey;
    if (k !== null && !/^grid_clean_share\./.test(k ?? '')) {
      bad('cleanEnergy.gridCleanShareKey', 'null or a grid_clean_share.<level>.<region> key');
    }
  }
  if (!p.allocation) bad('allocation', 'required');
  else {
    oneOf('allocation.key', p.allocation.key, ['none', 'electricity', 'energy_tce']);
    if (!Array.isArray(p.allocation.sharedKinds)) bad('allocation.sharedKinds', 'a list');
    else {
      for (const [i, k] of p.allocation.sharedKinds.entries()) {
        oneOf(`allocation.sharedKinds[${i}]`, k, ['enterprise', 'park_operator', 'public']);
      }
    }
  }
  for (const [carrier, fuel] of Object.entries(p.carrierFuel ?? {})) {
    if (!/^[a-z0-9_]+$/.test(fuel)) bad(`carrierFuel.${carrier}`, 'a fuel name such as natural_gas');
  }
  if (!p.carrierFuel) bad('carrierFuel', 'required');
  for (const [carrier, key] of Object.entries(p.carrierTce ?? {})) {
    if (carrier === 'electricity') bad('carrierTce.electricity', 'electricity follows electricityTce');
    else if (!/^tce\.[a-z0-9_]+$/.test(key)) bad(`carrierTce.${carrier}`, 'a tce.<carrier or fuel> key');
  }
  if (!p.carrierTce) bad('carrierTce', 'required');
  for (const k of ['tco2', 'tce', 'indicator', 'share'] as const) {
    const d = p.rounding?.[k];
    if (!Number.isInteger(d) || d < 0 || d > 10) bad(`rounding.${k}`, 'a whole number of decimals, 0–10');
  }
  for (const [i, c] of (p.choices ?? []).entries()) {
    const root = c.field.split('.')[0] ?? '';
    if (!(PROFILE_FIELDS as readonly string[]).includes(root)) {
      bad(`choices[${i}].field`, `"${c.field}" is not a profile field`);
    }
    if (!FACTOR_STATUSES.includes(c.status)) {
      bad(`choices[${i}].status`, FACTOR_STATUSES.join(', '));
    }
    if (!c.note?.trim()) bad(`choices[${i}].note`, 'required');
  }
  if (!p.createdBy) bad('createdBy', 'required');
  if (!p.createdAt || Number.isNaN(Date.parse(p.createdAt))) bad('createdAt', 'an ISO instant');
  return issues;
}

/** Fields a copy may change. */
export type ProfileChanges = Partial<
  Omit<MethodProfile, 'id' | 'version' | 'basedOn' | 'createdBy' | 'createdAt' | 'name'>
>;

/**
 * A copy of `p` as a user profile: a new id gives version 1 with basedOn = p; the same id as a user profile gives
 * its next version (basedOn kept). Changed fields replace the copied ones whole; the result is validated. Shipped
 * profiles are versioned by releases, not by users.
 * @example copyProfile(CN_ZERO_CARBON_PARK_2025, { id: 'my-park', name: '本园区', by: 'u1', at, changes: { electricityTce: 'calorific' } })
 */
export function copyProfile(
  p: MethodProfile,
  opts: { id: string; name: string; by: string; at: string; changes?: ProfileChanges },
): { ok: true; profile: MethodProfile } | { ok: false; issues: ProfileIssue[] } {
  const sameId = opts.id === p.id;
  if (sameId && findShippedProfile(p.id)) {
    return {
      ok: false,
      issues: [{ field: 'id', message: `"${p.id}" is a shipped profile: copy it under a new id` }],
    };
  }
  if (!sameId && findShippedProfile(opts.id)) {
    return { ok: false, issues: [{ field: 'id', message: `"${opts.id}" is the id of a shipped profile` }] };
  }
  const base = structuredClone(p) as MethodProfile & { basedOn?: MethodProfile['basedOn'] };
  const changes = structuredClone(opts.changes ?? {});
  const profile: MethodProfile = {
    ...base,
    ...changes,
    id: opts.id,
    version: sameId ? p.version + 1 : 1,
    name: opts.name,
    nameEn: changes.nameEn ?? (sameId ? base.nameEn : opts.name),
    createdBy: opts.by,
    createdAt: opts.at,
  };
  // A changed setting keeps no note that argued for the old one: unless the copy brings its own choices, the note of
  // each changed field says what changed, and it is unverified until someone writes why.
  if (!changes.choices) {
    const changed = (Object.keys(changes) as (keyof ProfileChanges)[]).filter(
      (f) => JSON.stringify(changes[f]) !== JSON.stringify(p[f as keyof MethodProfile]),
    );
    profile.choices = profile.choices.map((c) =>
      changed.includes(c.field as keyof ProfileChanges)
        ? {
            field: c.field,
            status: 'unverified',
            note:
              `changed in this copy of ${p.id}@${p.version}: ` +
              `${JSON.stringify(p[c.field as keyof MethodProfile])} → ${JSON.stringify(changes[c.field as keyof ProfileChanges])}`,
          }
        : c,
    );
  }
  if (sameId) {
    if (base.basedOn) profile.basedOn = base.basedOn;
    else delete profile.basedOn;
  } else profile.basedOn = { id: p.id, version: p.version };
  const issues = validateProfile(profile);
  return issues.length > 0 ? { ok: false, issues } : { ok: true, profile };
}

function deepFreeze<T>(value: T): T {
  if (value && typeof value === 'object') {
    for (const v of Object.values(value)) deepFreeze(v);
    Object.freeze(value);
  }
  return value;
}
