/** Park set-up (park_admin only; the server enforces): definition file, users, gateways, audit log. */
import type {
  ApplyCounts,
  ApplySummaryView,
  AuditEvent,
  GatewayCreated,
  GatewayView,
  Role,
  UserView,
} from '../../../src/server/api-types.ts';
import { apiGet, parkPath, query, request, requestText } from './client.ts';

/** The answer of PUT /definition. */
export type ApplySummary = ApplySummaryView;
export type { ApplyCounts };

export const getDefinition = (park: string) => requestText('GET', parkPath(park, '/definition'));

export const putDefinition = (park: string, yaml: string) =>
  request<ApplySummary>('PUT', parkPath(park, '/definition'), { body: yaml, contentType: 'text/yaml' });

export interface NewUser {
  username: string;
  displayName: string;
  role: Role;
  organisation?: string;
  password: string;
}

export const listUsers = (park: string, signal?: AbortSignal) =>
  apiGet<{ users: UserView[] }>(parkPath(park, '/users'), signal);

export const createUser = (park: string, user: NewUser) =>
  request<UserView>('POST', parkPath(park, '/users'), { body: user });

export const revokeUser = (park: string, username: string) =>
  request<unknown>('DELETE', parkPath(park, `/users/${encodeURIComponent(username)}`));

export const listGateways = (park: string, signal?: AbortSignal) =>
  apiGet<{ gateways: GatewayView[] }>(parkPath(park, '/gateways'), signal);

export const createGateway = (park: string, gateway: { id: string; name: string; meters?: string[] }) =>
  request<GatewayCreated>('POST', parkPath(park, '/gateways'), { body: gateway });

export const revokeGateway = (park: string, id: string) =>
  request<unknown>('DELETE', parkPath(park, `/gateways/${encodeURIComponent(id)}`));

export const listAudit = (park: string, limit: number, signal?: AbortSignal) =>
  apiGet<{ events: AuditEvent[] }>(parkPath(park, `/audit${query({ limit })}`), signal);
