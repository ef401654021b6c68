import { describe, expect, it } from 'vitest';
import type { Conflict } from '../../api/microgrid.ts';
import { conflictGroups } from './conflict-groups.ts';

const conflict = (constraint: string, alternative?: number): Conflict => ({
  constraint,
  description: constraint,
  relaxBy: 1,
  unit: 'kW',
  ...(alternative === undefined ? {} : { alternative }),
});

describe('conflictGroups', () => {
  it('offers each alternative as a way out of its own, its conflicts together', () => {
    const a = conflict('grid_import_limit', 1);
    const b = conflict('target', 0);
    const c = conflict('capacity_max:pv', 1);
    expect(conflictGroups([a, b, c])).toEqual({ mode: 'any', groups: [[b], [a, c]] });
  });

  it('needs everything when there is one alternative or none', () => {
    const one = [conflict('grid_import_limit', 0), conflict('target', 0)];
    expect(conflictGroups(one)).toEqual({ mode: 'all', groups: [one] });
    const none = [conflict('soc_min'), conflict('final_soc')];
    expect(conflictGroups(none)).toEqual({ mode: 'all', groups: [none] });
  });
});
