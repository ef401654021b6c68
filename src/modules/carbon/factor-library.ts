/**
 * The factor library: the seed factors (parsed from the CSV tables in `seed/`), the catalogue of factor keys, the
 * effective-dating rule that picks the version in force, and the validation a new (superseding) version must pass.
 * Pure except `seedFactors()`, which reads the bundled CSV files once.
 */
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { splitCsvLine } from '../../lib/csv.ts';
import {
  FACTOR_KEYS,
  FACTOR_STATUSES,
  type Factor,
  type FactorDraft,
  type FactorKeyFamily,
  type FactorRef,
  type FactorScope,
  type FactorStatus,
} from './types.ts';

/** The instant every seed factor carries as `createdAt` (fixed, so that seeding twice gives identical rows). */
export const SEED_CREATED_AT = '2025-12-01T00:00:00.000Z';
/** Seed constants without a date of their own (GB/T 2589 coefficients, fuel defaults) apply to any month from this. */
export const SEED_VALID_FROM = '2000-01-01';
export const SEED_CREATED_BY = 'seed';

// FactorKeyFamily and FACTOR_KEYS live in types.ts (import-free), so that the web app uses the same catalogue.

/** The catalogue family a key belongs to, or undefined for an unknown key. */
export function findKeyFamily(key: string): FactorKeyFamily | undefined {
  return FACTOR_KEYS.find((f) => f.regex.test(key));
}

/** Factor scopes of an account, most specific first: organisation, park, library default. */
export function factorScopes(park: string, organisation: string | null): FactorScope[] {
  return organisation === null ? [`park:${park}`, '*'] : [`org:${park}/${organisation}`, `park:${park}`, '*'];
}

/**
 * The version of `key` in force on `onDate`: the most specific scope that has any version with validFrom ≤ onDate;
 * within it the latest validFrom; among equal validFrom the highest version. Undefined when none is in force.
 * @example resolveFactor(factors, 'fuel.natural_gas.ncv', factorScopes('p1', 'o1'), '2025-07-01')
 */
export function resolveFactor(
  factors: readonly Factor[],
  key: string,
  scopes: readonly string[],
  onDate: string,
): Factor | undefined {
  return pickByScope(factors, key, scopes, (f) => f.validFrom <= onDate);
}

/** Like `resolveFactor`, for a pinned data year (grid factors): the versions describing `dataYear`. */
export function resolveFactorForDataYear(
  factors: readonly Factor[],
  key: string,
  scopes: readonly string[],
  dataYear: number,
): Factor | undefined {
  return pickByScope(factors, key, scopes, (f) => f.dataYear === dataYear);
}

function pickByScope(
  factors: readonly Factor[],
  key: string,
  scopes: readonly string[],
  eligible: (f: Factor) => boolean,
): Factor | undefined {
  for (const scope of scopes) {
    let best: Factor | undefined;
    for (const f of factors) {
      if (f.key !== key || f.scope !== scope || !eligible(f)) continue;
      if (
        !best ||
        f.validFrom > best.validFrom ||
        (f.validFrom === best.validFrom && f.version > best.version)
      ) {
        best = f;
      }
    }
    if (best) return best;
  }
  return undefined;
}

/** The citation of a factor version, as results carry it. */
export function toFactorRef(f: Factor): FactorRef {
  const ref: FactorRef = {
    key: f.key,
    version: f.version,
    scope: f.scope,
    value: f.value,
    unit: f.unit,
    validFrom: f.validFrom,
    source: f.source,
    status: f.status,
  };
  if (f.dataYear !== undefined) ref.dataYear = f.dataYear;
  return ref;
}

/** True for a real calendar date written YYYY-MM-DD. */
function isDate(s: string): boolean {
  if (!/^\d{4}-\d{2}-\d{2}$/.test(s)) return false;
  const d = new Date(`${s}T00:00:00Z`);
  return !Number.isNaN(d.getTime()) && d.toISOString().slice(0, 10) === s;
}

/** A problem with a factor draft, naming the field. */
export interface FactorIssue {
  field: string;
  message: string;
}

