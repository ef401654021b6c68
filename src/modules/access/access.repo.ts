/** SQL for users, sessions, gateways and the audit log. */
import type pg from 'pg';
import type { AuditEvent, Role } from '../../server/api-types.ts';

type Queryable = pg.Pool | pg.PoolClient;

export interface UserRow {
  username: string;
  displayName: string;
  role: Role;
  passwordHash: string;
  createdAtMs: number;
  createdBy: string;
  revokedAtMs: number | null;
  parks: { parkId: string; organisation: string | null }[];
}

const USER_SELECT = `
  SELECT u.username, u.display_name AS "displayName", u.role, u.password_hash AS "passwordHash",
         u.created_at AS "createdAtMs", u.created_by AS "createdBy", u.revoked_at AS "revokedAtMs",
         coalesce(json_agg(json_build_object('parkId', p.park_id, 'organisation', p.organisation)
                  ORDER BY p.park_id) FILTER (WHERE p.park_id IS NOT NULL), '[]') AS parks
  FROM app_user u LEFT JOIN user_park p ON p.username = u.username`;

export async function findUser(db: Queryable, username: string): Promise<UserRow | undefined> {
  const { rows } = await db.query<UserRow>(`${USER_SELECT} WHERE u.username = $1 GROUP BY u.username`, [
    username,
  ]);
  return rows[0];
}

export async function listUsersOfPark(db: Queryable, parkId: string): Promise<UserRow[]> {
  const { rows } = await db.query<UserRow>(
    `${USER_SELECT} WHERE u.username IN (SELECT username FROM user_park WHERE park_id = $1)
     GROUP BY u.username ORDER BY u.username`,
    [parkId],
  );
  return rows;
}

