/** Display names of the park's stable keys (carriers, roles, technologies, flow nodes) in the current language. */
import type { FlowNode } from '../../src/server/api-types.ts';
import type { I18n, Locale } from './i18n/index.tsx';

type Tx = I18n['tx'];

/** A profile's, indicator set's or indicator's name in the page's language (English only where it has one). */
export const localName = (x: { name: string; nameEn?: string }, locale: Locale) =>
  locale === 'en' && x.nameEn ? x.nameEn : x.name;

export const carrierName = (tx: Tx, carrier: string) => tx(`carrier.${carrier}`, carrier);
export const roleName = (tx: Tx, role: string) => tx(`role.${role}`, role);
export const technologyName = (tx: Tx, tech: string) => tx(`tech.${tech}`, tech);
export const readingKindName = (tx: Tx, kind: string) => tx(`readingKind.${kind}`, kind);
/**
 * A conversion method's note in the current language: the API writes it in English; the dictionaries translate the
 * notes of the methods they know (keyed by the versioned id, so a changed method is never shown with an old text).
 */
export const methodNote = (tx: Tx, method: { id: string; note: string }) =>
  tx(`method.note.${method.id}`, method.note);
export const flagName = (tx: Tx, flag: string) => tx(`meter.flag.${flag}`, flag);

/** Carrier colours, shared by cards and charts: electricity keeps the theme green. */
const CARRIER_COLOURS: Readonly<Record<string, string>> = {
  electricity: '#1f8a5b',
  natural_gas: '#e2a534',
  steam: '#5b7fb8',
  heat: '#d0694e',
  cooling: '#3aa6c4',
  coal: '#59605c',
  coke: '#a1887f',
  diesel: '#9a7b4f',
  gasoline: '#b8894a',
  fuel_oil: '#7d5a43',
  lpg: '#b07aa1',
  hydrogen: '#7e8fd6',
  water: '#4a8fd4',
  compressed_air: '#93a4ad',
};
const FALLBACK_COLOURS = ['#6aa88a', '#a3b86c', '#8c7bb8', '#c77f9c'];

export function carrierColour(carrier: string, index = 0): string {
  return CARRIER_COLOURS[carrier] ?? FALLBACK_COLOURS[index % FALLBACK_COLOURS.length] ?? '#6aa88a';
}

/**
 * A Sankey node's name. Organisations (and organisations supplying another in its own flow, `supply:org:<id>`) come
 * with their display name; every other node's name is its stable id, translated here: `supply:grid`,
 * `supply:<technology>`, `supply:<carrier>` (purchased), `supply:direct_green`, `carrier:<carrier>`,
 * `export:<carrier>` (electricity: to the grid), `storage:charge|discharge`, `unmetered:<carrier>[:<unit>]`.
 */
export function flowNodeName(tx: Tx, node: FlowNode): string {
  if (node.kind === 'organisation' || node.name !== node.id) return node.name;
  const [prefix = '', rest = '', extra] = node.id.split(':');
  const carrier = (c: string) => carrierName(tx, c);
  const isCarrier = tx(`carrier.${rest}`, '') !== '';
  const suffix = extra ? ` (${extra})` : '';
  switch (prefix) {
    case 'supply':
      if (rest === 'grid' || rest === 'direct_green' || rest === 'other')
        return tx(`flow.supply.${rest}`, rest);
      if (tx(`tech.${rest}`, '')) return technologyName(tx, rest);
      if (isCarrier) return tx('flow.supply.purchased', rest, { carrier: carrier(rest) }) + suffix;
      return node.name;
    case 'carrier':
      return carrier(rest) + suffix;
    case 'export':
      if (rest === 'electricity' || rest === 'grid') return tx('flow.export.grid', rest);
      return isCarrier ? tx('flow.export.carrier', rest, { carrier: carrier(rest) }) : node.name;
    case 'storage':
      return tx(`flow.storage.${rest}`, tx('flow.storage', rest));
    case 'unmetered':
      return (
        (isCarrier
          ? tx('flow.unmetered.carrier', rest, { carrier: carrier(rest) })
          : tx('flow.unmetered', rest)) + suffix
      );
    default:
      return node.name;
  }
}
