/**
 * Physical tracing of grid electricity by proportional sharing (J. Bialek, "Tracing the flow of electricity", IEE
 * Proc. Gener. Transm. Distrib. 143(4), 1996): the inflows of a bus mix, and every outflow of the bus — its lines at
 * the sending end and its loads — carries the mix. The gross upstream variant charges line losses to loads: it solves
 * A_u·P = P_G for the gross through-flows P, and every generator's output ends up in some load. Pure: no I/O.
 */
import { AppError } from '../../lib/errors.ts';
import { fieldName, type PathIssue } from '../../lib/yaml-input.ts';
import type {
  GeneratorShare,
  LineTrace,
  LoadTrace,
  SeriesPoint,
  SeriesSummary,
  SnapshotTrace,
  ZoneConsumption,
} from './trace-types.ts';
import { GREEN_TECHNOLOGIES } from './types.ts';

/** Method id and version, recorded with every result. */
export const TRACE_METHOD = { id: 'proportional-sharing-gross-upstream', version: 1 } as const;

/** Technologies a grid snapshot or zone file may name. */
export const GRID_TECHNOLOGIES = [
  'coal',
  'gas',
  'oil',
  'nuclear',
  'hydro',
  'pumped_storage',
  'wind',
  'pv',
  'solar_thermal',
  'biomass',
  'geothermal',
  'ocean',
  'storage',
  'other',
] as const;
export type GridTechnology = (typeof GRID_TECHNOLOGIES)[number];

/** A bus (node) of the network; `zone` groups buses into a province or control area. */
export interface GridBus {
  id: string;
  zone?: string;
}

/** A generator's active output at a bus, MW (≥ 0). */
export interface GridGenerator {
  id: string;
  bus: string;
  technology: string;
  mw: number;
}

/** A load's active consumption at a bus, MW (≥ 0). */
export interface GridLoad {
  id: string;
  bus: string;
  mw: number;
}

/**
 * A line (or transformer) with its measured active flow at both ends: `fromMw` enters the line at `from`, `toMw`
 * leaves it at `to`; both are negative when power runs to → from. Losses are sending-end minus receiving-end power.
 */
export interface GridLine {
  id: string;
  from: string;
  to: string;
  fromMw: number;
  toMw: number;
}

/** The state of a network at one instant (or the average of an hour). */
export interface GridSnapshot {
  /** ISO instant with offset; required in a series. */
  at?: string;
  buses: GridBus[];
  generators: GridGenerator[];
  loads: GridLoad[];
  lines: GridLine[];
}

export interface TraceOptions {
  /** Technologies counted in the green share (default GREEN_TECHNOLOGIES). */
  greenTechnologies?: readonly string[];
  /** Balance tolerance at a bus, MW, on top of 1e-6 of its through-flow (default 0.01 MW). */
  toleranceMw?: number;
  /** Shares by generator as well as by technology (default true; series trace technologies only). */
  byGenerator?: boolean;
  /** 'general' skips the topological fast path (tests compare both). */
  solver?: 'auto' | 'general';
}

// ---- the mixing solver ------------------------------------------------------------------------------------------

/**
 * A network of mixing nodes: node i's content X_i (one value per colour — generator, technology, zone of origin)
 * is what it injects plus a fixed fraction of the content of every node that feeds it:
 * X_i = injection_i + Σ_{e: j→i} weight_e · X_j. For bus tracing weight_e = P_{j→i}(sending end) / P_j (net), which is
 * the gross upstream system A_u·P = P_G with one column per colour.
 */
export interface MixingNetwork {
  nodeCount: number;
  colourCount: number;
  /** Row-major nodeCount × colourCount. */
  injections: Float64Array;
  edgeFrom: Int32Array;
  edgeTo: Int32Array;
  edgeWeight: Float64Array;
}

