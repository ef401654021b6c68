/**
 * Physical tracing of grid electricity (proportional sharing, docs/green-tracing.md): one 1,000-bus snapshot
 * (target < 100 ms), a year (8,760 hours) of snapshots of a 100-bus network (target < 10 s), the zone variant over
 * a year of the illustrative southern-grid model, and a 1,000-bus snapshot whose flows run round loops (the general
 * solver). Runs alone — `node --import tsx bench/green-trace.ts` — or from bench/run.ts through `greenTraceBench()`;
 * prints a table and returns the figures.
 *
 * The networks are synthetic and seeded: buses at random points, each joined to the earlier bus nearest to it (so
 * the network is connected) and to its two nearest neighbours (so it is meshed); reactance grows with distance. Flows
 * come from a real DC power flow, B'θ = P with the slack bus removed (dense LU, factorised once per network), with
 * line losses r·f² fed back twice as half-loads at both ends, so that every bus balances exactly and the lines lose
 * a few per cent (the table prints how much) — what the tracer is given is physically consistent.
 */
import { pathToFileURL } from 'node:url';
import { renderTable } from '../src/lib/format.ts';
import { demoZoneYear } from '../src/modules/demo/index.ts';
import {
  traceSeries,
  traceSnapshot,
  traceZoneYear,
  zoneSeries,
  type GridLine,
  type GridSnapshot,
} from '../src/modules/green/index.ts';
import { log, machineLine } from './common.ts';
import { mulberry32 as rng } from '../src/lib/random.ts';

const BASE_MVA = 100;
const TECHNOLOGIES = ['coal', 'hydro', 'wind', 'pv', 'gas', 'nuclear'] as const;

interface Network {
  buses: { id: string }[];
  lines: { id: string; from: number; to: number; x: number; r: number }[];
  generators: { id: string; bus: number; technology: (typeof TECHNOLOGIES)[number]; capacityMw: number }[];
  loads: { id: string; bus: number; baseMw: number }[];
  slack: number;
  /** LU factors of B' (slack row and column removed), row-major, with the row permutation. */
  lu: Float64Array;
  perm: Int32Array;
}

/** A seeded meshed network of n buses, its B' matrix factorised. */
function syntheticNetwork(n: number, seed: number): Network {
  const random = rng(seed);
  const xs = Array.from({ length: n }, () => random());
  const ys = Array.from({ length: n }, () => random());
  const dist = (i: number, j: number) => Math.hypot(xs[i]! - xs[j]!, ys[i]! - ys[j]!);
  const pairs = new Set<string>();
  const lines: Network['lines'] = [];
  const join = (i: number, j: number) => {
    const key = i < j ? `${i}-${j}` : `${j}-${i}`;
    if (i === j || pairs.has(key)) return;
    pairs.add(key);
    const x = 0.002 + 0.15 * dist(i, j) * Math.sqrt(n / 100);
    lines.push({ id: `l${lines.length}`, from: i, to: j, x, r: 0.12 * x });
  };
  for (let i = 1; i < n; i++) {
    let best = 0;
    for (let j = 1; j < i; j++) if (dist(i, j) < dist(i, best)) best = j;
    join(i, best);
  }
  for (let i = 0; i < n; i++) {
    const nearest = Array.from({ length: n }, (_, j) => j)
      .filter((j) => j !== i)
      .sort((a, b) => dist(i, a) - dist(i, b))
      .slice(0, 2);
    for (const j of nearest) join(i, j);
  }
  const generators: Network['generators'] = [];
  const loads: Network['loads'] = [];
  for (let i = 0; i < n; i++) {
    if (random() < 0.2) {
      const technology = TECHNOLOGIES[generators.length % TECHNOLOGIES.length]!;
      generators.push({ id: `g${generators.length}`, bus: i, technology, capacityMw: 100 + 400 * random() });
    }
    if (random() < 0.7) loads.push({ id: `d${loads.length}`, bus: i, baseMw: 20 + 80 * random() });
  }
  // The slack: a large coal unit of its own at bus 0.
  generators.push({ id: 'slack', bus: 0, technology: 'coal', capacityMw: 2000 });
  const b = new Float64Array((n - 1) * (n - 1));
  const at = (i: number, j: number) => (i - 1) * (n - 1) + (j - 1);
  for (const l of lines) {
    const y = 1 / l.x;
    if (l.from !== 0) b[at(l.from, l.from)]! += y;
    if (l.to !== 0) b[at(l.to, l.to)]! += y;
    if (l.from !== 0 && l.to !== 0) {
      b[at(l.from, l.to)]! -= y;
      b[at(l.to, l.from)]! -= y;
    }
  }
  const perm = factorise(b, n - 1);
  return {
    buses: Array.from({ length: n }, (_, i) => ({ id: `b${i}` })),
    lines,
    generators,
    loads,
    slack: 0,
    lu: b,
    perm,
  };
}

