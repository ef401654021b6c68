/** Log-in, log-out and "who am I". */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { login, LoginThrottle, logout } from '../../modules/access/index.ts';
import { requireUser, SESSION_COOKIE, setSessionCookie } from '../auth.ts';
import type { RouteContext } from './context.ts';

export function authRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const throttle = new LoginThrottle();
  app.post<{ Body: { username: string; password: string } }>(
    '/api/auth/login',
    {
      schema: {
        tags: ['auth'],
        summary: 'Log in: returns a session token and sets an HttpOnly session cookie',
        body: Type.Object(
          {
            username: Type.String({ minLength: 1, maxLength: 64 }),
            password: Type.String({ maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      // Sessions run on the real clock (the database's), not the data clock that tests pin.
      const session = await login(ctx.pool, req.body.username, req.body.password, { throttle });
      setSessionCookie(reply, session.token, session.expiresAtMs, ctx.secureCookies);
      return session;
    },
  );

  app.post(
    '/api/auth/logout',
    { schema: { tags: ['auth'], summary: 'End the session' } },
    async (req, reply) => {
      if (req.sessionToken) await logout(ctx.pool, req.sessionToken);
      void reply.clearCookie(SESSION_COOKIE, { path: '/' });
      return reply.status(204).send();
    },
  );

  app.get('/api/auth/me', { schema: { tags: ['auth'], summary: 'The logged-in user' } }, (req, reply) => {
    void reply.send(requireUser(req));
  });
}
