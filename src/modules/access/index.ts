/** Access: users, roles, sessions, gateway tokens, the audit log, and the one rule book of who may do what. */
export { can, meterInScope, scopeFor } from './scope.ts';
export type { Action, GatewayPrincipal, ParkScope, Principal, UserPrincipal } from './scope.ts';
export {
  createGateway,
  createUser,
  findGateway,
  grantPark,
  listAudit,
  listGateways,
  listUsers,
  login,
  LoginThrottle,
  logout,
  recordAudit,
  revokeGateway,
  revokeUserAccess,
  ROLES,
  SESSION_TTL_MS,
  sessionPrincipal,
  setUserPassword,
  upsertUser,
  verifyGatewayToken,
  type NewUser,
} from './access.service.ts';
export { hashPassword, verifyPassword, MIN_PASSWORD_LENGTH, SCRYPT_PARAMS } from './password.ts';
