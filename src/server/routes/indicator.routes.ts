/** Indicator sets and the park's scorecard over HTTP (park-level: park admins and auditors). */
import type { FastifyInstance } from 'fastify';
import Type, { type Static } from 'typebox';
import { recordAudit } from '../../modules/access/index.ts';
import { ParkParams, type RouteContext } from './context.ts';

const ScorecardQuery = Type.Object({
  year: Type.Integer({ minimum: 2000, maximum: 2100, description: 'assessment year (park-local)' }),
  set: Type.Optional(Type.String({ minLength: 1, maxLength: 80, description: "set id, or 'id@version'" })),
  profile: Type.Optional(Type.String({ minLength: 1, maxLength: 80 })),
  targetYear: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
});
type ScorecardQuery = Static<typeof ScorecardQuery>;

const Selector = Type.Object(
  {
    bandMinTce: Type.Optional(Type.Number({ minimum: 0 })),
    bandMaxTce: Type.Optional(Type.Number({ minimum: 0 })),
    year: Type.Optional(Type.Integer({ minimum: 2000, maximum: 2100 })),
  },
  { additionalProperties: false },
);
const ConfigureBody = Type.Object(
  {
    thresholds: Type.Array(
      Type.Object(
        {
          indicator: Type.String({ minLength: 1, maxLength: 80 }),
          threshold: Type.Union([Type.Integer({ minimum: 0 }), Selector]),
          value: Type.Union([Type.Number(), Type.Null()]),
          source: Type.String({ minLength: 1, maxLength: 500 }),
          status: Type.Optional(
            Type.Union([Type.Literal('verified'), Type.Literal('secondary'), Type.Literal('unverified')]),
          ),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 100 },
    ),
  },
  { additionalProperties: false },
);
type ConfigureBody = Static<typeof ConfigureBody>;

export function indicatorRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const tags = ['indicators'];
  app.get<{ Params: { park: string }; Querystring: ScorecardQuery }>(
    '/api/parks/:park/indicators',
    {
      schema: {
        tags,
        summary:
          'Scorecard: each indicator’s value, threshold for the park’s band, pass / fail / gap, or what is missing',
        params: ParkParams,
        querystring: ScorecardQuery,
      },
    },
    async (req) => {
      const q = req.query;
      return (await ctx.gate(req, 'read')).scorecard(q.year, q.set, q.profile, q.targetYear);
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/indicator-sets',
    {
      schema: {
        tags,
        summary: 'Indicator sets: shipped and the park’s configured versions',
        params: ParkParams,
      },
    },
    async (req) => ({ sets: await (await ctx.gate(req, 'read')).indicatorSets() }),
  );

  app.post<{ Params: { park: string; id: string }; Body: ConfigureBody }>(
    '/api/parks/:park/indicator-sets/:id',
    {
      schema: {
        tags,
        summary: 'Fill in thresholds (with their source): saved as the set’s next version for this park',
        params: Type.Object({
          park: ParkParams.properties.park,
          id: Type.String({ minLength: 1, maxLength: 80 }),
        }),
        body: ConfigureBody,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const set = await data.configureIndicatorSet(req.params.id, req.body.thresholds);
      await recordAudit(ctx.pool, {
        actor: data.scope.actor,
        action: 'indicators.configure',
        parkId: data.park.id,
        target: `${set.id}@${set.version}`,
        detail: { thresholds: req.body.thresholds },
      });
      return set;
    },
  );
}
