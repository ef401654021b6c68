/** Users, sessions, gateway tokens and the audit log: the services behind log-in and access management. */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { getPark, listOrganisations } from '../registry/index.ts';
import type { AuditEvent, GatewayCreated, GatewayView, Role, UserView } from '../../server/api-types.ts';
import * as repo from './access.repo.ts';
import { hashPassword, MIN_PASSWORD_LENGTH, newToken, tokenHash, verifyPassword } from './password.ts';
import type { GatewayPrincipal, UserPrincipal } from './scope.ts';

export const ROLES: readonly Role[] = ['park_admin', 'enterprise_user', 'auditor'];
/** How long a log-in lasts. */
export const SESSION_TTL_MS = 12 * 3_600_000;
const NAME_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._@-]{1,63}$/;

function toUserView(row: repo.UserRow): UserView {
  const organisations = row.parks.map((p) => p.organisation).filter((o): o is string => o !== null);
  return {
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    parks: row.parks.map((p) => p.parkId),
    organisation: organisations[0] ?? null,
    revoked: row.revokedAtMs !== null,
    createdAtMs: row.createdAtMs,
  };
}

function toPrincipal(row: repo.UserRow): UserPrincipal {
  return {
    kind: 'user',
    username: row.username,
    displayName: row.displayName,
    role: row.role,
    parks: new Map(row.parks.map((p) => [p.parkId, { organisation: p.organisation }])),
  };
}

/** Records a write in the audit log: who, when (the database clock), what, on which target. */
export async function recordAudit(
  db: pg.Pool | pg.PoolClient,
  event: { actor: string; action: string; parkId: string | null; target?: string | null; detail?: object },
): Promise<void> {
  await repo.insertAudit(db, {
    actor: event.actor,
    action: event.action,
    parkId: event.parkId,
    target: event.target ?? null,
    detail: event.detail ?? {},
  });
}

/** The park's audit log, newest first. */
export async function listAudit(pool: pg.Pool, parkId: string, limit = 200): Promise<AuditEvent[]> {
  return repo.listAudit(pool, parkId, limit);
}

export interface NewUser {
  username: string;
  displayName?: string | undefined;
  role: Role;
  password: string;
  parkId: string;
  organisation?: string | null | undefined;
}

/** Creates a user with access to one park (an enterprise user: to one organisation of it). */
export async function createUser(pool: pg.Pool, user: NewUser, actor: string): Promise<UserView> {
  const issues: { field: string; reason: string }[] = [];
  if (!NAME_PATTERN.test(user.username))
    issues.push({ field: 'username', reason: '2–64 letters, digits, ".", "_", "@" or "-"' });
  if (!ROLES.includes(user.role)) issues.push({ field: 'role', reason: `one of ${ROLES.join(', ')}` });
  if (user.password.length < MIN_PASSWORD_LENGTH)
    issues.push({ field: 'password', reason: `at least ${MIN_PASSWORD_LENGTH} characters` });
  const organisation = user.role === 'enterprise_user' ? (user.organisation ?? null) : null;
  if (user.role === 'enterprise_user' && !organisation)
    issues.push({ field: 'organisation', reason: 'an enterprise user needs its organisation' });
  if (user.role !== 'enterprise_user' && user.organisation)
    issues.push({ field: 'organisation', reason: 'only enterprise users are scoped to an organisation' });
  await getPark(pool, user.parkId);
  if (organisation) {
    const orgs = await listOrganisations(pool, user.parkId);
    if (!orgs.some((o) => o.id === organisation))
      issues.push({
        field: 'organisation',
        reason: `no organisation "${organisation}" in park "${user.parkId}"`,
      });
  }
  if (issues.length > 0)
    throw new AppError('BAD_INPUT', `cannot create user "${user.username}": ${issues[0]!.reason}`, {
      issues,
    });
  const passwordHash = await hashPassword(user.password);
  const created = await repo.insertUser(pool, {
    username: user.username,
    displayName: user.displayName || user.username,
    role: user.role,
    passwordHash,
    createdBy: actor,
  });
  if (!created) throw new AppError('CONFLICT', `user "${user.username}" already exists`);
  await repo.addMembership(pool, user.username, user.parkId, organisation);
  await recordAudit(pool, {
    actor,
    action: 'user.create',
    parkId: user.parkId,
    target: user.username,
    detail: { role: user.role, organisation },
  });
  return toUserView((await repo.findUser(pool, user.username))!);
}

/**
 * Creates the user, or — when it exists — resets its password, role and park membership to these (used for the demo
 * log-ins and by `lingtan user add --update`).
 */
