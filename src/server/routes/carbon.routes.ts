/**
 * Carbon accounting over HTTP: accounts (live, closed, restated), their audit trail, the factor library, method
 * profiles and statistical inputs. Everything goes through the gate; an enterprise user sees its organisation only.
 */
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import Type, { type Static } from 'typebox';
import { recordAudit } from '../../modules/access/index.ts';
import {
  accountToJson,
  defaultProfileId,
  explainAccount,
  FACTOR_STATUSES,
  STATISTIC_COLUMNS,
} from '../../modules/carbon/index.ts';
import { csvText, ParkParams, type RouteContext } from './context.ts';

const AccountPeriod = Type.String({
  minLength: 4,
  maxLength: 24,
  description: "park-local months: '2025', '2025-Q2', '2025-03' or '2025-01..2025-06'",
});

const AccountQuery = Type.Object({
  period: AccountPeriod,
  organisation: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
  profile: Type.Optional(
    Type.String({ minLength: 1, maxLength: 80, description: "method profile id, or 'id@version'" }),
  ),
});
type AccountQuery = Static<typeof AccountQuery>;

const ExplainQuery = Type.Object({
  ...AccountQuery.properties,
  format: Type.Optional(Type.Union([Type.Literal('json'), Type.Literal('text')])),
  lang: Type.Optional(Type.Union([Type.Literal('zh-CN'), Type.Literal('en')])),
});
type ExplainQuery = Static<typeof ExplainQuery>;

const CloseBody = Type.Object(
  {
    ...AccountQuery.properties,
    reason: Type.Optional(
      Type.String({ minLength: 1, maxLength: 2000, description: 'required for a restatement' }),
    ),
  },
  { additionalProperties: false },
);
type CloseBody = Static<typeof CloseBody>;

const FactorBody = Type.Object(
  {
    organisation: Type.Optional(Type.String({ maxLength: 64, description: "'' or absent: the whole park" })),
    key: Type.String({ minLength: 3, maxLength: 120 }),
    value: Type.Number(),
    unit: Type.String({ minLength: 1, maxLength: 40 }),
    validFrom: Type.String({
      pattern: '^\\d{4}-\\d{2}-\\d{2}$',
      description: 'park-local date it is in force from',
    }),
    source: Type.String({ minLength: 1, maxLength: 500 }),
    status: Type.Union(FACTOR_STATUSES.map((s) => Type.Literal(s))),
    dataYear: Type.Optional(Type.Integer({ minimum: 1990, maximum: 2100 })),
    evidence: Type.Optional(Type.String({ maxLength: 500 })),
    note: Type.Optional(Type.String({ maxLength: 2000 })),
  },
  { additionalProperties: false },
);
type FactorBody = Static<typeof FactorBody>;

const ProfileBody = Type.Object(
  {
    from: Type.String({ minLength: 1, maxLength: 80, description: "profile to copy: 'id' or 'id@version'" }),
    id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[a-z0-9][a-z0-9-]*$' }),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    nameEn: Type.Optional(Type.String({ maxLength: 200 })),
    changes: Type.Record(Type.String(), Type.Unknown(), { description: 'profile fields to change' }),
  },
  { additionalProperties: false },
);
type ProfileBody = Static<typeof ProfileBody>;

const StatisticRowSchema = Type.Object(
  Object.fromEntries(
    STATISTIC_COLUMNS.map((c) => [
      c,
      Type.Optional(Type.Union([Type.String({ maxLength: 500 }), Type.Number()])),
    ]),
  ),
  { additionalProperties: false },
);
const StatisticsBody = Type.Object(
  { rows: Type.Array(StatisticRowSchema, { minItems: 1, maxItems: 5000 }) },
  { additionalProperties: false },
);
type StatisticsBody = Static<typeof StatisticsBody>;