/** In-place LU with partial pivoting; returns the row permutation. */
function factorise(a: Float64Array, m: number): Int32Array {
  const perm = Int32Array.from({ length: m }, (_, i) => i);
  for (let c = 0; c < m; c++) {
    let p = c;
    for (let r = c + 1; r < m; r++) if (Math.abs(a[r * m + c]!) > Math.abs(a[p * m + c]!)) p = r;
    if (p !== c) {
      for (let k = 0; k < m; k++) {
        const t = a[p * m + k]!;
        a[p * m + k] = a[c * m + k]!;
        a[c * m + k] = t;
      }
      const t = perm[p]!;
      perm[p] = perm[c]!;
      perm[c] = t;
    }
    const pivot = a[c * m + c]!;
    for (let r = c + 1; r < m; r++) {
      const f = (a[r * m + c]! /= pivot);
      if (f === 0) continue;
      for (let k = c + 1; k < m; k++) a[r * m + k]! -= f * a[c * m + k]!;
    }
  }
  return perm;
}

function luSolve(a: Float64Array, perm: Int32Array, m: number, rhs: Float64Array): Float64Array {
  const y = new Float64Array(m);
  for (let i = 0; i < m; i++) {
    let s = rhs[perm[i]!]!;
    for (let k = 0; k < i; k++) s -= a[i * m + k]! * y[k]!;
    y[i] = s;
  }
  for (let i = m - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < m; k++) s -= a[i * m + k]! * y[k]!;
    y[i] = s / a[i * m + i]!;
  }
  return y;
}

/** Availability of a technology in an hour of the year (0..1). */
function availability(technology: string, hour: number, random: () => number): number {
  const hourOfDay = hour % 24;
  const season = Math.cos((2 * Math.PI * (hour / 24 - 200)) / 365); // 1 in mid-July
  switch (technology) {
    case 'pv':
      return Math.max(0, Math.sin((Math.PI * (hourOfDay - 6)) / 12)) * (0.6 + 0.4 * random());
    case 'wind':
      return 0.15 + 0.5 * random();
    case 'hydro':
      return 0.45 + 0.35 * season;
    case 'nuclear':
      return 0.9;
    default:
      return 0.5;
  }
}

