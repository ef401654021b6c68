/**
 * The carbon account: a pure function of metered energy, statistical inputs, factors and a method profile. Each
 * organisation-month is computed on its own (factors in force on the month's first day); a park account is the park
 * boundary (the organisations' months without their internal transfers) and a period is the sum of its months, so
 * organisation accounts add up to the park account and months add up to the year. Every rule is in docs/methods.md.
 */
import { GREEN_TECHNOLOGIES } from '../green/index.ts';
import { convertAmount, findUnit } from '../../lib/units.ts';
import { factorScopes, resolveFactor, resolveFactorForDataYear, toFactorRef } from './factor-library.ts';
import type {
  Account,
  AccountRequest,
  AccountTotals,
  EmissionLine,
  EmissionSource,
  EnergyItem,
  EnergyLine,
  Factor,
  FactorRef,
  LineEffect,
  MissingInput,
  StatisticValue,
  TrailStep,
} from './types.ts';

/** An account is complete when nothing is missing and coverage is at least this (standards.md §7: ≥ 90 %). */
export const COMPLETENESS_THRESHOLD = 0.9;

/** tCO₂ per tC: the molar masses of CO₂ and C. */
export const CO2_PER_C = 44 / 12;

/** Enthalpy of feed water at 20 °C (kJ/kg), subtracted from the steam enthalpy (standards.md §4). */
export const FEED_WATER_ENTHALPY_KJ_PER_KG = 83.74;

/** Renewable generation: metered at 0 tCO₂ and counted as clean energy (the green module's list). */
export const RENEWABLE_TECHNOLOGIES: readonly string[] = GREEN_TECHNOLOGIES;

/**
 * Generation that converts energy already counted inside the boundary (the fuel of a CHP, gas turbine or genset, or
 * recovered waste heat): its output is reported but adds no tce and no CO₂ (the fuel carries both).
 */
export const CONVERSION_TECHNOLOGIES: readonly string[] = [
  'chp',
  'gas_turbine',
  'diesel_genset',
  'waste_heat',
];

const RESIDUAL_KEY = 'grid.national.CN.excluding_market_traded_non_fossil';
const SUPPLY_ROLES = new Set([
  'import',
  'generation',
  'direct_green_supply',
  'storage_discharge',
  'consumption',
]);
const OUTFLOW_ROLES = new Set(['export', 'storage_charge']);
const HEAT_CARRIERS = new Set(['heat', 'steam']);

const SOURCE_ORDER: readonly EmissionSource[] = [
  'combustion',
  'process',
  'electricity_grid',
  'electricity_green',
  'heat_purchased',
  'transfer_in',
  'electricity_exported',
  'heat_exported',
  'transfer_out',
  'recovered',
  'offset',
  'allocated',
];

/** One organisation-month's share of an emission line (coverage is formed when the pieces are summed). */
interface Piece extends Omit<EmissionLine, 'coverage'> {
  measured: number;
  expected: number;
  statistic: boolean;
  /** An internal transfer: counted for the organisation, left out of the park account. */
  internal: boolean;
  greenMwh: number;
  gridMwh: number;
}

type StatRef = Account['statistics'][number];

/** One organisation-month's share of an energy item (one meter-role group). */
interface EnergyPiece {
  carrier: string;
  unit: string;
  role: string;
  /** Unsigned quantity of the role. */
  raw: number;
  /** Signed contribution to net consumption. */
  net: number;
  estimated: number;
  /** Signed tce, null when the carrier has no coefficient or the unit cannot be converted. */
  tce: number | null;
  cleanTce: number;
  measured: number;
  expected: number;
  factor: FactorRef | null;
  /** Factors of the clean-energy rule (the electricity convention, the grid's clean share). */
  cleanFactors?: FactorRef[];
  internal: boolean;
}

/** Everything one organisation-month contributes. */
interface Ledger {
  org: string;
  month: string;
  pieces: Piece[];
  energy: EnergyPiece[];
  missing: MissingInput[];
  warnings: MissingInput[];
  /** Net electricity consumption (kWh) and energy (tce): the allocation keys. */
  electricityKwh: number;
  energyTce: number;
  stats: StatRef[];
}

const BASE_UNIT: Readonly<Record<string, string>> = {
  electric_energy: 'kWh',
  thermal_energy: 'GJ',
  volume: 'm3',
  mass: 't',
  liquid_volume: 'L',
};

/** The unit an account reports a carrier in: the base unit of the meters' dimension. */
function baseUnit(unit: string): string | undefined {
  const info = findUnit(unit);
  return info && !info.isRate ? BASE_UNIT[info.dimension] : undefined;
}

const transfersByMonth = new WeakMap<
  readonly EnergyLine[],
  Map<string, { sent: number; received: number }>
>();

/** Internal transfers of a month, per carrier and base unit: what the sellers sent and their customers received. */
function internalTransfers(
  req: Omit<AccountRequest, 'organisation'>,
  month: string,
): Map<string, { sent: number; received: number }> {
  const lines = req.energy[month] ?? [];
  let out = transfersByMonth.get(lines);
  if (out) return out;
  out = new Map();
  for (const e of lines) {
    if (!e.internalTransfer || (e.role !== 'export' && e.role !== 'import')) continue;
    const unit = baseUnit(e.unit);
    const q = unit === undefined ? undefined : convertAmount(e.quantity, e.unit, unit);
    if (unit === undefined || q === undefined) continue;
    const k = `${e.carrier}\u0000${unit}`;
    const t = out.get(k) ?? { sent: 0, received: 0 };
    if (e.role === 'export') t.sent += q;
    else t.received += q;
    out.set(k, t);
  }
  transfersByMonth.set(lines, out);
  return out;
}

/** An amount for a message: 8 significant digits, no trailing zeros. */
function formatAmount(x: number): string {
  return Number(x.toPrecision(8)).toString();
}

/** The unit a factor's value is per, e.g. 'm3' for 'GJ/m3'. */
function perUnit(unit: string): string {
  return unit.slice(unit.indexOf('/') + 1);
}

const sum = (xs: readonly number[]) => xs.reduce((a, b) => a + b, 0);
const coverageOf = (measured: number, expected: number) =>
  expected > 0 ? Math.min(1, measured / expected) : 0;

