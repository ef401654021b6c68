/** Parks and their park-wide (or organisation-limited) figures: overview, trend, energy flow. */
import type {
  FlowResponse,
  OverviewResponse,
  ParkInfo,
  ParkSummary,
  TrendResponse,
} from '../../../src/server/api-types.ts';
import { apiGet, parkPath, query } from './client.ts';

export type Resolution = TrendResponse['resolution'];

export const listParks = (signal?: AbortSignal) => apiGet<{ parks: ParkSummary[] }>('/api/parks', signal);

export const getParkInfo = (park: string, signal?: AbortSignal) => apiGet<ParkInfo>(parkPath(park), signal);

export const getOverview = (
  park: string,
  period: string,
  organisation: string | null,
  signal?: AbortSignal,
) => apiGet<OverviewResponse>(parkPath(park, `/overview${query({ period, organisation })}`), signal);

export const getTrend = (
  park: string,
  period: string,
  resolution: Resolution,
  organisation: string | null,
  signal?: AbortSignal,
) => apiGet<TrendResponse>(parkPath(park, `/trend${query({ period, resolution, organisation })}`), signal);

export const getFlow = (park: string, period: string, organisation: string | null, signal?: AbortSignal) =>
  apiGet<FlowResponse>(parkPath(park, `/flow${query({ period, organisation })}`), signal);
