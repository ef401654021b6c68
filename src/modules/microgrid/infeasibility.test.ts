import { describe, expect, test } from 'vitest';
import { amount, conflictsOf, formatSteps, type SlackGroup } from './infeasibility.ts';

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
});
