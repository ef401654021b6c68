import { describe, expect, test } from 'vitest';
import {
  amount,
  conflictsOf,
  explainInfeasibility,
  formatSteps,
  type RelaxableFamily,
  type SlackGroup,
} from './infeasibility.ts';
import type { LpOutcome, LpSolver } from './solver.ts';

describe('infeasibility reports', () => {
  test('formatSteps writes runs of steps as ranges', () => {
    expect(formatSteps([72, 73, 74, 75, 90])).toBe('steps 72–75, 90');
    expect(formatSteps([5])).toBe('step 5');
    expect(formatSteps([])).toBe('no step');
  });

  test('amount writes units with separators and sensible decimals', () => {
    expect(amount(1200, 'kW')).toBe('1,200 kW');
    expect(amount(8.4, 'points')).toBe('8.4 points');
    expect(amount(0.05, 'kWh')).toBe('0.050 kWh');
    expect(amount(1e-7, 'kWh')).toBe('1.00e-7 kWh');
  });

  test('conflictsOf keeps slacks above 1e-6, rounds to 6 significant digits and lists the steps where they bite', () => {
    const groups: SlackGroup[] = [
      {
        family: 'grid_import_limit',
        key: 'grid',
        slackVar: 0,
        detailVars: [1, 2, 3],
        detailSteps: [10, 11, 12],
        scale: 1,
        unit: 'kW',
        describe: (by, steps) => `limit +${by} at ${formatSteps(steps ?? [])}`,
      },
      { family: 'target', key: 'co2_cap', slackVar: 4, scale: 1, unit: 'tCO2', describe: () => 'cap' },
    ];
    const values = Float64Array.from([120.00000004, 0, 120, 3e-7, 5e-7]);
    expect(conflictsOf(groups, values)).toEqual([
      {
        constraint: 'grid_import_limit:grid',
        description: 'limit +120 at step 11',
        relaxBy: 120,
        unit: 'kW',
        steps: [11],
      },
    ]);
  });

  describe('alternatives', () => {
    // A stand-in for HiGHS: the elastic model's text lists the relaxed families; `feasible` says which sets solve,
    // with the slack values of columns 0 (import limit) and 1 (final state of charge).
    const stats = { startMs: 0, parseMs: 0, solveMs: 0, totalMs: 0, iterations: 0 };
    const fakeSolver = (feasible: (families: string) => boolean): LpSolver => ({
      solve: (lp): Promise<LpOutcome> =>
        Promise.resolve(
          feasible(lp.text)
            ? { status: 'optimal', objective: 0, values: Float64Array.from([30, 50]), stats }
            : { status: 'infeasible', proven: true, stats },
        ),
      close: () => Promise.resolve(),
    });
    const build = (families: ReadonlySet<RelaxableFamily>) => ({
      lp: { text: [...families].sort().join(','), numVars: 2, numRows: 0, varNames: ['a', 'b'] },
      groups: [...families].map((family): SlackGroup => ({
        family,
        key: '',
        slackVar: family === 'grid_import_limit' ? 0 : 1,
        scale: 1,
        unit: family === 'grid_import_limit' ? 'kW' : 'kWh',
        describe: (by) => `${family} by ${by}`,
      })),
    });
    const families: RelaxableFamily[] = ['grid_import_limit', 'final_soc'];

    test('each family that suffices alone is its own alternative', async () => {
      const r = await explainInfeasibility(
        build,
        families,
        families,
        fakeSolver(() => true),
      );
      if (r.status !== 'infeasible') throw new Error(r.status);
      expect(r.conflicts.map((c) => [c.constraint, c.relaxBy, c.alternative])).toEqual([
        ['grid_import_limit', 30, 0],
        ['final_soc', 50, 1],
      ]);
      expect(r.message).toMatch(/Any one of these is enough/);
    });

    test('relaxations needed together carry no alternative', async () => {
      // Only the model with both families relaxed solves.
      const r = await explainInfeasibility(
        build,
        families,
        families,
        fakeSolver((text) => text.includes(',')),
      );
      if (r.status !== 'infeasible') throw new Error(r.status);
      expect(r.conflicts).toHaveLength(2);
      for (const c of r.conflicts) expect(c).not.toHaveProperty('alternative');
      expect(r.message).toMatch(/together/);
    });
  });
});
