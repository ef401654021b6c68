/**
 * The network snapshot the tracing tab starts with: four buses, hydro at bus 1, coal and wind at bus 2, the park's
 * substation at bus 3 and a town at bus 4, with metered flows at both ends of each line (losses = sending − receiving).
 * Every bus balances: what flows in equals what flows out. Illustrative figures, not a real network.
 */
export const SAMPLE_SNAPSHOT = {
  title: '四节点示例 4-bus sample',
  at: '2025-07-01T12:00:00+08:00',
  buses: [
    { id: '1', name: '水电站升压站 hydro plant', zone: 'yunnan' },
    { id: '2', name: '火电·风电汇集站 coal and wind', zone: 'yunnan' },
    { id: '3', name: '园区 110 kV 变电站 park substation', zone: 'yunnan' },
    { id: '4', name: '城区变电站 town substation', zone: 'yunnan' },
  ],
  generators: [
    { id: 'G1-hydro', bus: '1', technology: 'hydro', mw: 120 },
    { id: 'G2-coal', bus: '2', technology: 'coal', mw: 80 },
    { id: 'G3-wind', bus: '2', technology: 'wind', mw: 50 },
  ],
  loads: [
    { id: 'L3-park', bus: '3', mw: 150 },
    { id: 'L4-town', bus: '4', mw: 95.5 },
  ],
  lines: [
    { id: '1-3', from: '1', to: '3', fromMw: 120, toMw: 118 },
    { id: '2-3', from: '2', to: '3', fromMw: 70, toMw: 69 },
    { id: '2-4', from: '2', to: '4', fromMw: 60, toMw: 59 },
    { id: '3-4', from: '3', to: '4', fromMw: 37, toMw: 36.5 },
  ],
};

export const SAMPLE_TEXT = `${JSON.stringify(SAMPLE_SNAPSHOT, null, 2)}\n`;