/** The statistic unit of tonnes of CO₂ (or CO₂e) → factor to tonnes, or undefined. */
function tonnesCo2(unit: string): number | undefined {
  const u = unit.replaceAll('₂', '2').replace(/e$/, '');
  if (u === 'tCO2' || u === 't') return 1;
  if (u === 'kgCO2' || u === 'kg') return 0.001;
  return undefined;
}

/** Computes the account of a park (organisation null) or one organisation over `req.months`. */
export function computeAccount(req: AccountRequest): Account {
  return accountFrom(req, ledgersOf(req));
}

/**
 * The accounts of several scopes (organisation ids, null for the park) over the same inputs — what a scorecard
 * needs. The per-organisation, per-month ledgers are built once and shared, where separate `computeAccount` calls
 * would build every organisation's ledgers again for each allocated account.
 */
export function computeAccounts(
  req: Omit<AccountRequest, 'organisation'>,
  scopes: readonly (string | null)[],
): Account[] {
  const ledgers = ledgersOf(req);
  return scopes.map((organisation) => accountFrom({ ...req, organisation }, ledgers));
}

type LedgerOf = (org: string, month: string) => Ledger;

/** The lazily built ledger of each organisation and month; it does not depend on the account's scope. */
function ledgersOf(req: Omit<AccountRequest, 'organisation'>): LedgerOf {
  const byKey = new Map<string, Factor[]>();
  for (const f of req.factors) {
    const list = byKey.get(f.key);
    if (list) list.push(f);
    else byKey.set(f.key, [f]);
  }
  const ledgers = new Map<string, Ledger>();
  return (org: string, month: string): Ledger => {
    const k = `${org}\u0000${month}`;
    let l = ledgers.get(k);
    if (!l) {
      l = buildLedger(req, byKey, org, month);
      ledgers.set(k, l);
    }
    return l;
  };
}

function accountFrom(req: AccountRequest, ledger: LedgerOf): Account {
  if (req.months.length === 0) throw new Error('computeAccount: no months');
  const months = [...req.months];
  const orgs = req.organisations;

  const alloc = req.profile.allocation;
  const sharedKinds = new Set<string>(alloc.key === 'none' ? [] : alloc.sharedKinds);
  const shared = orgs.filter((o) => sharedKinds.has(o.kind)).map((o) => o.id);
  const receivers = orgs.filter((o) => !sharedKinds.has(o.kind)).map((o) => o.id);
  const allocating = req.organisation !== null && shared.length > 0 && receivers.length > 0;
  const shares: Record<string, Record<string, number>> = {};

  interface View {
    pieces: Piece[];
    energy: EnergyPiece[];
    missing: MissingInput[];
    warnings: MissingInput[];
    stats: StatRef[];
  }
  const viewOf = (month: string): View => {
    const v: View = { pieces: [], energy: [], missing: [], warnings: [], stats: [] };
    const take = (l: Ledger, keepInternal: boolean) => {
      v.pieces.push(...(keepInternal ? l.pieces : l.pieces.filter((p) => !p.internal)));
      v.energy.push(...(keepInternal ? l.energy : l.energy.filter((e) => !e.internal)));
      v.missing.push(...l.missing);
      v.warnings.push(...l.warnings);
      v.stats.push(...l.stats);
    };
    if (req.organisation === null) {
      // The park boundary: every organisation, internal transfers left out (they cancel).
      for (const o of orgs) take(ledger(o.id, month), false);
      return v;
    }
    const org = req.organisation;
    if (!allocating) {
      take(ledger(org, month), true);
      return v;
    }
    const key = (id: string) => {
      const l = ledger(id, month);
      return Math.max(0, alloc.key === 'energy_tce' ? l.energyTce : l.electricityKwh);
    };
    const keys = receivers.map(key);
    const total = sum(keys);
    const monthShares: Record<string, number> = {};
    // Pro rata to the key; when no receiver consumed anything, equal shares (the shared lines must land somewhere).
    receivers.forEach((id, i) => (monthShares[id] = total > 0 ? keys[i]! / total : 1 / receivers.length));
    shares[month] = monthShares;
    if (shared.includes(org)) {
      // Everything of a shared organisation is allocated; its own account is empty (its gaps still show).
      const l = ledger(org, month);
      v.missing.push(...l.missing);
      v.warnings.push(...l.warnings);
      return v;
    }
    take(ledger(org, month), true);
    const share = monthShares[org] ?? 0;
    for (const s of shared) {
      const l = ledger(s, month);
      for (const p of l.pieces) v.pieces.push(allocatedPiece(p, share, s));
      for (const e of l.energy) v.energy.push(allocatedEnergy(e, share));
      v.missing.push(...l.missing);
      v.warnings.push(...l.warnings);
      v.stats.push(...l.stats);
    }
    return v;
  };

  const views = months.map((m) => ({ month: m, view: viewOf(m) }));
  const monthTotals = views.map(({ view }) => totalsOf(view.pieces, view.energy, req));
  const byMonth = views.map(({ month }, i) => ({ month, totals: stripSums(monthTotals[i]!) }));
  const allPieces = views.flatMap((v) => v.view.pieces);
  const allEnergy = views.flatMap((v) => v.view.energy);
  const lines = linesOf(allPieces);
  const energy = energyItemsOf(allEnergy);
  const totals = addTotals(monthTotals, req);
  const missing = mergeIssues(views.flatMap((v) => v.view.missing));
  const warnings = mergeIssues(views.flatMap((v) => v.view.warnings));

  const factorMap = new Map<string, FactorRef>();
  for (const ref of [...lines.flatMap((l) => l.factors), ...energy.flatMap((e) => e.factors)]) {
    factorMap.set(`${ref.key}\u0000${ref.scope}\u0000${ref.version}`, ref);
  }
  const factors = [...factorMap.values()].sort(
    (a, b) => a.key.localeCompare(b.key) || a.scope.localeCompare(b.scope) || a.version - b.version,
  );
  const statMap = new Map<string, StatRef>();
  for (const s of views.flatMap((v) => v.view.stats)) {
    statMap.set(`${s.organisation}\u0000${s.month}\u0000${s.kind}\u0000${s.item}`, s);
  }
  const p = req.profile;
  const method: Account['method'] = {
    id: p.id,
    version: p.version,
    name: p.name,
    nameEn: p.nameEn,
    electricityTce: p.electricityTce,
    gridFactor: { ...p.gridFactor },
    rounding: { ...p.rounding },
    choices: p.choices.map((c) => ({ ...c })),
  };
  if (p.basedOn) method.basedOn = { ...p.basedOn };
  return {
    park: req.park.id,
    organisation: req.organisation,
    period: { from: months[0]!, to: months[months.length - 1]!, months },
    method,
    energy,
    lines,
    totals,
    byMonth,
    factors,
    allocation:
      req.organisation !== null && alloc.key !== 'none'
        ? { key: alloc.key, shared, shares: allocating ? shares : {} }
        : null,
    missing,
    warnings,
    complete: missing.length === 0 && totals.coverage >= COMPLETENESS_THRESHOLD,
    trail: trailOf(lines, energy, totals, req),
    statistics: [...statMap.values()].sort(
      (a, b) =>
        a.organisation.localeCompare(b.organisation) ||
        a.month.localeCompare(b.month) ||
        a.kind.localeCompare(b.kind) ||
        a.item.localeCompare(b.item),
    ),
  };
}

