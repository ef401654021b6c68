/**
 * The energy flow (Sankey) of a park or of one organisation: supplies → carriers → organisations, exports, storage and
 * the unmetered remainder, every link in tce. Pure: the service feeds it per-meter totals (see docs/methods.md,
 * "Energy flow", for the attribution rule).
 */
import type { FlowLink, FlowNode, FlowNodeKind } from '../../server/api-types.ts';
import { convertAmount } from '../../lib/units.ts';
import type { MeterRole } from '../registry/index.ts';
import { tceFactorFor, tceOf } from './tce.ts';

/**
 * How a boundary meter's quantity enters a net balance: supplies, own generation, storage discharge and top-level
 * consumption add (+1), exports and storage charge subtract (−1) — the sign rule of telemetry's `energyByCarrier`.
 */
export function netSign(role: MeterRole): 1 | -1 {
  switch (role) {
    case 'import':
    case 'generation':
    case 'direct_green_supply':
    case 'storage_discharge':
    case 'consumption':
      return 1;
    case 'export':
    case 'storage_charge':
      return -1;
  }
}

/** One boundary meter's total over the period, as the flow builder needs it. */
export interface FlowMeter {
  organisation: string;
  carrier: string;
  /** Unit of `quantity` (the meter's quantity unit). */
  unit: string;
  role: MeterRole;
  technology: string | null;
  internalTransfer: boolean;
  /** Measured + estimated quantity over the period (quarantined spikes are never counted). */
  quantity: number;
}

/** What the flow is drawn from: the scope, its boundary meters' totals and the organisations' names. */
export interface FlowInput {
  /** null: the whole park; otherwise the one organisation the flow is limited to (other meters are ignored). */
  organisation: string | null;
  /** Boundary meters only (meters with no parent). */
  meters: readonly FlowMeter[];
  /** Display names of organisations by id. */
  organisationNames: ReadonlyMap<string, string>;
}

/** Where a boundary meter shows in the flow on its own, or null when it only counts in its organisation's net. */
function boundaryNode(m: FlowMeter, parkScope: boolean): string | null {
  // Inside the park, a sale between two organisations is not a park supply: it moves from seller to buyer.
  if (parkScope && m.internalTransfer) return null;
  switch (m.role) {
    case 'import':
      return m.carrier === 'electricity' ? 'supply:grid' : `supply:${m.carrier}`;
    case 'generation':
      return `supply:${m.technology ?? 'other'}`;
    case 'direct_green_supply':
      return 'supply:direct_green';
    case 'storage_discharge':
      return 'storage:discharge';
    case 'export':
      return `export:${m.carrier}`;
    case 'storage_charge':
      return 'storage:charge';
    case 'consumption':
      return null;
  }
}

const KIND_ORDER: Record<FlowNodeKind, number> = {
  supply: 0,
  storage: 1,
  unmetered: 2,
  carrier: 3,
  organisation: 4,
  export: 5,
};

function kindOf(id: string): FlowNodeKind {
  if (id.startsWith('org:')) return 'organisation';
  if (id.startsWith('carrier:')) return 'carrier';
  if (id.startsWith('export:')) return 'export';
  if (id.startsWith('storage:')) return 'storage';
  if (id.startsWith('unmetered:')) return 'unmetered';
  return 'supply';
}

interface Group {
  carrier: string;
  unit: string;
  /** Σ |quantity| of its meters: the scale below which a remainder is rounding noise. */
  scale: number;
  inflows: Map<string, number>;
  outflows: Map<string, number>;
  netByOrganisation: Map<string, number>;
}

/** Quantity in the unit of the carrier's coefficient when it converts (MWh → kWh, kg → t, MJ → GJ), else as is. */
function normalised(m: FlowMeter): { unit: string; quantity: number } {
  const f = tceFactorFor(m.carrier, m.unit);
  const unit = f ? f.unit.slice(f.unit.indexOf('/') + 1) : m.unit;
  const quantity = convertAmount(m.quantity, m.unit, unit);
  return quantity === undefined ? { unit: m.unit, quantity: m.quantity } : { unit, quantity };
}

const add = (map: Map<string, number>, key: string, value: number) =>
  map.set(key, (map.get(key) ?? 0) + value);

/**
 * Builds the Sankey: each boundary meter enters once (its supply or outflow node), each organisation's net per carrier
 * (energyByCarrier's sign rule) leaves the carrier towards it — or comes from it, when the organisation delivers more
 * than it takes — and `unmetered:<carrier>` closes the balance on whichever side keeps every link positive. Carriers
 * without a tce coefficient are left out. Σ in = Σ out at every carrier node.
 */
