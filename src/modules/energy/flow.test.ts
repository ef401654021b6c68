import { fc, test } from '@fast-check/vitest';
import { describe, expect, it } from 'vitest';
import type { FlowLink } from '../../server/api-types.ts';
import { METER_ROLES, type MeterRole } from '../registry/index.ts';
import { buildEnergyFlow, type FlowMeter } from './flow.ts';

const meter = (
  organisation: string,
  carrier: string,
  unit: string,
  role: MeterRole,
  quantity: number,
  extra: Partial<FlowMeter> = {},
): FlowMeter => ({
  organisation,
  carrier,
  unit,
  role,
  technology: null,
  internalTransfer: false,
  quantity,
  ...extra,
});

const names = new Map([
  ['OPS', '运营公司'],
  ['ALU', '铝业'],
  ['FOOD', '食品'],
]);

/** A park: the operator owns the PV and the storage, ALU a direct green line and sells waste heat to FOOD. */
const PARK: FlowMeter[] = [
  meter('OPS', 'electricity', 'kWh', 'import', 200),
  meter('OPS', 'electricity', 'kWh', 'generation', 1000, { technology: 'pv' }),
  meter('OPS', 'electricity', 'kWh', 'storage_charge', 300),
  meter('OPS', 'electricity', 'MWh', 'storage_discharge', 0.25),
  meter('ALU', 'electricity', 'kWh', 'import', 5000),
  meter('ALU', 'electricity', 'kWh', 'direct_green_supply', 2000, { technology: 'hydro' }),
  meter('ALU', 'heat', 'GJ', 'export', 100, { internalTransfer: true }),
  meter('FOOD', 'electricity', 'kWh', 'import', 800),
  meter('FOOD', 'heat', 'GJ', 'import', 90, { internalTransfer: true }),
  meter('FOOD', 'water', 'm3', 'import', 50),
  meter('OPS', 'cooling', 'GJ', 'export', 40, { internalTransfer: true }),
];

const simple = (links: FlowLink[]) =>
  links.map((l) => [l.source, l.target, Number(l.quantity.toFixed(9)), Number(l.tce.toFixed(9)), l.unit]);

/** Σ tce in − Σ tce out at every carrier node. */
function imbalances(links: readonly FlowLink[]): Map<string, number> {
  const balance = new Map<string, number>();
  for (const l of links) {
    if (l.target.startsWith('carrier:')) balance.set(l.target, (balance.get(l.target) ?? 0) + l.tce);
    if (l.source.startsWith('carrier:')) balance.set(l.source, (balance.get(l.source) ?? 0) - l.tce);
  }
  return balance;
}

function isAcyclic(links: readonly FlowLink[]): boolean {
  const indegree = new Map<string, number>();
  for (const l of links) {
    indegree.set(l.target, (indegree.get(l.target) ?? 0) + 1);
    if (!indegree.has(l.source)) indegree.set(l.source, 0);
  }
  const queue = [...indegree].filter(([, d]) => d === 0).map(([n]) => n);
  let visited = 0;
  while (queue.length > 0) {
    const n = queue.pop()!;
    visited++;
    for (const l of links) {
      if (l.source !== n) continue;
      const d = indegree.get(l.target)! - 1;
      indegree.set(l.target, d);
      if (d === 0) queue.push(l.target);
    }
  }
  return visited === indegree.size;
}

