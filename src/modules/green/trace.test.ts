import { describe, expect, it } from 'vitest';
import { AppError } from '../../lib/errors.ts';
import { checkSnapshot, summariseSeries, traceSeries, traceSnapshot, type GridSnapshot } from './trace.ts';

// Expected numbers are worked out by hand below, fraction by fraction, never copied from the implementation.

/**
 * The four-bus example network of J. Bialek, "Tracing the flow of electricity", IEE Proc. Gener. Transm. Distrib.
 * 143(4):313–320, 1996, as the New Zealand Electricity Authority reproduced it for its tracing code
 * (github.com/ElectricityAuthority/tracing, testB/input/vSPDout, "testB_bialek"): generators of 400 MW at bus 1 and
 * 114 MW at bus 2, loads of 300 MW at bus 3 and 200 MW at bus 4, five lossy lines (14 MW of losses in all). The EA
 * file gives line 3–4 as "−82 MW, loss 1"; read with our convention (the value at the `from` bus 3, power running
 * 4 → 3) it leaves bus 4 at 83 MW and reaches bus 3 at 82 MW — the only reading under which every bus balances.
 * The paper's own table of results could not be retrieved; the figures below are derived by hand.
 */
const BIALEK: GridSnapshot = {
  buses: [{ id: '1' }, { id: '2' }, { id: '3' }, { id: '4' }],
  generators: [
    { id: 'G1', bus: '1', technology: 'coal', mw: 400 },
    { id: 'G2', bus: '2', technology: 'hydro', mw: 114 },
  ],
  loads: [
    { id: 'L3', bus: '3', mw: 300 },
    { id: 'L4', bus: '4', mw: 200 },
  ],
  lines: [
    { id: '1-2', from: '1', to: '2', fromMw: 60, toMw: 59 },
    { id: '2-4', from: '2', to: '4', fromMw: 173, toMw: 171 },
    { id: '1-4', from: '1', to: '4', fromMw: 115, toMw: 112 },
    { id: '1-3', from: '1', to: '3', fromMw: 225, toMw: 218 },
    // Given from bus 3: power runs 4 → 3, so both ends are negative (82 MW leaves the line at 3, 83 MW enters at 4).
    { id: '3-4', from: '3', to: '4', fromMw: -82, toMw: -83 },
  ],
};