/** Solves a mixing network: X row-major nodeCount × colourCount, and the path taken. */
export function solveMixing(
  net: MixingNetwork,
  solver: 'auto' | 'general' = 'auto',
): { content: Float64Array; solver: 'topological' | 'general' } {
  const n = net.nodeCount;
  const k = net.colourCount;
  const edgeCount = net.edgeFrom.length;
  // Incoming edges by receiving node (CSR), and out-degrees for the topological order.
  const inStart = new Int32Array(n + 1);
  for (let e = 0; e < edgeCount; e++) inStart[net.edgeTo[e]! + 1]!++;
  for (let i = 0; i < n; i++) inStart[i + 1]! += inStart[i]!;
  const inEdges = new Int32Array(edgeCount);
  const fill = inStart.slice(0, n);
  for (let e = 0; e < edgeCount; e++) inEdges[fill[net.edgeTo[e]!]!++] = e;

  const content = new Float64Array(net.injections);
  const order = solver === 'auto' ? topologicalOrder(net, n) : null;
  if (order) {
    for (const i of order) {
      const row = i * k;
      for (let p = inStart[i]!; p < inStart[i + 1]!; p++) {
        const e = inEdges[p]!;
        const w = net.edgeWeight[e]!;
        const src = net.edgeFrom[e]! * k;
        for (let c = 0; c < k; c++) content[row + c]! += w * content[src + c]!;
      }
    }
    return { content, solver: 'topological' };
  }
  // Measured flows may run round a loop. The strongly connected components, taken in topological order, are solved
  // one at a time: a single node directly, a loop by dense LU of (I − W) over its nodes, all colours at once.
  for (const component of stronglyConnectedComponents(net, n)) {
    if (component.length === 1 && !hasSelfLoop(net, component[0]!, inStart, inEdges)) {
      const i = component[0]!;
      const row = i * k;
      for (let p = inStart[i]!; p < inStart[i + 1]!; p++) {
        const e = inEdges[p]!;
        const w = net.edgeWeight[e]!;
        const src = net.edgeFrom[e]! * k;
        for (let c = 0; c < k; c++) content[row + c]! += w * content[src + c]!;
      }
      continue;
    }
    solveComponent(net, component, content, inStart, inEdges);
  }
  return { content, solver: 'general' };
}

/** Kahn's order of the nodes, or null when the edges hold a directed cycle. */
function topologicalOrder(net: MixingNetwork, n: number): Int32Array | null {
  const edgeCount = net.edgeFrom.length;
  const outStart = new Int32Array(n + 1);
  const inDegree = new Int32Array(n);
  for (let e = 0; e < edgeCount; e++) {
    outStart[net.edgeFrom[e]! + 1]!++;
    inDegree[net.edgeTo[e]!]!++;
  }
  for (let i = 0; i < n; i++) outStart[i + 1]! += outStart[i]!;
  const outTo = new Int32Array(edgeCount);
  const fill = outStart.slice(0, n);
  for (let e = 0; e < edgeCount; e++) outTo[fill[net.edgeFrom[e]!]!++] = net.edgeTo[e]!;
  const order = new Int32Array(n);
  let head = 0;
  let tail = 0;
  for (let i = 0; i < n; i++) if (inDegree[i] === 0) order[tail++] = i;
  while (head < tail) {
    const i = order[head++]!;
    for (let p = outStart[i]!; p < outStart[i + 1]!; p++) {
      const j = outTo[p]!;
      if (--inDegree[j]! === 0) order[tail++] = j;
    }
  }
  return tail === n ? order : null;
}

