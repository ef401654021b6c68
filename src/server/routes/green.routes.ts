/**
 * Green electricity over HTTP: the certificate ledger (view, operations, imports), green-power trades and their
 * settlements, the grid's green share data sets, matching, the consumption statement, and physical tracing of a
 * network snapshot. Everything goes through the gate; an enterprise user sees its own holdings, trades and results.
 */
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import Type, { type Static } from 'typebox';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from '../../modules/access/index.ts';
import {
  CERTIFICATE_TECHNOLOGIES,
  parseTraceFile,
  summariseSeries,
  traceSeries,
  traceSnapshot,
  zoneSeries,
  type LedgerOperation,
} from '../../modules/green/index.ts';
import { bodyText, csvText, ParkParams, type RouteContext } from './context.ts';

const CSV_LIMIT = 32 * 1024 ** 2;
const Org = Type.String({ minLength: 1, maxLength: 64 });
const Month = Type.String({ pattern: '^\\d{4}-(0[1-9]|1[0-2])$' });
const Period = Type.String({
  minLength: 4,
  maxLength: 24,
  description: "park-local months: '2025', '2025-Q2', '2025-03' or '2025-01..2025-06'",
});

const Span = Type.Object(
  {
    series: Type.String({ minLength: 1, maxLength: 120 }),
    firstSerial: Type.Integer({ minimum: 0 }),
    lastSerial: Type.Integer({ minimum: 0 }),
  },
  { additionalProperties: false },
);
const Filter = Type.Object(
  {
    holder: Type.Optional(Type.String({ maxLength: 64, description: "'' = the park account" })),
    tradeId: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    technology: Type.Optional(Type.Enum(CERTIFICATE_TECHNOLOGIES)),
    series: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    production: Type.Optional(Type.Object({ from: Month, to: Month }, { additionalProperties: false })),
  },
  { additionalProperties: false },
);
const OperationBody = Type.Object(
  {
    kind: Type.Union([Type.Literal('transfer'), Type.Literal('claim'), Type.Literal('expire')]),
    spans: Type.Optional(Type.Array(Span, { minItems: 1, maxItems: 1000 })),
    amountMwh: Type.Optional(
      Type.Integer({ minimum: 1, description: 'or an amount: oldest certificates first' }),
    ),
    from: Type.Optional(Filter),
    to: Type.Optional(Type.String({ maxLength: 64, description: 'transfer: the receiving organisation' })),
    tradeId: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
    consumer: Type.Optional(
      Type.String({ maxLength: 64, description: "claim: the organisation, or '' for the park" }),
    ),
    period: Type.Optional(Type.Object({ from: Month, to: Month }, { additionalProperties: false })),
    evidence: Type.String({
      maxLength: 2000,
      description: 'the transfer or cancellation record (expire: may be empty)',
    }),
  },
  { additionalProperties: false },
);
type OperationBody = Static<typeof OperationBody>;

/** The operation a request body asks for, or a BAD_INPUT naming what is missing. */
function operationOf(b: OperationBody): LedgerOperation {
  const need = <T>(v: T | undefined, what: string): T => {
    if (v === undefined) throw new AppError('BAD_INPUT', `a ${b.kind} needs ${what}`);
    return v;
  };
  if (b.kind === 'expire') return { kind: 'expire', month: '' };
  const selection:
    | { spans: NonNullable<OperationBody['spans']> }
    | { amountMwh: number; from: NonNullable<OperationBody['from']> } = b.spans
    ? { spans: b.spans }
    : { amountMwh: need(b.amountMwh, 'spans or amountMwh'), from: b.from ?? {} };
  if (b.kind === 'transfer') {
    const to = need(b.to, 'to (the receiving organisation)');
    return 'spans' in selection
      ? { kind: 'transfer', spans: selection.spans, to, ...(b.tradeId ? { tradeId: b.tradeId } : {}) }
      : { kind: 'transfer', amountMwh: selection.amountMwh, from: { holder: '', ...selection.from }, to };
  }
  const target = { consumer: need(b.consumer, 'consumer'), period: need(b.period, 'period {from, to}') };
  return 'spans' in selection
    ? { kind: 'claim', spans: selection.spans, target }
    : { kind: 'claim', amountMwh: selection.amountMwh, from: selection.from, target };
}

