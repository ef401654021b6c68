/**
 * Infeasibility explained (pain point 7 of docs/reference: "infeasible" with no reason). When HiGHS proves a sizing
 * or dispatch LP infeasible, the model is built again in an ELASTIC form: each relaxable constraint family gets a
 * non-negative slack — one number per constraint as the user wrote it (the import limit, the target, a capacity
 * bound, a shiftable load's energy), plus per-step detail slacks that say *where* it bites — and the LP minimises the
 * slack instead of the cost. Each family is first relaxed alone (the smallest relaxation of that constraint which is
 * enough by itself: each such family is one `alternative`); if no single family suffices, all are relaxed together
 * (no `alternative`: all are needed). See ADR 0009.
 */
import { formatNumber } from '../../lib/format.ts';
import type { LpText } from './lp-format.ts';
import type { LpSolveOptions, LpSolver } from './solver.ts';
import type { Infeasibility } from './types.ts';
import type { SolveFailure } from './types.ts';
export type { SolveFailure } from './types.ts';

/** Constraint families that the elastic models can relax. */
export type RelaxableFamily =
  | 'grid_import_limit'
  | 'grid_export_limit'
  | 'target'
  | 'final_soc'
  | 'shiftable_energy'
  | 'capacity_max'
  | 'soc_min'
  | 'soc_max';

/** Slacks below this (in the constraint's unit) are rounding, not a relaxation. */
export const SLACK_TOLERANCE = 1e-6;

/** Weight of a per-step detail slack relative to its family's slack: small, it only says where the slack bites. */
export const DETAIL_WEIGHT = 1e-4;

/** One relaxable constraint in an elastic model: its slack variable and how to report it. */
export interface SlackGroup {
  family: RelaxableFamily;
  /** Which constraint of the family: 'grid', a technology, a shiftable load's id … */
  key: string;
  /** The slack variable (column index) in the constraint's own unit before `scale`. */
  slackVar: number;
  /** Per-step slack variables (the steps where the constraint bites), with their step indices. */
  detailVars?: number[];
  detailSteps?: number[];
  /** relaxBy = slack × scale, in `unit`. */
  scale: number;
  unit: string;
  /** A sentence for a person: which constraint, by how much, what to change. */
  describe(relaxBy: number, steps: number[] | undefined): string;
}

/** An elastic model: the LP text and its slack groups. */
export interface ElasticLp {
  lp: LpText;
  groups: SlackGroup[];
}

type Conflict = Infeasibility['conflicts'][number];

/**
 * Explains an infeasible model: relaxes each candidate family alone, then (if none suffices) all together, and
 * reports every constraint whose slack is above `SLACK_TOLERANCE` with the amount and unit.
 */
export async function explainInfeasibility(
  build: (families: ReadonlySet<RelaxableFamily>) => ElasticLp,
  candidates: readonly RelaxableFamily[],
  allFamilies: readonly RelaxableFamily[],
  solver: LpSolver,
  options: LpSolveOptions = {},
): Promise<Infeasibility | SolveFailure> {
  const alternatives: Conflict[][] = [];
  for (const family of candidates) {
    const elastic = build(new Set([family]));
    const outcome = await solver.solve(elastic.lp, options);
    if (outcome.status === 'error')
      return { status: 'error', reason: outcome.reason, message: outcome.message };
    if (outcome.status !== 'optimal') continue;
    const conflicts = significantConflicts(elastic.groups, outcome.values);
    if (conflicts.length > 0) alternatives.push(conflicts);
  }
  if (alternatives.length > 0) {
    const conflicts = alternatives.flatMap((set, alternative) => set.map((c) => ({ ...c, alternative })));
    const message =
      alternatives.length === 1
        ? `No plan meets all constraints. ${sentence(alternatives[0]!)}`
        : `No plan meets all constraints. Any one of these is enough: ${alternatives.map(sentence).join(' Or: ')}`;
    return { status: 'infeasible', conflicts, message };
  }
  const elastic = build(new Set(allFamilies));
  const outcome = await solver.solve(elastic.lp, options);
  if (outcome.status === 'error')
    return { status: 'error', reason: outcome.reason, message: outcome.message };
  if (outcome.status !== 'optimal') {
    return {
      status: 'infeasible',
      conflicts: [],
      message:
        'No plan meets all constraints, and relaxing every relaxable constraint (grid limits, target, capacity ' +
        'bounds, state of charge, shiftable energy) does not help either: check the input data.',
    };
  }
  const conflicts = significantConflicts(elastic.groups, outcome.values);
  return {
    status: 'infeasible',
    conflicts,
    message:
      conflicts.length === 0
        ? 'HiGHS found the model infeasible, but its elastic version needs no relaxation: a numerical difficulty. ' +
          'Scale the inputs (kW rather than W) and solve again.'
        : `No plan meets all constraints; these relaxations together make it feasible: ${sentence(conflicts)}`,
  };
}

