/**
 * Authentication and the one gate every park request passes: the principal comes from the session cookie or a bearer
 * token; `parkData(req, action)` turns it into a park scope (or refuses) and returns the scoped data layer — the only
 * way a route reaches park data.
 */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type pg from 'pg';
import { AppError } from '../lib/errors.ts';
import {
  can,
  scopeFor,
  sessionPrincipal,
  verifyGatewayToken,
  type Action,
  type Principal,
} from '../modules/access/index.ts';
import { findPark } from '../modules/registry/index.ts';
import type { UserView } from './api-types.ts';
import { ParkData, type ParkMetersCache } from './park-data.ts';

export const SESSION_COOKIE = 'lingtan_session';

declare module 'fastify' {
  interface FastifyRequest {
    principal: Principal | undefined;
    user: UserView | undefined;
    sessionToken: string | undefined;
  }
}

/** Reads the caller's credentials (cookie or `Authorization: Bearer`) into `req.principal`; never refuses by itself. */
export function authenticateHook(pool: pg.Pool) {
  return async (req: FastifyRequest): Promise<void> => {
    req.principal = undefined;
    req.user = undefined;
    req.sessionToken = undefined;
    const header = req.headers.authorization;
    const bearer = header?.startsWith('Bearer ') ? header.slice(7).trim() : undefined;
    const token = bearer ?? req.cookies[SESSION_COOKIE];
    if (!token) return;
    if (token.startsWith('ltg_')) {
      req.principal = await verifyGatewayToken(pool, token);
      return;
    }
    const session = await sessionPrincipal(pool, token);
    if (session) {
      req.principal = session.principal;
      req.user = session.user;
      req.sessionToken = token;
    }
  };
}

/** The logged-in user, or UNAUTHENTICATED. */
export function requireUser(req: FastifyRequest): UserView {
  if (req.principal?.kind === 'gateway')
    throw new AppError('FORBIDDEN', 'a gateway token may only send readings; log in as a user');
  if (!req.user || req.principal?.kind !== 'user') throw new AppError('UNAUTHENTICATED', 'log in first');
  return req.user;
}

/**
 * The gate: the park must exist and be in the caller's scope (else NOT_FOUND — a park one may not see is not
 * confirmed to exist), and the caller's role must allow the action (else FORBIDDEN).
 */
export async function parkData(
  pool: pg.Pool,
  req: FastifyRequest<{ Params: { park: string } }>,
  action: Action,
  now: () => number,
  cache: ParkMetersCache,
): Promise<ParkData> {
  const principal = req.principal;
  if (!principal) throw new AppError('UNAUTHENTICATED', 'log in first (or send a gateway token)');
  const scope = scopeFor(principal, req.params.park);
  const park = scope && (await findPark(pool, req.params.park));
  if (!scope || !park) throw new AppError('NOT_FOUND', `no park "${req.params.park}"`);
  if (!can(scope, action))
    throw new AppError('FORBIDDEN', `${scope.role} may not ${action.replace('_', ' ')} in park "${park.id}"`);
  return new ParkData(pool, scope, park, now, cache);
}

/** Sets the session cookie: HttpOnly (no script can read it), SameSite=Strict (no cross-site request sends it). */
export function setSessionCookie(reply: FastifyReply, token: string, expiresAtMs: number, secure: boolean) {
  void reply.setCookie(SESSION_COOKIE, token, {
    path: '/',
    httpOnly: true,
    sameSite: 'strict',
    secure,
    expires: new Date(expiresAtMs),
  });
}
