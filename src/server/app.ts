/**
 * buildApp(deps) → a Fastify instance with the read API of the foundation (no listen; tests use inject). The
 * server issue adds ingestion endpoints, access control, OpenAPI and the web app.
 */
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import { AppError } from '../lib/errors.ts';
import { getPark, listMeters, listParks } from '../modules/registry/index.ts';
import {
  energyByCarrier,
  meterSeries,
  parsePeriod,
  rejectedCountsByMeter,
  rejectedRecords,
  subMeterBalance,
  type Resolution,
} from '../modules/telemetry/index.ts';
import { overviewPage } from './overview-page.ts';

export interface AppDeps {
  pool: pg.Pool;
  /** Clock for coverage (tests pin it). */
  now?: () => number;
}

const STATUS: Record<AppError['code'], number> = {
  BAD_INPUT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  CONFLICT: 409,
  UNAVAILABLE: 503,
  INTERNAL: 500,
};

const periodQuery = {
  type: 'object',
  properties: { period: { type: 'string', minLength: 4 } },
  required: ['period'],
} as const;

export async function buildApp(deps: AppDeps): Promise<FastifyInstance> {
  const app = Fastify({ logger: false });
  const now = deps.now ?? Date.now;
  const { pool } = deps;

  app.setErrorHandler((error, _request, reply) => {
    if (error instanceof AppError) {
      return reply
        .status(STATUS[error.code])
        .send({ error: error.code, message: error.message, issues: error.issues });
    }
    const e = error as { validation?: unknown; statusCode?: number; message?: string };
    if (e.validation || (e.statusCode && e.statusCode < 500)) {
      return reply.status(e.statusCode ?? 400).send({ error: 'BAD_INPUT', message: e.message });
    }
    app.log.error(error);
    return reply.status(500).send({ error: 'INTERNAL', message: 'internal error' });
  });

  app.get('/api/health', async () => {
    await pool.query('SELECT 1');
    return { status: 'ok' };
  });

  app.get('/api/parks', async () => ({
    parks: (await listParks(pool)).map((p) => ({
      id: p.id,
      name: p.name,
      province: p.province,
      timezone: p.timezone,
    })),
  }));

  app.get<{ Params: { park: string } }>('/api/parks/:park/meters', async (req) => {
    const park = await getPark(pool, req.params.park);
    const rejected = await rejectedCountsByMeter(pool, park.id);
    return {
      meters: (await listMeters(pool, park.id)).map((m) => ({
        ...m.spec,
        quantityUnit: m.quantityUnit,
        archived: m.archived,
        rejectedRecords: rejected.get(m.code) ?? 0,
      })),
    };
  });

  app.get<{
    Params: { park: string; meter: string };
    Querystring: { period: string; resolution?: Resolution };
  }>(
    '/api/parks/:park/meters/:meter/series',
    {
      schema: {
        querystring: {
          ...periodQuery,
          properties: { ...periodQuery.properties, resolution: { enum: ['15m', 'hour', 'day', 'month'] } },
        },
      },
    },
    async (req) => {
      const park = await getPark(pool, req.params.park);
      return meterSeries(
        pool,
        park.id,
        req.params.meter,
        parsePeriod(req.query.period, park.timezone),
        req.query.resolution ?? 'day',
        now(),
      );
    },
  );

  app.get<{ Params: { park: string }; Querystring: { period: string } }>(
    '/api/parks/:park/energy',
    { schema: { querystring: periodQuery } },
    async (req) => {
      const park = await getPark(pool, req.params.park);
      return energyByCarrier(pool, park.id, parsePeriod(req.query.period, park.timezone), now());
    },
  );

  app.get<{ Params: { park: string }; Querystring: { period: string; meter?: string } }>(
    '/api/parks/:park/balance',
    {
      schema: {
        querystring: { ...periodQuery, properties: { ...periodQuery.properties, meter: { type: 'string' } } },
      },
    },
    async (req) => {
      const park = await getPark(pool, req.params.park);
      return {
        balances: await subMeterBalance(
          pool,
          park.id,
          parsePeriod(req.query.period, park.timezone),
          req.query.meter,
          now(),
        ),
      };
    },
  );

  app.get<{ Params: { park: string }; Querystring: { meter?: string; limit?: number } }>(
    '/api/parks/:park/rejected',
    {
      schema: {
        querystring: {
          type: 'object',
          properties: { meter: { type: 'string' }, limit: { type: 'integer', minimum: 1, maximum: 1000 } },
        },
      },
    },
    async (req) => {
      const park = await getPark(pool, req.params.park);
      return rejectedRecords(pool, park.id, req.query.meter, req.query.limit ?? 100);
    },
  );

  app.get<{ Querystring: { park?: string; period?: string } }>('/', async (req, reply) => {
    const parks = await listParks(pool);
    const html = await overviewPage(pool, parks, req.query.park, req.query.period, now());
    return reply.type('text/html; charset=utf-8').send(html);
  });

  return app;
}
