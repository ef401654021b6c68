/**
 * 碳核算: accounts (live, closed, restated) and their audit trail, closes, the factor library, method profiles and
 * statistical inputs. Enterprise users see and write their own organisation only (the server enforces it).
 *
 * The shapes come from src/modules/carbon/types.ts, which imports nothing, so the server's and the pages' shapes are
 * one definition. The statistics batch result lives in the module's repository, so it is restated here.
 */
import type {
  Account,
  AccountAnswer,
  AccountClose,
  EmissionLine,
  EmissionSource,
  EnergyItem,
  Factor,
  FactorRef,
  MethodProfile,
  MissingInput,
  RejectedStatistic,
  Restatement,
  StatisticBatch,
  StatisticBatchResult,
  StatisticKind,
  StatisticValue,
} from '../../../src/modules/carbon/types.ts';
import type { ApiError } from '../../../src/server/api-types.ts';
import { apiGet, parkPath, query, request } from './client.ts';

export type {
  Account,
  AccountAnswer,
  AccountClose,
  EmissionLine,
  EmissionSource,
  EnergyItem,
  Factor,
  FactorRef,
  MethodProfile,
  MissingInput,
  RejectedStatistic,
  Restatement,
  StatisticBatch,
  StatisticBatchResult,
  StatisticKind,
  StatisticValue,
};

/** Which account: a period of whole months, the park (organisation null) or an organisation, a method profile. */
export interface AccountScope {
  /** '2025', '2025-Q2', '2025-03' or '2025-01..2025-06'. */
  period: string;
  organisation: string | null;
  /** Profile id (or 'id@version'); null: the park's default. */
  profile: string | null;
}

export type InputIssue = NonNullable<ApiError['issues']>[number];

/** A row of the data-entry form, with the CSV's column names (every field as typed). */
export interface StatisticInputRow {
  organisation: string;
  month: string;
  kind: StatisticKind;
  item: string;
  value: string;
  unit: string;
  evidence: string;
  note: string;
  factor_value: string;
  factor_unit: string;
  factor_source: string;
}

const accountQuery = (s: AccountScope) =>
  query({ period: s.period, organisation: s.organisation, profile: s.profile });

export const getAccount = (park: string, scope: AccountScope, signal?: AbortSignal) =>
  apiGet<AccountAnswer>(parkPath(park, `/account${accountQuery(scope)}`), signal);

/** The audit trail's address (a download link: the session cookie goes along). */
export const explainUrl = (
  park: string,
  scope: AccountScope,
  format: 'json' | 'text',
  lang: 'zh-CN' | 'en',
) =>
  parkPath(
    park,
    `/account/explain${query({
      period: scope.period,
      organisation: scope.organisation,
      profile: scope.profile,
      format,
      lang,
    })}`,
  );

export const listCloses = (park: string, signal?: AbortSignal) =>
  apiGet<{ closes: AccountClose[] }>(parkPath(park, '/account/closes'), signal);

/** Closes a period (park admins); closing a closed period again is a restatement and needs a reason. */
export const closePeriod = (park: string, scope: AccountScope, reason: string | null) =>
  request<AccountClose>('POST', parkPath(park, '/account/closes'), {
    body: {
      period: scope.period,
      ...(scope.organisation ? { organisation: scope.organisation } : {}),
      ...(scope.profile ? { profile: scope.profile } : {}),
      ...(reason ? { reason } : {}),
    },
  });

export const listFactors = (park: string, signal?: AbortSignal) =>
  apiGet<{ factors: Factor[] }>(parkPath(park, '/factors'), signal);

export const listProfiles = (park: string, signal?: AbortSignal) =>
  apiGet<{ profiles: MethodProfile[] }>(parkPath(park, '/profiles'), signal);

export const getStatistics = (
  park: string,
  period: string,
  organisation: string | null,
  signal?: AbortSignal,
) =>
  apiGet<{ statistics: StatisticValue[] }>(
    parkPath(park, `/statistics${query({ period, organisation })}`),
    signal,
  );

export const submitStatistics = (park: string, rows: readonly StatisticInputRow[]) =>
  request<StatisticBatchResult>('POST', parkPath(park, '/statistics'), { body: { rows } });

export const uploadStatisticsCsv = (park: string, csv: string, file: string) =>
  request<StatisticBatchResult>('POST', parkPath(park, `/statistics.csv${query({ file })}`), {
    body: csv,
    contentType: 'text/csv',
  });

export const listStatisticBatches = (park: string, signal?: AbortSignal) =>
  apiGet<{ batches: StatisticBatch[] }>(parkPath(park, '/statistics/batches'), signal);
