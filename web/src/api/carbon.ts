/**
 * 碳核算: accounts (live, closed, restated) and their audit trail, closes, the factor library, method profiles and
 * statistical inputs. Enterprise users see and write their own organisation only (the server enforces it).
 *
 * The shapes come from src/modules/carbon/types.ts, which imports nothing, so the server's and the pages' shapes are
 * one definition.
 */
import type {
  AccountAnswer,
  AccountClose,
  Factor,
  FactorInput,
  MethodProfile,
  StatisticBatch,
  StatisticBatchResult,
  StatisticKind,
  StatisticValue,
} from '../../../src/modules/carbon/types.ts';
import { apiGet, parkPath, query, request } from './client.ts';

export type * from '../../../src/modules/carbon/types.ts';

/** Which account: a period of whole months, the park (organisation null) or an organisation, a method profile. */
export interface AccountScope {
  /** '2025', '2025-Q2', '2025-03' or '2025-01..2025-06'. */
  period: string;
  organisation: string | null;
  /** Profile id (or 'id@version'); null: the park's default. */
  profile: string | null;
}

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

/** An account scope's query parameters (null ones are left out). */
const scopeParams = (s: AccountScope) => ({
  period: s.period,
  organisation: s.organisation,
  profile: s.profile,
});

export const getAccount = (park: string, scope: AccountScope, signal?: AbortSignal) =>
  apiGet<AccountAnswer>(parkPath(park, `/account${query(scopeParams(scope))}`), signal);

/** The audit trail's address (a download link: the session cookie goes along). */
export const explainUrl = (
  park: string,
  scope: AccountScope,
  format: 'json' | 'text',
  lang: 'zh-CN' | 'en',
) => parkPath(park, `/account/explain${query({ ...scopeParams(scope), format, lang })}`);

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
  apiGet<{ profiles: MethodProfile[]; default: string }>(parkPath(park, '/profiles'), signal);

/**
 * Adds a factor version (park admins). It is never an edit: the new version supersedes the earlier ones of its key
 * and scope from `validFrom`. A refusal is a 400 whose body names each field and reason.
 */
export const addFactor = (park: string, input: FactorInput) =>
  request<Factor>('POST', parkPath(park, '/factors'), { body: input });

/** Profile fields a copy may change (the server validates the result). */
export type ProfileChanges = Partial<
  Omit<MethodProfile, 'id' | 'version' | 'basedOn' | 'createdBy' | 'createdAt' | 'name' | 'nameEn'>
>;

/** A changed copy of a profile under a new id (version 1), or the next version of one of the park's own. */
export interface ProfileCopyInput {
  /** 'id' (its latest version) or 'id@version'. */
  from: string;
  id: string;
  name: string;
  nameEn?: string;
  changes: ProfileChanges;
}

export const saveProfile = (park: string, input: ProfileCopyInput) =>
  request<MethodProfile>('POST', parkPath(park, '/profiles'), { body: input });

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
