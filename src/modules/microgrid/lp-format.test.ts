import { describe, expect, test } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { LpBuilder } from './lp-format.ts';
import { createLpSolver } from './solver.ts';

describe('LpBuilder', () => {
  test('writes objective (every variable, in column order), rows and non-default bounds', () => {
    const lp = new LpBuilder('min');
    const x = lp.addVar('x', 0, 10, 1);
    const y = lp.addVar('y', -Infinity, Infinity, -2.5);
    const z = lp.addVar('z', 3, 3);
    const w = lp.addVar('w', 1, Infinity, 0);
    lp.addRow('r1', [x, y, z], [1, -1, 0.5], '<=', 4);
    lp.addRow('r2', [w, x], [-3, 0], '>=', -1e-7);
    expect(lp.toText().text).toBe(
      [
        'Minimize',
        ' obj: + x - 2.5 y + 0 z + 0 w',
        'Subject To',
        ' r1: + x - y + 0.5 z <= 4',
        ' r2: - 3 w >= -1e-7',
        'Bounds',
        ' x <= 10',
        ' y free',
        ' z = 3',
        ' w >= 1',
        'End',
        '',
      ].join('\n'),
    );
  });

  test('HiGHS numbers the columns as the builder did, even for variables only in the objective', async () => {
    const lp = new LpBuilder('max');
    const only = lp.addVar('only_in_objective', 0, 2, 0);
    const a = lp.addVar('a', 0, 5, 1);
    const b = lp.addVar('b', 0, 5, 1);
    lp.addRow('cap', [b, a], [1, 1], '<=', 7);
    lp.addCost(a, 0.5);
    const solver = createLpSolver();
    try {
      const outcome = await solver.solve(lp.toText());
      expect(outcome.status).toBe('optimal');
      if (outcome.status !== 'optimal') return;
      expect(outcome.values[only]).toBe(0);
      expect(outcome.values[a]).toBeCloseTo(5, 9); // a is worth 1.5, b 1: a at its bound, b takes the rest
      expect(outcome.values[b]).toBeCloseTo(2, 9);
    } finally {
      await solver.close();
    }
  });

  test('refuses names that are not LP identifiers, repeated row names and numbers that are not finite', () => {
    const lp = new LpBuilder();
    expect(() => lp.addVar('2x')).toThrow(AppError);
    expect(() => lp.addVar('e12')).toThrow(AppError); // would read as a number in an exponent
    const x = lp.addVar('x');
    lp.addRow('r', [x], [1], '=', 1);
    expect(() => lp.addRow('r', [x], [1], '=', 1)).toThrow(/used twice/);
    expect(() => lp.addRow('s', [x], [Number.NaN], '=', 1)).toThrow(/not a finite number/);
    expect(() => lp.addVar('y', 0, Infinity, Infinity)).toThrow(/not a finite number/);
  });
});
