import { describe, expect, it } from 'vitest';
import { can, meterInScope, scopeFor, type Action, type Principal } from './scope.ts';

const user = (role: 'park_admin' | 'enterprise_user' | 'auditor', org: string | null = null): Principal => ({
  kind: 'user',
  username: 'u',
  displayName: 'U',
  role,
  parks: new Map([['p1', { organisation: org }]]),
});

const ACTIONS: Action[] = [
  'read',
  'ingest',
  'import',
  'enter_statistics',
  'configure',
  'manage_access',
  'read_audit',
];

describe('scopes', () => {
  it('gives each role exactly its actions', () => {
    const table = (p: Principal) => ACTIONS.filter((a) => can(scopeFor(p, 'p1')!, a));
    expect(table(user('park_admin'))).toEqual(ACTIONS);
    expect(table(user('auditor'))).toEqual(['read', 'read_audit']);
    expect(table(user('enterprise_user', 'org-a'))).toEqual(['read', 'ingest', 'enter_statistics']);
    expect(table({ kind: 'gateway', parkId: 'p1', gatewayId: 'g', meters: null })).toEqual(['ingest']);
  });

  it('has no scope in a park the principal is not a member of', () => {
    expect(scopeFor(user('park_admin'), 'p2')).toBeUndefined();
    expect(scopeFor({ kind: 'gateway', parkId: 'p1', gatewayId: 'g', meters: null }, 'p2')).toBeUndefined();
  });

  it('refuses an enterprise user without an organisation rather than showing it the park', () => {
    expect(scopeFor(user('enterprise_user', null), 'p1')).toBeUndefined();
  });

  it('limits an enterprise user to its organisation and a gateway to its meters', () => {
    const ent = scopeFor(user('enterprise_user', 'org-a'), 'p1')!;
    expect(meterInScope(ent, { code: 'M1', organisation: 'org-a' })).toBe(true);
    expect(meterInScope(ent, { code: 'M2', organisation: 'org-b' })).toBe(false);
    const gw = scopeFor({ kind: 'gateway', parkId: 'p1', gatewayId: 'g', meters: ['M1'] }, 'p1')!;
    expect(meterInScope(gw, { code: 'M1', organisation: 'org-b' })).toBe(true);
    expect(meterInScope(gw, { code: 'M2', organisation: 'org-a' })).toBe(false);
    // A park admin's scope names no organisation: everything.
    expect(meterInScope(scopeFor(user('park_admin'), 'p1')!, { code: 'X', organisation: 'any' })).toBe(true);
  });
});