/** Tarjan's strongly connected components (iterative), returned in topological order of the condensation. */
function stronglyConnectedComponents(net: MixingNetwork, n: number): number[][] {
  const edgeCount = net.edgeFrom.length;
  const outStart = new Int32Array(n + 1);
  for (let e = 0; e < edgeCount; e++) outStart[net.edgeFrom[e]! + 1]!++;
  for (let i = 0; i < n; i++) outStart[i + 1]! += outStart[i]!;
  const outTo = new Int32Array(edgeCount);
  const fill = outStart.slice(0, n);
  for (let e = 0; e < edgeCount; e++) outTo[fill[net.edgeFrom[e]!]!++] = net.edgeTo[e]!;

  const index = new Int32Array(n).fill(-1);
  const low = new Int32Array(n);
  const onStack = new Uint8Array(n);
  const stack: number[] = [];
  const components: number[][] = [];
  const callNode = new Int32Array(n);
  const callEdge = new Int32Array(n);
  let counter = 0;
  for (let root = 0; root < n; root++) {
    if (index[root] !== -1) continue;
    let depth = 0;
    callNode[0] = root;
    callEdge[0] = outStart[root]!;
    index[root] = low[root] = counter++;
    stack.push(root);
    onStack[root] = 1;
    while (depth >= 0) {
      const v = callNode[depth]!;
      const p = callEdge[depth]!;
      if (p < outStart[v + 1]!) {
        callEdge[depth] = p + 1;
        const w = outTo[p]!;
        if (index[w] === -1) {
          index[w] = low[w] = counter++;
          stack.push(w);
          onStack[w] = 1;
          depth++;
          callNode[depth] = w;
          callEdge[depth] = outStart[w]!;
        } else if (onStack[w]) low[v] = Math.min(low[v]!, index[w]!);
        continue;
      }
      if (low[v] === index[v]) {
        const component: number[] = [];
        let w: number;
        do {
          w = stack.pop()!;
          onStack[w] = 0;
          component.push(w);
        } while (w !== v);
        components.push(component);
      }
      depth--;
      if (depth >= 0) {
        const parent = callNode[depth]!;
        low[parent] = Math.min(low[parent]!, low[v]!);
      }
    }
  }
  // Tarjan completes a component after every component it reaches: reversed, sources come first.
  return components.reverse();
}

function hasSelfLoop(net: MixingNetwork, i: number, inStart: Int32Array, inEdges: Int32Array): boolean {
  for (let p = inStart[i]!; p < inStart[i + 1]!; p++) if (net.edgeFrom[inEdges[p]!] === i) return true;
  return false;
}

/** Solves (I − W)·X = B over one loop of nodes, B = injections + inflows from nodes already solved. */
function solveComponent(
  net: MixingNetwork,
  component: readonly number[],
  content: Float64Array,
  inStart: Int32Array,
  inEdges: Int32Array,
): void {
  const k = net.colourCount;
  const m = component.length;
  const local = new Map<number, number>();
  component.forEach((node, a) => local.set(node, a));
  const matrix = new Float64Array(m * m);
  const rhs = new Float64Array(m * k);
  for (let a = 0; a < m; a++) {
    const i = component[a]!;
    matrix[a * m + a] = 1;
    for (let c = 0; c < k; c++) rhs[a * k + c] = content[i * k + c]!;
    for (let p = inStart[i]!; p < inStart[i + 1]!; p++) {
      const e = inEdges[p]!;
      const j = net.edgeFrom[e]!;
      const w = net.edgeWeight[e]!;
      const b = local.get(j);
      if (b !== undefined) matrix[a * m + b]! -= w;
      else for (let c = 0; c < k; c++) rhs[a * k + c]! += w * content[j * k + c]!;
    }
  }
  let inflow = 0;
  for (let x = 0; x < rhs.length; x++) inflow += Math.abs(rhs[x]!);
  // A loop nothing flows into carries nothing (a pure circulation: its content is zero, whatever its flows).
  if (inflow === 0) return;
  luSolve(matrix, rhs, m, k);
  for (let a = 0; a < m; a++) for (let c = 0; c < k; c++) content[component[a]! * k + c] = rhs[a * k + c]!;
}

/** Gaussian elimination with partial pivoting, in place: the solution replaces `rhs` (m × k). */
function luSolve(matrix: Float64Array, rhs: Float64Array, m: number, k: number): void {
  for (let col = 0; col < m; col++) {
    let pivot = col;
    for (let r = col + 1; r < m; r++)
      if (Math.abs(matrix[r * m + col]!) > Math.abs(matrix[pivot * m + col]!)) pivot = r;
    const p = matrix[pivot * m + col]!;
    // Every node of a loop that something flows into passes on less than it receives somewhere (a load, losses or a
    // line leaving the loop), so I − W is invertible (Achayuthakan et al. 2010); a zero pivot means flows circulate
    // with no way out, which balanced data cannot have.
    if (Math.abs(p) < 1e-12)
      throw new AppError(
        'BAD_INPUT',
        'flows circulate round a loop with no load and no way out: they cannot be traced',
      );
    if (pivot !== col) {
      for (let c = 0; c < m; c++) swap(matrix, pivot * m + c, col * m + c);
      for (let c = 0; c < k; c++) swap(rhs, pivot * k + c, col * k + c);
    }
    for (let r = col + 1; r < m; r++) {
      const f = matrix[r * m + col]! / p;
      if (f === 0) continue;
      for (let c = col; c < m; c++) matrix[r * m + c]! -= f * matrix[col * m + c]!;
      for (let c = 0; c < k; c++) rhs[r * k + c]! -= f * rhs[col * k + c]!;
    }
  }
  for (let r = m - 1; r >= 0; r--) {
    for (let c = 0; c < k; c++) {
      let s = rhs[r * k + c]!;
      for (let q = r + 1; q < m; q++) s -= matrix[r * m + q]! * rhs[q * k + c]!;
      rhs[r * k + c] = s / matrix[r * m + r]!;
    }
  }
}

