/**
 * buildApp(deps) → the Fastify instance (no listen; tests use inject): the HTTP API with OpenAPI at /docs, the gate
 * that scopes every park request, and the web app from web/dist.
 */
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fastifyCookie from '@fastify/cookie';
import fastifyStatic from '@fastify/static';
import fastifySwagger from '@fastify/swagger';
import fastifySwaggerUi from '@fastify/swagger-ui';
import Fastify, { type FastifyInstance } from 'fastify';
import type pg from 'pg';
import { AppError } from '../lib/errors.ts';
import { authenticateHook, parkData } from './auth.ts';
import { AnswerCache } from './answer-cache.ts';
import { ImportJobs } from './import-jobs.ts';
import { MicrogridRuns } from './microgrid-runs.ts';
import { ParkMetersCache } from './park-data.ts';
import { adminRoutes } from './routes/admin.routes.ts';
import { carbonRoutes } from './routes/carbon.routes.ts';
import { greenRoutes } from './routes/green.routes.ts';
import { indicatorRoutes } from './routes/indicator.routes.ts';
import { microgridRoutes } from './routes/microgrid.routes.ts';
import { authRoutes } from './routes/auth.routes.ts';
import type { RouteContext } from './routes/context.ts';
import { parkReadRoutes } from './routes/park-read.routes.ts';
import { parkWriteRoutes } from './routes/park-write.routes.ts';

