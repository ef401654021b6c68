/** What every route module receives: the gate to park data and the server's shared services. */
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Readable } from 'node:stream';
import { AppError } from '../../lib/errors.ts';
import type pg from 'pg';
import Type from 'typebox';
import type { Action } from '../../modules/access/index.ts';
import type { JsonText } from '../answer-cache.ts';
import type { ImportJobs } from '../import-jobs.ts';
import type { MicrogridRuns } from '../microgrid-runs.ts';
import type { ParkData, ParkMetersCache } from '../park-data.ts';

export interface RouteContext {
  pool: pg.Pool;
  now: () => number;
  /** The gate: the caller's scoped data layer for the request's park, or a 401/403/404. */
  gate: (req: FastifyRequest<{ Params: { park: string } }>, action: Action) => Promise<ParkData>;
  cache: ParkMetersCache;
  imports: ImportJobs;
  /** Microgrid runs this process is solving (progress, background runs). */
  microgridRuns: MicrogridRuns;
  /** Secure cookies (behind HTTPS). */
  secureCookies: boolean;
}

export const ParkParams = Type.Object({ park: Type.String({ minLength: 1, maxLength: 64 }) });

export const PeriodText = Type.String({
  minLength: 4,
  maxLength: 48,
  description: "park-local period: '2025', '2025-Q1', '2025-03', '2025-03-14' or 'FROM..TO' (dates)",
});

/** Sends an answer serialised beforehand (by the answer cache) as the JSON response Fastify would have sent. */
export function sendJson(reply: FastifyReply, answer: JsonText): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(answer.json);
}

/** A raw request body (text/csv, YAML: parsed as a stream) as text, refused when larger than `limitBytes`. */
export async function readText(stream: Readable, limitBytes: number, what = 'body'): Promise<string> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of stream) {
    size += (chunk as Buffer).length;
    if (size > limitBytes)
      throw new AppError('BAD_INPUT', `${what} larger than ${Math.round(limitBytes / 1024 ** 2)} MiB`);
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/** Whether a body arrived as a stream (text/csv, YAML, plain: the content-type parsers in app.ts pass those on). */
export function isStream(body: unknown): body is Readable {
  return typeof body === 'object' && body !== null && typeof (body as Readable).pipe === 'function';
}

/** A file sent as the body: a raw body (YAML, CSV) read with a limit, or a JSON body as its JSON text. */
export async function bodyText(body: unknown, limitBytes: number, what: string): Promise<string> {
  return isStream(body) ? readText(body, limitBytes, what) : JSON.stringify(body);
}

/** A CSV sent as the body, refused when the request carried JSON instead. */
export async function csvText(body: unknown, limitBytes: number, what = 'CSV'): Promise<string> {
  if (!isStream(body)) throw new AppError('BAD_INPUT', `send the ${what} as a text/csv body`);
  return readText(body, limitBytes, what);
}
