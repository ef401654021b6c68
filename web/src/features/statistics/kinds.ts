/**
 * The statistic kinds as the data-entry form offers them: the unit each is entered in, whether it names an item
 * (and which items the indicators read), and whether it needs evidence or an emission factor. Mirrors
 * src/modules/carbon/statistics-input.ts (STATISTIC_UNITS and the required items and evidence), which the web app
 * cannot import; typed against STATISTIC_KINDS, so a new kind fails the type check here, and the browser test
 * compares the units with the server's.
 */
import type { StatisticKind } from '../../api/carbon.ts';

export interface KindSpec {
  /** Accepted units, the stored one first; null: any unit, named when entering (products, processes). */
  units: readonly string[] | null;
  /** 'none': one value per organisation and month; 'text': a named item; a list: one of these items. */
  item: 'none' | 'text' | readonly string[];
  /** The server refuses the row without an item. */
  itemRequired: boolean;
  /** The server refuses the row without evidence (what lowers emissions must be backed by a document). */
  evidence: boolean;
  /** process_activity: the emission factor per unit of activity, with its source. */
  factor: boolean;
}

const spec = (
  units: readonly string[] | null,
  item: KindSpec['item'] = 'none',
  more: Partial<KindSpec> = {},
): KindSpec => ({
  units,
  item,
  itemRequired: item !== 'none',
  evidence: false,
  factor: false,
  ...more,
});

export const KIND_SPECS = {
  industrial_output: spec(['10^4 CNY', '万元']),
  value_added: spec(['10^4 CNY', '万元']),
  product_output: spec(null, 'text'),
  solid_waste_generated: spec(['t']),
  solid_waste_utilised: spec(['t']),
  waste_heat_available: spec(['GJ'], ['heat', 'cold', 'pressure'], { itemRequired: false }),
  waste_heat_recovered: spec(['GJ'], ['heat', 'cold', 'pressure'], { itemRequired: false }),
  water_used: spec(['t', 'm3']),
  water_reused: spec(['t', 'm3']),
  freight: spec(
    ['t·km', 't*km', 'tkm'],
    ['electric', 'hydrogen', 'diesel', 'gasoline', 'natural_gas', 'other'],
  ),
  process_activity: spec(null, 'text', { factor: true }),
  recovered_co2: spec(['tCO2'], 'none', { evidence: true }),
  offset: spec(['tCO2e', 'tCO2'], ['ccer', 'sink', 'ccus', 'other'], { evidence: true }),
  green_claim: spec(['MWh'], ['certificate', 'trade'], { evidence: true }),
  efficiency_diagnosis: spec(['count'], 'text'),
} satisfies Record<StatisticKind, KindSpec>;

/** The kinds in the order of the form: economy, products, resources, transport, emissions, claims. */
export const FORM_KINDS = Object.keys(KIND_SPECS) as StatisticKind[];

export const kindSpec = (kind: StatisticKind): KindSpec => KIND_SPECS[kind];

/** The unit a kind is stored in ('' when the person entering names it). */
export const storedUnit = (kind: StatisticKind): string => kindSpec(kind).units?.[0] ?? '';

/** The items a kind offers to choose from, or null (none, or a name typed in). */
export const itemChoices = (kind: StatisticKind): readonly string[] | null => {
  const item = kindSpec(kind).item;
  return typeof item === 'string' ? null : item;
};
