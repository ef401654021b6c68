/** Meters, a meter's series, and rejected records (data quality). */
import type { MeterView } from '../../../src/server/api-types.ts';
import { apiGet, parkPath, query } from './client.ts';

export type SeriesResolution = '15m' | 'hour' | 'day' | 'month';
export type PointStatus = 'measured' | 'partial' | 'estimated' | 'missing' | 'quarantined';

/** One bucket of a meter's series: `quantity` null means nothing is known (missing is a state, never zero). */
export interface SeriesPoint {
  startMs: number;
  endMs: number;
  quantity: number | null;
  measured: number;
  estimated: number;
  quarantined: number;
  coverage: number;
  status: PointStatus;
  flags: string[];
}

export interface Revision {
  atMs: number;
  value: number;
  batchId: number;
  supersededBy: number | null;
}

/** GET /api/parks/:park/meters/:meter/series (not in api-types.ts: the telemetry module's Series). */
export interface Series {
  meter: string;
  unit: string;
  resolution: SeriesResolution;
  period: { fromMs: number; toMs: number; label: string };
  points: SeriesPoint[];
  totals: { quantity: number; measured: number; estimated: number; quarantined: number; coverage: number };
  revisions: Revision[];
}

export interface RejectedRecord {
  id: number;
  batchId: number;
  meterCode: string | null;
  line: number | null;
  field: string;
  reason: string;
  raw: string;
  receivedAtMs: number;
  source: string;
  fileName: string | null;
}

export const listMeters = (park: string, organisation: string | null, signal?: AbortSignal) =>
  apiGet<{ meters: MeterView[] }>(parkPath(park, `/meters${query({ organisation })}`), signal);

export const getSeries = (
  park: string,
  meter: string,
  period: string,
  resolution: SeriesResolution,
  signal?: AbortSignal,
) =>
  apiGet<Series>(
    parkPath(park, `/meters/${encodeURIComponent(meter)}/series${query({ period, resolution })}`),
    signal,
  );

export const getRejected = (park: string, meter: string | null, limit: number, signal?: AbortSignal) =>
  apiGet<{ total: number; rows: RejectedRecord[] }>(
    parkPath(park, `/rejected${query({ meter, limit })}`),
    signal,
  );