/** Why `draft` cannot become a version of its key (empty when it can), given the existing versions of every key. */
function validateFactorDraft(draft: FactorDraft, existing: readonly Factor[] = []): FactorIssue[] {
  const issues: FactorIssue[] = [];
  const family = findKeyFamily(draft.key);
  if (!family) {
    issues.push({
      field: 'key',
      message: `unknown factor key "${draft.key}"; known: ${FACTOR_KEYS.map((f) => f.pattern).join(', ')}`,
    });
  } else {
    const prior = existing.find((f) => f.key === draft.key);
    if (!family.units.includes(draft.unit)) {
      issues.push({
        field: 'unit',
        message: `unit "${draft.unit}" is not one of ${family.units.join(', ')} for ${family.pattern}`,
      });
    } else if (prior && prior.unit !== draft.unit) {
      issues.push({
        field: 'unit',
        message: `unit "${draft.unit}" differs from "${prior.unit}" of the existing versions of ${draft.key}`,
      });
    }
    if (Number.isFinite(draft.value) && (draft.value < family.min || draft.value > family.max)) {
      issues.push({
        field: 'value',
        message: `${draft.value} ${draft.unit} is outside the plausible range ${family.min}–${family.max}`,
      });
    }
  }
  if (typeof draft.value !== 'number' || !Number.isFinite(draft.value)) {
    issues.push({ field: 'value', message: 'value must be a finite number' });
  }
  if (!/^(\*|park:[^/\s]+|org:[^/\s]+\/[^/\s]+)$/.test(draft.scope)) {
    issues.push({
      field: 'scope',
      message: `scope "${draft.scope}" must be '*', 'park:<park>' or 'org:<park>/<organisation>'`,
    });
  }
  if (!isDate(draft.validFrom)) {
    issues.push({ field: 'validFrom', message: `"${draft.validFrom}" is not a date (YYYY-MM-DD)` });
  }
  if (!FACTOR_STATUSES.includes(draft.status)) {
    issues.push({ field: 'status', message: `status must be one of ${FACTOR_STATUSES.join(', ')}` });
  }
  if (!draft.source || draft.source.trim() === '') {
    issues.push({
      field: 'source',
      message: 'a source is required (document, table, supplier certificate …)',
    });
  }
  if (draft.status === 'measured' && (!draft.evidence || draft.evidence.trim() === '')) {
    issues.push({
      field: 'evidence',
      message:
        "a 'measured' value needs evidence (certificate or report reference, or an uploaded file's id)",
    });
  }
  if (draft.dataYear !== undefined && (!Number.isInteger(draft.dataYear) || draft.dataYear < 1990)) {
    issues.push({ field: 'dataYear', message: 'dataYear must be a year' });
  }
  return issues;
}

/**
 * The version after the latest one of `draft.key` in `draft.scope` (1 for a new key or scope), validated: either the
 * new factor, ready to insert, or the issues. Earlier versions are never changed: the new one supersedes them from
 * its validFrom.
 */
export function nextVersion(
  existing: readonly Factor[],
  draft: FactorDraft,
  by: string,
  at: string,
): { ok: true; factor: Factor } | { ok: false; issues: FactorIssue[] } {
  const issues = validateFactorDraft(draft, existing);
  if (!by) issues.push({ field: 'createdBy', message: 'who adds the version is required' });
  if (Number.isNaN(Date.parse(at))) issues.push({ field: 'createdAt', message: `"${at}" is not an instant` });
  if (issues.length > 0) return { ok: false, issues };
  const version = nextVersionNumber(existing, draft.key, draft.scope);
  const factor: Factor = {
    key: draft.key,
    version,
    scope: draft.scope,
    value: draft.value,
    unit: draft.unit,
    validFrom: draft.validFrom,
    source: draft.source.trim(),
    status: draft.status,
    createdBy: by,
    createdAt: at,
  };
  if (draft.dataYear !== undefined) factor.dataYear = draft.dataYear;
  if (draft.evidence) factor.evidence = draft.evidence;
  if (draft.note) factor.note = draft.note;
  return { ok: true, factor };
}

/** The version number a new version of `key` in `scope` gets: one more than the highest existing, or 1. */
function nextVersionNumber(existing: readonly Factor[], key: string, scope: FactorScope): number {
  let max = 0;
  for (const f of existing) if (f.key === key && f.scope === scope && f.version > max) max = f.version;
  return max + 1;
}

// ---------------------------------------------------------------------------------------------------------------
// Seed

/** The texts of the three seed tables (the files in `seed/`). */
interface SeedTables {
  standardCoal: string;
  fuelCombustion: string;
  grid: string;
}

const GBT_2589 = 'GB/T 2589-2020 《综合能耗计算通则》 appendix A';