function swap(a: Float64Array, x: number, y: number): void {
  const t = a[x]!;
  a[x] = a[y]!;
  a[y] = t;
}

// ---- checking a snapshot ----------------------------------------------------------------------------------------

const DEFAULT_TOLERANCE_MW = 0.01;

/** The direction a line's power runs and its two end values, MW (both ≥ 0). */
function lineEnds(line: GridLine): { forward: boolean; sendingMw: number; receivingMw: number } {
  const forward = line.fromMw > 0 || (line.fromMw === 0 && line.toMw >= 0);
  return forward
    ? { forward, sendingMw: line.fromMw, receivingMw: line.toMw }
    : { forward, sendingMw: -line.toMw, receivingMw: -line.fromMw };
}

/**
 * Every problem of a snapshot that makes it untraceable, each at its path (`lines[3].toMw`): duplicate ids, unknown
 * buses, negative outputs, lines whose two ends disagree in direction or that deliver more than they take, and buses
 * where generation plus inflows differ from load plus outflows by more than the tolerance.
 */
export function checkSnapshot(snapshot: GridSnapshot, options: TraceOptions = {}): PathIssue[] {
  const issues: PathIssue[] = [];
  const add = (path: (string | number)[], reason: string) => issues.push({ path, reason });
  const toleranceMw = options.toleranceMw ?? DEFAULT_TOLERANCE_MW;
  const busIndex = new Map<string, number>();
  snapshot.buses.forEach((b, i) => {
    const earlier = busIndex.get(b.id);
    if (earlier !== undefined) add(['buses', i, 'id'], `"${b.id}" is already buses[${earlier}]`);
    else busIndex.set(b.id, i);
  });
  const unique = (list: readonly { id: string }[], name: string) => {
    const seen = new Map<string, number>();
    list.forEach((x, i) => {
      const earlier = seen.get(x.id);
      if (earlier !== undefined) add([name, i, 'id'], `"${x.id}" is already ${name}[${earlier}]`);
      else seen.set(x.id, i);
    });
  };
  unique(snapshot.generators, 'generators');
  unique(snapshot.loads, 'loads');
  unique(snapshot.lines, 'lines');
  const busOf = (path: (string | number)[], id: string): number | undefined => {
    const i = busIndex.get(id);
    if (i === undefined) add(path, `no bus "${id}" in buses`);
    return i;
  };
  const n = snapshot.buses.length;
  const inMw = new Float64Array(n);
  const outMw = new Float64Array(n);
  const genMw = new Float64Array(n);
  const loadMw = new Float64Array(n);
  snapshot.generators.forEach((g, i) => {
    const b = busOf(['generators', i, 'bus'], g.bus);
    if (!(Number.isFinite(g.mw) && g.mw >= 0)) add(['generators', i, 'mw'], `${g.mw} MW: an output is ≥ 0`);
    else if (b !== undefined) genMw[b]! += g.mw;
  });
  snapshot.loads.forEach((l, i) => {
    const b = busOf(['loads', i, 'bus'], l.bus);
    if (!(Number.isFinite(l.mw) && l.mw >= 0)) add(['loads', i, 'mw'], `${l.mw} MW: a load is ≥ 0`);
    else if (b !== undefined) loadMw[b]! += l.mw;
  });
  snapshot.lines.forEach((line, i) => {
    const from = busOf(['lines', i, 'from'], line.from);
    const to = busOf(['lines', i, 'to'], line.to);
    if (line.from === line.to)
      return add(['lines', i, 'to'], `the line starts and ends at bus "${line.from}"`);
    if (!Number.isFinite(line.fromMw)) return add(['lines', i, 'fromMw'], 'must be a finite number');
    if (!Number.isFinite(line.toMw)) return add(['lines', i, 'toMw'], 'must be a finite number');
    if (Math.sign(line.fromMw) * Math.sign(line.toMw) < 0)
      return add(
        ['lines', i, 'toMw'],
        `fromMw ${line.fromMw} and toMw ${line.toMw} point in opposite directions: active power would enter ` +
          'the line at both ends (or leave it at both)',
      );
    const { forward, sendingMw, receivingMw } = lineEnds(line);
    if (receivingMw > sendingMw + toleranceMw)
      return add(
        ['lines', i, forward ? 'toMw' : 'fromMw'],
        `the line delivers ${receivingMw} MW but takes only ${sendingMw} MW (losses cannot be negative)`,
      );
    // fromMw leaves the `from` bus into the line; toMw reaches the `to` bus (signs carry the direction).
    if (from !== undefined && to !== undefined) {
      if (forward) {
        outMw[from]! += sendingMw;
        inMw[to]! += receivingMw;
      } else {
        outMw[to]! += sendingMw;
        inMw[from]! += receivingMw;
      }
    }
  });
  if (issues.length > 0) return issues;
  for (let b = 0; b < n; b++) {
    const supplied = genMw[b]! + inMw[b]!;
    const used = loadMw[b]! + outMw[b]!;
    const mismatch = supplied - used;
    const tolerance = toleranceMw + 1e-6 * Math.max(supplied, used);
    if (Math.abs(mismatch) > tolerance)
      add(
        ['buses', b],
        `bus "${snapshot.buses[b]!.id}" does not balance: generation ${round(genMw[b]!)} + inflows ` +
          `${round(inMw[b]!)} = ${round(supplied)} MW in, load ${round(loadMw[b]!)} + outflows ${round(outMw[b]!)} = ` +
          `${round(used)} MW out (mismatch ${round(mismatch)} MW, tolerance ${round(tolerance)} MW)`,
      );
  }
  return issues;
}

