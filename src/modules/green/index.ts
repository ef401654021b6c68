/** Green electricity: the certificate ledger, green-power trades, the grid's green share, matching and tracing. */
export * from './types.ts';
export { Ledger, expiryMonth, isExpired, monthsOf, replay, spansText, VALIDITY_MONTHS } from './ledger.ts';
export {
  applyLedgerOperation,
  claimEvidence,
  claimsOverlapping,
  importCertificatesCsv,
  importRaw,
  ledgerView,
  listImports,
  localMonth,
} from './ledger.service.ts';
export {
  gridShareSets,
  gridShareValues,
  hourlySettlements,
  importGridShareCsv,
  importSettlementsCsv,
  importTradesCsv,
  listTrades,
  type GridShareStatus,
} from './trade.service.ts';
export { periodSpan } from './ledger.ts';
export { matchingFor, parseContracts, type MatchingQuery } from './matching.service.ts';
export { GREEN_MATCHING_METHOD, heatMapToJson, matchGreenSupply, matchingResultToJson } from './matching.ts';
export { statementFor } from './statement.service.ts';
export * from './trace.ts';
export * from './trace-zones.ts';
export { greenShareCsv, parseTraceFile, type TraceInput } from './trace-file.ts';