function allocatedPiece(p: Piece, share: number, from: string): Piece {
  return {
    ...p,
    id: `allocated:${p.id}`,
    source: 'allocated',
    item: p.source,
    activity: p.activity * share,
    tco2: p.tco2 * share,
    formula: `share × (${p.formula})`,
    measured: p.measured * share,
    expected: p.expected * share,
    inputs: p.inputs.map((i) => `${from}:${i}`),
    greenMwh: p.greenMwh * share,
    gridMwh: p.gridMwh * share,
  };
}

function allocatedEnergy(e: EnergyPiece, share: number): EnergyPiece {
  return {
    ...e,
    role: 'allocated',
    raw: e.net * share,
    net: e.net * share,
    estimated: e.estimated * share,
    tce: e.tce === null ? null : e.tce * share,
    cleanTce: e.cleanTce * share,
    measured: e.measured * share,
    expected: e.expected * share,
  };
}

// ---------------------------------------------------------------------------------------------------------------
// One organisation-month

function buildLedger(
  req: Omit<AccountRequest, 'organisation'>,
  byKey: ReadonlyMap<string, Factor[]>,
  org: string,
  month: string,
): Ledger {
  const profile = req.profile;
  const date = `${month}-01`;
  const scopes = factorScopes(req.park.id, org);
  const l: Ledger = {
    org,
    month,
    pieces: [],
    energy: [],
    missing: [],
    warnings: [],
    electricityKwh: 0,
    energyTce: 0,
    stats: [],
  };
  const miss = (what: string, reason: string) =>
    l.missing.push({ what: `${org}: ${what}`, reason, months: [month] });
  const warn = (what: string, reason: string) =>
    l.warnings.push({ what: `${org}: ${what}`, reason, months: [month] });
  const lookup = (key: string): Factor | undefined => resolveFactor(byKey.get(key) ?? [], key, scopes, date);
  const need = (key: string): FactorRef | undefined => {
    const f = lookup(key);
    if (!f) miss(`factor ${key}`, `no version in force on ${date} in scopes ${scopes.join(', ')}`);
    return f && toFactorRef(f);
  };
  const needGrid = (key: string): FactorRef | undefined => {
    const y = profile.gridFactor.dataYear;
    if (y === 'latest') return need(key);
    const f = resolveFactorForDataYear(byKey.get(key) ?? [], key, scopes, y);
    if (!f) miss(`factor ${key}`, `no version for data year ${y} in scopes ${scopes.join(', ')}`);
    return f && toFactorRef(f);
  };
  const piece = (p: Omit<Piece, 'internal' | 'greenMwh' | 'gridMwh'> & Partial<Piece>) =>
    l.pieces.push({ internal: false, greenMwh: 0, gridMwh: 0, ...p });

  const lines = (req.energy[month] ?? []).filter((e) => e.organisation === org);
  const stats = req.statistics.filter((s) => s.organisation === org && s.month === month);
  const statInput = (s: StatisticValue) =>
    `stat:${s.organisation}/${s.month}/${s.kind}/${s.item}@v${s.version}`;
  const useStat = (s: StatisticValue) =>
    l.stats.push({
      organisation: s.organisation,
      month: s.month,
      kind: s.kind,
      item: s.item,
      version: s.version,
    });

  // Meter groups in the account's units (one base unit per dimension).
  interface Group {
    line: EnergyLine;
    unit: string;
    q: number;
    estimated: number;
    role: string;
    sign: number;
  }
  const groups: Group[] = [];
  for (const e of lines) {
    const unit = baseUnit(e.unit);
    const q = unit === undefined ? undefined : convertAmount(e.quantity, e.unit, unit);
    if (unit === undefined || q === undefined) {
      miss(`${e.carrier} ${e.role} in "${e.unit}"`, 'unit is not an amount lib/units knows: left out');
      continue;
    }
    let estimated = convertAmount(e.estimated, e.unit, unit) ?? 0;
    let credited = q;
    if (e.internalTransfer && e.role === 'export') {
      // Sales inside the park: the sellers of a carrier are credited with what their customers metered, so that the
      // organisations add up to the park (whose boundary leaves internal transfers out); the network's loss — or the
      // meters' disagreement — stays with the sellers.
      const t = internalTransfers(req, month).get(`${e.carrier}\u0000${unit}`);
      if (t && t.sent > 0 && Math.abs(t.received - t.sent) > 1e-9 * t.sent) {
        const r = t.received / t.sent;
        credited = q * r;
        estimated *= r;
        warn(
          `internal ${e.carrier} sold`,
          `customers metered ${formatAmount(t.received)} ${unit} of the ${formatAmount(t.sent)} ${unit} sent ` +
            `(${((1 - r) * 100).toFixed(1)} % lost or unmetered): credited ${formatAmount(credited)} of ${formatAmount(q)} ${unit}`,
        );
      }
    }
    const sign = SUPPLY_ROLES.has(e.role) ? 1 : OUTFLOW_ROLES.has(e.role) ? -1 : 0;
    const role = e.internalTransfer ? `${e.role}_internal` : e.role;
    groups.push({ line: e, unit, q: credited, estimated, role, sign });
  }

  // ---- Energy in tce
  const electricityKey =
    profile.electricityTce === 'equivalent' ? 'tce.electricity_equivalent' : 'tce.electricity_calorific';
  for (const g of groups) {
    const { line: e } = g;
    const net = g.sign * g.q;
    const tceKey = e.carrier === 'electricity' ? electricityKey : profile.carrierTce[e.carrier];
    let tce: number | null = null;
    let factor: FactorRef | null = null;
    const conversion = e.role === 'generation' && CONVERSION_TECHNOLOGIES.includes(e.technology ?? '');
    if (tceKey !== undefined && net !== 0) {
      const f = need(tceKey);
      if (f) {
        const per = perUnit(f.unit);
        const inPer = convertAmount(net, g.unit, per);
        if (inPer !== undefined) {
          tce = inPer * f.value;
          factor = f;
        } else if (g.unit === 'GJ') {
          const h = need('tce.heat');
          if (h) {
            tce = net * h.value;
            factor = h;
          }
        } else if (g.unit === 'L' && per === 't') {
          const fuel = profile.carrierFuel[e.carrier] ?? e.carrier;
          const rho = lookup(`fuel.${fuel}.density`);
          if (rho) {
            tce = ((net * rho.value) / 1000) * f.value;
            factor = f;
          } else {
            miss(
              `${e.carrier} in litres (tce)`,
              `${e.carrier} metered in litres needs a density (fuel.${fuel}.density, kg/L) to convert to t; none in force: left out of tce`,
            );
          }
        } else {
          miss(
            `${e.carrier} in ${g.unit} (tce)`,
            g.unit === 't' && e.carrier === 'heat'
              ? 'heat metered as tonnes of hot water needs supply and return temperatures: left out of tce'
              : `no conversion from ${g.unit} to ${per}: left out of tce`,
          );
        }
      }
    } else if (tceKey !== undefined) {
      tce = 0;
    }
    // Output of a conversion inside the boundary (CHP electricity, waste-heat steam) is not energy brought in.
    if (conversion && tce !== null) tce = 0;
    l.energy.push({
      carrier: e.carrier,
      unit: g.unit,
      role: g.role,
      raw: g.q,
      net,
      estimated: g.estimated,
      tce,
      cleanTce: 0,
      measured: e.measuredSlots,
      expected: e.expectedSlots,
      factor,
      internal: e.internalTransfer,
    });
    if (e.carrier === 'electricity') l.electricityKwh += net;
    if (tce !== null) l.energyTce += tce;
  }

  const slots = (gs: readonly Group[]) => ({
    measured: sum(gs.map((g) => g.line.measuredSlots)),
    expected: sum(gs.map((g) => g.line.expectedSlots)),
    inputs: [...new Set(gs.flatMap((g) => g.line.meters))].sort(),
  });

  // ---- Combustion, per fuel carrier, on the fuel consumed (net of exports)
  for (const [carrier, fuel] of Object.entries(profile.carrierFuel)) {
    const fuelGroups = groups.filter((g) => g.line.carrier === carrier && g.sign !== 0);
    for (const unit of [...new Set(fuelGroups.map((g) => g.unit))].sort()) {
      const gs = fuelGroups.filter((g) => g.unit === unit);
      const fc = sum(gs.map((g) => g.sign * g.q));
      if (fc === 0) continue;
      const id = unit === 'GJ' ? `combustion:${carrier}:GJ` : `combustion:${carrier}`;
      const cc = need(`fuel.${fuel}.carbon_content`);
      const of = need(`fuel.${fuel}.oxidation`);
      let heatGj: number | undefined;
      let activity = fc;
      let activityUnit = unit;
      let formula = 'FC × NCV × CC × OF × 44/12';
      const used: FactorRef[] = [];
      if (unit === 'GJ') {
        heatGj = fc;
        formula = 'FC(GJ) × CC × OF × 44/12';
      } else {
        const ncv = need(`fuel.${fuel}.ncv`);
        if (ncv) {
          const per = perUnit(ncv.unit);
          let inPer = convertAmount(fc, unit, per);
          if (inPer === undefined && unit === 'L' && per === 't') {
            const rho = lookup(`fuel.${fuel}.density`);
            if (rho) {
              used.push(toFactorRef(rho));
              inPer = (fc * rho.value) / 1000;
              formula = 'FC(L) × ρ × 10⁻³ × NCV × CC × OF × 44/12';
            } else {
              miss(
                `${carrier} in litres (combustion)`,
                `${carrier} metered in litres needs a density (fuel.${fuel}.density, kg/L); none in force: no combustion line`,
              );
            }
          } else if (inPer === undefined) {
            miss(
              `${carrier} in ${unit} (combustion)`,
              `the NCV is per ${per}; ${unit} does not convert to it`,
            );
          }
          if (inPer !== undefined) {
            used.push(ncv);
            heatGj = inPer * ncv.value;
            activity = inPer;
            activityUnit = per;
          }
        }
      }
      if (heatGj === undefined || !cc || !of) continue;
      used.push(cc, of);
      piece({
        id,
        source: 'combustion',
        item: carrier,
        activity,
        activityUnit,
        tco2: heatGj * cc.value * of.value * CO2_PER_C,
        effect: 'add',
        formula,
        factors: used,
        statistic: false,
        ...slots(gs),
      });
    }
  }

  // ---- Electricity
  const el = groups.filter((g) => g.line.carrier === 'electricity');
  const mwh = (gs: readonly Group[]) => sum(gs.map((g) => g.q)) / 1000;
  const gridImport = el.filter((g) => g.role === 'import');
  const exported = el.filter((g) => g.role === 'export');
  const inInternal = el.filter((g) => g.role === 'import_internal');
  const outInternal = el.filter((g) => g.role === 'export_internal');
  const gridMwh = mwh(gridImport);

  let claimsMwh = 0;
  const claimStats: StatisticValue[] = [];
  for (const s of stats.filter((x) => x.kind === 'green_claim')) {
    useStat(s);
    const v = convertAmount(s.value, s.unit, 'MWh');
    if (v === undefined) {
      miss(`green claim ${s.item} (${s.unit})`, 'a green claim is in MWh (or another electric energy unit)');
    } else if (!s.evidence?.trim()) {
      miss(
        `evidence of green claim ${s.item}`,
        'a green claim counts only with its evidence (certificate ids, trade contract)',
      );
    } else {
      claimsMwh += v;
      claimStats.push(s);
    }
  }
  const claimed = Math.max(0, Math.min(claimsMwh, gridMwh));
  if (claimsMwh > claimed) {
    warn(
      'green claims above grid import',
      `claimed ${claimsMwh} MWh, grid import ${gridMwh} MWh: the excess ${claimsMwh - claimed} MWh is not counted`,
    );
  }
  const rule = profile.gridFactor;
  const useResidual = rule.rule === 'residual_when_claimed' && claimsMwh > 0;
  const region =
    rule.level === 'national' ? 'CN' : rule.level === 'regional' ? req.park.gridRegion : req.park.province;
  const averageKey = `grid.${rule.level}.${region}.average`;
  const unclaimedMwh = gridMwh - (useResidual ? claimed : 0);
  const exportMwh = mwh(exported);
  let gridEf: FactorRef | undefined;
  if (unclaimedMwh !== 0 || exportMwh !== 0) gridEf = needGrid(useResidual ? RESIDUAL_KEY : averageKey);
  if (gridImport.length > 0 && (gridEf || unclaimedMwh === 0)) {
    piece({
      id: 'electricity_grid',
      source: 'electricity_grid',
      item: 'electricity',
      activity: unclaimedMwh,
      activityUnit: 'MWh',
      tco2: gridEf ? unclaimedMwh * gridEf.value : 0,
      effect: 'add',
      formula: useResidual ? '(grid import − claimed) MWh × EF_grid,residual' : 'grid import MWh × EF_grid',
      factors: gridEf ? [gridEf] : [],
      statistic: false,
      gridMwh: unclaimedMwh,
      ...slots(gridImport),
    });
  }
  if (claimsMwh > 0) {
    piece({
      id: 'electricity_green:claim',
      source: 'electricity_green',
      item: 'claim',
      activity: claimed,
      activityUnit: 'MWh',
      tco2: 0,
      effect: useResidual ? 'add' : 'memo',
      formula: useResidual
        ? 'claimed MWh (≤ grid import) × 0'
        : 'claimed MWh × 0 (memo: rule "average" keeps them in grid import)',
      factors: [],
      statistic: true,
      measured: 0,
      expected: 0,
      inputs: claimStats.map(statInput),
      greenMwh: claimed,
      gridMwh: useResidual ? claimed : 0,
    });
  }
  if (exportMwh !== 0 && gridEf) {
    piece({
      id: 'electricity_exported',
      source: 'electricity_exported',
      item: 'electricity',
      activity: exportMwh,
      activityUnit: 'MWh',
      tco2: exportMwh * gridEf.value,
      effect: profile.creditExports ? 'subtract' : 'memo',
      formula: 'exported MWh × EF_grid',
      factors: [gridEf],
      statistic: false,
      ...slots(exported),
    });
  }
  // Internal transfers at the level's average factor on both sides, so that they cancel in the park's sum.
  const transfer = (gs: Group[], direction: 'in' | 'out') => {
    const q = mwh(gs);
    if (q === 0) return;
    const ef = needGrid(averageKey);
    if (!ef) return;
    piece({
      id: `transfer_${direction}:electricity`,
      source: direction === 'in' ? 'transfer_in' : 'transfer_out',
      item: 'electricity',
      activity: q,
      activityUnit: 'MWh',
      tco2: q * ef.value,
      effect: direction === 'in' ? 'add' : 'subtract',
      formula: `${direction === 'in' ? 'bought' : 'sold'} in the park MWh × EF_grid,average`,
      factors: [ef],
      statistic: false,
      internal: true,
      ...slots(gs),
    });
  };
  transfer(inInternal, 'in');
  transfer(outInternal, 'out');

  const renewable = el.filter(
    (g) => g.role === 'generation' && RENEWABLE_TECHNOLOGIES.includes(g.line.technology ?? ''),
  );
  for (const tech of [...new Set(renewable.map((g) => g.line.technology ?? ''))].sort()) {
    const gs = renewable.filter((g) => g.line.technology === tech);
    piece({
      id: `electricity_green:${tech}`,
      source: 'electricity_green',
      item: tech,
      activity: mwh(gs),
      activityUnit: 'MWh',
      tco2: 0,
      effect: 'add',
      formula: 'on-site generation MWh × 0',
      factors: [],
      statistic: false,
      greenMwh: mwh(gs),
      ...slots(gs),
    });
  }
  const direct = el.filter((g) => g.role === 'direct_green_supply');
  if (direct.length > 0) {
    piece({
      id: 'electricity_green:direct_supply',
      source: 'electricity_green',
      item: 'direct_supply',
      activity: mwh(direct),
      activityUnit: 'MWh',
      tco2: 0,
      effect: 'add',
      formula: 'direct green supply MWh × 0',
      factors: [],
      statistic: false,
      greenMwh: mwh(direct),
      ...slots(direct),
    });
  }

  // ---- Heat and steam
  for (const carrier of [...HEAT_CARRIERS].sort()) {
    const hs = groups.filter(
      (g) =>
        g.line.carrier === carrier &&
        ['import', 'export', 'import_internal', 'export_internal'].includes(g.role),
    );
    for (const role of ['import', 'export', 'import_internal', 'export_internal']) {
      for (const unit of [...new Set(hs.filter((g) => g.role === role).map((g) => g.unit))].sort()) {
        const gs = hs.filter((g) => g.role === role && g.unit === unit);
        const q = sum(gs.map((g) => g.q));
        if (q === 0) continue;
        let gj: number | undefined;
        const used: FactorRef[] = [];
        let formula = 'GJ × EF_heat';
        if (unit === 'GJ') gj = q;
        else if (unit === 't' && carrier === 'steam') {
          const h = need('steam.enthalpy');
          if (h) {
            gj = (q * (h.value - FEED_WATER_ENTHALPY_KJ_PER_KG)) / 1000;
            used.push(h);
            formula = `t × (h − ${FEED_WATER_ENTHALPY_KJ_PER_KG}) × 10⁻³ × EF_heat`;
          }
        } else {
          miss(
            `${carrier} ${role} in ${unit} (emissions)`,
            unit === 't'
              ? 'heat metered as tonnes of hot water needs supply and return temperatures: no emission line'
              : `${unit} does not convert to GJ: no emission line`,
          );
          continue;
        }
        const ef = need(profile.heatFactorKey);
        if (gj === undefined || !ef) continue;
        used.push(ef);
        const internal = role.endsWith('_internal');
        const out = role.startsWith('export');
        const source: EmissionSource = internal
          ? out
            ? 'transfer_out'
            : 'transfer_in'
          : out
            ? 'heat_exported'
            : 'heat_purchased';
        piece({
          id: `${source}:${carrier}${unit === 'GJ' && carrier === 'steam' ? ':GJ' : ''}`,
          source,
          item: carrier,
          activity: q,
          activityUnit: unit,
          tco2: gj * ef.value,
          effect: internal
            ? out
              ? 'subtract'
              : 'add'
            : out
              ? profile.creditExports
                ? 'subtract'
                : 'memo'
              : 'add',
          formula,
          factors: used,
          statistic: false,
          internal,
          ...slots(gs),
        });
      }
    }
  }
  for (const g of groups.filter((x) => x.line.carrier === 'cooling' && x.role === 'import' && x.q !== 0)) {
    warn('purchased cooling', `${g.q} ${g.unit} of purchased cooling has no emission factor in this method`);
  }

  // ---- Statistics: process, recovered CO₂, offsets
  for (const s of stats) {
    if (s.kind === 'process_activity') {
      useStat(s);
      if (!s.factor || !Number.isFinite(s.factor.value) || !s.factor.source?.trim()) {
        miss(
          `process ${s.item}`,
          'process activity needs its emission factor with a source: no process line',
        );
        continue;
      }
      const ref: FactorRef = {
        key: `process.${s.item}`,
        version: s.version,
        scope: `org:${req.park.id}/${org}`,
        value: s.factor.value,
        unit: s.factor.unit,
        validFrom: date,
        source: s.factor.source,
        status: s.evidence ? 'measured' : 'unverified',
      };
      piece({
        id: `process:${s.item}`,
        source: 'process',
        item: s.item,
        activity: s.value,
        activityUnit: s.unit,
        tco2: s.value * s.factor.value,
        effect: profile.processEmissions === 'include' ? 'add' : 'memo',
        formula: 'activity × EF_process',
        factors: [ref],
        statistic: true,
        measured: 0,
        expected: 0,
        inputs: [statInput(s)],
      });
    } else if (s.kind === 'recovered_co2' || s.kind === 'offset') {
      useStat(s);
      const t = tonnesCo2(s.unit);
      if (t === undefined) {
        miss(`${s.kind} ${s.item} (${s.unit})`, 'recovered CO₂ and offsets are in tCO₂ (or tCO₂e)');
        continue;
      }
      const recovered = s.kind === 'recovered_co2';
      piece({
        id: recovered ? 'recovered' : `offset:${s.item || 'other'}`,
        source: recovered ? 'recovered' : 'offset',
        item: recovered ? 'recovered_co2' : s.item || 'other',
        activity: s.value * t,
        activityUnit: 'tCO2',
        tco2: s.value * t,
        effect: recovered
          ? profile.recoveredCo2 === 'deduct'
            ? 'subtract'
            : 'memo'
          : profile.offsets === 'net'
            ? 'net_only'
            : 'memo',
        formula: recovered ? 'recovered tCO₂' : 'offset tCO₂e',
        factors: [],
        statistic: true,
        measured: 0,
        expected: 0,
        inputs: [statInput(s)],
      });
    }
  }

  // ---- Clean energy (on the electricity and natural gas items)
  const renewableKwh = sum(renewable.map((g) => g.q));
  const exportKwh = sum([...exported, ...outInternal].map((g) => g.q));
  // Exports leave from the on-site renewable surplus first: only the rest was consumed.
  const onsiteConsumedKwh = Math.max(0, renewableKwh - exportKwh);
  let cleanKwh = onsiteConsumedKwh + sum(direct.map((g) => g.q)) + claimed * 1000;
  const cleanFactors: FactorRef[] = [];
  const shareKey = profile.cleanEnergy.gridCleanShareKey;
  if (shareKey !== null && gridMwh - claimed > 0) {
    const share = lookup(shareKey);
    if (share) {
      cleanKwh += (gridMwh - claimed) * 1000 * share.value;
      cleanFactors.push(toFactorRef(share));
    } else {
      miss(
        `factor ${shareKey}`,
        "the profile counts the grid's clean share of unclaimed grid electricity; no value in force (enter it with its source): counted as 0",
      );
    }
  }
  const eFactor = cleanKwh !== 0 ? need(electricityKey) : undefined;
  if (eFactor) addClean(l, 'electricity', 'kWh', cleanKwh * eFactor.value, [eFactor, ...cleanFactors]);
  if (profile.cleanEnergy.naturalGas) {
    for (const e of l.energy.filter((x) => x.carrier === 'natural_gas' && x.tce !== null)) {
      e.cleanTce += e.tce ?? 0;
    }
  }
  return l;
}

