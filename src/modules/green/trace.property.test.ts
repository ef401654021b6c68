import { fc, test } from '@fast-check/vitest';
import { describe, expect } from 'vitest';
import { checkSnapshot, traceSnapshot, type GridLine, type GridSnapshot } from './trace.ts';

// Invariants of proportional sharing (STYLE.md rule 9): traced shares sum to 1, every MW generated reaches a load
// (losses are charged to loads), a radial feeder is served by its one source, two sources at one bus mix in
// proportion, and shares do not depend on the scale of the flows or on how lines are oriented.

const TECHNOLOGIES = ['coal', 'hydro', 'wind', 'pv', 'nuclear'] as const;
// MW with two decimals: no subnormal doubles, whose ratios say nothing about the method.
const mw = fc.integer({ min: 0, max: 50_000 }).map((n) => n / 100);

/**
 * A random network whose flows balance at every bus by construction: buses are visited in order; each bus passes its
 * through-flow (generation + what its lines deliver) to its load and to lines towards later buses in proportion to
 * random weights; each line loses a random part (0–5 %) of what it takes. Lines are given in either orientation, and
 * an optional lossless circulation round three buses adds a directed loop without upsetting any balance.
 */
const arbitraryNetwork = fc
  .record({
    busCount: fc.integer({ min: 2, max: 9 }),
    generators: fc.array(
      fc.record({ bus: fc.nat(), technology: fc.constantFrom(...TECHNOLOGIES), mw: mw.filter((x) => x > 0) }),
      { minLength: 1, maxLength: 6 },
    ),
    loadWeights: fc.array(fc.integer({ min: 0, max: 10 }), { minLength: 9, maxLength: 9 }),
    lines: fc.array(
      fc.record({
        a: fc.nat(),
        b: fc.nat(),
        weight: fc.integer({ min: 1, max: 10 }),
        lossPermille: fc.integer({ min: 0, max: 50 }),
        flipped: fc.boolean(),
      }),
      { maxLength: 14 },
    ),
    loop: fc.option(fc.record({ buses: fc.uniqueArray(fc.nat(), { minLength: 3, maxLength: 3 }), mw }), {
      nil: undefined,
    }),
  })
  .map(({ busCount, generators, loadWeights, lines, loop }): GridSnapshot => {
    const n = busCount;
    const id = (i: number) => `b${i}`;
    const gens = generators.map((g, i) => ({
      id: `G${i}`,
      bus: id(g.bus % n),
      technology: g.technology,
      mw: g.mw,
    }));
    const edges = lines
      .map((l) => ({ ...l, from: Math.min(l.a % n, l.b % n), to: Math.max(l.a % n, l.b % n) }))
      .filter((l) => l.from !== l.to);
    const through = new Float64Array(n);
    for (const g of generators) through[g.bus % n]! += g.mw;
    const out: GridLine[] = [];
    const loads = [];
    for (let i = 0; i < n; i++) {
      const outgoing = edges.filter((e) => e.from === i);
      const loadWeight = loadWeights[i]!;
      const total = loadWeight + outgoing.reduce((s, e) => s + e.weight, 0);
      // A bus with nowhere to send its power consumes all of it.
      loads.push({
        id: `L${i}`,
        bus: id(i),
        mw: total === 0 ? through[i]! : (through[i]! * loadWeight) / total,
      });
      for (const [k, e] of outgoing.entries()) {
        const sent = (through[i]! * e.weight) / total;
        const received = sent * (1 - e.lossPermille / 1000);
        through[e.to]! += received;
        out.push(
          e.flipped
            ? { id: `l${i}-${k}`, from: id(e.to), to: id(i), fromMw: -received, toMw: -sent }
            : { id: `l${i}-${k}`, from: id(i), to: id(e.to), fromMw: sent, toMw: received },
        );
      }
    }
    if (loop) {
      const [a, b, c] = loop.buses.map((x) => x % n);
      const edges: [number, number][] = [
        [a!, b!],
        [b!, c!],
        [c!, a!],
      ];
      if (new Set([a, b, c]).size === 3)
        for (const [from, to] of edges)
          out.push({ id: `loop${from}-${to}`, from: id(from), to: id(to), fromMw: loop.mw, toMw: loop.mw });
    }
    return {
      buses: Array.from({ length: n }, (_, i) => ({ id: id(i) })),
      generators: gens,
      loads,
      lines: out,
    };
  });

