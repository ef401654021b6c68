/** Organisations of a park: the ranking and one organisation's page. */
import type { OrganisationDetail, RankingResponse } from '../../../src/server/api-types.ts';
import { apiGet, parkPath, query } from './client.ts';

export const getRanking = (park: string, period: string, signal?: AbortSignal) =>
  apiGet<RankingResponse>(parkPath(park, `/organisations${query({ period })}`), signal);

export const getOrganisation = (park: string, organisation: string, period: string, signal?: AbortSignal) =>
  apiGet<OrganisationDetail>(
    parkPath(park, `/organisations/${encodeURIComponent(organisation)}${query({ period })}`),
    signal,
  );
