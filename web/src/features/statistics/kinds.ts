/**
 * The statistic kinds as the data-entry form offers them: the unit each is entered in, whether it names an item (and
 * which items the indicators read), and whether it needs evidence or an emission factor — the server's own rules
 * (STATISTIC_SPECS in src/modules/carbon/types.ts, import-free), which it checks every row against.
 */
import { STATISTIC_SPECS, type StatisticKindSpec } from '../../../../src/modules/carbon/types.ts';
import type { StatisticKind } from '../../api/carbon.ts';

/** The kinds in the order of the form: economy, products, resources, transport, emissions (claims: the ledger's). */
export const FORM_KINDS = (Object.keys(STATISTIC_SPECS) as StatisticKind[]).filter(
  (k) => !STATISTIC_SPECS[k].fromLedger,
);

export const kindSpec = (kind: StatisticKind): StatisticKindSpec => STATISTIC_SPECS[kind];

/** The unit a kind is stored in ('' when the person entering names it). */
export const storedUnit = (kind: StatisticKind): string => kindSpec(kind).units?.[0] ?? '';

/** The items a kind offers to choose from, or null (none, or a name typed in). */
export const itemChoices = (kind: StatisticKind): readonly string[] | null => {
  const item = kindSpec(kind).item;
  return typeof item === 'string' ? null : item;
};