/** Adds clean tce to the ledger on a zero-quantity piece of its carrier (so that allocation carries it too). */
function addClean(l: Ledger, carrier: string, unit: string, tce: number, factors: FactorRef[]) {
  l.energy.push({
    carrier,
    unit,
    role: 'clean',
    raw: 0,
    net: 0,
    estimated: 0,
    tce: null,
    cleanTce: tce,
    measured: 0,
    expected: 0,
    factor: factors[0] ?? null,
    cleanFactors: factors,
    internal: false,
  });
}

// ---------------------------------------------------------------------------------------------------------------
// Sums

function linesOf(pieces: readonly Piece[]): EmissionLine[] {
  const map = new Map<
    string,
    { line: EmissionLine; measured: number; expected: number; statistic: boolean }
  >();
  for (const p of pieces) {
    let acc = map.get(p.id);
    if (!acc) {
      acc = {
        line: {
          id: p.id,
          source: p.source,
          item: p.item,
          activity: 0,
          activityUnit: p.activityUnit,
          tco2: 0,
          effect: p.effect,
          formula: p.formula,
          factors: [],
          coverage: 0,
          inputs: [],
        },
        measured: 0,
        expected: 0,
        statistic: true,
      };
      map.set(p.id, acc);
    }
    acc.line.activity += p.activity;
    acc.line.tco2 += p.tco2;
    acc.measured += p.measured;
    acc.expected += p.expected;
    acc.statistic &&= p.statistic;
    for (const f of p.factors) {
      if (!acc.line.factors.some((x) => x.key === f.key && x.scope === f.scope && x.version === f.version)) {
        acc.line.factors.push(f);
      }
    }
    for (const i of p.inputs) if (!acc.line.inputs.includes(i)) acc.line.inputs.push(i);
  }
  return [...map.values()]
    .map(({ line, measured, expected, statistic }) => ({
      ...line,
      coverage: statistic && expected === 0 ? 1 : coverageOf(measured, expected),
      inputs: line.inputs.sort(),
    }))
    .sort(
      (a, b) => SOURCE_ORDER.indexOf(a.source) - SOURCE_ORDER.indexOf(b.source) || a.id.localeCompare(b.id),
    );
}