const sum = (xs: Iterable<number>) => [...xs].reduce((s, x) => s + x, 0);

describe('proportional sharing', () => {
  test.prop([arbitraryNetwork], { numRuns: 300 })('the generated flows balance at every bus', (snapshot) => {
    expect(checkSnapshot(snapshot)).toEqual([]);
  });

  test.prop([arbitraryNetwork], { numRuns: 300 })(
    "each load's shares sum to 1, by generator and by technology",
    (snapshot) => {
      for (const load of traceSnapshot(snapshot).loads) {
        if (load.greenShare === null) continue; // nothing reaches the bus
        expect(sum(load.byGenerator.map((g) => g.share))).toBeCloseTo(1, 9);
        expect(sum(Object.values(load.byTechnology))).toBeCloseTo(1, 9);
        expect(load.greenShare).toBeGreaterThanOrEqual(0);
        expect(load.greenShare).toBeLessThanOrEqual(1 + 1e-12);
      }
    },
  );

  test.prop([arbitraryNetwork], { numRuns: 300 })(
    'every MW of every generator reaches some load, losses included (gross method)',
    (snapshot) => {
      const trace = traceSnapshot(snapshot);
      const generation = sum(snapshot.generators.map((g) => g.mw));
      expect(sum(trace.loads.map((l) => l.grossMw))).toBeCloseTo(generation, 6);
      for (const g of snapshot.generators) {
        const delivered = sum(
          trace.loads.flatMap((l) => l.byGenerator.filter((x) => x.generator === g.id)).map((x) => x.mw),
        );
        expect(delivered).toBeCloseTo(g.mw, 6);
      }
    },
  );

  test.prop([arbitraryNetwork, fc.constantFrom(0.001, 0.37, 3, 1000)], { numRuns: 200 })(
    'multiplying every MW by k leaves every share unchanged',
    (snapshot, k) => {
      const scaled: GridSnapshot = {
        buses: snapshot.buses,
        generators: snapshot.generators.map((g) => ({ ...g, mw: g.mw * k })),
        loads: snapshot.loads.map((l) => ({ ...l, mw: l.mw * k })),
        lines: snapshot.lines.map((l) => ({ ...l, fromMw: l.fromMw * k, toMw: l.toMw * k })),
      };
      // The balance tolerance scales with the flows too.
      const a = traceSnapshot(snapshot, { toleranceMw: 0.01 });
      const b = traceSnapshot(scaled, { toleranceMw: 0.01 * k });
      a.loads.forEach((load, i) => {
        for (const [tech, share] of Object.entries(load.byTechnology))
          expect(b.loads[i]!.byTechnology[tech]).toBeCloseTo(share, 9);
        expect(b.loads[i]!.grossMw).toBeCloseTo(load.grossMw * k, 6);
      });
    },
  );

  test.prop([arbitraryNetwork], { numRuns: 200 })(
    'the one-pass path and the general (loop) solver agree, and the orientation of lines does not matter',
    (snapshot) => {
      const fast = traceSnapshot(snapshot);
      const general = traceSnapshot(snapshot, { solver: 'general' });
      const flipped = traceSnapshot({
        ...snapshot,
        lines: snapshot.lines.map((l) => ({
          ...l,
          from: l.to,
          to: l.from,
          fromMw: -l.toMw,
          toMw: -l.fromMw,
        })),
      });
      fast.loads.forEach((load, i) => {
        for (const other of [general.loads[i]!, flipped.loads[i]!]) {
          expect(other.grossMw).toBeCloseTo(load.grossMw, 9);
          for (const g of load.byGenerator)
            expect(other.byGenerator.find((x) => x.generator === g.generator)?.share).toBeCloseTo(g.share, 9);
        }
      });
    },
  );
});

