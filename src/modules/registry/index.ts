/** Registry: parks, organisations, sites and meters, and the park definition file. */
export * from './park-model.ts';
export { parseParkDefinition, exportParkDefinition, isValidUscc } from './park-file.ts';
export {
  applyParkDefinition,
  exportPark,
  getPark,
  findMeter,
  findPark,
  listParks,
  listMeters,
  listMetersById,
  listOrganisations,
  type ApplySummary,
  type MeterRow,
  type ParkRow,
  type UpsertCounts,
} from './park.service.ts';
export { parkSnapshot, type ParkSnapshot } from './park-snapshot.ts';