function sentence(conflicts: readonly Conflict[]): string {
  return conflicts.map((c) => c.description).join('; ') + '.';
}

/**
 * The conflicts above the tolerance; if there are none but some slack is positive, those (an infeasibility at the
 * scale of HiGHS's tolerances, e.g. 1e-7 kWh asked of an empty window, is still a reason).
 */
function significantConflicts(groups: readonly SlackGroup[], values: Float64Array): Conflict[] {
  const conflicts = conflictsOf(groups, values);
  return conflicts.length > 0 ? conflicts : conflictsOf(groups, values, 0);
}

/** The conflicts of a solved elastic model: every slack group above the tolerance. */
export function conflictsOf(
  groups: readonly SlackGroup[],
  values: Float64Array,
  tolerance = SLACK_TOLERANCE,
): Conflict[] {
  const out: Conflict[] = [];
  for (const g of groups) {
    const relaxBy = (values[g.slackVar] ?? 0) * g.scale;
    if (!(relaxBy > tolerance)) continue;
    let steps: number[] | undefined;
    if (g.detailVars && g.detailSteps) {
      steps = [];
      for (let i = 0; i < g.detailVars.length; i++) {
        if ((values[g.detailVars[i]!] ?? 0) > Math.min(tolerance, relaxBy / 2)) steps.push(g.detailSteps[i]!);
      }
    }
    const rounded = roundRelaxation(relaxBy);
    out.push({
      constraint: g.key === '' ? g.family : `${g.family}:${g.key}`,
      description: g.describe(rounded, steps),
      relaxBy: rounded,
      unit: g.unit,
      ...(steps ? { steps } : {}),
    });
  }
  return out;
}

/** Rounds a relaxation to 6 significant digits (the solver's own tolerance is 1e-7 of the scaled model). */
function roundRelaxation(value: number): number {
  const digits = 6 - Math.ceil(Math.log10(Math.abs(value)));
  const factor = 10 ** Math.min(12, Math.max(-6, digits));
  return Math.round(value * factor) / factor;
}

/** "steps 72–80, 90" — consecutive steps as ranges. */
export function formatSteps(steps: readonly number[]): string {
  if (steps.length === 0) return 'no step';
  const parts: string[] = [];
  let from = steps[0]!;
  let prev = from;
  for (let i = 1; i <= steps.length; i++) {
    const s = steps[i];
    if (s !== undefined && s === prev + 1) {
      prev = s;
      continue;
    }
    parts.push(from === prev ? String(from) : `${from}–${prev}`);
    if (s !== undefined) from = prev = s;
  }
  return `${steps.length === 1 ? 'step' : 'steps'} ${parts.join(', ')}`;
}

/** A quantity for a message: thousands separators, decimals by size. */
export function amount(value: number, unit: string): string {
  const abs = Math.abs(value);
  if (abs > 0 && abs < 0.01) return `${value.toExponential(2)} ${unit}`;
  const decimals = abs >= 100 ? 0 : abs >= 1 ? 1 : 3;
  return `${formatNumber(value, decimals)} ${unit}`;
}