function energyItemsOf(energy: readonly EnergyPiece[]): EnergyItem[] {
  const map = new Map<string, { item: EnergyItem; measured: number; expected: number; hasTce: boolean }>();
  for (const e of energy) {
    const k = `${e.carrier}\u0000${e.unit}`;
    let acc = map.get(k);
    if (!acc) {
      acc = {
        item: {
          carrier: e.carrier,
          quantity: 0,
          unit: e.unit,
          byRole: {},
          tce: null,
          cleanTce: 0,
          factor: null,
          factors: [],
          coverage: 0,
          estimated: 0,
        },
        measured: 0,
        expected: 0,
        hasTce: false,
      };
      map.set(k, acc);
    }
    const it = acc.item;
    if (e.role !== 'clean') {
      it.quantity += e.net;
      it.byRole[e.role] = (it.byRole[e.role] ?? 0) + e.raw;
      it.estimated += e.estimated;
      acc.measured += e.measured;
      acc.expected += e.expected;
      if (e.tce !== null) {
        acc.hasTce = true;
        it.tce = (it.tce ?? 0) + e.tce;
      }
      if (e.factor) it.factor = e.factor;
    }
    it.cleanTce += e.cleanTce;
    for (const f of e.cleanFactors ?? []) {
      if (!it.factors.some((x) => x.key === f.key && x.scope === f.scope && x.version === f.version))
        it.factors.push(f);
    }
    if (
      e.factor &&
      !it.factors.some(
        (f) => f.key === e.factor!.key && f.scope === e.factor!.scope && f.version === e.factor!.version,
      )
    ) {
      it.factors.push(e.factor);
    }
  }
  return [...map.values()]
    .map(({ item, measured, expected }) => ({ ...item, coverage: coverageOf(measured, expected) }))
    .sort((a, b) => a.carrier.localeCompare(b.carrier) || a.unit.localeCompare(b.unit));
}

