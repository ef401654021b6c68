/** Access management of a park: users, gateways and the audit log (park admins; auditors read the log). */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import {
  createGateway,
  createUser,
  listAudit,
  listGateways,
  listUsers,
  revokeGateway,
  revokeUserAccess,
} from '../../modules/access/index.ts';
import type { Role } from '../api-types.ts';
import { ParkParams, type RouteContext } from './context.ts';

const Name = Type.String({ minLength: 2, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._@-]*$' });

export function adminRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/users',
    { schema: { tags: ['access'], summary: "The park's users", params: ParkParams } },
    async (req) => ({ users: await listUsers(ctx.pool, (await ctx.gate(req, 'manage_access')).park.id) }),
  );

  app.post<{
    Params: { park: string };
    Body: { username: string; displayName?: string; role: Role; organisation?: string; password: string };
  }>(
    '/api/parks/:park/users',
    {
      schema: {
        tags: ['access'],
        summary: 'Create a user of this park (an enterprise user names its organisation)',
        params: ParkParams,
        body: Type.Object(
          {
            username: Name,
            displayName: Type.Optional(Type.String({ maxLength: 100 })),
            role: Type.Enum(['park_admin', 'enterprise_user', 'auditor'] as const),
            organisation: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
            password: Type.String({ minLength: 10, maxLength: 256 }),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'manage_access');
      const user = await createUser(ctx.pool, { ...req.body, parkId: data.park.id }, data.scope.actor);
      return reply.status(201).send(user);
    },
  );

  app.delete<{ Params: { park: string; username: string } }>(
    '/api/parks/:park/users/:username',
    {
      schema: {
        tags: ['access'],
        summary: "Revoke a user's access to this park (and its sessions when no park is left)",
        params: Type.Object({ park: ParkParams.properties.park, username: Type.String({ minLength: 1 }) }),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'manage_access');
      await revokeUserAccess(ctx.pool, data.park.id, req.params.username, data.scope.actor);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/gateways',
    { schema: { tags: ['access'], summary: "The park's gateways (never their tokens)", params: ParkParams } },
    async (req) => ({
      gateways: await listGateways(ctx.pool, (await ctx.gate(req, 'manage_access')).park.id),
    }),
  );

  app.post<{ Params: { park: string }; Body: { id: string; name?: string; meters?: string[] } }>(
    '/api/parks/:park/gateways',
    {
      schema: {
        tags: ['access'],
        summary: 'Create a gateway; its token is in the answer, once',
        params: ParkParams,
        body: Type.Object(
          {
            id: Name,
            name: Type.Optional(Type.String({ maxLength: 100 })),
            meters: Type.Optional(Type.Array(Type.String({ minLength: 1 }), { maxItems: 100_000 })),
          },
          { additionalProperties: false },
        ),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'manage_access');
      return reply.status(201).send(await createGateway(ctx.pool, data.park.id, req.body, data.scope.actor));
    },
  );

  app.delete<{ Params: { park: string; id: string } }>(
    '/api/parks/:park/gateways/:id',
    {
      schema: {
        tags: ['access'],
        summary: "Revoke a gateway's token",
        params: Type.Object({ park: ParkParams.properties.park, id: Type.String({ minLength: 1 }) }),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'manage_access');
      await revokeGateway(ctx.pool, data.park.id, req.params.id, data.scope.actor);
      return reply.status(204).send();
    },
  );

  app.get<{ Params: { park: string }; Querystring: { limit?: number } }>(
    '/api/parks/:park/audit',
    {
      schema: {
        tags: ['access'],
        summary: 'The audit log: every write with who and when (newest first)',
        params: ParkParams,
        querystring: Type.Object({ limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000 })) }),
      },
    },
    async (req) => ({
      events: await listAudit(ctx.pool, (await ctx.gate(req, 'read_audit')).park.id, req.query.limit ?? 200),
    }),
  );
}