export function carbonRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const tags = ['carbon'];

  app.get<{ Params: { park: string }; Querystring: AccountQuery }>(
    '/api/parks/:park/account',
    {
      schema: {
        tags,
        summary:
          'Energy and CO₂ account of the park or an organisation: live, or closed with any restatement',
        params: ParkParams,
        querystring: AccountQuery,
      },
    },
    async (req) => {
      const q = req.query;
      return (await ctx.gate(req, 'read')).account(q.period, q.organisation, q.profile);
    },
  );

  app.get<{ Params: { park: string }; Querystring: ExplainQuery }>(
    '/api/parks/:park/account/explain',
    {
      schema: {
        tags,
        summary: "An account's audit trail: inputs with coverage, factors with sources, formulas, sums",
        params: ParkParams,
        querystring: ExplainQuery,
      },
    },
    async (req, reply) => {
      const q = req.query;
      const { account } = await (await ctx.gate(req, 'read')).account(q.period, q.organisation, q.profile);
      if (q.format === 'text')
        return reply
          .type('text/plain; charset=utf-8')
          .send(explainAccount(account, { lang: q.lang ?? 'zh-CN' }));
      return reply.type('application/json; charset=utf-8').send(accountToJson(account));
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/account/closes',
    { schema: { tags, summary: 'Closed periods and their restatements', params: ParkParams } },
    async (req) => ({ closes: await (await ctx.gate(req, 'read')).closes() }),
  );

  app.post<{ Params: { park: string }; Body: CloseBody }>(
    '/api/parks/:park/account/closes',
    {
      schema: {
        tags,
        summary: 'Close a period (freeze its account); closing again restates it, with a reason',
        params: ParkParams,
        body: CloseBody,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const b = req.body;
      const { close } = await data.closeAccount(b.period, b.organisation, b.profile, b.reason);
      await recordAudit(ctx.pool, {
        actor: data.scope.actor,
        action: close.supersedes === null ? 'account.close' : 'account.restate',
        parkId: data.park.id,
        target: `${close.organisation ?? 'park'} ${close.fromMonth}..${close.toMonth} ${close.profileId}`,
        detail: { close: close.id, supersedes: close.supersedes, reason: close.reason },
      });
      return close;
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/factors',
    { schema: { tags, summary: 'Factor library: defaults and the park’s own versions', params: ParkParams } },
    async (req) => ({ factors: await (await ctx.gate(req, 'read')).factors() }),
  );

  app.post<{ Params: { park: string }; Body: FactorBody }>(
    '/api/parks/:park/factors',
    {
      schema: {
        tags,
        summary: 'Add a factor version (e.g. a measured calorific value) in force from a date',
        params: ParkParams,
        body: FactorBody,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const f = await data.addFactor(req.body);
      await recordAudit(ctx.pool, {
        actor: data.scope.actor,
        action: 'factor.add',
        parkId: data.park.id,
        target: `${f.key}@${f.scope}#${f.version}`,
        detail: { value: f.value, unit: f.unit, validFrom: f.validFrom, source: f.source },
      });
      return f;
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/profiles',
    { schema: { tags, summary: 'Method profiles: shipped and the park’s own', params: ParkParams } },
    async (req) => {
      const data = await ctx.gate(req, 'read');
      // `default`: the profile an account uses when none is asked for (the park province's).
      return { profiles: await data.profiles(), default: defaultProfileId(data.park.province) };
    },
  );

  app.post<{ Params: { park: string }; Body: ProfileBody }>(
    '/api/parks/:park/profiles',
    {
      schema: {
        tags,
        summary: 'Save a profile: a changed copy of another, or the next version of the park’s own',
        params: ParkParams,
        body: ProfileBody,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const b = req.body;
      const p = await data.saveProfile({
        from: b.from,
        id: b.id,
        name: b.name,
        ...(b.nameEn ? { nameEn: b.nameEn } : {}),
        changes: b.changes,
      });
      await recordAudit(ctx.pool, {
        actor: data.scope.actor,
        action: 'profile.save',
        parkId: data.park.id,
        target: `${p.id}@${p.version}`,
        detail: { from: b.from },
      });
      return p;
    },
  );

  app.get<{ Params: { park: string }; Querystring: { period: string; organisation?: string } }>(
    '/api/parks/:park/statistics',
    {
      schema: {
        tags,
        summary: 'Statistical inputs (latest versions) over a period',
        params: ParkParams,
        querystring: Type.Object({
          period: AccountPeriod,
          organisation: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
        }),
      },
    },
    async (req) => ({
      statistics: await (await ctx.gate(req, 'read')).statistics(req.query.period, req.query.organisation),
    }),
  );

  app.post<{ Params: { park: string }; Body: StatisticsBody }>(
    '/api/parks/:park/statistics',
    {
      schema: {
        tags,
        summary: 'Enter statistical values (the data-entry form); refused rows come back with their reasons',
        params: ParkParams,
        body: StatisticsBody,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'enter_statistics');
      return data.submitStatistics(req.body.rows);
    },
  );

  app.post<{ Params: { park: string }; Body: Readable; Querystring: { file?: string } }>(
    '/api/parks/:park/statistics.csv',
    {
      bodyLimit: 16 * 1024 ** 2,
      schema: {
        tags,
        summary: 'Import a statistics CSV (organisation,month,kind,item,value,unit,evidence,note,factor_*)',
        params: ParkParams,
        querystring: Type.Object({ file: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'enter_statistics');
      return data.importStatistics(await csvText(req.body, 16 * 1024 ** 2), req.query.file);
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/statistics/batches',
    {
      schema: { tags, summary: 'Statistics imports and submissions, with refused rows', params: ParkParams },
    },
    async (req) => ({ batches: await (await ctx.gate(req, 'read')).statisticBatches() }),
  );
}
