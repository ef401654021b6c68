/** The access module's gateways as MQTT ingestion needs them: login by token, check by topic. */
import type pg from 'pg';
import { findGateway, verifyGatewayToken } from '../../modules/access/index.ts';
import type { GatewayIdentity } from './broker.ts';
import type { GatewayCheck } from './group-committer.ts';

/** For the embedded broker: the gateway whose token is the password (the user name is checked by the broker). */
export function gatewayLogin(
  pool: pg.Pool,
): (username: string | undefined, password: string) => Promise<GatewayIdentity | undefined> {
  return async (_username, password) => {
    if (password === '') return undefined;
    const gw = await verifyGatewayToken(pool, password);
    return gw && { parkId: gw.parkId, gatewayId: gw.gatewayId };
  };
}

/** For the group committer: whether the gateway named in a topic may write, and which meters (any broker). */
export function gatewayCheck(pool: pg.Pool): (parkId: string, gatewayId: string) => Promise<GatewayCheck> {
  return async (parkId, gatewayId) => {
    const gw = await findGateway(pool, parkId, gatewayId);
    if (!gw) return { ok: false, reason: `unknown gateway ${gatewayId} in park ${parkId}` };
    if (gw.revoked) return { ok: false, reason: `gateway ${gatewayId} is revoked` };
    return { ok: true, meters: gw.meters ? new Set(gw.meters) : null };
  };
}
