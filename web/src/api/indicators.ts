/**
 * 指标评估: indicator sets (shipped and the park's configured versions) and the park's scorecard against one. Park
 * level: park admins and auditors read, park admins fill in thresholds; enterprise users get 403.
 *
 * The shapes come from src/modules/indicators/types.ts (import-free but for carbon's import-free types).
 */
import type { IndicatorSet, Scorecard, ThresholdStatus } from '../../../src/modules/indicators/types.ts';
import { apiGet, parkPath, query, request } from './client.ts';

export type * from '../../../src/modules/indicators/types.ts';

export interface ScorecardQuery {
  year: number;
  /** Set id (its latest version for the park) or 'id@version'; null: the park's province's set. */
  set: string | null;
  profile: string | null;
}

/** A threshold to fill in: by its index in the indicator's thresholds, or by band and year (a new row). */
export interface ThresholdInput {
  indicator: string;
  threshold: number | { bandMinTce?: number; bandMaxTce?: number; year?: number };
  /** Shares as fractions (0.9 = 90 %); null clears a configured value. */
  value: number | null;
  source: string;
  status?: ThresholdStatus;
}

export const getScorecard = (park: string, q: ScorecardQuery, signal?: AbortSignal) =>
  apiGet<Scorecard>(
    parkPath(park, `/indicators${query({ year: q.year, set: q.set, profile: q.profile })}`),
    signal,
  );

export const listIndicatorSets = (park: string, signal?: AbortSignal) =>
  apiGet<{ sets: IndicatorSet[] }>(parkPath(park, '/indicator-sets'), signal);

/** Saves the thresholds as the set's next version for the park; answers that version. */
export const configureIndicatorSet = (park: string, id: string, thresholds: readonly ThresholdInput[]) =>
  request<IndicatorSet>('POST', parkPath(park, `/indicator-sets/${encodeURIComponent(id)}`), {
    body: { thresholds },
  });