export async function upsertUser(pool: pg.Pool, user: NewUser, actor: string): Promise<UserView> {
  const existing = await repo.findUser(pool, user.username);
  if (!existing) return createUser(pool, user, actor);
  await repo.setPassword(pool, user.username, await hashPassword(user.password));
  await pool.query('UPDATE app_user SET role = $2, revoked_at = NULL WHERE username = $1', [
    user.username,
    user.role,
  ]);
  await repo.addMembership(pool, user.username, user.parkId, user.organisation ?? null);
  await recordAudit(pool, { actor, action: 'user.update', parkId: user.parkId, target: user.username });
  return toUserView((await repo.findUser(pool, user.username))!);
}

/** Gives an existing user access to a park (e.g. the admin who created it). */
export async function grantPark(
  pool: pg.Pool,
  username: string,
  parkId: string,
  organisation: string | null,
  actor: string,
): Promise<void> {
  await repo.addMembership(pool, username, parkId, organisation);
  await recordAudit(pool, {
    actor,
    action: 'user.grant',
    parkId,
    target: username,
    detail: { organisation },
  });
}

/** The park's users. */
export async function listUsers(pool: pg.Pool, parkId: string): Promise<UserView[]> {
  return (await repo.listUsersOfPark(pool, parkId)).map(toUserView);
}

/** Takes a user's access to a park away; a user left with no park is revoked, with all its sessions. */
export async function revokeUserAccess(
  pool: pg.Pool,
  parkId: string,
  username: string,
  actor: string,
): Promise<void> {
  const user = await repo.findUser(pool, username);
  if (!user || !user.parks.some((p) => p.parkId === parkId))
    throw new AppError('NOT_FOUND', `no user "${username}" in park "${parkId}"`);
  const remaining = await repo.removeMembership(pool, username, parkId);
  if (remaining === 0) await repo.revokeUser(pool, username);
  await recordAudit(pool, { actor, action: 'user.revoke', parkId, target: username, detail: { remaining } });
}

/** Tracks failed log-ins per user name: after 5 failures within 15 minutes the name is locked for 15 minutes. */
export class LoginThrottle {
  private readonly failures = new Map<string, number[]>();
  constructor(
    private readonly limit = 5,
    private readonly windowMs = 15 * 60_000,
  ) {}
  isLocked(username: string, nowMs: number): boolean {
    const recent = (this.failures.get(username) ?? []).filter((t) => nowMs - t < this.windowMs);
    this.failures.set(username, recent);
    return recent.length >= this.limit;
  }
  fail(username: string, nowMs: number): void {
    const list = this.failures.get(username) ?? [];
    list.push(nowMs);
    this.failures.set(username, list);
  }
  succeed(username: string): void {
    this.failures.delete(username);
  }
}

/** Checks a user name and password and opens a session; a wrong name and a wrong password fail alike. */
export async function login(
  pool: pg.Pool,
  username: string,
  password: string,
  options: { nowMs?: number; throttle?: LoginThrottle } = {},
): Promise<{ token: string; expiresAtMs: number; user: UserView }> {
  const nowMs = options.nowMs ?? Date.now();
  if (options.throttle?.isLocked(username, nowMs))
    throw new AppError('UNAUTHENTICATED', 'too many failed log-ins: try again in 15 minutes');
  const row = await repo.findUser(pool, username);
  // Hash even for an unknown name, so timing does not tell which names exist.
  const ok = row
    ? row.revokedAtMs === null && (await verifyPassword(password, row.passwordHash))
    : await verifyPassword(password, DUMMY_HASH).then(() => false);
  if (!row || !ok) {
    options.throttle?.fail(username, nowMs);
    throw new AppError('UNAUTHENTICATED', 'wrong user name or password');
  }
  options.throttle?.succeed(username);
  const { token, hash } = newToken('lts');
  const expiresAtMs = nowMs + SESSION_TTL_MS;
  await repo.insertSession(pool, hash, username, expiresAtMs);
  await recordAudit(pool, { actor: username, action: 'session.login', parkId: null, target: username });
  return { token, expiresAtMs, user: toUserView(row) };
}

const DUMMY_HASH = await hashPassword('not a password of anyone');

/** The user behind a session token, or undefined (unknown, expired, revoked). */
export async function sessionPrincipal(
  pool: pg.Pool,
  token: string,
): Promise<{ principal: UserPrincipal; user: UserView } | undefined> {
  const found = await repo.findSessionUser(pool, tokenHash(token));
  return found && { principal: toPrincipal(found.user), user: toUserView(found.user) };
}

/** Ends a session. */
export async function logout(pool: pg.Pool, token: string): Promise<void> {
  await repo.revokeSession(pool, tokenHash(token));
}