/** Totals with the coverage sums that let months be added. */
interface MonthTotals extends AccountTotals {
  coverageSums: { weighted: number; weight: number; measured: number; expected: number };
}

function ratio(a: number, b: number): number | null {
  return b === 0 ? null : a / b;
}

function totalsOf(
  pieces: readonly Piece[],
  energy: readonly EnergyPiece[],
  req: AccountRequest,
): MonthTotals {
  let add = 0;
  let subtract = 0;
  let offsets = 0;
  let green = 0;
  let grid = 0;
  const memo: Partial<Record<EmissionSource, number>> = {};
  for (const p of pieces) {
    if (p.effect === 'add') add += p.tco2;
    else if (p.effect === 'subtract') subtract += p.tco2;
    else if (p.effect === 'net_only') offsets += p.tco2;
    else memo[p.source] = (memo[p.source] ?? 0) + p.tco2;
    green += p.greenMwh;
    grid += p.gridMwh;
  }
  let energyTce = 0;
  let clean = 0;
  const cov = { weighted: 0, weight: 0, measured: 0, expected: 0 };
  for (const e of energy) {
    clean += e.cleanTce;
    if (e.role === 'clean') continue;
    if (e.tce !== null) energyTce += e.tce;
    const w = Math.abs(e.tce ?? 0);
    cov.weighted += w * coverageOf(e.measured, e.expected);
    cov.weight += w;
    cov.measured += e.measured;
    cov.expected += e.expected;
  }
  const gross = add - subtract;
  return finish(
    { energyTce, cleanEnergyTce: clean, grossTco2: gross, offsetsTco2: offsets, memo, green, grid, cov },
    req,
  );
}