function rows(text: string, required: readonly string[], table: string): Record<string, string>[] {
  const lines = text.split(/\r?\n/).filter((l) => l.trim() !== '');
  const header = splitCsvLine(lines[0] ?? '').map((h) => h.trim());
  for (const column of required) {
    if (!header.includes(column)) throw new Error(`${table}: column "${column}" is missing`);
  }
  return lines.slice(1).map((line, i) => {
    const fields = splitCsvLine(line);
    if (fields.length !== header.length) {
      throw new Error(`${table} line ${i + 2}: ${fields.length} fields, the header has ${header.length}`);
    }
    return Object.fromEntries(header.map((h, j) => [h, (fields[j] ?? '').trim()]));
  });
}

function csvStatus(value: string, where: string): FactorStatus {
  if (value === 'secondary' || value === 'unverified' || value === 'verified') return value;
  throw new Error(`${where}: unknown status "${value}"`);
}

function num(value: string | undefined, where: string): number {
  const n = Number(value);
  if (value === undefined || value === '' || !Number.isFinite(n))
    throw new Error(`${where}: "${value}" is not a number`);
  return n;
}

/** kgce per CSV unit → [tce per quantity unit, the factor's unit]. */
const KGCE_UNIT: Readonly<Record<string, { divisor: number; unit: string }>> = {
  kg: { divisor: 1, unit: 'tce/t' }, // kgce/kg = tce/t
  t: { divisor: 1000, unit: 'tce/t' },
  m3: { divisor: 1000, unit: 'tce/m3' },
  kWh: { divisor: 1000, unit: 'tce/kWh' },
  MJ: { divisor: 1, unit: 'tce/GJ' }, // kgce/MJ = tce/GJ
};

/**
 * Parses the three seed tables into factor versions (scope '*', version 1 unless a key has several dated versions,
 * createdBy 'seed', createdAt `SEED_CREATED_AT`), and adds the seed factors that are not in the tables: the 2020
 * equivalent value of electricity, heat.co2 and steam.enthalpy.
 */