/** Sets a user's password (CLI). */
export async function setUserPassword(pool: pg.Pool, username: string, password: string, actor: string) {
  if (password.length < MIN_PASSWORD_LENGTH)
    throw new AppError('BAD_INPUT', `password: at least ${MIN_PASSWORD_LENGTH} characters`);
  const row = await repo.findUser(pool, username);
  if (!row) throw new AppError('NOT_FOUND', `no user "${username}"`);
  await repo.setPassword(pool, username, await hashPassword(password));
  await repo.revokeSessions(pool, username); // a new password ends every open session
  await recordAudit(pool, { actor, action: 'user.password', parkId: null, target: username });
}

function toGatewayView(row: repo.GatewayRow): GatewayView {
  return {
    id: row.id,
    name: row.name,
    meters: row.meters,
    revoked: row.revokedAtMs !== null,
    createdAtMs: row.createdAtMs,
    createdBy: row.createdBy,
    lastSeenAtMs: row.lastSeenAtMs,
  };
}

/** Creates a gateway and its token (returned once; only its hash is kept). */
export async function createGateway(
  pool: pg.Pool,
  parkId: string,
  gateway: { id: string; name?: string | undefined; meters?: readonly string[] | null | undefined },
  actor: string,
): Promise<GatewayCreated> {
  if (!NAME_PATTERN.test(gateway.id))
    throw new AppError(
      'BAD_INPUT',
      `gateway id "${gateway.id}": 2–64 letters, digits, ".", "_", "@" or "-"`,
      {
        issues: [{ field: 'id', reason: 'letters, digits, ".", "_", "@" or "-"' }],
      },
    );
  await getPark(pool, parkId);
  const meters = gateway.meters && gateway.meters.length > 0 ? [...new Set(gateway.meters)].sort() : null;
  if (meters) {
    const { rows } = await pool.query<{ code: string }>(
      'SELECT code FROM meter WHERE park_id = $1 AND code = ANY($2)',
      [parkId, meters],
    );
    const known = new Set(rows.map((r) => r.code));
    const unknown = meters.filter((m) => !known.has(m));
    if (unknown.length > 0)
      throw new AppError('BAD_INPUT', `no meter ${unknown.slice(0, 5).join(', ')} in park "${parkId}"`, {
        issues: unknown.map((m) => ({ field: 'meters', reason: `unknown meter "${m}"` })),
      });
  }
  const { token, hash } = newToken(`ltg_${gateway.id}`);
  const ok = await repo.insertGateway(pool, {
    parkId,
    id: gateway.id,
    name: gateway.name || gateway.id,
    meters,
    tokenHash: hash,
    createdBy: actor,
  });
  if (!ok) throw new AppError('CONFLICT', `gateway "${gateway.id}" already exists in park "${parkId}"`);
  await recordAudit(pool, {
    actor,
    action: 'gateway.create',
    parkId,
    target: gateway.id,
    detail: { meters },
  });
  return { ...toGatewayView((await repo.findGateway(pool, parkId, gateway.id))!), token };
}

/** The park's gateways (never their tokens). */
export async function listGateways(pool: pg.Pool, parkId: string): Promise<GatewayView[]> {
  return (await repo.listGateways(pool, parkId)).map(toGatewayView);
}

/** Revokes a gateway's token: from now on its HTTP requests are refused and its MQTT messages rejected. */
export async function revokeGateway(pool: pg.Pool, parkId: string, id: string, actor: string): Promise<void> {
  if (!(await repo.revokeGateway(pool, parkId, id))) {
    const g = await repo.findGateway(pool, parkId, id);
    if (!g) throw new AppError('NOT_FOUND', `no gateway "${id}" in park "${parkId}"`);
    return; // already revoked
  }
  await recordAudit(pool, { actor, action: 'gateway.revoke', parkId, target: id });
}

/** The live gateway behind a token, or undefined (unknown or revoked). */
export async function verifyGatewayToken(
  pool: pg.Pool,
  token: string,
): Promise<GatewayPrincipal | undefined> {
  const row = await repo.findGatewayByToken(pool, tokenHash(token));
  if (!row || row.revokedAtMs !== null) return undefined;
  await repo.touchGateway(pool, row.parkId, row.id);
  return { kind: 'gateway', parkId: row.parkId, gatewayId: row.id, meters: row.meters };
}

/** A gateway's state, for the MQTT worker (which knows the gateway from the topic). */
export async function findGateway(
  pool: pg.Pool,
  parkId: string,
  id: string,
): Promise<{ revoked: boolean; meters: string[] | null } | undefined> {
  const row = await repo.findGateway(pool, parkId, id);
  if (row && row.revokedAtMs === null) await repo.touchGateway(pool, parkId, id);
  return row && { revoked: row.revokedAtMs !== null, meters: row.meters };
}
