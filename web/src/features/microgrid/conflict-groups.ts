/** The ways out of an infeasible plan, as the page lists them. */
import type { Conflict } from '../../api/microgrid.ts';

/**
 * Groups conflicts by their `alternative`: conflicts with the same number are needed together, and any one number's
 * set is enough on its own (`any`); with fewer than two numbers every conflict listed is needed (`all`), as
 * src/modules/microgrid/infeasibility.ts reports them.
 */
export function conflictGroups(conflicts: readonly Conflict[]): {
  mode: 'any' | 'all';
  groups: Conflict[][];
} {
  const numbers = [...new Set(conflicts.map((c) => c.alternative).filter((a) => a !== undefined))].sort(
    (a, b) => a - b,
  );
  if (numbers.length < 2) return { mode: 'all', groups: [[...conflicts]] };
  return { mode: 'any', groups: numbers.map((n) => conflicts.filter((c) => c.alternative === n)) };
}
