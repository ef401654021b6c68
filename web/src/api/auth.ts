/** The session: log in (the server sets the HttpOnly cookie), log out, and who is logged in. */
import type { LoginResponse, UserView } from '../../../src/server/api-types.ts';
import { request } from './client.ts';

export const login = (username: string, password: string) =>
  request<LoginResponse>('POST', '/api/auth/login', { body: { username, password }, quiet401: true });

export const logout = () => request<unknown>('POST', '/api/auth/logout', { body: {}, quiet401: true });

export const me = (signal?: AbortSignal) =>
  request<UserView>('GET', '/api/auth/me', { signal, quiet401: true });
