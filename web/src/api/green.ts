/**
 * 绿电: the certificate ledger (view, transfer, claim, expire, CSV import), green-power trades and settlements, the
 * grid's green share data sets, matching (annual, monthly, hourly / 24/7 CFE), the consumption statement, and the
 * physical tracing of a network file. Enterprise users see their own organisation only and may only claim for it
 * (the server enforces both).
 *
 * The shapes come from src/modules/green/types.ts, which imports nothing but the matching engine's import-free types,
 * so the server's and the pages' shapes are one definition (the trace answer's too: trace-types.ts).
 */
import type {
  CertificateImportResult,
  GreenImportResult,
  GreenStatement,
  GridShareSetRow,
  LedgerResult,
  LedgerView,
  MatchingAnswer,
  MonthSpan,
  SerialSpan,
  TraceAnswer,
  TradeSummary,
} from '../../../src/modules/green/types.ts';
import { apiGet, parkPath, query, request } from './client.ts';

export type * from '../../../src/modules/green/types.ts';

/** Which certificates an amount-based operation may take (the server's RangeFilter; holder '' = park account). */
export interface OperationFilter {
  holder?: string;
  tradeId?: string;
  technology?: string;
  series?: string;
  production?: MonthSpan;
}

/** The body of POST /green/ledger/operations: exact spans or an amount (oldest certificates first). */
export type LedgerOperationBody =
  | ({ kind: 'transfer'; to: string; evidence: string; tradeId?: string } & Selection)
  | ({ kind: 'claim'; consumer: string; period: MonthSpan; evidence: string } & Selection)
  | { kind: 'expire'; evidence: string };

type Selection = { spans: SerialSpan[] } | { amountMwh: number; from?: OperationFilter };

/** What an import of grid green shares did: an import's counts and the data set version it made (null: unchanged). */
export type GridShareImportResult = GreenImportResult & { version: number | null };

/** The metadata of a grid green share upload (the query of POST grid-shares.csv). */
export interface GridShareMeta {
  id: string;
  label: string;
  source: string;
  status: GridShareSetRow['status'];
}

export const getLedger = (park: string, organisation: string | null, signal?: AbortSignal) =>
  apiGet<LedgerView>(parkPath(park, `/green/ledger${query({ organisation })}`), signal);

/** Transfers (划转), claims (核销) or expires certificates; a refusal is a 400 with the reason. */
export const ledgerOperation = (park: string, body: LedgerOperationBody) =>
  request<LedgerResult>('POST', parkPath(park, '/green/ledger/operations'), { body });

export const uploadCertificatesCsv = (park: string, csv: string, file: string, evidence: string) =>
  request<CertificateImportResult>(
    'POST',
    parkPath(park, `/green/certificates.csv${query({ file, evidence })}`),
    {
      body: csv,
      contentType: 'text/csv',
    },
  );

export const listTrades = (park: string, signal?: AbortSignal) =>
  apiGet<{ trades: TradeSummary[] }>(parkPath(park, '/green/trades'), signal);

/** Trade contracts (trades.csv) or settled volumes (settlements.csv). */
export const uploadTradesCsv = (park: string, kind: 'contracts' | 'settlements', csv: string, file: string) =>
  request<GreenImportResult>(
    'POST',
    parkPath(park, `/green/${kind === 'contracts' ? 'trades' : 'settlements'}.csv${query({ file })}`),
    { body: csv, contentType: 'text/csv' },
  );

export const listGridShares = (park: string, signal?: AbortSignal) =>
  apiGet<{ sets: GridShareSetRow[] }>(parkPath(park, '/green/grid-shares'), signal);

/** A data set's values: `at` is an hour's UTC start (hourly sets) or a park-local month YYYY-MM (monthly sets). */
export const getGridShare = (park: string, id: string, signal?: AbortSignal) =>
  apiGet<{ set: GridShareSetRow; values: { at: string; share: number }[] }>(
    parkPath(park, `/green/grid-shares/${encodeURIComponent(id)}`),
    signal,
  );

export const uploadGridShareCsv = (park: string, meta: GridShareMeta, csv: string, file: string) =>
  request<GridShareImportResult>(
    'POST',
    parkPath(park, `/green/grid-shares.csv${query({ ...meta, file })}`),
    { body: csv, contentType: 'text/csv' },
  );

/** Which matching: whole months ('2025', '2025-Q2', '2025-03', '2025-01..2025-06') and a grid share data set. */
export interface MatchingScope {
  period: string;
  /** Data set id, 'id@version' or 'none'; null: the server's default (the first hourly set). */
  gridShare: string | null;
  /** Shared resources divided by contract ('OPS-EL-PV=ALU:0.5,DC:0.3;…'); null: pro rata to consumption. */
  contract: string | null;
}

export const getMatching = (park: string, scope: MatchingScope, signal?: AbortSignal) =>
  apiGet<MatchingAnswer>(
    parkPath(
      park,
      `/green/matching${query({ period: scope.period, gridShare: scope.gridShare, contract: scope.contract })}`,
    ),
    signal,
  );

/** The statement's address: fetched by the page and offered as the JSON download (the session cookie goes along). */
export const statementUrl = (park: string, scope: MatchingScope, organisation: string) =>
  parkPath(
    park,
    `/green/statement${query({ period: scope.period, organisation, gridShare: scope.gridShare, contract: scope.contract })}`,
  );

export const getStatement = (
  park: string,
  scope: MatchingScope,
  organisation: string,
  signal?: AbortSignal,
) => apiGet<GreenStatement>(statementUrl(park, scope, organisation), signal);

// ---- tracing --------------------------------------------------------------------------------------------------

/** Traces a network file (JSON text, sent as it is); `load`/`zone` choose what a series or zone model follows. */
export const traceNetwork = (park: string, json: string, target: { load?: string; zone?: string } = {}) =>
  request<TraceAnswer>('POST', parkPath(park, `/green/trace${query(target)}`), {
    body: json,
    contentType: 'application/json',
  });