describe('buildEnergyFlow', () => {
  it('draws the park: each meter once, organisations by net, internal heat from seller to buyer', () => {
    const { nodes, links } = buildEnergyFlow({ organisation: null, meters: PARK, organisationNames: names });
    // Electricity (×0.0001229 tce/kWh): in = grid 200 + 5,000 + 800 = 6,000, PV 1,000, green line 2,000,
    // discharge 0.25 MWh = 250 → 9,250. Out: storage charge 300; OPS net 200 + 1,000 + 250 − 300 = 1,150 (the park PV
    // counted once: on the supply side and inside its owner's net, nowhere else); ALU 5,000 + 2,000 = 7,000; FOOD 800.
    // 300 + 1,150 + 7,000 + 800 = 9,250: nothing unmetered.
    // Heat (×0.03412 tce/GJ): internal transfers are no park supply; ALU's net −100 GJ makes it the source, FOOD takes
    // 90 GJ, 10 GJ are lost in the network. Water and cooling have no coefficient: left out.
    expect(simple(links)).toEqual([
      ['storage:discharge', 'carrier:electricity', 250, 0.030725, 'kWh'],
      ['supply:direct_green', 'carrier:electricity', 2000, 0.2458, 'kWh'],
      ['supply:grid', 'carrier:electricity', 6000, 0.7374, 'kWh'],
      ['supply:pv', 'carrier:electricity', 1000, 0.1229, 'kWh'],
      ['carrier:electricity', 'storage:charge', 300, 0.03687, 'kWh'],
      ['carrier:electricity', 'org:ALU', 7000, 0.8603, 'kWh'],
      ['carrier:electricity', 'org:FOOD', 800, 0.09832, 'kWh'],
      ['carrier:electricity', 'org:OPS', 1150, 0.141335, 'kWh'],
      ['org:ALU', 'carrier:heat', 100, 3.412, 'GJ'],
      ['carrier:heat', 'org:FOOD', 90, 3.0708, 'GJ'],
      ['carrier:heat', 'unmetered:heat', 10, 0.3412, 'GJ'],
    ]);
    expect(nodes.find((n) => n.id === 'org:ALU')).toEqual({
      id: 'org:ALU',
      name: '铝业',
      kind: 'organisation',
    });
    expect(nodes.find((n) => n.id === 'supply:pv')).toEqual({
      id: 'supply:pv',
      name: 'supply:pv',
      kind: 'supply',
    });
    for (const [, diff] of imbalances(links)) expect(diff).toBeCloseTo(0, 12);
  });

  it('limits an organisation to its own meters; an internal purchase shows as a supply, not as its seller', () => {
    const food = buildEnergyFlow({ organisation: 'FOOD', meters: PARK, organisationNames: names });
    expect(simple(food.links)).toEqual([
      ['supply:grid', 'carrier:electricity', 800, 0.09832, 'kWh'],
      ['carrier:electricity', 'org:FOOD', 800, 0.09832, 'kWh'],
      ['supply:heat', 'carrier:heat', 90, 3.0708, 'GJ'],
      ['carrier:heat', 'org:FOOD', 90, 3.0708, 'GJ'],
    ]);
    expect(JSON.stringify(food)).not.toMatch(/ALU|OPS|铝业|运营/);
    // ALU sells 100 GJ of heat: org:ALU → carrier:heat → export:heat.
    const alu = buildEnergyFlow({ organisation: 'ALU', meters: PARK, organisationNames: names });
    expect(simple(alu.links).filter((l) => l[4] === 'GJ')).toEqual([
      ['org:ALU', 'carrier:heat', 100, 3.412, 'GJ'],
      ['carrier:heat', 'export:heat', 100, 3.412, 'GJ'],
    ]);
  });

  it('puts consumption that no supply meter saw on the supply side, as unmetered', () => {
    // X has only a top-level consumption meter (100 kWh); Y imports 50 kWh and exports 20 kWh to the grid.
    const { links } = buildEnergyFlow({
      organisation: null,
      meters: [
        meter('X', 'electricity', 'kWh', 'consumption', 100),
        meter('Y', 'electricity', 'kWh', 'import', 50),
        meter('Y', 'electricity', 'kWh', 'export', 20),
      ],
      organisationNames: new Map(),
    });
    // In: grid 50 + unmetered 100 = 150; out: export 20 + X 100 + Y (50 − 20) 30 = 150.
    expect(simple(links).map((l) => l.slice(0, 3))).toEqual([
      ['supply:grid', 'carrier:electricity', 50],
      ['carrier:electricity', 'export:electricity', 20],
      ['carrier:electricity', 'org:X', 100],
      ['carrier:electricity', 'org:Y', 30],
      ['unmetered:electricity', 'carrier:electricity', 100],
    ]);
  });

  it('breaks a loop of internal sales (A sells steam to B, B sells compressed air to A)', () => {
    const { nodes, links } = buildEnergyFlow({
      organisation: null,
      meters: [
        meter('A', 'steam', 't', 'export', 10, { internalTransfer: true }),
        meter('B', 'steam', 't', 'import', 10, { internalTransfer: true }),
        meter('B', 'compressed_air', 'm3', 'export', 1000, { internalTransfer: true }),
        meter('A', 'compressed_air', 'm3', 'import', 1000, { internalTransfer: true }),
      ],
      organisationNames: new Map([['B', '乙']]),
    });
    expect(isAcyclic(links)).toBe(true);
    expect(links.map((l) => [l.source, l.target])).toEqual([
      ['supply:org:B', 'carrier:compressed_air'],
      ['carrier:compressed_air', 'org:A'],
      ['org:A', 'carrier:steam'],
      ['carrier:steam', 'org:B'],
    ]);
    expect(nodes.find((n) => n.id === 'supply:org:B')).toEqual({
      id: 'supply:org:B',
      name: '乙',
      kind: 'supply',
    });
  });
});