function parseSeedFactors(tables: SeedTables): Factor[] {
  const out: Factor[] = [];
  const seed = (f: Omit<Factor, 'scope' | 'createdBy' | 'createdAt' | 'version'> & { version?: number }) =>
    out.push({
      ...f,
      version: f.version ?? 1,
      scope: '*',
      createdBy: SEED_CREATED_BY,
      createdAt: SEED_CREATED_AT,
    });

  for (const [i, r] of rows(
    tables.standardCoal,
    ['carrier', 'unit', 'kgce_per_unit', 'status', 'note'],
    'standard-coal-coefficients.csv',
  ).entries()) {
    const where = `standard-coal-coefficients.csv line ${i + 2}`;
    const carrier = r.carrier ?? '';
    const kgce = num(r.kgce_per_unit, where);
    const conv = KGCE_UNIT[r.unit ?? ''];
    if (!conv) throw new Error(`${where}: unit "${r.unit}" has no tce conversion`);
    const status = csvStatus(r.status ?? '', where);
    const ncv = r.net_calorific_value ? `, ${r.net_calorific_value} ${r.ncv_unit}` : '';
    const source = `${GBT_2589}: ${carrier}${ncv}, ${kgce} kgce/${r.unit}${r.note ? ` (${r.note})` : ''}`;
    if (carrier === 'electricity_equivalent') {
      // Versions by year (standards.md §3, [S]): 2020 supply coal rate 305.5 gce/kWh, 2024 302.4 gce/kWh (the table's
      // value). Each applies from 1 January of its year until the next one.
      seed({
        key: 'tce.electricity_equivalent',
        version: 1,
        value: 0.3055 / 1000,
        unit: 'tce/kWh',
        validFrom: '2020-01-01',
        dataYear: 2020,
        source:
          "Equivalent (等价) value = the year's thermal-power supply coal rate: 2020, 305.5 gce/kWh (standards.md §3)",
        status: 'secondary',
      });
      seed({
        key: 'tce.electricity_equivalent',
        version: 2,
        value: kgce / conv.divisor,
        unit: conv.unit,
        validFrom: '2024-01-01',
        dataYear: 2024,
        source: `Equivalent (等价) value = the year's thermal-power supply coal rate: 2024, ${kgce * 1000} gce/kWh (standards.md §3; ${r.note})`,
        status,
      });
      continue;
    }
    seed({
      key: `tce.${carrier}`,
      value: kgce / conv.divisor,
      unit: conv.unit,
      validFrom: SEED_VALID_FROM,
      source,
      status,
    });
  }

  for (const [i, r] of rows(
    tables.fuelCombustion,
    ['fuel', 'ncv', 'ncv_unit', 'carbon_content_tc_per_gj', 'oxidation_rate', 'status', 'source'],
    'fuel-combustion-defaults.csv',
  ).entries()) {
    const where = `fuel-combustion-defaults.csv line ${i + 2}`;
    const fuel = r.fuel ?? '';
    const status = csvStatus(r.status ?? '', where);
    const source = r.source ?? '';
    const ncv = num(r.ncv, where);
    // Gases are tabled per 10^4 Nm3; meters give m3 (lib/units does not correct Nm3 to a reference state either), so
    // the library stores GJ/m3 = table value ÷ 10^4 and the account needs no unit juggling.
    let ncvValue: number;
    let ncvUnit: string;
    let note: string | undefined;
    if (r.ncv_unit === 'GJ/10^4 Nm3') {
      ncvValue = ncv / 10_000;
      ncvUnit = 'GJ/m3';
      note = `table value ${ncv} GJ/10^4 Nm3, stored per m3 (÷ 10^4)`;
    } else if (r.ncv_unit === 'GJ/t') {
      ncvValue = ncv;
      ncvUnit = 'GJ/t';
    } else throw new Error(`${where}: NCV unit "${r.ncv_unit}" unknown`);
    seed({
      key: `fuel.${fuel}.ncv`,
      value: ncvValue,
      unit: ncvUnit,
      validFrom: SEED_VALID_FROM,
      source,
      status,
      ...(note ? { note } : {}),
    });
    seed({
      key: `fuel.${fuel}.carbon_content`,
      value: num(r.carbon_content_tc_per_gj, where),
      unit: 'tC/GJ',
      validFrom: SEED_VALID_FROM,
      source,
      status,
    });
    seed({
      key: `fuel.${fuel}.oxidation`,
      value: num(r.oxidation_rate, where),
      unit: '1',
      validFrom: SEED_VALID_FROM,
      source,
      status,
    });
  }

  const grid = rows(
    tables.grid,
    ['level', 'region', 'data_year', 'variant', 'tco2_per_mwh', 'published_in', 'status'],
    'grid-emission-factors.csv',
  ).map((r, i) => ({ r, where: `grid-emission-factors.csv line ${i + 2}` }));
  // One version per data year, numbered in data-year order, each valid from 1 January of its data year.
  grid.sort((a, b) => num(a.r.data_year, a.where) - num(b.r.data_year, b.where));
  const versions = new Map<string, number>();
  for (const { r, where } of grid) {
    const key = `grid.${r.level}.${r.region}.${r.variant}`;
    const version = (versions.get(key) ?? 0) + 1;
    versions.set(key, version);
    const year = num(r.data_year, where);
    seed({
      key,
      version,
      value: num(r.tco2_per_mwh, where),
      unit: 'tCO2/MWh',
      validFrom: `${year}-01-01`,
      dataYear: year,
      source: r.published_in ?? '',
      status: csvStatus(r.status ?? '', where),
    });
  }

  seed({
    key: 'heat.co2',
    value: 0.11,
    unit: 'tCO2/GJ',
    validFrom: SEED_VALID_FROM,
    source: 'GB/T 32150-2025 §7.5 default for purchased heat (standards.md §4)',
    status: 'secondary',
  });
  seed({
    key: 'steam.enthalpy',
    value: 3763,
    unit: 'kJ/kg',
    validFrom: SEED_VALID_FROM,
    source:
      'GB/T 2589-2020 low-pressure steam 3,763 kJ/kg; steam t → GJ by t × (h − 83.74) × 10⁻³ (standards.md §4)',
    status: 'unverified',
    note: 'replace with the supplier’s enthalpy at the delivery pressure and temperature',
  });
  // No grid_clean_share.* seed: no citable source for any region's non-fossil share was available; profiles that
  // count it name the key and the account reports it missing until a user enters it with its source.
  return out;
}

const SEED_DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'seed');
let seedCache: readonly Factor[] | undefined;

/** The seed factor library (read from `seed/*.csv` once, then cached; frozen). */
export function seedFactors(): readonly Factor[] {
  if (!seedCache) {
    const read = (file: string) => fs.readFileSync(path.join(SEED_DIR, file), 'utf8');
    seedCache = Object.freeze(
      parseSeedFactors({
        standardCoal: read('standard-coal-coefficients.csv'),
        fuelCombustion: read('fuel-combustion-defaults.csv'),
        grid: read('grid-emission-factors.csv'),
      }).map((f) => Object.freeze(f)),
    );
  }
  return seedCache;
}