describe('gross upstream tracing of the Bialek (1996) four-bus network', () => {
  // Net through-flows (load + sending-end outflows): P1 = 60 + 115 + 225 = 400, P2 = 173, P3 = 300,
  // P4 = 200 + 83 = 283. The flows form no loop: order 1, 2, 4, 3.
  // Gross through-flows, P_i = P_Gi + Σ_j (P_j→i at j / P_j) · P_j^gross:
  //   P1 = 400
  //   P2 = 114 + (60/400)·400 = 174
  //   P4 = (173/173)·174 + (115/400)·400 = 289
  //   P3 = (225/400)·400 + (83/283)·289 = 225 + 23,987/283 = 87,662/283 ≈ 309.7597
  // Mixes (share of G1): bus 2: 60/174 = 10/29; bus 4: (60 + 115)/289 = 175/289;
  //   bus 3: (225 + 83·175/283) / (87,662/283) = (63,675 + 14,525)/87,662 = 78,200/87,662.
  // Gross loads: L3 = 300 · P3/300 = 87,662/283; L4 = 200 · 289/283 = 57,800/283; together 145,462/283 = 514.
  const trace = traceSnapshot(BIALEK);
  const load = (id: string) => trace.loads.find((l) => l.load === id)!;
  const share = (id: string, g: string) => load(id).byGenerator.find((x) => x.generator === g)!;

  it('takes the one-pass path: the flows form no loop', () => {
    expect(trace.solver).toBe('topological');
    expect(trace.lossesMw).toBeCloseTo(514 - 500, 10);
  });

  it('gives each load its share of each generator', () => {
    expect(share('L3', 'G1').share).toBeCloseTo(78_200 / 87_662, 12); // 0.892063
    expect(share('L3', 'G2').share).toBeCloseTo(9_462 / 87_662, 12); // 0.107937
    expect(share('L4', 'G1').share).toBeCloseTo(175 / 289, 12); // 0.605536
    expect(share('L4', 'G2').share).toBeCloseTo(114 / 289, 12); // 0.394464
  });

  it('charges the losses to the loads (gross MW) and allocates every MW of every generator', () => {
    expect(load('L3').grossMw).toBeCloseTo(87_662 / 283, 9); // 309.7597: 9.76 MW of losses
    expect(load('L4').grossMw).toBeCloseTo(57_800 / 283, 9); // 204.2403: 4.24 MW of losses
    // MW from G1: L3 78,200/283 = 276.3251, L4 200·175/283 = 35,000/283 = 123.6749; together 113,200/283 = 400.
    expect(share('L3', 'G1').mw).toBeCloseTo(78_200 / 283, 9);
    expect(share('L4', 'G1').mw).toBeCloseTo(35_000 / 283, 9);
    // MW from G2: L3 9,462/283 = 33.4346, L4 200·114/283 = 22,800/283 = 80.5654; together 32,262/283 = 114.
    expect(share('L3', 'G2').mw).toBeCloseTo(9_462 / 283, 9);
    expect(share('L4', 'G2').mw).toBeCloseTo(22_800 / 283, 9);
  });

  it('gives each line the mix of its sending bus', () => {
    const line = (id: string) => trace.lines.find((l) => l.line === id)!;
    // The EA's independent implementation publishes, for this network, line 2–4 split 59.3064 (bus 1) : 112.6821
    // (bus 2) → 0.344828 = 10/29, and line 3–4 split 50.0883 : 32.6290 → 0.605536 = 175/289
    // (testB/output/d/tu_20110101.csv): the same mixes.
    expect(line('2-4').byTechnology.coal).toBeCloseTo(10 / 29, 12);
    expect(line('3-4').byTechnology.coal).toBeCloseTo(175 / 289, 12);
    expect(line('3-4').sendingBus).toBe('4');
    expect(line('3-4').sendingMw).toBe(83);
    expect(line('3-4').receivingMw).toBe(82);
    expect(line('1-3').byTechnology).toEqual({ coal: 1 });
  });

  it('counts hydro as green by default, and only what it is told otherwise', () => {
    expect(load('L4').greenShare).toBeCloseTo(114 / 289, 12);
    expect(traceSnapshot(BIALEK, { greenTechnologies: ['wind'] }).loads[1]!.greenShare).toBe(0);
  });

  it('gives the same shares when every line is given in the other direction', () => {
    const flipped: GridSnapshot = {
      ...BIALEK,
      lines: BIALEK.lines.map((l) => ({
        id: l.id,
        from: l.to,
        to: l.from,
        fromMw: -l.toMw,
        toMw: -l.fromMw,
      })),
    };
    const again = traceSnapshot(flipped);
    expect(again.loads[0]!.byTechnology.coal).toBeCloseTo(78_200 / 87_662, 12);
    expect(again.loads[1]!.grossMw).toBeCloseTo(57_800 / 283, 9);
  });
});