const round = (x: number) => Math.round(x * 1e6) / 1e6;

function assertTraceable(snapshot: GridSnapshot, options: TraceOptions): void {
  const issues = checkSnapshot(snapshot, options);
  if (issues.length === 0) return;
  const where = snapshot.at ? ` at ${snapshot.at}` : '';
  throw new AppError(
    'BAD_INPUT',
    `the network snapshot${where} cannot be traced: ${issues.length} problem${issues.length === 1 ? '' : 's'}`,
    { issues: issues.map((i) => ({ field: fieldName(i.path), reason: i.reason })) },
  );
}

// ---- tracing a snapshot -----------------------------------------------------------------------------------------

/** The network as a mixing problem: bus indexes, net through-flows, and one edge per line that carries power. */
interface Flows {
  busIndex: Map<string, number>;
  /** Net through-flow of each bus: its load plus its outflows at the sending ends, MW. */
  netMw: Float64Array;
  loadBus: Int32Array;
  net: MixingNetwork;
  lineSending: Int32Array;
}

function buildFlows(snapshot: GridSnapshot, colourOfGenerator: Int32Array, colourCount: number): Flows {
  const n = snapshot.buses.length;
  const busIndex = new Map<string, number>();
  snapshot.buses.forEach((b, i) => busIndex.set(b.id, i));
  const netMw = new Float64Array(n);
  const loadBus = new Int32Array(snapshot.loads.length);
  snapshot.loads.forEach((l, i) => {
    const b = busIndex.get(l.bus)!;
    loadBus[i] = b;
    netMw[b]! += l.mw;
  });
  const lineCount = snapshot.lines.length;
  const lineSending = new Int32Array(lineCount);
  const sendingMw = new Float64Array(lineCount);
  const receiving = new Int32Array(lineCount);
  let edgeCount = 0;
  snapshot.lines.forEach((line, i) => {
    const ends = lineEnds(line);
    const from = busIndex.get(line.from)!;
    const to = busIndex.get(line.to)!;
    lineSending[i] = ends.forward ? from : to;
    receiving[i] = ends.forward ? to : from;
    sendingMw[i] = ends.sendingMw;
    netMw[lineSending[i]]! += ends.sendingMw;
    if (ends.sendingMw > 0) edgeCount++;
  });
  const injections = new Float64Array(n * colourCount);
  snapshot.generators.forEach((g, i) => {
    injections[busIndex.get(g.bus)! * colourCount + colourOfGenerator[i]!]! += g.mw;
  });
  const edgeFrom = new Int32Array(edgeCount);
  const edgeTo = new Int32Array(edgeCount);
  const edgeWeight = new Float64Array(edgeCount);
  let e = 0;
  for (let i = 0; i < lineCount; i++) {
    if (!(sendingMw[i]! > 0)) continue;
    const s = lineSending[i]!;
    edgeFrom[e] = s;
    edgeTo[e] = receiving[i]!;
    // The share of the sending bus's through-flow that enters the line (gross: the sending-end value).
    edgeWeight[e] = sendingMw[i]! / netMw[s]!;
    e++;
  }
  return {
    busIndex,
    netMw,
    loadBus,
    lineSending,
    net: { nodeCount: n, colourCount, injections, edgeFrom, edgeTo, edgeWeight },
  };
}

