/** Write routes: readings (JSON or CSV), CSV import jobs, and the park definition. */
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import Type from 'typebox';
import { AppError } from '../../lib/errors.ts';
import { grantPark, recordAudit } from '../../modules/access/index.ts';
import {
  applyParkDefinition,
  exportPark,
  exportParkDefinition,
  findPark,
  listMetersById,
  parseParkDefinition,
} from '../../modules/registry/index.ts';
import { parseReadingsCsv, rederiveMeters, type ReadingRecord } from '../../modules/telemetry/index.ts';
import type { ApplySummaryView } from '../api-types.ts';
import { requireUser } from '../auth.ts';
import { bodyText, isStream, ParkParams, readText, type RouteContext } from './context.ts';

/** Most readings accepted in one request (larger sets: CSV import jobs or several requests). */
export const MAX_READINGS_PER_REQUEST = 100_000;

/** A JSON reading as sent; anything that is not a reading becomes a rejected record naming the field. */
export function toRecord(item: unknown, index: number): ReadingRecord {
  const raw = JSON.stringify(item) ?? String(item);
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return {
      meter: '',
      at: '',
      value: '',
      line: index + 1,
      raw,
      malformed: { field: 'reading', reason: 'not an object' },
    };
  }
  const o = item as Record<string, unknown>;
  const bad = (field: string, reason: string): ReadingRecord => ({
    meter: typeof o.meter === 'string' ? o.meter : '',
    at: '',
    value: '',
    line: index + 1,
    raw,
    malformed: { field, reason },
  });
  if (typeof o.meter !== 'string' || o.meter === '') return bad('meter', 'missing or not a string');
  if (typeof o.at !== 'string') return bad('at', 'missing or not an ISO 8601 string');
  if (typeof o.value !== 'number' && typeof o.value !== 'string')
    return bad('value', 'missing or not a number');
  if (o.unit !== undefined && typeof o.unit !== 'string') return bad('unit', 'not a string');
  return {
    meter: o.meter,
    at: o.at,
    value: o.value,
    unit: o.unit,
    line: index + 1,
    raw,
  };
}