const arbitraryMeter = fc.record({
  organisation: fc.constantFrom('A', 'B', 'C'),
  carrier: fc.constantFrom('electricity', 'natural_gas', 'steam', 'heat', 'water'),
  unit: fc.constant(''),
  role: fc.constantFrom(...METER_ROLES),
  technology: fc.constantFrom(null, 'pv', 'wind'),
  internalTransfer: fc.boolean(),
  quantity: fc.double({ min: 0, max: 1e6, noNaN: true }),
});
const UNITS: Record<string, string[]> = {
  electricity: ['kWh', 'MWh'],
  natural_gas: ['m3', 'GJ'],
  steam: ['t', 'kg'],
  heat: ['GJ', 'MJ'],
  water: ['m3'],
};
const arbitraryMeters = fc.array(fc.tuple(arbitraryMeter, fc.nat()), { maxLength: 30 }).map((list) =>
  list.map(([m, i]) => {
    const units = UNITS[m.carrier]!;
    return { ...m, unit: units[i % units.length]! };
  }),
);

describe('flow properties', () => {
  test.prop([arbitraryMeters, fc.constantFrom(null, 'A', 'B')])(
    'conserves energy at every carrier node, with positive links and no loop',
    (meters, organisation) => {
      const { nodes, links } = buildEnergyFlow({ organisation, meters, organisationNames: new Map() });
      const scale = meters.reduce((a, m) => a + m.quantity, 0) * 1.5e-3 + 1e-9; // 1.5e-3 ≥ any tce per unit
      for (const [, diff] of imbalances(links)) expect(Math.abs(diff)).toBeLessThanOrEqual(scale * 1e-9);
      for (const l of links) {
        expect(l.tce).toBeGreaterThan(0);
        expect(l.quantity).toBeGreaterThan(0);
      }
      expect(isAcyclic(links)).toBe(true);
      expect(new Set(nodes.map((n) => n.id))).toEqual(new Set(links.flatMap((l) => [l.source, l.target])));
      if (organisation !== null) {
        const others = ['A', 'B', 'C'].filter((o) => o !== organisation);
        for (const n of nodes) for (const o of others) expect(n.id.endsWith(`:${o}`)).toBe(false);
      }
    },
  );

  test.prop([arbitraryMeters])(
    "gives each organisation its net (energyByCarrier's sign rule) in tce",
    (meters) => {
      const { links } = buildEnergyFlow({ organisation: null, meters, organisationNames: new Map() });
      for (const org of ['A', 'B', 'C']) {
        const drawn = links.reduce(
          (a, l) =>
            a +
            (l.target === `org:${org}` ? l.tce : 0) -
            (l.source === `org:${org}` || l.source === `supply:org:${org}` ? l.tce : 0),
          0,
        );
        const factor: Record<string, number> = {
          kWh: 0.0001229,
          MWh: 0.1229,
          m3: 0.00133,
          GJ: 0.03412,
          MJ: 0.00003412,
          t: 0.1286,
          kg: 0.0001286,
        };
        const expected = meters
          .filter((m) => m.organisation === org && m.carrier !== 'water')
          .reduce(
            (a, m) =>
              a + (['export', 'storage_charge'].includes(m.role) ? -1 : 1) * m.quantity * factor[m.unit]!,
            0,
          );
        const scale = meters.reduce((a, m) => a + m.quantity, 0) * 0.2 + 1e-9;
        // Nets within 1e-9 of their carrier's scale are dropped as rounding noise.
        expect(Math.abs(drawn - expected)).toBeLessThanOrEqual(scale * 1e-8);
      }
    },
  );
});