/** Distinct technologies of a snapshot, in order of first appearance, and each generator's technology index. */
function technologyColours(snapshot: GridSnapshot): { technologies: string[]; colourOf: Int32Array } {
  const technologies: string[] = [];
  const index = new Map<string, number>();
  const colourOf = new Int32Array(snapshot.generators.length);
  snapshot.generators.forEach((g, i) => {
    let c = index.get(g.technology);
    if (c === undefined) {
      c = technologies.length;
      index.set(g.technology, c);
      technologies.push(g.technology);
    }
    colourOf[i] = c;
  });
  return { technologies, colourOf };
}

/** Shares of a content row by technology and the green share (null when the row is empty). */
function mixOf(
  row: ArrayLike<number>,
  offset: number,
  technologies: readonly string[],
  green: ReadonlySet<string>,
): { byTechnology: Record<string, number>; greenShare: number | null } {
  let total = 0;
  for (let c = 0; c < technologies.length; c++) total += row[offset + c]!;
  const byTechnology: Record<string, number> = {};
  if (!(total > 0)) return { byTechnology, greenShare: null };
  let greenMw = 0;
  for (let c = 0; c < technologies.length; c++) {
    const v = row[offset + c]!;
    if (v <= 0) continue;
    const t = technologies[c]!;
    byTechnology[t] = (byTechnology[t] ?? 0) + v / total;
    if (green.has(t)) greenMw += v;
  }
  return { byTechnology, greenShare: greenMw / total };
}

/** The solved mixing problem of a snapshot: content by colour (generators, or technologies) and by technology. */
function traceContent(snapshot: GridSnapshot, detailed: boolean, solver: TraceOptions['solver']) {
  const { technologies, colourOf } = technologyColours(snapshot);
  const t = technologies.length;
  // Colours are the generators themselves (or their technologies): per-technology rows are sums of generator rows.
  const colourCount = detailed ? snapshot.generators.length : t;
  const colourOfGenerator = detailed ? Int32Array.from(snapshot.generators.keys()) : colourOf;
  const flows = buildFlows(snapshot, colourOfGenerator, colourCount);
  const solved = solveMixing(flows.net, solver);
  const { content } = solved;
  const n = snapshot.buses.length;
  const byTech = detailed ? new Float64Array(n * t) : content;
  if (detailed)
    for (let b = 0; b < n; b++)
      for (let g = 0; g < colourCount; g++) byTech[b * t + colourOf[g]!]! += content[b * colourCount + g]!;
  // Gross through-flow of each bus: everything that reaches it, losses on the way included.
  const throughMw = new Float64Array(n);
  for (let b = 0; b < n; b++) for (let c = 0; c < t; c++) throughMw[b]! += byTech[b * t + c]!;
  return { technologies, colourCount, content, byTech, throughMw, flows, solver: solved.solver };
}

