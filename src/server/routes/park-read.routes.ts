/** Read routes of a park: every handler gets its data through the gate (`ctx.gate(req, 'read')`). */
import type { FastifyInstance } from 'fastify';
import Type from 'typebox';
import { listParks } from '../../modules/registry/index.ts';
import { scopeFor } from '../../modules/access/index.ts';
import { requireUser } from '../auth.ts';
import { ParkParams, PeriodText, sendJson, type RouteContext } from './context.ts';

const Resolution = Type.Enum(['15m', 'hour', 'day', 'month'] as const);
const Organisation = Type.Optional(Type.String({ minLength: 1, maxLength: 64 }));
type PeriodQuery = { period: string; organisation?: string };

export function parkReadRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get(
    '/api/parks',
    { schema: { tags: ['parks'], summary: 'The parks the caller may open' } },
    async (req) => {
      requireUser(req);
      const principal = req.principal!;
      const parks = (await listParks(ctx.pool)).filter((p) => scopeFor(principal, p.id) !== undefined);
      return {
        parks: parks.map((p) => ({
          id: p.id,
          name: p.name,
          province: p.province,
          timezone: p.timezone,
          gridRegion: p.gridRegion,
          location: p.spec.location,
        })),
      };
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park',
    {
      schema: { tags: ['parks'], summary: 'A park: organisations in scope, data range', params: ParkParams },
    },
    async (req, reply) => sendJson(reply, await (await ctx.gate(req, 'read')).info()),
  );

  const periodSchema = Type.Object({ period: PeriodText, organisation: Organisation });

  app.get<{ Params: { park: string }; Querystring: PeriodQuery }>(
    '/api/parks/:park/overview',
    {
      schema: {
        tags: ['energy'],
        summary: 'Energy by carrier (physical and tce), completeness and alarms',
        params: ParkParams,
        querystring: periodSchema,
      },
    },
    async (req, reply) =>
      sendJson(reply, await (await ctx.gate(req, 'read')).overview(req.query.period, req.query.organisation)),
  );

  app.get<{
    Params: { park: string };
    Querystring: PeriodQuery & { resolution: '15m' | 'hour' | 'day' | 'month' };
  }>(
    '/api/parks/:park/trend',
    {
      schema: {
        tags: ['energy'],
        summary: 'Net energy per carrier per bucket',
        params: ParkParams,
        querystring: Type.Object({ period: PeriodText, resolution: Resolution, organisation: Organisation }),
      },
    },
    async (req, reply) =>
      sendJson(
        reply,
        await (
          await ctx.gate(req, 'read')
        ).trend(req.query.period, req.query.resolution, req.query.organisation),
      ),
  );

  app.get<{ Params: { park: string }; Querystring: PeriodQuery }>(
    '/api/parks/:park/flow',
    {
      schema: {
        tags: ['energy'],
        summary: 'Energy flow (Sankey): supplies → carriers → organisations, in tce',
        params: ParkParams,
        querystring: periodSchema,
      },
    },
    async (req, reply) =>
      sendJson(reply, await (await ctx.gate(req, 'read')).flow(req.query.period, req.query.organisation)),
  );

  app.get<{ Params: { park: string }; Querystring: { period: string } }>(
    '/api/parks/:park/organisations',
    {
      schema: {
        tags: ['organisations'],
        summary: 'Organisations ranked by energy, with period-on-period and year-on-year change',
        params: ParkParams,
        querystring: Type.Object({ period: PeriodText }),
      },
    },
    async (req, reply) => sendJson(reply, await (await ctx.gate(req, 'read')).ranking(req.query.period)),
  );

  app.get<{ Params: { park: string; org: string }; Querystring: { period: string } }>(
    '/api/parks/:park/organisations/:org',
    {
      schema: {
        tags: ['organisations'],
        summary: 'One organisation: overview, comparison and meters',
        params: Type.Object({ park: ParkParams.properties.park, org: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ period: PeriodText }),
      },
    },
    async (req, reply) =>
      sendJson(
        reply,
        await (await ctx.gate(req, 'read')).organisationDetail(req.params.org, req.query.period),
      ),
  );

  app.get<{ Params: { park: string }; Querystring: { organisation?: string } }>(
    '/api/parks/:park/meters',
    {
      schema: {
        tags: ['meters'],
        summary: 'Meters in scope, with rejected-record counts and last reading time',
        params: ParkParams,
        querystring: Type.Object({ organisation: Organisation }),
      },
    },
    async (req, reply) =>
      sendJson(reply, await (await ctx.gate(req, 'read')).meterList(req.query.organisation)),
  );

  app.get<{
    Params: { park: string; meter: string };
    Querystring: { period: string; resolution?: '15m' | 'hour' | 'day' | 'month' };
  }>(
    '/api/parks/:park/meters/:meter/series',
    {
      schema: {
        tags: ['meters'],
        summary:
          "A meter's series with status per point (measured, estimated, missing, quarantined) and revisions",
        params: Type.Object({ park: ParkParams.properties.park, meter: Type.String({ minLength: 1 }) }),
        querystring: Type.Object({ period: PeriodText, resolution: Type.Optional(Resolution) }),
      },
    },
    async (req, reply) =>
      sendJson(
        reply,
        await (
          await ctx.gate(req, 'read')
        ).series(req.params.meter, req.query.period, req.query.resolution ?? 'day'),
      ),
  );

  app.get<{ Params: { park: string }; Querystring: { period: string } }>(
    '/api/parks/:park/energy',
    {
      schema: {
        tags: ['energy'],
        summary: 'Energy by carrier and role, per organisation and for the park (physical units)',
        params: ParkParams,
        querystring: Type.Object({ period: PeriodText }),
      },
    },
    async (req) => (await ctx.gate(req, 'read')).energy(req.query.period),
  );

  app.get<{ Params: { park: string }; Querystring: { period: string; meter?: string } }>(
    '/api/parks/:park/balance',
    {
      schema: {
        tags: ['meters'],
        summary: 'Parent meter vs. its sub-meters: unmetered share',
        params: ParkParams,
        querystring: Type.Object({ period: PeriodText, meter: Type.Optional(Type.String({ minLength: 1 })) }),
      },
    },
    async (req) => ({
      balances: await (await ctx.gate(req, 'read')).balance(req.query.period, req.query.meter),
    }),
  );

  app.get<{ Params: { park: string }; Querystring: { meter?: string; limit?: number } }>(
    '/api/parks/:park/rejected',
    {
      schema: {
        tags: ['data quality'],
        summary: 'Rejected records with their reasons (newest first)',
        params: ParkParams,
        querystring: Type.Object({
          meter: Type.Optional(Type.String({ minLength: 1 })),
          limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
        }),
      },
    },
    async (req) => (await ctx.gate(req, 'read')).rejected(req.query.meter, req.query.limit ?? 100),
  );
}