function finish(
  s: {
    energyTce: number;
    cleanEnergyTce: number;
    grossTco2: number;
    offsetsTco2: number;
    memo: Partial<Record<EmissionSource, number>>;
    green: number;
    grid: number;
    cov: MonthTotals['coverageSums'];
  },
  req: AccountRequest,
): MonthTotals {
  const net = s.grossTco2 - s.offsetsTco2;
  const basis = req.profile.coreIndicatorBasis === 'net' ? net : s.grossTco2;
  return {
    energyTce: s.energyTce,
    cleanEnergyTce: s.cleanEnergyTce,
    cleanShare: ratio(s.cleanEnergyTce, s.energyTce),
    grossTco2: s.grossTco2,
    offsetsTco2: s.offsetsTco2,
    netTco2: net,
    memoTco2: s.memo,
    coreTco2PerTce: ratio(basis, s.energyTce),
    greenElectricityMwh: s.green,
    gridElectricityMwh: s.grid,
    coverage:
      s.cov.weight > 0
        ? s.cov.weighted / s.cov.weight
        : s.cov.expected > 0
          ? Math.min(1, s.cov.measured / s.cov.expected)
          : 0,
    coverageSums: s.cov,
  };
}

/** The period's totals: the months' sums added, ratios recomputed from the sums. */
function addTotals(months: readonly MonthTotals[], req: AccountRequest): AccountTotals {
  const memo: Partial<Record<EmissionSource, number>> = {};
  for (const m of months) {
    for (const [k, v] of Object.entries(m.memoTco2) as [EmissionSource, number][])
      memo[k] = (memo[k] ?? 0) + v;
  }
  const t = finish(
    {
      energyTce: sum(months.map((m) => m.energyTce)),
      cleanEnergyTce: sum(months.map((m) => m.cleanEnergyTce)),
      grossTco2: sum(months.map((m) => m.grossTco2)),
      offsetsTco2: sum(months.map((m) => m.offsetsTco2)),
      memo,
      green: sum(months.map((m) => m.greenElectricityMwh)),
      grid: sum(months.map((m) => m.gridElectricityMwh)),
      cov: {
        weighted: sum(months.map((m) => m.coverageSums.weighted)),
        weight: sum(months.map((m) => m.coverageSums.weight)),
        measured: sum(months.map((m) => m.coverageSums.measured)),
        expected: sum(months.map((m) => m.coverageSums.expected)),
      },
    },
    req,
  );
  return stripSums(t);
}

