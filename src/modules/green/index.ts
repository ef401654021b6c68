/** Green electricity: the certificate ledger, green-power trades, the grid's green share, matching and tracing. */
export * from './types.ts';
export { monthsOf, periodSpan } from './ledger.ts';
export {
  applyLedgerOperation,
  claimEvidence,
  claimsOverlapping,
  importCertificatesCsv,
  ledgerHasEvents,
  ledgerView,
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
export { matchingFor, parseContracts, type MatchingQuery } from './matching.service.ts';
export { matchGreenSupply, matchingResultToJson } from './matching.ts';
export { statementFor } from './statement.service.ts';
export * from './trace.ts';
export * from './trace-zones.ts';
export { greenShareCsv, parseTraceFile, type TraceInput } from './trace-file.ts';