/**
 * Traces one snapshot: for every load its shares by generator and by technology, the MW from each generator (losses
 * charged to loads), its green share; for every line the mix it carries; for every zone its consumption mix.
 * Throws BAD_INPUT (each problem at its path) when the snapshot does not balance.
 * @example traceSnapshot(snapshot).loads[0].greenShare // 0.84
 */
export function traceSnapshot(snapshot: GridSnapshot, options: TraceOptions = {}): SnapshotTrace {
  assertTraceable(snapshot, options);
  const green = new Set(options.greenTechnologies ?? GREEN_TECHNOLOGIES);
  const detailed = options.byGenerator ?? true;
  const { technologies, colourCount, content, byTech, throughMw, flows, solver } = traceContent(
    snapshot,
    detailed,
    options.solver,
  );
  const t = technologies.length;

  const loads: LoadTrace[] = snapshot.loads.map((l, i) => {
    const b = flows.loadBus[i]!;
    const gross = throughMw[b]!;
    // Gross method: the load takes its net share of the bus's net through-flow, scaled to the gross through-flow.
    const grossMw = flows.netMw[b]! > 0 ? (l.mw * gross) / flows.netMw[b]! : 0;
    const mix = mixOf(byTech, b * t, technologies, green);
    const byGenerator: GeneratorShare[] = [];
    if (detailed && gross > 0)
      for (let g = 0; g < colourCount; g++) {
        const share = content[b * colourCount + g]! / gross;
        if (share > 0)
          byGenerator.push({
            generator: snapshot.generators[g]!.id,
            technology: snapshot.generators[g]!.technology,
            share,
            mw: share * grossMw,
          });
      }
    byGenerator.sort((x, y) => y.share - x.share);
    return {
      load: l.id,
      bus: l.bus,
      zone: snapshot.buses[b]!.zone ?? null,
      mw: l.mw,
      grossMw,
      byGenerator,
      ...mix,
    };
  });
  const lines: LineTrace[] = snapshot.lines.map((line, i) => {
    const ends = lineEnds(line);
    const s = flows.lineSending[i]!;
    return {
      line: line.id,
      sendingBus: snapshot.buses[s]!.id,
      receivingBus: ends.forward ? line.to : line.from,
      sendingMw: ends.sendingMw,
      receivingMw: ends.receivingMw,
      ...mixOf(byTech, s * t, technologies, green),
    };
  });
  const generationMw = snapshot.generators.reduce((s, g) => s + g.mw, 0);
  const loadMw = snapshot.loads.reduce((s, l) => s + l.mw, 0);
  return {
    method: TRACE_METHOD,
    at: snapshot.at ?? null,
    solver,
    greenTechnologies: [...green],
    generationMw,
    loadMw,
    lossesMw: generationMw - loadMw,
    loads,
    lines,
    zones: zoneConsumption(loads),
  };
}

/** Consumption mixes of the zones of a snapshot's loads, weighted by gross MW. */
function zoneConsumption(loads: readonly LoadTrace[]): ZoneConsumption[] {
  const byZone = new Map<string, LoadTrace[]>();
  for (const l of loads) if (l.zone !== null) byZone.set(l.zone, [...(byZone.get(l.zone) ?? []), l]);
  return [...byZone].map(([zone, list]) => {
    const { byTechnology, greenShare, grossMw } = weighted(list);
    return { zone, mw: list.reduce((s, l) => s + l.mw, 0), grossMw, byTechnology, greenShare };
  });
}

/** The gross-MW-weighted mix of several loads. */
function weighted(list: readonly Pick<LoadTrace, 'grossMw' | 'byTechnology' | 'greenShare'>[]): {
  byTechnology: Record<string, number>;
  greenShare: number | null;
  grossMw: number;
} {
  const grossMw = list.reduce((s, l) => s + l.grossMw, 0);
  const byTechnology: Record<string, number> = {};
  if (!(grossMw > 0)) return { byTechnology, greenShare: null, grossMw };
  let green = 0;
  for (const l of list) {
    const w = l.grossMw / grossMw;
    for (const [tech, share] of Object.entries(l.byTechnology))
      byTechnology[tech] = (byTechnology[tech] ?? 0) + w * share;
    green += w * (l.greenShare ?? 0);
  }
  return { byTechnology, greenShare: green, grossMw };
}

