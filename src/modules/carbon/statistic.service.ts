/** Statistical inputs: imported from CSV or entered in the form, versioned, with the raw input and refused rows kept. */
import { createHash } from 'node:crypto';
import type pg from 'pg';
import { inTransaction } from '../../db/copy.ts';
import { AppError, formatIssue } from '../../lib/errors.ts';
import { parkSnapshot } from '../registry/index.ts';
import * as repo from './statistic.repo.ts';
import {
  parseStatisticsCsv,
  parseStatisticsRows,
  type RawStatisticRow,
  type StatisticRow,
} from './statistics-input.ts';
import type { RejectedStatistic, StatisticBatchResult } from './types.ts';

async function organisationIds(pool: pg.Pool, parkId: string): Promise<Set<string>> {
  const snapshot = await parkSnapshot(pool, parkId);
  return new Set(snapshot.organisations.map((o) => o.id));
}

async function commit(
  pool: pg.Pool,
  parkId: string,
  source: string,
  raw: string,
  actor: string,
  rows: readonly StatisticRow[],
  rejected: readonly RejectedStatistic[],
): Promise<StatisticBatchResult> {
  const sha256 = createHash('sha256').update(raw).digest('hex');
  return inTransaction(pool, (client) =>
    repo.commitStatistics(client, parkId, { source, raw, sha256, actor }, rows, rejected),
  );
}

/**
 * Imports a statistics CSV: good rows become new versions where they change a value, refused rows are kept with
 * their reasons in the batch. A header the file cannot be read with refuses the whole file (BAD_INPUT, by line).
 * `allowed`: organisations the caller may write (an enterprise user's own); rows for others are refused.
 */
export async function importStatisticsCsv(
  pool: pg.Pool,
  parkId: string,
  content: string,
  options: { file?: string; actor: string; allowed?: ReadonlySet<string> },
): Promise<StatisticBatchResult> {
  const organisations = options.allowed ?? (await organisationIds(pool, parkId));
  const parsed = parseStatisticsCsv(content, options.file, organisations);
  if (parsed.issues.length > 0)
    throw new AppError('BAD_INPUT', parsed.issues.map(formatIssue).join('\n'), { issues: parsed.issues });
  return commit(
    pool,
    parkId,
    options.file ? `csv:${options.file}` : 'csv',
    content,
    options.actor,
    parsed.rows,
    parsed.rejected,
  );
}

/** Stores rows entered in the data-entry form (JSON objects with the CSV's column names). */
export async function submitStatistics(
  pool: pg.Pool,
  parkId: string,
  raws: readonly RawStatisticRow[],
  options: { actor: string; allowed?: ReadonlySet<string> },
): Promise<StatisticBatchResult> {
  const organisations = options.allowed ?? (await organisationIds(pool, parkId));
  const parsed = parseStatisticsRows(raws, organisations);
  return commit(pool, parkId, 'form', JSON.stringify(raws), options.actor, parsed.rows, parsed.rejected);
}

export const listStatistics = repo.latestStatistics;
export const statisticVersions = repo.statisticVersions;
export const statisticBatches = repo.statisticBatches;