describe('a loop of flows (measured flows may circulate)', () => {
  // A → B 60, B → C 80, C → A 20 MW (lossless); G1 (coal) 100 MW at A, G2 (wind) 50 MW at B; loads A 60, B 30, C 60.
  // Through-flows: A = 100 + 20 = 120, B = 50 + 60 = 110, C = 80. Shares of coal a, b, c:
  //   a = (100 + 20c)/120, b = 60a/110, c = 80b/80 = b  ⇒  a = (100 + (120/11)a)/120 ⇒ a = 11/12, b = c = 1/2.
  // Check: wind reaching loads = 60/12 + 30/2 + 60/2 = 5 + 15 + 30 = 50 MW = G2.
  const loop: GridSnapshot = {
    buses: [{ id: 'A' }, { id: 'B' }, { id: 'C' }],
    generators: [
      { id: 'G1', bus: 'A', technology: 'coal', mw: 100 },
      { id: 'G2', bus: 'B', technology: 'wind', mw: 50 },
    ],
    loads: [
      { id: 'LA', bus: 'A', mw: 60 },
      { id: 'LB', bus: 'B', mw: 30 },
      { id: 'LC', bus: 'C', mw: 60 },
    ],
    lines: [
      { id: 'AB', from: 'A', to: 'B', fromMw: 60, toMw: 60 },
      { id: 'BC', from: 'B', to: 'C', fromMw: 80, toMw: 80 },
      { id: 'CA', from: 'C', to: 'A', fromMw: 20, toMw: 20 },
    ],
  };

  it('is solved exactly by the general path', () => {
    const trace = traceSnapshot(loop);
    expect(trace.solver).toBe('general');
    const [a, b, c] = trace.loads;
    expect(a!.byTechnology.coal).toBeCloseTo(11 / 12, 12);
    expect(a!.greenShare).toBeCloseTo(1 / 12, 12);
    expect(b!.byTechnology.coal).toBeCloseTo(1 / 2, 12);
    expect(c!.byTechnology.wind).toBeCloseTo(1 / 2, 12);
    expect(c!.byGenerator.find((g) => g.generator === 'G2')!.mw).toBeCloseTo(30, 10);
  });

  it('leaves a ring that nothing flows into untraced', () => {
    // Nothing is generated or consumed on the ring D → E → F → D, yet 10 MW circulates: the ring has no content and
    // is left untraced rather than failing (its lines carry no mix).
    const ring: GridSnapshot = {
      buses: [{ id: 'D' }, { id: 'E' }, { id: 'F' }],
      generators: [],
      loads: [],
      lines: [
        { id: 'DE', from: 'D', to: 'E', fromMw: 10, toMw: 10 },
        { id: 'EF', from: 'E', to: 'F', fromMw: 10, toMw: 10 },
        { id: 'FD', from: 'F', to: 'D', fromMw: 10, toMw: 10 },
      ],
    };
    const trace = traceSnapshot(ring);
    expect(trace.lines.every((l) => l.greenShare === null)).toBe(true);
  });
});