export function parkWriteRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.post<{
    Params: { park: string };
    Body: { readings: unknown[] } | Readable;
    Querystring: { fileName?: string };
  }>(
    '/api/parks/:park/readings',
    {
      bodyLimit: 64 * 1024 ** 2,
      schema: {
        tags: ['ingestion'],
        summary:
          'Ingest readings: JSON {readings:[{meter, at, value, unit?}]} or a text/csv body (meter,at,value[,unit]); ' +
          'gateway token or a user allowed to write these meters',
        params: ParkParams,
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'ingest');
      let records: ReadingRecord[];
      let source = req.principal?.kind === 'gateway' ? `http:${req.principal.gatewayId}` : 'http';
      if (isStream(req.body)) {
        const name = req.query.fileName ?? 'request.csv';
        records = parseReadingsCsv(await readText(req.body, 64 * 1024 ** 2, 'CSV body'), name);
        source += ':csv';
      } else {
        const body = req.body as { readings?: unknown };
        if (!body || !Array.isArray(body.readings))
          throw new AppError('BAD_INPUT', 'body: expected {"readings": [ {meter, at, value, unit?}, … ]}', {
            issues: [{ field: 'readings', reason: 'missing or not an array' }],
          });
        records = body.readings.map(toRecord);
      }
      if (records.length > MAX_READINGS_PER_REQUEST)
        throw new AppError(
          'BAD_INPUT',
          `${records.length} readings in one request; at most ${MAX_READINGS_PER_REQUEST} (use an import job)`,
        );
      return data.ingest(records, source);
    },
  );

  app.post<{ Params: { park: string }; Querystring: { fileName?: string }; Body: Readable }>(
    '/api/parks/:park/imports',
    {
      bodyLimit: 2 * 1024 ** 3,
      schema: {
        tags: ['ingestion'],
        summary: 'Upload a CSV file of readings and import it in the background (park admins)',
        params: ParkParams,
        querystring: Type.Object({ fileName: Type.Optional(Type.String({ maxLength: 200 })) }),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'import');
      if (!isStream(req.body)) throw new AppError('BAD_INPUT', 'send the CSV file as a text/csv body');
      const job = await ctx.imports.start(
        data.park.id,
        req.query.fileName ?? 'upload.csv',
        req.body,
        data.scope.actor,
      );
      return reply.status(202).send(job);
    },
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/imports',
    { schema: { tags: ['ingestion'], summary: 'Import jobs of this server run', params: ParkParams } },
    async (req) => ({ imports: ctx.imports.list((await ctx.gate(req, 'import')).park.id) }),
  );

  app.get<{ Params: { park: string; id: string } }>(
    '/api/parks/:park/imports/:id',
    {
      schema: {
        tags: ['ingestion'],
        summary: 'An import job and its progress',
        params: Type.Object({ park: ParkParams.properties.park, id: Type.String({ minLength: 1 }) }),
      },
    },
    async (req) => ctx.imports.get((await ctx.gate(req, 'import')).park.id, req.params.id),
  );

  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/definition',
    { schema: { tags: ['set-up'], summary: 'The park definition file (YAML)', params: ParkParams } },
    async (req, reply) => {
      const data = await ctx.gate(req, 'read');
      // The definition lists every organisation and meter: not for a scoped (enterprise) caller.
      if (data.scope.organisation !== null)
        throw new AppError(
          'FORBIDDEN',
          'the park definition lists every organisation: park admins and auditors only',
        );
      const text = exportParkDefinition(await exportPark(ctx.pool, data.park.id));
      return reply.type('application/yaml; charset=utf-8').send(text);
    },
  );

  app.put<{ Params: { park: string }; Body: Readable }>(
    '/api/parks/:park/definition',
    {
      bodyLimit: 16 * 1024 ** 2,
      schema: {
        tags: ['set-up'],
        summary: 'Apply a park definition file (YAML or JSON)',
        params: ParkParams,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const text = await bodyText(req.body, 16 * 1024 ** 2, 'park file');
      const def = parseParkDefinition(text, 'park.yaml');
      if (def.park.id !== data.park.id)
        throw new AppError(
          'BAD_INPUT',
          `park.yaml: park.id is "${def.park.id}", this is park "${data.park.id}"`,
          {
            issues: [{ file: 'park.yaml', field: 'park.id', reason: `must be "${data.park.id}"` }],
          },
        );
      return applyDefinition(ctx, def, data.scope.actor);
    },
  );

  app.post<{ Body: Readable }>(
    '/api/parks',
    {
      bodyLimit: 16 * 1024 ** 2,
      schema: {
        tags: ['set-up'],
        summary: 'Create a park from a definition file (park admins); you become its admin',
      },
    },
    async (req, reply) => {
      const user = requireUser(req);
      if (user.role !== 'park_admin') throw new AppError('FORBIDDEN', 'only park admins create parks');
      const text = await bodyText(req.body, 16 * 1024 ** 2, 'park file');
      const def = parseParkDefinition(text, 'park.yaml');
      if (await findPark(ctx.pool, def.park.id))
        throw new AppError(
          'CONFLICT',
          `park "${def.park.id}" exists: PUT /api/parks/${def.park.id}/definition`,
        );
      const summary = await applyDefinition(ctx, def, user.username);
      await grantPark(ctx.pool, user.username, def.park.id, null, user.username);
      return reply.status(201).send(summary);
    },
  );
}

async function applyDefinition(
  ctx: RouteContext,
  def: ReturnType<typeof parseParkDefinition>,
  actor: string,
) {
  const summary = await applyParkDefinition(ctx.pool, def);
  const rederived = (await listMetersById(ctx.pool, summary.metersToRederive)).map((m) => m.code);
  if (summary.metersToRederive.length > 0) await rederiveMeters(ctx.pool, summary.metersToRederive);
  await recordAudit(ctx.pool, {
    actor,
    action: 'park.apply',
    parkId: def.park.id,
    target: def.park.id,
    detail: {
      park: summary.park,
      organisations: summary.organisations,
      sites: summary.sites,
      meters: summary.meters,
      rederived: rederived.length,
    },
  });
  const view: ApplySummaryView = { ...summary, metersToRederive: rederived };
  return view;
}
