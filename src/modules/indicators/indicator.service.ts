/**
 * Scorecards over the database: the park's account and its organisations' accounts for the assessment period, the
 * statistics (and the earlier diagnoses of the diagnosis cycle), the park's configured set versions.
 */
import type pg from 'pg';
import { AppError } from '../../lib/errors.ts';
import { answerFor, buildAccountRequest, computeAccounts, listStatistics } from '../carbon/index.ts';
import { evaluateSet } from './evaluate.ts';
import { configureSet, INDICATOR_SETS, type ThresholdOverride } from './sets.ts';
import type { IndicatorSet, Scorecard } from './types.ts';

type Queryable = Pick<pg.Pool, 'query'>;

/** The shipped sets and every version the park configured. */
export async function listIndicatorSets(db: Queryable, parkId: string): Promise<IndicatorSet[]> {
  const { rows } = await db.query<{ spec: IndicatorSet }>(
    'SELECT spec FROM indicator_set_version WHERE park_id = $1 ORDER BY id, version',
    [parkId],
  );
  return [...(INDICATOR_SETS as IndicatorSet[]), ...rows.map((r) => r.spec)];
}

/** A set by `id` (its latest version, the park's configured ones included) or `id@version`. */
export async function findSet(db: Queryable, parkId: string, ref: string): Promise<IndicatorSet> {
  const [id, v] = ref.split('@');
  const all = (await listIndicatorSets(db, parkId)).filter((s) => s.id === id);
  const found =
    v === undefined
      ? all.reduce<IndicatorSet | undefined>((a, s) => (!a || s.version > a.version ? s : a), undefined)
      : all.find((s) => s.version === Number(v));
  if (!found)
    throw new AppError(
      'NOT_FOUND',
      `no indicator set "${ref}"; there are ${[...new Set(INDICATOR_SETS.map((s) => s.id))].join(', ')}`,
    );
  return found;
}

/** Fills in thresholds of a set (the latest version) and saves the result as its next version for the park. */
export async function configureParkSet(
  db: Queryable,
  parkId: string,
  id: string,
  overrides: readonly Omit<ThresholdOverride, 'by' | 'at'>[],
  by: string,
): Promise<IndicatorSet> {
  const latest = await findSet(db, parkId, id);
  const at = new Date().toISOString();
  const next = configureSet(
    latest,
    overrides.map((o) => ({ ...o, by, at })),
  );
  await db.query(
    'INSERT INTO indicator_set_version (park_id, id, version, spec, created_by) VALUES ($1, $2, $3, $4, $5)',
    [parkId, next.id, next.version, JSON.stringify(next), by],
  );
  return next;
}

/** The set a park is scored against unless asked otherwise: its province's, else the national one. */
export function defaultSetId(province: string): string {
  if (province === 'yunnan') return 'yn-2025';
  if (province === 'hunan') return 'hn-2025';
  return 'cn-national-2025';
}

/**
 * The scorecard of the park for a year under a set: the park account (the closed one when the year is closed) and
 * each organisation's account under the same profile, the year's statistics and the previous year's diagnoses.
 */
export async function scorecardFor(
  pool: pg.Pool,
  parkId: string,
  query: { year: number; set?: string; profile?: string; targetYear?: number; nowMs?: number },
): Promise<Scorecard> {
  const period = String(query.year);
  const request = await buildAccountRequest(pool, parkId, {
    organisation: null,
    period,
    ...(query.profile ? { profile: query.profile } : {}),
    ...(query.nowMs !== undefined ? { nowMs: query.nowMs } : {}),
  });
  // The park's account and every organisation's, from one request and one set of ledgers.
  const [current, ...organisationAccounts] = computeAccounts(request, [
    null,
    ...request.organisations.map((o) => o.id),
  ]);
  const [park, set, diagnoses] = await Promise.all([
    answerFor(pool, parkId, request, current!),
    findSet(pool, parkId, query.set ?? defaultSetId(request.park.province)),
    listStatistics(
      pool,
      parkId,
      `${query.year - 1}-01`,
      `${query.year - 1}-12`,
      undefined,
      'efficiency_diagnosis',
    ),
  ]);
  const card = evaluateSet(set, {
    parkAccount: park.account,
    organisationAccounts,
    organisations: request.organisations.map((o) => ({ id: o.id, kind: o.kind })),
    statistics: [...diagnoses, ...request.statistics],
    factors: request.factors,
    year: query.year,
    statisticsFrom: `${query.year - 1}-01`,
    ...(query.targetYear !== undefined ? { targetYear: query.targetYear } : {}),
  });
  if (park.close) card.notes.push(`the park account of ${period} is closed (close ${park.close.id})`);
  if (park.restatement) card.notes.push(`a restatement is pending: ${park.restatement.changes.join('; ')}`);
  return card;
}