/** Which consumption a series follows: one load, the loads of one zone, or (neither given) every load. */
export interface SeriesTarget {
  load?: string;
  zone?: string;
}

/**
 * Traces a series of snapshots (by technology only, which is what an hourly green share needs) and returns, per
 * snapshot, the target's MW, gross MW, mix and green share. Throws BAD_INPUT naming the snapshot that does not trace,
 * or when the target is in none of them.
 */
export function traceSeries(
  snapshots: Iterable<GridSnapshot>,
  target: SeriesTarget = {},
  options: TraceOptions = {},
): SeriesPoint[] {
  const green = new Set(options.greenTechnologies ?? GREEN_TECHNOLOGIES);
  const points: SeriesPoint[] = [];
  let index = 0;
  for (const snapshot of snapshots) {
    const where = `snapshot [${index}]${snapshot.at ? ` (${snapshot.at})` : ''}`;
    const issues = checkSnapshot(snapshot, options);
    if (issues.length > 0)
      throw new AppError('BAD_INPUT', `${where} cannot be traced: ${issues.length} problem(s)`, {
        issues: issues.map((i) => ({ field: fieldName([index, ...i.path]), reason: i.reason })),
      });
    // Only the technology mix is needed, and only at the target's buses: no per-load or per-line objects.
    const { technologies, byTech, flows } = traceContent(snapshot, false, options.solver);
    const t = technologies.length;
    const techMw = new Float64Array(t);
    let mw = 0;
    let found = false;
    snapshot.loads.forEach((l, i) => {
      if (target.load !== undefined && l.id !== target.load) return;
      const b = flows.loadBus[i]!;
      if (target.zone !== undefined && snapshot.buses[b]!.zone !== target.zone) return;
      found = true;
      mw += l.mw;
      // The load's gross MW (l.mw · through/net) times the bus mix (byTech/through): through cancels.
      const net = flows.netMw[b]!;
      if (net > 0) for (let c = 0; c < t; c++) techMw[c]! += (l.mw / net) * byTech[b * t + c]!;
    });
    if (!found && (target.load !== undefined || target.zone !== undefined))
      throw new AppError(
        'NOT_FOUND',
        `${where} has no ` +
          (target.load !== undefined ? `load "${target.load}"` : `load in zone "${target.zone}"`),
      );
    let grossMw = 0;
    for (let c = 0; c < t; c++) grossMw += techMw[c]!;
    const mix = mixOf(techMw, 0, technologies, green);
    points.push({ at: snapshot.at ?? String(index), mw, grossMw, ...mix });
    index++;
  }
  return points;
}

/** Summarises a series of hourly points (each point's MW counts as MWh: one hour). */
export function summariseSeries(points: readonly SeriesPoint[]): SeriesSummary {
  let energyMwh = 0;
  let greenMwh = 0;
  let min: number | null = null;
  let max: number | null = null;
  const months = new Map<string, { mwh: number; green: number }>();
  for (const p of points) {
    if (p.greenShare === null) continue;
    energyMwh += p.mw;
    greenMwh += p.mw * p.greenShare;
    min = min === null ? p.greenShare : Math.min(min, p.greenShare);
    max = max === null ? p.greenShare : Math.max(max, p.greenShare);
    const month = /^\d{4}-\d{2}/.test(p.at) ? p.at.slice(0, 7) : '';
    const m = months.get(month) ?? { mwh: 0, green: 0 };
    m.mwh += p.mw;
    m.green += p.mw * p.greenShare;
    months.set(month, m);
  }
  return {
    points: points.length,
    energyMwh,
    greenShare: energyMwh > 0 ? greenMwh / energyMwh : null,
    minGreenShare: min,
    maxGreenShare: max,
    byMonth: Object.fromEntries([...months].map(([k, m]) => [k, m.mwh > 0 ? m.green / m.mwh : null])),
  };
}