const FileQuery = Type.Object({ file: Type.Optional(Type.String({ maxLength: 200 })) });
const GridShareQuery = Type.Object({
  file: Type.Optional(Type.String({ maxLength: 200 })),
  id: Type.String({ minLength: 1, maxLength: 64, pattern: '^[A-Za-z0-9][A-Za-z0-9._-]*$' }),
  label: Type.Optional(Type.String({ maxLength: 200 })),
  source: Type.String({ minLength: 1, maxLength: 1000 }),
  status: Type.Union([
    Type.Literal('published'),
    Type.Literal('estimated'),
    Type.Literal('traced'),
    Type.Literal('unverified'),
  ]),
});
type GridShareQuery = Static<typeof GridShareQuery>;
const MatchingQuery = Type.Object({
  period: Period,
  gridShare: Type.Optional(
    Type.String({ minLength: 1, maxLength: 80, description: "data set id, 'id@version', or 'none'" }),
  ),
  contract: Type.Optional(
    Type.String({
      minLength: 3,
      maxLength: 2000,
      description:
        "shared resources divided by contract, ';'-separated: 'OPS-EL-PV=ALU:0.5,DC:0.3;OPS:storage=DC:1'",
    }),
  ),
});
type MatchingQuery = Static<typeof MatchingQuery>;