function stripSums(t: MonthTotals): AccountTotals {
  const { coverageSums: _sums, ...rest } = t;
  return rest;
}

function mergeIssues(issues: readonly MissingInput[]): MissingInput[] {
  const map = new Map<string, MissingInput>();
  for (const i of issues) {
    const k = `${i.what}\u0000${i.reason}`;
    const m = map.get(k);
    if (!m) {
      map.set(k, { what: i.what, reason: i.reason, months: [...i.months] });
      continue;
    }
    for (const month of i.months) if (!m.months.includes(month)) m.months.push(month);
  }
  // The same input missing for several organisations in the same months reads as one entry naming them all.
  const byRest = new Map<string, { orgs: string[]; rest: string; issue: MissingInput }>();
  for (const m of map.values()) {
    m.months.sort();
    const cut = m.what.indexOf(': ');
    const org = cut > 0 ? m.what.slice(0, cut) : '';
    const rest = cut > 0 ? m.what.slice(cut + 2) : m.what;
    const k = `${rest}\u0000${m.reason}\u0000${m.months.join(',')}`;
    const g = byRest.get(k);
    if (g && org) g.orgs.push(org);
    else byRest.set(org ? k : `${k}\u0000${m.what}`, { orgs: org ? [org] : [], rest, issue: m });
  }
  return [...byRest.values()]
    .map((g) => (g.orgs.length > 1 ? { ...g.issue, what: `${g.orgs.join(', ')}: ${g.rest}` } : g.issue))
    .sort((a, b) => a.what.localeCompare(b.what) || a.reason.localeCompare(b.reason));
}

function trailOf(
  lines: readonly EmissionLine[],
  energy: readonly EnergyItem[],
  totals: AccountTotals,
  req: AccountRequest,
): TrailStep[] {
  const steps: TrailStep[] = [];
  const groups = new Map<string, EmissionLine[]>();
  for (const l of lines) {
    const k = `${l.source}:${l.effect}`;
    groups.set(k, [...(groups.get(k) ?? []), l]);
  }
  const subtotal = (effect: LineEffect) => [...groups.entries()].filter(([k]) => k.endsWith(`:${effect}`));
  for (const [k, ls] of groups) {
    steps.push({
      id: `subtotal:${k}`,
      label: `${ls[0]!.source} (${ls[0]!.effect})`,
      formula: ls.map((l) => l.id).join(' + '),
      value: sum(ls.map((l) => l.tco2)),
      unit: 'tCO2',
      from: ls.map((l) => l.id),
    });
  }
  const value = (id: string) => steps.find((s) => s.id === id)?.value ?? 0;
  const adds = subtotal('add').map(([k]) => `subtotal:${k}`);
  const subs = subtotal('subtract').map(([k]) => `subtotal:${k}`);
  const nets = subtotal('net_only').map(([k]) => `subtotal:${k}`);
  const gross = sum(adds.map(value)) - sum(subs.map(value));
  steps.push({
    id: 'gross',
    label: 'gross emissions',
    formula: `(${adds.join(' + ') || '0'}) − (${subs.join(' + ') || '0'})`,
    value: gross,
    unit: 'tCO2',
    from: [...adds, ...subs],
  });
  const offsets = sum(nets.map(value));
  steps.push({
    id: 'offsets',
    label: 'offsets subtracted for net',
    formula: nets.join(' + ') || '0',
    value: offsets,
    unit: 'tCO2',
    from: nets,
  });
  steps.push({
    id: 'net',
    label: 'net emissions',
    formula: 'gross − offsets',
    value: gross - offsets,
    unit: 'tCO2',
    from: ['gross', 'offsets'],
  });
  const withTce = energy.filter((e) => e.tce !== null);
  const itemId = (e: EnergyItem) => `energy:${e.carrier}:${e.unit}`;
  const energyTce = sum(withTce.map((e) => e.tce ?? 0));
  steps.push({
    id: 'energy_tce',
    label: 'comprehensive energy consumption',
    formula: withTce.map((e) => `${itemId(e)} (${e.quantity} ${e.unit} → tce)`).join(' + ') || '0',
    value: energyTce,
    unit: 'tce',
    from: withTce.map(itemId),
  });
  const clean = sum(energy.map((e) => e.cleanTce));
  steps.push({
    id: 'clean_tce',
    label: 'clean energy',
    formula:
      energy
        .filter((e) => e.cleanTce !== 0)
        .map((e) => `clean(${itemId(e)})`)
        .join(' + ') || '0',
    value: clean,
    unit: 'tce',
    from: energy.filter((e) => e.cleanTce !== 0).map(itemId),
  });
  if (totals.cleanShare !== null) {
    steps.push({
      id: 'clean_share',
      label: 'clean-energy share',
      formula: 'clean_tce ÷ energy_tce',
      value: clean / energyTce,
      unit: '1',
      from: ['clean_tce', 'energy_tce'],
    });
  }
  if (totals.coreTco2PerTce !== null) {
    const basis = req.profile.coreIndicatorBasis === 'net' ? 'net' : 'gross';
    steps.push({
      id: 'core',
      label: 'CO₂ per unit of energy (core indicator)',
      formula: `${basis} ÷ energy_tce`,
      value: (basis === 'net' ? gross - offsets : gross) / energyTce,
      unit: 'tCO2/tce',
      from: [basis, 'energy_tce'],
    });
  }
  return steps;
}