export interface AppDeps {
  pool: pg.Pool;
  /** Clock for coverage and log-in expiry (tests pin it). */
  now?: () => number;
  /** Where uploads are kept (default: a temporary directory). */
  uploadDir?: string;
  /** The built web app (default: web/dist of this checkout); absent → a page saying how to build it. */
  webRoot?: string;
  /** Extra figures for /api/metrics (the MQTT ingest workers'). */
  metrics?: () => Record<string, unknown>;
  /** Set the session cookie's Secure flag (serving behind HTTPS). */
  secureCookies?: boolean;
  /** Log requests and errors (pino) — off in tests. */
  logger?: boolean;
  /**
   * Keep the dashboard's answers in memory until the park's data or definition changes (default true; false computes
   * every answer, e.g. to measure what the cache saves). See ADR 0008.
   */
  answerCache?: boolean;
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

export const DEFAULT_WEB_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../web/dist');
const VERSION = '0.1.0';

/** The app, with its import jobs, its microgrid runs and the table of its routes (the access tests walk every one). */
export type LingtanApp = FastifyInstance & {
  imports: ImportJobs;
  microgridRuns: MicrogridRuns;
  routeTable: { method: string; url: string }[];
};

export async function buildApp(deps: AppDeps): Promise<LingtanApp> {
  const app = Fastify({ logger: deps.logger ?? false, bodyLimit: 64 * 1024 ** 2 });
  const now = deps.now ?? Date.now;
  const { pool } = deps;
  const startedAtMs = Date.now();
  const counters = { requests: 0, httpReadings: 0, httpRejected: 0, errors5xx: 0 };

  app.setErrorHandler((error, req, reply) => {
    if (error instanceof AppError) {
      return reply.status(STATUS[error.code]).send({
        error: error.code,
        message: error.message,
        issues: error.issues.length ? error.issues : undefined,
      });
    }
    const e = error as {
      validation?: { instancePath?: string; message?: string; params?: { missingProperty?: string } }[];
      validationContext?: string;
      statusCode?: number;
      message?: string;
    };
    if (e.validation || (e.statusCode && e.statusCode < 500)) {
      const status = e.statusCode ?? 400;
      // Schema failures name their field as every other input error does: body/validFrom → field "validFrom".
      const issues = e.validation?.map((v) => {
        const path = (v.instancePath ?? '').replace(/^\//, '').replace(/\//g, '.');
        const field =
          [path, v.params?.missingProperty].filter(Boolean).join('.') || (e.validationContext ?? '');
        return { field, reason: v.message ?? 'invalid' };
      });
      return reply.status(status).send({
        error: 'BAD_INPUT',
        message: e.message,
        ...(issues?.length ? { issues } : {}),
      });
    }
    counters.errors5xx += 1;
    req.log.error(error);
    if (!deps.logger) console.error(error);
    return reply.status(500).send({ error: 'INTERNAL', message: 'internal error (logged on the server)' });
  });

  await app.register(fastifyCookie);
  await app.register(fastifySwagger, {
    openapi: {
      info: {
        title: 'Lingtan (零碳) API',
        version: VERSION,
        description:
          'Energy-carbon management for zero-carbon parks. Log in (POST /api/auth/login) for a session cookie, ' +
          'or send `Authorization: Bearer <token>` (a session token or a gateway token).',
      },
      components: {
        securitySchemes: {
          bearer: { type: 'http', scheme: 'bearer' },
          cookie: { type: 'apiKey', in: 'cookie', name: 'lingtan_session' },
        },
      },
      security: [{ bearer: [] }, { cookie: [] }],
    },
  });
  await app.register(fastifySwaggerUi, { routePrefix: '/docs' });

  // CSV, YAML and plain bodies arrive as streams: routes read them with a size limit or store them to disk.
  app.addContentTypeParser(
    [
      'text/csv',
      'text/plain',
      'application/yaml',
      'text/yaml',
      'application/x-yaml',
      'application/octet-stream',
    ],
    (_req, payload, done) => done(null, payload),
  );

  const routeTable: { method: string; url: string }[] = [];
  app.addHook('onRoute', (route) => {
    for (const method of [route.method].flat()) {
      if (method !== 'HEAD') routeTable.push({ method, url: route.url });
    }
  });
  app.addHook('onRequest', (_req, _reply, done) => {
    counters.requests += 1;
    done();
  });
  app.addHook('preHandler', authenticateHook(pool));

  const answers = deps.answerCache === false ? undefined : new AnswerCache();
  const cache = new ParkMetersCache(answers);
  const imports = new ImportJobs(
    pool,
    deps.uploadDir ?? fs.mkdtempSync(path.join(os.tmpdir(), 'lingtan-up-')),
    now,
  );
  const microgridRuns = new MicrogridRuns({
    log: (level, message, error) => {
      app.log[level]({ err: error }, message);
      if (!deps.logger && level === 'error') console.error(message, error);
    },
  });
  // Before the server stops waiting for requests: solves (background or not) get a short grace, then are cancelled
  // and recorded as such; see MicrogridRuns.close. The pool is still open then (serve.ts closes it after the app).
  app.addHook('preClose', () => microgridRuns.close());
  const ctx: RouteContext = {
    pool,
    now,
    cache,
    imports,
    microgridRuns,
    secureCookies: deps.secureCookies ?? false,
    gate: (req, action) => parkData(pool, req, action, now, cache),
  };

  app.get(
    '/api/health',
    { schema: { tags: ['operations'], summary: 'Liveness and database check' } },
    async (_req, reply) => {
      try {
        await pool.query('SELECT 1');
        return {
          status: 'ok',
          version: VERSION,
          database: 'ok',
          uptimeS: Math.round((Date.now() - startedAtMs) / 1000),
        };
      } catch {
        return reply.status(503).send({ status: 'unavailable', version: VERSION, database: 'unreachable' });
      }
    },
  );

  app.get(
    '/api/metrics',
    {
      schema: {
        tags: ['operations'],
        summary: 'Ingest rate, lag, rejected records, memory (JSON; ?format=prometheus)',
      },
    },
    async (req, reply) => {
      const { rows } = await pool.query<{
        batches: number;
        readings: number;
        rejected: number;
        lastMs: number | null;
      }>(
        `SELECT count(*)::int AS batches, coalesce(sum(received), 0)::bigint AS readings,
                coalesce(sum(rejected), 0)::bigint AS rejected, max(finished_at) AS "lastMs"
         FROM ingest_batch WHERE started_at > now() - interval '5 minutes'`,
      );
      const recent = rows[0]!;
      const mem = process.memoryUsage();
      const body = {
        uptimeS: Math.round((Date.now() - startedAtMs) / 1000),
        http: { requests: counters.requests, errors5xx: counters.errors5xx },
        ingestLast5Min: {
          batches: recent.batches,
          readings: recent.readings,
          rejected: recent.rejected,
          readingsPerS: Math.round(recent.readings / 300),
          lastCommitAtMs: recent.lastMs,
        },
        mqtt: deps.metrics?.() ?? null,
        answerCache: answers?.stats() ?? null,
        process: { rssBytes: mem.rss, heapUsedBytes: mem.heapUsed },
      };
      if ((req.query as { format?: string }).format !== 'prometheus') return body;
      return reply.type('text/plain; version=0.0.4').send(prometheus(body));
    },
  );

  authRoutes(app, ctx);
  parkReadRoutes(app, ctx);
  parkWriteRoutes(app, ctx);
  adminRoutes(app, ctx);
  microgridRoutes(app, ctx);
  carbonRoutes(app, ctx);
  greenRoutes(app, ctx);
  indicatorRoutes(app, ctx);

  const webRoot = deps.webRoot ?? DEFAULT_WEB_ROOT;
  const hasWeb = fs.existsSync(path.join(webRoot, 'index.html'));
  if (hasWeb)
    await app.register(fastifyStatic, { root: webRoot, prefix: '/', wildcard: true, index: 'index.html' });
  app.setNotFoundHandler((req, reply) => {
    if (req.method !== 'GET' || req.url.startsWith('/api/') || req.url.startsWith('/docs')) {
      return reply
        .status(404)
        .send({ error: 'NOT_FOUND', message: `no route ${req.method} ${req.url.split('?')[0]}` });
    }
    // The web app routes in the browser: every other GET gets its page.
    if (hasWeb) return reply.type('text/html; charset=utf-8').sendFile('index.html');
    return reply
      .type('text/html; charset=utf-8')
      .send(
        '<!doctype html><meta charset="utf-8"><title>Lingtan</title><p>The web app is not built: run <code>npm run build:web</code>. The API is at <a href="/docs">/docs</a>.</p>',
      );
  });

  await app.ready();
  const withExtras = app as unknown as LingtanApp;
  withExtras.imports = imports;
  withExtras.microgridRuns = microgridRuns;
  withExtras.routeTable = routeTable;
  return withExtras;
}

/** Flattens the metrics object into Prometheus text format (numbers only). */
function prometheus(body: Record<string, unknown>, prefix = 'lingtan'): string {
  const out: string[] = [];
  const walk = (value: unknown, name: string) => {
    if (typeof value === 'number') out.push(`${name} ${value}`);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value))
        walk(v, `${name}_${k.replace(/[A-Z]/g, (c) => `_${c.toLowerCase()}`)}`);
    }
  };
  walk(body, prefix);
  return `${out.join('\n')}\n`;
}