describe('checking a snapshot', () => {
  it('names the bus that does not balance and by how much', () => {
    const broken = structuredClone(BIALEK);
    broken.loads[0]!.mw = 301;
    const issues = checkSnapshot(broken);
    expect(issues).toHaveLength(1);
    expect(issues[0]!.path).toEqual(['buses', 2]);
    expect(issues[0]!.reason).toMatch(/bus "3" does not balance: .* 300 MW in, load 301 .*\(mismatch -1 MW/);
  });

  it('accepts a mismatch within the tolerance', () => {
    const close = structuredClone(BIALEK);
    close.loads[0]!.mw = 300.005;
    expect(checkSnapshot(close)).toEqual([]);
    close.loads[0]!.mw = 300.5;
    expect(checkSnapshot(close, { toleranceMw: 1 })).toEqual([]);
  });

  it('refuses lines that deliver more than they take, or whose ends disagree', () => {
    const bad = structuredClone(BIALEK);
    bad.lines[0] = { id: '1-2', from: '1', to: '2', fromMw: 59, toMw: 60 };
    bad.lines[4] = { id: '3-4', from: '3', to: '4', fromMw: 82, toMw: -83 };
    const issues = checkSnapshot(bad);
    expect(issues.map((i) => i.path)).toEqual([
      ['lines', 0, 'toMw'],
      ['lines', 4, 'toMw'],
    ]);
    expect(issues[0]!.reason).toMatch(/delivers 60 MW but takes only 59 MW/);
    expect(issues[1]!.reason).toMatch(/opposite directions/);
  });

  it('refuses unknown buses and duplicate ids, and traceSnapshot throws them as BAD_INPUT', () => {
    const bad = structuredClone(BIALEK);
    bad.loads.push({ id: 'L3', bus: '9', mw: 0 });
    expect(checkSnapshot(bad).map((i) => [i.path, i.reason])).toEqual([
      [['loads', 2, 'id'], '"L3" is already loads[0]'],
      [['loads', 2, 'bus'], 'no bus "9" in buses'],
    ]);
    try {
      traceSnapshot(bad);
      expect.unreachable();
    } catch (error) {
      expect(error).toBeInstanceOf(AppError);
      expect((error as AppError).code).toBe('BAD_INPUT');
      expect((error as AppError).issues.map((i) => i.field)).toEqual(['loads[2].id', 'loads[2].bus']);
    }
  });
});

describe('a series of snapshots', () => {
  // Hour 1 is the Bialek network; hour 2 the same with G2 (hydro) twice as large and L4 114 MW larger (lossless
  // extra on the same path would change losses, so the extra goes to a load at bus 2 instead): L2 114 MW at bus 2.
  const hour2: GridSnapshot = {
    ...structuredClone(BIALEK),
    at: '2025-07-01T01:00:00+08:00',
    generators: [
      { id: 'G1', bus: '1', technology: 'coal', mw: 400 },
      { id: 'G2', bus: '2', technology: 'hydro', mw: 228 },
    ],
    loads: [...BIALEK.loads, { id: 'L2', bus: '2', mw: 114 }],
  };
  const series = [{ ...BIALEK, at: '2025-07-01T00:00:00+08:00' }, hour2];

  it('follows one load', () => {
    // Hour 2, bus 2: through-flow net 173 + 114 = 287 (load 114 + line 173); gross 228 + 60 = 288.
    // Share of G1 at bus 2: 60/288 = 5/24; line 2→4 carries gross (173/287)·288 = 49,824/287.
    // Bus 4: G1 = 49,824/287 · 5/24 + 115 = 10,380/287 + 115 = 43,385/287; total = (49,824 + 33,005)/287
    // = 82,829/287; hydro share = 1 − 43,385/82,829 = 39,444/82,829.
    const points = traceSeries(series, { load: 'L4' });
    expect(points.map((p) => p.at)).toEqual(['2025-07-01T00:00:00+08:00', '2025-07-01T01:00:00+08:00']);
    expect(points[0]!.greenShare).toBeCloseTo(114 / 289, 12);
    expect(points[1]!.greenShare).toBeCloseTo(39_444 / 82_829, 12);
    expect(points[1]!.mw).toBe(200);
  });

  it('weights all loads by their gross MW when no target is given', () => {
    // Hour 1: green MW reaching loads = all of G2 = 114 of 514 gross MW.
    const [first] = traceSeries(series);
    expect(first!.greenShare).toBeCloseTo(114 / 514, 12);
    expect(first!.grossMw).toBeCloseTo(514, 9);
  });

  it('names the snapshot whose load is missing', () => {
    expect(() => traceSeries(series, { load: 'L2' })).toThrow(
      /snapshot \[0\] \(2025-07-01T00:00:00\+08:00\) has no load "L2"/,
    );
  });

  it('summarises hours by month, weighted by consumption', () => {
    const s = summariseSeries([
      { at: '2025-01-01T00:00:00+08:00', mw: 100, grossMw: 100, byTechnology: {}, greenShare: 0.5 },
      { at: '2025-01-01T01:00:00+08:00', mw: 300, grossMw: 300, byTechnology: {}, greenShare: 0.9 },
      { at: '2025-02-01T00:00:00+08:00', mw: 100, grossMw: 100, byTechnology: {}, greenShare: 0.2 },
    ]);
    // January: (50 + 270)/400 = 0.8; year: (50 + 270 + 20)/500 = 0.68.
    expect(s.byMonth['2025-01']).toBeCloseTo(0.8, 12);
    expect(s.byMonth['2025-02']).toBeCloseTo(0.2, 12);
    expect(s.greenShare).toBeCloseTo(0.68, 12);
    expect([s.minGreenShare, s.maxGreenShare, s.energyMwh]).toEqual([0.2, 0.9, 500]);
  });
});
