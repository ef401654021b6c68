/**
 * Who may do what: the one place where a principal (a logged-in user or a gateway) becomes a park scope, and where
 * actions are allowed or refused. Pure; the server resolves every park request through `scopeFor` and hands the
 * routes nothing but the resulting scope.
 */
import type { Role } from '../../server/api-types.ts';

/** A logged-in user, with the parks it may open (and its organisation in each, for enterprise users). */
export interface UserPrincipal {
  kind: 'user';
  username: string;
  displayName: string;
  role: Role;
  parks: ReadonlyMap<string, { organisation: string | null }>;
}

/** A gateway: one park, optionally a list of meters. */
export interface GatewayPrincipal {
  kind: 'gateway';
  parkId: string;
  gatewayId: string;
  meters: readonly string[] | null;
}

export type Principal = UserPrincipal | GatewayPrincipal;

/** What a principal may see and do in one park. */
export interface ParkScope {
  parkId: string;
  /** The name written on batches and audit events: `alice`, `gateway:gw-01`. */
  actor: string;
  role: Role | 'gateway';
  /** Data limited to this organisation (enterprise users); null: the whole park. */
  organisation: string | null;
  /** Meters a gateway may write; null: no meter list (the organisation or park limits apply). */
  meters: ReadonlySet<string> | null;
}

/** `enter_statistics`: statistical inputs (output, waste, claims …), which people enter and gateways never send. */
export type Action =
  'read' | 'ingest' | 'import' | 'enter_statistics' | 'configure' | 'manage_access' | 'read_audit';

const ALLOWED: Record<ParkScope['role'], ReadonlySet<Action>> = {
  park_admin: new Set([
    'read',
    'ingest',
    'import',
    'enter_statistics',
    'configure',
    'manage_access',
    'read_audit',
  ]),
  enterprise_user: new Set(['read', 'ingest', 'enter_statistics']),
  auditor: new Set(['read', 'read_audit']),
  gateway: new Set(['ingest']),
};

/** The principal's scope in a park, or undefined when it has no access to that park at all. */
export function scopeFor(principal: Principal, parkId: string): ParkScope | undefined {
  if (principal.kind === 'gateway') {
    if (principal.parkId !== parkId) return undefined;
    return {
      parkId,
      actor: `gateway:${principal.gatewayId}`,
      role: 'gateway',
      organisation: null,
      meters: principal.meters ? new Set(principal.meters) : null,
    };
  }
  const membership = principal.parks.get(parkId);
  if (!membership) return undefined;
  const organisation = principal.role === 'enterprise_user' ? membership.organisation : null;
  // An enterprise user without an organisation would see the whole park: refuse instead.
  if (principal.role === 'enterprise_user' && !organisation) return undefined;
  return { parkId, actor: principal.username, role: principal.role, organisation, meters: null };
}

/** True when the scope allows the action. */
export function can(scope: ParkScope, action: Action): boolean {
  return ALLOWED[scope.role].has(action);
}

/**
 * True when the scope may read or write this meter: its organisation must be the scope's (enterprise users), and it
 * must be on the gateway's list (gateways).
 */
export function meterInScope(scope: ParkScope, meter: { code: string; organisation: string }): boolean {
  if (scope.organisation !== null && meter.organisation !== scope.organisation) return false;
  if (scope.meters !== null && !scope.meters.has(meter.code)) return false;
  return true;
}