export function greenRoutes(app: FastifyInstance, ctx: RouteContext): void {
  const tags = ['green'];
  const P = '/api/parks/:park/green';

  app.get<{ Params: { park: string }; Querystring: { organisation?: string } }>(
    `${P}/ledger`,
    {
      schema: {
        tags,
        summary: 'The certificate ledger: totals by state, ranges (with validity), recent events',
        params: ParkParams,
        querystring: Type.Object({ organisation: Type.Optional(Org) }),
      },
    },
    async (req) => (await ctx.gate(req, 'read')).ledger(req.query.organisation),
  );

  app.post<{ Params: { park: string }; Body: OperationBody }>(
    `${P}/ledger/operations`,
    {
      schema: {
        tags,
        summary:
          'Transfer (划转), claim (核销) or expire certificates: one append-only event, refused with a reason',
        params: ParkParams,
        body: OperationBody,
      },
    },
    async (req) => {
      // Claims are open to enterprise users for their own consumption; the rest is the park admin's.
      const data = await ctx.gate(req, req.body.kind === 'claim' ? 'enter_statistics' : 'configure');
      const result = await data.ledgerOperation(operationOf(req.body), req.body.evidence);
      await recordAudit(ctx.pool, {
        actor: data.scope.actor,
        action: `green.${result.event.body.kind}`,
        parkId: data.park.id,
        target: `event #${result.event.id}`,
        detail: { evidence: result.event.evidence },
      });
      return result;
    },
  );

  app.post<{ Params: { park: string }; Body: Readable; Querystring: { file?: string; evidence?: string } }>(
    `${P}/certificates.csv`,
    {
      bodyLimit: CSV_LIMIT,
      schema: {
        tags,
        summary:
          'Import certificate ranges (series,first_serial,last_serial,project_id,project_name,technology,production_month,tradable,holder,state,trade_id)',
        params: ParkParams,
        querystring: Type.Object({
          file: Type.Optional(Type.String({ maxLength: 200 })),
          evidence: Type.Optional(Type.String({ maxLength: 2000 })),
        }),
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      return data.importCertificates(await csvText(req.body, CSV_LIMIT), req.query.file, req.query.evidence);
    },
  );

  app.get<{ Params: { park: string } }>(
    `${P}/trades`,
    {
      schema: {
        tags,
        summary: 'Green-power trades with settled volumes and their certificates',
        params: ParkParams,
      },
    },
    async (req) => ({ trades: await (await ctx.gate(req, 'read')).trades() }),
  );

  for (const [path, kind, summary] of [
    [
      'trades.csv',
      'contracts',
      'Import trade contracts (id,buyer,counterparty,technology,from,to,contracted_mwh,evidence,settlement)',
    ],
    [
      'settlements.csv',
      'settlements',
      'Import settled volumes (trade_id,at,mwh; at = YYYY-MM or an hour start)',
    ],
  ] as const)
    app.post<{ Params: { park: string }; Body: Readable; Querystring: { file?: string } }>(
      `${P}/${path}`,
      { bodyLimit: CSV_LIMIT, schema: { tags, summary, params: ParkParams, querystring: FileQuery } },
      async (req) => {
        const data = await ctx.gate(req, 'configure');
        return data.importTrades(await csvText(req.body, CSV_LIMIT), kind, req.query.file);
      },
    );

  app.get<{ Params: { park: string } }>(
    `${P}/grid-shares`,
    { schema: { tags, summary: "The grid's green share data sets (latest versions)", params: ParkParams } },
    async (req) => ({ sets: await (await ctx.gate(req, 'read')).gridShareSets() }),
  );

  app.get<{ Params: { park: string; id: string }; Querystring: { version?: number } }>(
    `${P}/grid-shares/:id`,
    {
      schema: {
        tags,
        summary: 'The values of a grid green share data set (latest version, or the one asked for)',
        params: Type.Object({ ...ParkParams.properties, id: Type.String({ minLength: 1, maxLength: 64 }) }),
        querystring: Type.Object({ version: Type.Optional(Type.Integer({ minimum: 1 })) }),
      },
    },
    async (req) => (await ctx.gate(req, 'read')).gridShareValues(req.params.id, req.query.version),
  );

  app.post<{ Params: { park: string }; Body: Readable; Querystring: GridShareQuery }>(
    `${P}/grid-shares.csv`,
    {
      bodyLimit: CSV_LIMIT,
      schema: {
        tags,
        summary: "Import the grid's green share per hour or month (at,green_share) as a data set version",
        params: ParkParams,
        querystring: GridShareQuery,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const q = req.query;
      return data.importGridShare(await csvText(req.body, CSV_LIMIT), {
        id: q.id,
        source: q.source,
        status: q.status,
        ...(q.label ? { label: q.label } : {}),
        ...(q.file ? { file: q.file } : {}),
      });
    },
  );

  app.get<{ Params: { park: string }; Querystring: MatchingQuery }>(
    `${P}/matching`,
    {
      schema: {
        tags,
        summary:
          'Annual, monthly and hourly matching (24/7 CFE) of every organisation and the park, with heat maps',
        params: ParkParams,
        querystring: MatchingQuery,
      },
    },
    async (req) =>
      (await ctx.gate(req, 'read')).matching(req.query.period, req.query.gridShare, req.query.contract),
  );

  app.get<{ Params: { park: string }; Querystring: MatchingQuery & { organisation?: string } }>(
    `${P}/statement`,
    {
      schema: {
        tags,
        summary:
          "An organisation's green-electricity consumption statement: sources with their evidence and shares",
        params: ParkParams,
        querystring: Type.Object({ ...MatchingQuery.properties, organisation: Type.Optional(Org) }),
      },
    },
    async (req) => {
      const q = req.query;
      return (await ctx.gate(req, 'read')).greenStatement(q.period, q.organisation, q.gridShare, q.contract);
    },
  );

  app.post<{ Params: { park: string }; Body: Readable; Querystring: { load?: string; zone?: string } }>(
    `${P}/trace`,
    {
      bodyLimit: 64 * 1024 ** 2,
      schema: {
        tags,
        summary:
          'Physical tracing by proportional sharing: a network snapshot (each load’s shares by generator and technology), a series of snapshots or a zone model (hourly green share of a load or zone). Body: the JSON file of docs/green-tracing.md',
        params: ParkParams,
        querystring: Type.Object({
          load: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
          zone: Type.Optional(Type.String({ minLength: 1, maxLength: 120 })),
        }),
      },
    },
    async (req) => {
      // Tracing reads no park data: any caller of the park may run it.
      await ctx.gate(req, 'read');
      const text = await bodyText(req.body, 64 * 1024 ** 2, 'network file');
      const input = parseTraceFile(text, 'network.json');
      const q = req.query;
      if (input.kind === 'snapshot') return { kind: 'snapshot', trace: traceSnapshot(input.snapshot) };
      const points =
        input.kind === 'series'
          ? traceSeries(input.snapshots, {
              ...(q.load ? { load: q.load } : {}),
              ...(q.zone ? { zone: q.zone } : {}),
            })
          : zoneSeries(input.model, q.zone ?? input.model.zones[0]?.id ?? '');
      return { kind: input.kind, points, summary: summariseSeries(points) };
    },
  );
}
