/**
 * The factor library as the page shows it: each version's standing on a date (in force, superseded, not yet in force)
 * by the server's effective-dating rule, the rows of the default and the history view, and values printed as stored.
 * Pure: no DOM, no React.
 */
import type { Factor } from '../../api/carbon.ts';
import { displayUnit, formatNumber } from '../../format.ts';
import { keyFamily, type FactorGroup } from './key-families.ts';

/** A version on a date: the one in force for its key and scope, an earlier one it replaced, or one from a later date. */
export type VersionState = 'in_force' | 'superseded' | 'scheduled';

export interface FactorRow {
  factor: Factor;
  state: VersionState;
  /** Versions of the same key and scope (the history behind the row). */
  versions: number;
  /** A default ('*') in force while the park has its own version in force: the park's applies. */
  overriddenByPark: boolean;
}

const scopeKey = (f: Factor) => `${f.key}\u0000${f.scope}`;

/** Later validFrom first; for the same date the higher version first (it is the one that counts). */
const newestFirst = (a: Factor, b: Factor) => b.validFrom.localeCompare(a.validFrom) || b.version - a.version;

/**
 * Every version with its state on `onDate` (YYYY-MM-DD), as src/modules/carbon/factor-library.ts resolves a key within
 * one scope: among versions with validFrom ≤ onDate the latest validFrom wins, among equal dates the highest version.
 */
export function versionStates(factors: readonly Factor[], onDate: string): Map<Factor, VersionState> {
  const byScope = new Map<string, Factor[]>();
  for (const f of factors) {
    const list = byScope.get(scopeKey(f));
    if (list) list.push(f);
    else byScope.set(scopeKey(f), [f]);
  }
  const states = new Map<Factor, VersionState>();
  for (const list of byScope.values()) {
    const current = list.filter((f) => f.validFrom <= onDate).sort(newestFirst)[0];
    for (const f of list)
      states.set(f, f.validFrom > onDate ? 'scheduled' : f === current ? 'in_force' : 'superseded');
  }
  return states;
}

/** The scope's kind: the library default, the park's own, or an organisation's own. */
export function scopeKind(scope: string): 'default' | 'park' | 'org' {
  if (scope.startsWith('park:')) return 'park';
  if (scope.startsWith('org:')) return 'org';
  return 'default';
}

/** The organisation id of an 'org:<park>/<organisation>' scope. */
export const scopeOrganisation = (scope: string): string => scope.split('/')[1] ?? '';

const SCOPE_ORDER = { default: 0, park: 1, org: 2 } as const;

/**
 * The rows to show: `all` gives every version (newest first within key and scope); otherwise one per key and scope —
 * the version in force on `onDate`, or, when none is yet, the first one scheduled.
 */
export function factorRows(factors: readonly Factor[], onDate: string, all: boolean): FactorRow[] {
  const states = versionStates(factors, onDate);
  const counts = new Map<string, number>();
  for (const f of factors) counts.set(scopeKey(f), (counts.get(scopeKey(f)) ?? 0) + 1);
  const parkInForce = new Set(
    factors.filter((f) => scopeKind(f.scope) === 'park' && states.get(f) === 'in_force').map((f) => f.key),
  );
  const row = (f: Factor): FactorRow => ({
    factor: f,
    state: states.get(f) ?? 'superseded',
    versions: counts.get(scopeKey(f)) ?? 1,
    overriddenByPark: f.scope === '*' && states.get(f) === 'in_force' && parkInForce.has(f.key),
  });
  let shown: Factor[];
  if (all) shown = [...factors];
  else {
    const pick = new Map<string, Factor>();
    for (const f of factors) {
      const k = scopeKey(f);
      const had = pick.get(k);
      const state = states.get(f);
      if (state === 'in_force') pick.set(k, f);
      else if (
        state === 'scheduled' &&
        (!had || (states.get(had) === 'scheduled' && f.validFrom < had.validFrom))
      )
        pick.set(k, f);
    }
    shown = [...pick.values()];
  }
  return shown
    .sort(
      (a, b) =>
        a.key.localeCompare(b.key) ||
        SCOPE_ORDER[scopeKind(a.scope)] - SCOPE_ORDER[scopeKind(b.scope)] ||
        a.scope.localeCompare(b.scope) ||
        newestFirst(a, b),
    )
    .map(row);
}

/** The page section of a key ('other' for a key outside the catalogue). */
export function factorGroup(key: string): FactorGroup | 'other' {
  return keyFamily(key)?.group ?? 'other';
}

/**
 * A stored value as stored, not rounded: up to ten decimals (0.038931, 0.0003055), thousands grouped; binary noise
 * beyond twelve significant digits is dropped (389.31 ÷ 10⁴ stays 0.038931).
 */
export function formatStoredValue(value: number): string {
  if (!Number.isFinite(value)) return formatNumber(value);
  const clean = Number(value.toPrecision(12));
  const text = clean.toString();
  const exp = /e-(\d+)$/.exec(text);
  const mantissa = exp ? (text.split('e')[0] ?? '') : text;
  const decimals = (exp ? Number(exp[1]) : 0) + (mantissa.split('.')[1]?.length ?? 0);
  return formatNumber(clean, Math.min(10, decimals));
}

/** The unit of a key's existing versions (every version keeps the first one's), or undefined for a new key. */
export function existingUnit(factors: readonly Factor[], key: string): string | undefined {
  return factors.find((f) => f.key === key)?.unit;
}

/** Free text matches key, source, evidence, note, unit or the value as printed; case-insensitive. */
export function matchesSearch(f: Factor, search: string, extra = ''): boolean {
  const q = search.trim().toLowerCase();
  if (!q) return true;
  return [f.key, f.source, f.evidence ?? '', f.note ?? '', f.unit, formatStoredValue(f.value), extra]
    .join('\u0000')
    .toLowerCase()
    .includes(q);
}

/** A factor's unit as printed, each part of a ratio on its own (GJ/m3 → GJ/m³, tCO2/MWh → tCO₂/MWh); '1' → ''. */
export function factorUnit(unit: string): string {
  return unit === '1' ? '' : unit.split('/').map(displayUnit).join('/');
}
