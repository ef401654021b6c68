import { afterAll, describe, expect, test } from 'vitest';
import { LpBuilder } from './lp-format.ts';
import { createLpSolver, type SolveProgress } from './solver.ts';

const solver = createLpSolver();
afterAll(() => solver.close());

/** min x + 2y s.t. x + y ≥ 13, x ≤ 10: x = 10, y = 3, objective 16 (by hand). */
function small() {
  const lp = new LpBuilder('min');
  const x = lp.addVar('x', 0, 10, 1);
  const y = lp.addVar('y', 0, Infinity, 2);
  lp.addVar('unused', 0, 5, 0);
  lp.addRow('need', [x, y], [1, 1], '>=', 13);
  return lp.toText();
}

/** A storage chain over many steps: big enough to take a while, trivially feasible. */
function chain(steps: number) {
  const lp = new LpBuilder('min');
  let prev = -1;
  for (let t = 0; t < steps; t++) {
    const imp = lp.addVar(`imp_${t}`, 0, 1000, 0.3 + 0.7 * (t % 24 >= 12 ? 1 : 0) + 0.01 * Math.sin(t));
    const chg = lp.addVar(`chg_${t}`, 0, 50, 1e-4);
    const dis = lp.addVar(`dis_${t}`, 0, 50, 1e-4);
    const soc = lp.addVar(`soc_${t}`, 0, 100 + (t % 7), 0);
    lp.addRow(`bal_${t}`, [imp, dis, chg], [1, 1, -1], '=', 100 + 30 * Math.sin(t / 5));
    if (prev >= 0) lp.addRow(`soc_${t}r`, [soc, prev, chg, dis], [1, -1, -0.95, 1 / 0.95], '=', 0);
    else lp.addRow(`soc_${t}r`, [soc, chg, dis], [1, -0.95, 1 / 0.95], '=', 50);
    prev = soc;
  }
  return lp.toText();
}

describe('createLpSolver', () => {
  test('solves an LP and maps the values back by column index', async () => {
    const outcome = await solver.solve(small());
    expect(outcome.status).toBe('optimal');
    if (outcome.status !== 'optimal') return;
    expect(outcome.objective).toBeCloseTo(16, 9);
    expect(Array.from(outcome.values)).toEqual([10, 3, 0]);
    expect(outcome.stats.totalMs).toBeGreaterThan(0);
  });

  test('reports an infeasible LP as such, not as an exception', async () => {
    const lp = new LpBuilder('min');
    const x = lp.addVar('x', 0, 1, 1);
    lp.addRow('too_much', [x], [1], '>=', 2);
    const outcome = await solver.solve(lp.toText());
    expect(outcome.status).toBe('infeasible');
  });

  test('reports an unbounded LP as an error with its reason', async () => {
    const lp = new LpBuilder('min');
    const x = lp.addVar('x', -Infinity, Infinity, 1);
    const y = lp.addVar('y', 0, Infinity, 0);
    lp.addRow('r', [x, y], [1, 1], '<=', 5);
    const outcome = await solver.solve(lp.toText());
    expect(outcome.status === 'error' || outcome.status === 'infeasible').toBe(true);
    if (outcome.status === 'error') expect(outcome.reason).toBe('unbounded');
  });

  test('forwards HiGHS log lines and iteration progress', async () => {
    const seen: SolveProgress[] = [];
    const outcome = await solver.solve(chain(2000), { onProgress: (p) => seen.push(p), progressEveryMs: 0 });
    expect(outcome.status).toBe('optimal');
    expect(seen.some((p) => p.kind === 'log' && /HiGHS|Model status|Objective/i.test(p.line))).toBe(true);
    expect(seen.some((p) => p.kind === 'iterations' && p.iterations > 0)).toBe(true);
  });

  test('stops a solve at its time limit and answers timeout; the next solve works', async () => {
    const outcome = await solver.solve(chain(20_000), { timeoutMs: 150 });
    expect(outcome).toMatchObject({ status: 'error', reason: 'timeout' });
    const next = await solver.solve(small());
    expect(next.status).toBe('optimal');
  });

  test('cancels a running solve through an AbortSignal', async () => {
    const controller = new AbortController();
    const seen: SolveProgress[] = [];
    const outcome = await solver.solve(chain(20_000), {
      signal: controller.signal,
      progressEveryMs: 0,
      onProgress: (p) => {
        seen.push(p);
        if (p.kind === 'iterations') controller.abort();
      },
    });
    expect(outcome).toMatchObject({ status: 'error', reason: 'cancelled' });
  });

  test('closing the solver stops a solve in flight, which answers closed', async () => {
    const other = createLpSolver();
    let iterating: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (iterating = resolve));
    const pending = other.solve(chain(20_000), {
      progressEveryMs: 0,
      onProgress: (p) => {
        if (p.kind === 'iterations') iterating();
      },
    });
    await started;
    await other.close();
    expect(await pending).toMatchObject({ status: 'error', reason: 'closed' });
  });

  test('a closed solver answers closed', async () => {
    const other = createLpSolver();
    await other.close();
    expect(await other.solve(small())).toMatchObject({ status: 'error', reason: 'closed' });
  });
});