/** A balanced snapshot of the network in hour `hour`: loads and renewables from the profiles, a DC power flow. */
function snapshotAt(net: Network, hour: number, random: () => number, at?: string): GridSnapshot {
  const n = net.buses.length;
  const hourOfDay = hour % 24;
  const shape = 0.8 + 0.15 * Math.sin((Math.PI * (hourOfDay - 8)) / 12) + 0.05 * random();
  const loads = net.loads.map((l) => ({ id: l.id, bus: net.buses[l.bus]!.id, mw: l.baseMw * shape }));
  const loadMw = loads.reduce((s, l) => s + l.mw, 0);
  // Must-take sources first (nuclear, hydro, wind, PV at their availability, never above 60 % of the load), then
  // coal and gas in proportion to capacity for 95 % of the rest; the slack covers the remainder and the losses.
  const output = net.generators.map((g) =>
    g.id === 'slack' || g.technology === 'coal' || g.technology === 'gas'
      ? 0
      : g.capacityMw * availability(g.technology, hour, random),
  );
  const mustTake = output.reduce((s, x) => s + x, 0);
  const cap = Math.min(1, (0.6 * loadMw) / mustTake);
  for (let i = 0; i < output.length; i++) output[i]! *= cap;
  const thermal = net.generators.filter(
    (g) => g.id !== 'slack' && (g.technology === 'coal' || g.technology === 'gas'),
  );
  const thermalCapacity = thermal.reduce((s, g) => s + g.capacityMw, 0);
  const residual = 0.95 * (loadMw - mustTake * cap);
  net.generators.forEach((g, i) => {
    if (g.id !== 'slack' && (g.technology === 'coal' || g.technology === 'gas'))
      output[i] = (residual * g.capacityMw) / thermalCapacity;
  });
  const injection = new Float64Array(n);
  net.generators.forEach((g, i) => (injection[g.bus]! += output[i]!));
  net.loads.forEach((l, i) => (injection[l.bus]! -= loads[i]!.mw));
  // DC power flow with losses: solve, charge r·f² half to each end, solve again (twice); the last losses used in the
  // right-hand side are the ones the lines report, so every non-slack bus balances to solver precision.
  let losses = new Float64Array(net.lines.length);
  let flow = new Float64Array(net.lines.length);
  for (let round = 0; round < 3; round++) {
    const rhs = new Float64Array(n - 1);
    for (let i = 1; i < n; i++) rhs[i - 1] = injection[i]! / BASE_MVA;
    net.lines.forEach((l, k) => {
      if (l.from !== 0) rhs[l.from - 1]! -= losses[k]! / 2 / BASE_MVA;
      if (l.to !== 0) rhs[l.to - 1]! -= losses[k]! / 2 / BASE_MVA;
    });
    const theta = luSolve(net.lu, net.perm, n - 1, rhs);
    const angle = (i: number) => (i === 0 ? 0 : theta[i - 1]!);
    flow = Float64Array.from(net.lines, (l) => ((angle(l.from) - angle(l.to)) / l.x) * BASE_MVA);
    if (round < 2)
      losses = Float64Array.from(net.lines, (l, k) => l.r * (flow[k]! / BASE_MVA) ** 2 * BASE_MVA);
  }
  const lines: GridLine[] = net.lines.map((l, k) => ({
    id: l.id,
    from: net.buses[l.from]!.id,
    to: net.buses[l.to]!.id,
    fromMw: flow[k]! + losses[k]! / 2,
    toMw: flow[k]! - losses[k]! / 2,
  }));
  // The slack generator closes the balance of bus 0.
  let slackMw = -injection[0]!;
  lines.forEach((l, k) => {
    if (net.lines[k]!.from === 0) slackMw += l.fromMw;
    if (net.lines[k]!.to === 0) slackMw -= l.toMw;
  });
  const generators = net.generators.map((g, i) => ({
    id: g.id,
    bus: net.buses[g.bus]!.id,
    technology: g.technology,
    mw: g.id === 'slack' ? slackMw : output[i]!,
  }));
  return { ...(at ? { at } : {}), buses: net.buses, generators, loads, lines };
}

/** Adds `count` lossless circulations of a few MW round random triangles of buses: directed loops, balance intact. */
function withLoops(snapshot: GridSnapshot, count: number, seed: number): GridSnapshot {
  const random = rng(seed);
  const lines = [...snapshot.lines];
  const n = snapshot.buses.length;
  for (let c = 0; c < count; c++) {
    const [a, b, d] = [0, 0, 0].map(() => snapshot.buses[Math.floor(random() * n)]!.id);
    if (a === b || b === d || a === d) continue;
    const edges: [string, string][] = [
      [a!, b!],
      [b!, d!],
      [d!, a!],
    ];
    for (const [from, to] of edges)
      lines.push({ id: `loop${c}-${from}-${to}`, from, to, fromMw: 5, toMw: 5 });
  }
  return { ...snapshot, lines };
}

/** Lets pending output and timers run between parts (the parts themselves are synchronous). */
const pause = () => new Promise<void>((resolve) => setImmediate(resolve));
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
const hourAt = (h: number) => {
  const d = new Date(Date.UTC(2025, 0, 1) + h * 3_600_000);
  return `${d.toISOString().slice(0, 13)}:00:00+08:00`;
};