describe('special networks', () => {
  /**
   * A radial feeder: one generator at the head, a load at every bus, each line losing part of what it carries. The
   * flows are built from the tail: the line into bus i carries (load_i + what bus i sends on) ÷ (1 − loss).
   */
  const feeder = fc.array(fc.record({ load: mw, lossPermille: fc.integer({ min: 0, max: 80 }) }), {
    minLength: 1,
    maxLength: 12,
  });

  test.prop([feeder, mw], { numRuns: 200 })(
    'a radial feeder gives every load 100 % from its one generator',
    (segments, headLoad) => {
      const n = segments.length + 1;
      const lines: GridLine[] = [];
      let downstream = 0; // what the bus after the current one needs from its line
      for (let i = n - 1; i >= 1; i--) {
        const received = segments[i - 1]!.load + downstream;
        const sent = received / (1 - segments[i - 1]!.lossPermille / 1000);
        lines.unshift({ id: `f${i}`, from: `b${i - 1}`, to: `b${i}`, fromMw: sent, toMw: received });
        downstream = sent;
      }
      const snapshot: GridSnapshot = {
        buses: Array.from({ length: n }, (_, i) => ({ id: `b${i}` })),
        generators: [{ id: 'G', bus: 'b0', technology: 'hydro', mw: headLoad + downstream }],
        loads: [
          { id: 'L0', bus: 'b0', mw: headLoad },
          ...segments.map((s, i) => ({ id: `L${i + 1}`, bus: `b${i + 1}`, mw: s.load })),
        ],
        lines,
      };
      const trace = traceSnapshot(snapshot);
      for (const load of trace.loads) {
        // Past a segment that carries nothing, nothing reaches the bus: no mix (and no load to serve).
        if (load.greenShare === null) {
          expect(load.mw).toBe(0);
          continue;
        }
        expect(load.byGenerator.map((g) => g.generator)).toEqual(['G']);
        expect(load.byGenerator[0]!.share).toBe(1);
        expect(load.greenShare).toBe(1);
      }
      // The generator's output is all accounted for by the loads' gross MW.
      expect(sum(trace.loads.map((l) => l.grossMw))).toBeCloseTo(headLoad + downstream, 6);
    },
  );

  test.prop([mw.filter((x) => x > 0), mw.filter((x) => x > 0), fc.integer({ min: 0, max: 100 })], {
    numRuns: 200,
  })(
    'two generators feeding one bus mix in proportion to their outputs, there and downstream',
    (a, b, localPercent) => {
      // Bus X holds G1 (a MW, wind) and G2 (b MW, coal) and consumes localPercent of them; the rest goes to Y losslessly.
      // Both ≥ 0 whatever the rounding (x − y ≥ 0 in floating point when y ≤ x).
      const local = Math.min(a + b, ((a + b) * localPercent) / 100);
      const sent = a + b - local;
      const snapshot: GridSnapshot = {
        buses: [{ id: 'X' }, { id: 'Y' }],
        generators: [
          { id: 'G1', bus: 'X', technology: 'wind', mw: a },
          { id: 'G2', bus: 'X', technology: 'coal', mw: b },
        ],
        loads: [
          { id: 'LX', bus: 'X', mw: local },
          { id: 'LY', bus: 'Y', mw: sent },
        ],
        lines: [{ id: 'XY', from: 'X', to: 'Y', fromMw: sent, toMw: sent }],
      };
      for (const load of traceSnapshot(snapshot).loads) {
        if (load.greenShare === null) continue; // bus Y when X keeps everything
        expect(load.byGenerator.find((g) => g.generator === 'G1')!.share).toBeCloseTo(a / (a + b), 12);
        expect(load.greenShare).toBeCloseTo(a / (a + b), 12);
        expect(load.byGenerator.find((g) => g.generator === 'G2')!.mw).toBeCloseTo(
          (load.mw * b) / (a + b),
          9,
        );
      }
    },
  );
});