export async function insertUser(
  db: Queryable,
  user: { username: string; displayName: string; role: Role; passwordHash: string; createdBy: string },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO app_user (username, display_name, role, password_hash, created_by)
     VALUES ($1, $2, $3, $4, $5) ON CONFLICT (username) DO NOTHING`,
    [user.username, user.displayName, user.role, user.passwordHash, user.createdBy],
  );
  return rowCount === 1;
}

export async function setPassword(db: Queryable, username: string, passwordHash: string): Promise<void> {
  await db.query('UPDATE app_user SET password_hash = $2 WHERE username = $1', [username, passwordHash]);
}

export async function addMembership(
  db: Queryable,
  username: string,
  parkId: string,
  organisation: string | null,
): Promise<void> {
  await db.query(
    `INSERT INTO user_park (username, park_id, organisation) VALUES ($1, $2, $3)
     ON CONFLICT (username, park_id) DO UPDATE SET organisation = EXCLUDED.organisation`,
    [username, parkId, organisation],
  );
}

export async function removeMembership(db: Queryable, username: string, parkId: string): Promise<number> {
  await db.query('DELETE FROM user_park WHERE username = $1 AND park_id = $2', [username, parkId]);
  const { rows } = await db.query<{ n: number }>(
    'SELECT count(*)::int AS n FROM user_park WHERE username = $1',
    [username],
  );
  return rows[0]!.n;
}

export async function revokeUser(db: Queryable, username: string): Promise<void> {
  await db.query('UPDATE app_user SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL', [
    username,
  ]);
  await db.query('UPDATE user_session SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL', [
    username,
  ]);
}

export async function revokeSessions(db: Queryable, username: string): Promise<void> {
  await db.query('UPDATE user_session SET revoked_at = now() WHERE username = $1 AND revoked_at IS NULL', [
    username,
  ]);
}

export async function insertSession(
  db: Queryable,
  tokenHash: Buffer,
  username: string,
  expiresAtMs: number,
): Promise<void> {
  await db.query('INSERT INTO user_session (token_hash, username, expires_at) VALUES ($1, $2, $3)', [
    tokenHash,
    username,
    new Date(expiresAtMs),
  ]);
}

/** The live session's user (not expired, not revoked, user not revoked), with the session's expiry. */
export async function findSessionUser(
  db: Queryable,
  tokenHash: Buffer,
): Promise<{ user: UserRow; expiresAtMs: number } | undefined> {
  const { rows } = await db.query<{ username: string; expiresAtMs: number }>(
    `SELECT s.username, s.expires_at AS "expiresAtMs" FROM user_session s JOIN app_user u ON u.username = s.username
     WHERE s.token_hash = $1 AND s.revoked_at IS NULL AND s.expires_at > now() AND u.revoked_at IS NULL`,
    [tokenHash],
  );
  const session = rows[0];
  if (!session) return undefined;
  const user = await findUser(db, session.username);
  return user && { user, expiresAtMs: session.expiresAtMs };
}

export async function revokeSession(db: Queryable, tokenHash: Buffer): Promise<void> {
  await db.query('UPDATE user_session SET revoked_at = now() WHERE token_hash = $1 AND revoked_at IS NULL', [
    tokenHash,
  ]);
}

export interface GatewayRow {
  parkId: string;
  id: string;
  name: string;
  meters: string[] | null;
  createdAtMs: number;
  createdBy: string;
  revokedAtMs: number | null;
  lastSeenAtMs: number | null;
}

const GATEWAY_SELECT = `
  SELECT park_id AS "parkId", id, name, meters, created_at AS "createdAtMs", created_by AS "createdBy",
         revoked_at AS "revokedAtMs", last_seen_at AS "lastSeenAtMs"
  FROM gateway`;

export async function insertGateway(
  db: Queryable,
  g: {
    parkId: string;
    id: string;
    name: string;
    meters: string[] | null;
    tokenHash: Buffer;
    createdBy: string;
  },
): Promise<boolean> {
  const { rowCount } = await db.query(
    `INSERT INTO gateway (park_id, id, name, meters, token_hash, created_by) VALUES ($1, $2, $3, $4, $5, $6)
     ON CONFLICT (park_id, id) DO NOTHING`,
    [g.parkId, g.id, g.name, g.meters, g.tokenHash, g.createdBy],
  );
  return rowCount === 1;
}

export async function findGatewayByToken(db: Queryable, tokenHash: Buffer): Promise<GatewayRow | undefined> {
  const { rows } = await db.query<GatewayRow>(`${GATEWAY_SELECT} WHERE token_hash = $1`, [tokenHash]);
  return rows[0];
}

export async function findGateway(
  db: Queryable,
  parkId: string,
  id: string,
): Promise<GatewayRow | undefined> {
  const { rows } = await db.query<GatewayRow>(`${GATEWAY_SELECT} WHERE park_id = $1 AND id = $2`, [
    parkId,
    id,
  ]);
  return rows[0];
}

export async function listGateways(db: Queryable, parkId: string): Promise<GatewayRow[]> {
  const { rows } = await db.query<GatewayRow>(`${GATEWAY_SELECT} WHERE park_id = $1 ORDER BY id`, [parkId]);
  return rows;
}

export async function revokeGateway(db: Queryable, parkId: string, id: string): Promise<boolean> {
  const { rowCount } = await db.query(
    'UPDATE gateway SET revoked_at = now() WHERE park_id = $1 AND id = $2 AND revoked_at IS NULL',
    [parkId, id],
  );
  return rowCount === 1;
}

export async function touchGateway(db: Queryable, parkId: string, id: string): Promise<void> {
  await db.query(
    `UPDATE gateway SET last_seen_at = now()
     WHERE park_id = $1 AND id = $2 AND (last_seen_at IS NULL OR last_seen_at < now() - interval '1 minute')`,
    [parkId, id],
  );
}

export type AuditRow = AuditEvent;

export async function insertAudit(
  db: Queryable,
  e: { actor: string; action: string; parkId: string | null; target: string | null; detail: object },
): Promise<void> {
  await db.query(
    'INSERT INTO audit_event (actor, action, park_id, target, detail) VALUES ($1, $2, $3, $4, $5)',
    [e.actor, e.action, e.parkId, e.target, JSON.stringify(e.detail)],
  );
}

export async function listAudit(db: Queryable, parkId: string, limit: number): Promise<AuditRow[]> {
  const { rows } = await db.query<AuditRow>(
    `SELECT id, at AS "atMs", actor, action, target, detail FROM audit_event
     WHERE park_id = $1 ORDER BY id DESC LIMIT $2`,
    [parkId, limit],
  );
  return rows;
}
