/** Demo: the synthetic Yunnan zero-carbon park and its year of 15-minute readings, with deliberate data faults. */
export { createDemoPark, DEMO_PARK_ID, DEMO_BASE_METER_COUNT } from './demo-park.ts';
export {
  generateDemoReadings,
  demoDataPlan,
  DEMO_CHUNK_SIZE,
  type DemoReading,
  type DemoReadingOptions,
  type DemoFault,
  type DemoDataPlan,
} from './demo-readings.ts';
export { demoReadingsCsv, DEMO_CSV_HEADER } from './demo-csv.ts';
export { DEMO_EPOCH, FAULT_METERS, FAULT_TIMES } from './demo-faults.ts';
export { buildDemo, type BuildDemoOptions, type BuildDemoResult } from './build-demo.ts';
export { ensureDemoScenarios } from './demo-scenarios.ts';
export { demoStatisticsCsv, ensureDemoCarbon } from './demo-statistics.ts';
export { DEMO_GRID_MIX_LABEL, demoGridGreenShare, demoZoneYear } from './demo-grid-mix.ts';
export { DEMO_GREEN_NOW, demoCertificatesCsv, demoSettlementsCsv, ensureDemoGreen } from './demo-green.ts';
