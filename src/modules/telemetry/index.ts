/** Telemetry: the one ingestion pipeline, derivation of interval quantities, rollups, series and data quality. */
export { FLAG, STATUS, deriveReading, deriveSeries, slotShares, statusOf } from './derive.ts';
export type { Derived, MeterDerivation, RawPoint, SlotShare } from './derive.ts';
export {
  commitBatch,
  commitBatches,
  type BatchItem,
  ingestBatch,
  ingestStream,
  prepareBatch,
  loadParkMeters,
  pipelineMetersOf,
  rebuildRollups,
  rederiveMeters,
  validateRecord,
  type IngestOptions,
  type IngestResult,
  type ParkMeters,
  type PreparedBatch,
  type ReadingRecord,
} from './ingest.service.ts';
export {
  importReadingsCsv,
  parseReadingsCsv,
  type CsvImportProgress,
  type CsvImportResult,
} from './csv-import.ts';
export {
  carrierEnergy,
  energyByCarrier,
  energyByCarrierOver,
  expectedSlots,
  flagNames,
  latestDataYear,
  firstDataMonth,
  meterSeries,
  parsePeriod,
  rejectedCountsByMeter,
  rejectedRecords,
  subMeterBalance,
  tilingResolution,
  type BalanceRow,
  type CarrierEnergy,
  type CarrierEnergyByScope,
  type Period,
  type Resolution,
  type Series,
  type SeriesPoint,
} from './queries.service.ts';
export { ensurePartitions } from './readings.repo.ts';
export {
  groupBucketSums,
  lastReadingAt,
  latestReadingAt,
  meterAmounts,
  monthStamps,
  silentMeters,
  type GroupBucketRow,
  type GroupMembers,
  type MeterAmounts,
} from './aggregates.repo.ts';
export { meterTotalsOver, type TotalsPart } from './queries.repo.ts';