export async function greenTraceBench(): Promise<Record<string, unknown>> {
  log(`\n[green-trace] proportional sharing; ${machineLine()}`);
  const rows: string[][] = [];

  // One 1,000-bus snapshot, by generator and by technology.
  let started = performance.now();
  const big = syntheticNetwork(1000, 7);
  const snapshot = snapshotAt(big, 12, rng(1));
  const buildMs = performance.now() - started;
  const lossShare =
    1 - snapshot.loads.reduce((s, l) => s + l.mw, 0) / snapshot.generators.reduce((s, g) => s + g.mw, 0);
  const times: number[] = [];
  started = performance.now();
  let trace = traceSnapshot(snapshot);
  const coldMs = performance.now() - started;
  for (let i = 0; i < 15; i++) {
    started = performance.now();
    trace = traceSnapshot(snapshot);
    times.push(performance.now() - started);
  }
  const techTimes: number[] = [];
  for (let i = 0; i < 15; i++) {
    started = performance.now();
    traceSnapshot(snapshot, { byGenerator: false });
    techTimes.push(performance.now() - started);
  }
  const snapshotMs = median(times);
  rows.push([
    `1,000-bus snapshot (${big.lines.length} lines, ${big.generators.length} generators, ${big.loads.length} loads; ` +
      `losses ${(lossShare * 100).toFixed(1)} %), by generator`,
    `${snapshotMs.toFixed(1)} ms (cold ${coldMs.toFixed(0)}, max ${Math.max(...times).toFixed(0)})`,
    '< 100 ms',
    trace.solver,
  ]);
  rows.push(['  … by technology only', `${median(techTimes).toFixed(1)} ms`, '', trace.solver]);

  await pause();
  // The same snapshot with 20 circulations round triangles: flows run round loops, the general solver.
  const looped = withLoops(snapshot, 20, 3);
  const loopTimes: number[] = [];
  let loopTrace = traceSnapshot(looped);
  for (let i = 0; i < 5; i++) {
    started = performance.now();
    loopTrace = traceSnapshot(looped);
    loopTimes.push(performance.now() - started);
  }
  const loopMs = median(loopTimes);
  rows.push(['  … with 20 loop flows added, by generator', `${loopMs.toFixed(1)} ms`, '', loopTrace.solver]);

  await pause();
  // A year of hourly snapshots of a 100-bus network.
  const small = syntheticNetwork(100, 11);
  const random = rng(2);
  started = performance.now();
  const year = Array.from({ length: 8760 }, (_, h) => snapshotAt(small, h, random, hourAt(h)));
  const yearBuildS = (performance.now() - started) / 1000;
  started = performance.now();
  const points = traceSeries(year, {});
  const yearS = (performance.now() - started) / 1000;
  const load = small.loads[0]!.id;
  started = performance.now();
  traceSeries(year, { load });
  const yearLoadS = (performance.now() - started) / 1000;
  rows.push([
    `a year of 100-bus snapshots (8,760; ${small.lines.length} lines), green share of all loads`,
    `${yearS.toFixed(2)} s (${((yearS / 8760) * 1e6).toFixed(0)} µs/hour)`,
    '< 10 s',
    '',
  ]);
  rows.push([`  … of one load (${load})`, `${yearLoadS.toFixed(2)} s`, '', '']);

  await pause();
  // The zone variant over a year of the illustrative southern-grid model.
  started = performance.now();
  const model = demoZoneYear(2025);
  const zoneBuildMs = performance.now() - started;
  started = performance.now();
  traceZoneYear(model);
  const zoneYearMs = performance.now() - started;
  started = performance.now();
  const yunnan = zoneSeries(model, 'yunnan');
  const zoneSeriesMs = performance.now() - started;
  rows.push([
    `zone model, a year (${model.hours.length} hours, ${model.zones.length} zones): every zone's mix`,
    `${zoneYearMs.toFixed(0)} ms`,
    '',
    '',
  ]);
  rows.push(['  … one zone (Yunnan) as an hourly series', `${zoneSeriesMs.toFixed(0)} ms`, '', '']);

  log(renderTable(['measurement', 'time (median of runs)', 'target', 'solver'], rows));
  const green =
    points.reduce((s, p) => s + p.mw * (p.greenShare ?? 0), 0) / points.reduce((s, p) => s + p.mw, 0);
  log(
    `(building the data, not timed above: 1,000-bus network and flow ${buildMs.toFixed(0)} ms; ` +
      `8,760 snapshots ${yearBuildS.toFixed(1)} s; zone model ${zoneBuildMs.toFixed(0)} ms. ` +
      `Synthetic 100-bus year: green share ${(green * 100).toFixed(1)} %; Yunnan's first hour ${((yunnan[0]!.greenShare ?? 0) * 100).toFixed(1)} %)`,
  );
  return {
    snapshot1000Ms: snapshotMs,
    snapshot1000ColdMs: coldMs,
    snapshot1000TechnologyMs: median(techTimes),
    snapshot1000LoopsMs: loopMs,
    snapshot1000Solver: trace.solver,
    snapshot1000LoopsSolver: loopTrace.solver,
    year100S: yearS,
    year100OneLoadS: yearLoadS,
    zoneYearMs,
    zoneSeriesMs,
    met: { snapshot: snapshotMs < 100, year: yearS < 10 },
  };
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) await greenTraceBench();
