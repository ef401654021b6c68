/** What every page of a park needs: the user, the park, the period, the caller's scope and link building. */
import { createContext, useContext } from 'react';
import type { ParkInfo, ParkSummary, UserView } from '../../../src/server/api-types.ts';
import { href } from '../router.ts';

export interface ParkContextValue {
  user: UserView;
  parks: ParkSummary[];
  park: ParkInfo;
  /** API period string (`2025-03`, `2025-03-14`, `2025`, `FROM..TO`). */
  period: string;
  setPeriod: (period: string) => void;
  /** The organisation an enterprise user is limited to; null for park-wide roles. */
  scope: string | null;
  isAdmin: boolean;
  /** Organisation name by id (the id itself when the caller cannot see it). */
  orgName: (id: string | null | undefined) => string;
  /** A link inside the current park that keeps the period. */
  link: (segments: readonly string[], params?: Readonly<Record<string, string | undefined>>) => string;
}

export const ParkContext = createContext<ParkContextValue | null>(null);

export function usePark(): ParkContextValue {
  const ctx = useContext(ParkContext);
  if (!ctx) throw new Error('usePark outside a park');
  return ctx;
}

export function makeLink(parkId: string, period: string) {
  return (segments: readonly string[], params: Readonly<Record<string, string | undefined>> = {}) =>
    href([parkId, ...segments], { period, ...params });
}