export function buildEnergyFlow(input: FlowInput): { nodes: FlowNode[]; links: FlowLink[] } {
  const parkScope = input.organisation === null;
  const groups = new Map<string, Group>();
  for (const m of input.meters) {
    if (!parkScope && m.organisation !== input.organisation) continue;
    if (!tceFactorFor(m.carrier, m.unit) || !Number.isFinite(m.quantity)) continue;
    const { unit, quantity } = normalised(m);
    const key = `${m.carrier}\u0000${unit}`;
    let g = groups.get(key);
    if (!g) {
      g = {
        carrier: m.carrier,
        unit,
        scale: 0,
        inflows: new Map(),
        outflows: new Map(),
        netByOrganisation: new Map(),
      };
      groups.set(key, g);
    }
    g.scale += Math.abs(quantity);
    const sign = netSign(m.role);
    add(g.netByOrganisation, m.organisation, sign * quantity);
    const node = boundaryNode(m, parkScope);
    if (node !== null) add(sign > 0 ? g.inflows : g.outflows, node, quantity);
  }

  const links: FlowLink[] = [];
  const unitsSeen = new Map<string, number>();
  const sortedGroups = [...groups.values()].sort(
    (a, b) => a.carrier.localeCompare(b.carrier) || a.unit.localeCompare(b.unit),
  );
  for (const g of sortedGroups) {
    const carrierNode = `carrier:${g.carrier}`;
    const eps = 1e-9 * g.scale;
    const link = (source: string, target: string, quantity: number) => {
      if (!(quantity > eps)) return;
      const tce = tceOf(g.carrier, g.unit, quantity);
      if (tce === null || !(tce > 0)) return;
      links.push({ source, target, tce, quantity, unit: g.unit, carrier: g.carrier });
    };
    let inQuantity = 0;
    let outQuantity = 0;
    for (const [node, q] of [...g.inflows].sort(([a], [b]) => a.localeCompare(b))) {
      link(node, carrierNode, q);
      inQuantity += q;
    }
    const nets = [...g.netByOrganisation]
      .filter(([, net]) => Math.abs(net) > eps)
      .sort(([a], [b]) => a.localeCompare(b));
    for (const [org, net] of nets) {
      if (net >= 0) continue;
      // The organisation delivers more of the carrier than it takes (e.g. waste-heat steam sold in the park).
      link(`org:${org}`, carrierNode, -net);
      inQuantity -= net;
    }
    for (const [node, q] of [...g.outflows].sort(([a], [b]) => a.localeCompare(b))) {
      link(carrierNode, node, q);
      outQuantity += q;
    }
    for (const [org, net] of nets) {
      if (net <= 0) continue;
      link(carrierNode, `org:${org}`, net);
      outQuantity += net;
    }
    // A second unit of the same carrier (gas in m³ and in GJ) gets its own unmetered node, so no node is both a
    // source and a sink of one carrier.
    const seen = unitsSeen.get(g.carrier) ?? 0;
    unitsSeen.set(g.carrier, seen + 1);
    const unmeteredNode = seen === 0 ? `unmetered:${g.carrier}` : `unmetered:${g.carrier}:${g.unit}`;
    const remainder = inQuantity - outQuantity;
    if (remainder > eps) link(carrierNode, unmeteredNode, remainder);
    else if (remainder < -eps) link(unmeteredNode, carrierNode, -remainder);
  }

  breakCycles(links);
  const names = (id: string) => {
    if (id.startsWith('org:')) return input.organisationNames.get(id.slice(4)) ?? id.slice(4);
    if (id.startsWith('supply:org:')) return input.organisationNames.get(id.slice(11)) ?? id.slice(11);
    return id;
  };
  const ids = new Set(links.flatMap((l) => [l.source, l.target]));
  const nodes = [...ids]
    .map((id) => ({ id, name: names(id), kind: kindOf(id) }))
    .sort((a, b) => KIND_ORDER[a.kind] - KIND_ORDER[b.kind] || a.id.localeCompare(b.id));
  return { nodes, links };
}

/**
 * A Sankey must be acyclic. Organisations that deliver one carrier and take another can close a loop (A sells steam
 * to B, B sells compressed air to A): such a delivery is drawn from a node of its own, `supply:org:<id>`.
 */
function breakCycles(links: FlowLink[]): void {
  const out = new Map<string, Set<string>>();
  const edgeCount = new Map<string, number>();
  const addEdge = (s: string, t: string) => {
    const key = `${s}\u0000${t}`;
    edgeCount.set(key, (edgeCount.get(key) ?? 0) + 1);
    let set = out.get(s);
    if (!set) out.set(s, (set = new Set()));
    set.add(t);
  };
  const removeEdge = (s: string, t: string) => {
    const key = `${s}\u0000${t}`;
    const n = (edgeCount.get(key) ?? 0) - 1;
    edgeCount.set(key, n);
    if (n <= 0) out.get(s)?.delete(t);
  };
  const reaches = (from: string, to: string) => {
    const stack = [from];
    const seen = new Set(stack);
    while (stack.length > 0) {
      const node = stack.pop()!;
      if (node === to) return true;
      for (const next of out.get(node) ?? []) {
        if (!seen.has(next)) {
          seen.add(next);
          stack.push(next);
        }
      }
    }
    return false;
  };
  for (const l of links) addEdge(l.source, l.target);
  for (const l of links) {
    if (!l.source.startsWith('org:')) continue;
    removeEdge(l.source, l.target);
    if (reaches(l.target, l.source)) l.source = `supply:${l.source}`;
    addEdge(l.source, l.target);
  }
}
