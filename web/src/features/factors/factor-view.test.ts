import { describe, expect, test } from 'vitest';
import type { Factor } from '../../api/carbon.ts';
import { ApiFailure } from '../../api/client.ts';
import { factorRows, formatStoredValue, versionStates } from './factor-view.ts';
import { formIssues } from './form-issues.ts';

const f = (scope: string, version: number, validFrom: string, value = version): Factor => ({
  key: 'fuel.natural_gas.ncv',
  version,
  scope,
  value,
  unit: 'GJ/m3',
  validFrom,
  source: 's',
  status: 'secondary',
  createdBy: 'seed',
  createdAt: '2025-01-01T00:00:00.000Z',
});

describe('versionStates', () => {
  test('the latest validFrom on or before the date wins; on the same date the higher version', () => {
    const v1 = f('*', 1, '2000-01-01');
    const v2 = f('*', 2, '2024-01-01');
    const v3 = f('*', 3, '2024-01-01');
    const v4 = f('*', 4, '2026-01-01');
    const states = versionStates([v1, v2, v3, v4], '2025-06-30');
    expect([v1, v2, v3, v4].map((v) => states.get(v))).toEqual([
      'superseded',
      'superseded',
      'in_force',
      'scheduled',
    ]);
  });

  test('scopes are resolved apart, and a default is marked overridden by the park’s version in force', () => {
    const d = f('*', 1, '2000-01-01');
    const p = f('park:p', 1, '2025-01-01');
    const rows = factorRows([d, p], '2025-03-01', false);
    expect(rows.map((r) => [r.factor.scope, r.state, r.overriddenByPark])).toEqual([
      ['*', 'in_force', true],
      ['park:p', 'in_force', false],
    ]);
    // Before the park's version starts, the default applies and the park's is shown as scheduled.
    const early = factorRows([d, p], '2024-12-31', false);
    expect(early.map((r) => [r.state, r.overriddenByPark])).toEqual([
      ['in_force', false],
      ['scheduled', false],
    ]);
  });
});

describe('formatStoredValue', () => {
  test('shows the value as stored, without binary noise or rounding', () => {
    expect(formatStoredValue(389.31 / 10_000)).toBe('0.038931');
    expect(formatStoredValue(0.3055 / 1000)).toBe('0.0003055');
    expect(formatStoredValue(0.1333)).toBe('0.1333');
    expect(formatStoredValue(3763)).toBe('3,763');
    expect(formatStoredValue(1e-7)).toBe('0.0000001');
  });
});

describe('formIssues', () => {
  test('files issues under their fields, dotted paths under their root', () => {
    const e = new ApiFailure(
      400,
      {
        error: 'BAD_INPUT',
        message: 'x',
        issues: [
          { field: 'evidence', reason: 'needs evidence' },
          { field: 'gridFactor.dataYear', reason: 'a year' },
          { field: 'createdBy', reason: 'who' },
        ],
      },
      'x',
    );
    const issues = formIssues(e, ['evidence', 'gridFactor']);
    expect(issues?.byField.get('evidence')).toEqual(['needs evidence']);
    expect(issues?.byField.get('gridFactor')).toEqual(['a year']);
    expect(issues?.general).toEqual(['createdBy: who']);
  });

  test('reads the field from a message without issues (schema checks, organisation)', () => {
    const schema = new ApiFailure(
      400,
      { error: 'BAD_INPUT', message: 'body/validFrom must match pattern "^\\d{4}-\\d{2}-\\d{2}$"' },
      'm',
    );
    expect(formIssues(schema, ['validFrom'])?.byField.get('validFrom')?.[0]).toContain('must match');
    const org = new ApiFailure(400, { error: 'BAD_INPUT', message: 'organisation: "X" is not …' }, 'm');
    expect(formIssues(org, ['organisation'])?.byField.has('organisation')).toBe(true);
    expect(formIssues(new ApiFailure(403, null, 'f'), ['x'])).toBeNull();
  });
});
