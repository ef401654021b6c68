/**
 * Zone-level flow tracing (Tranberg et al., "Real-time carbon accounting method for the European electricity
 * markets", Energy Strategy Reviews 26, 2019): per hour, each zone's supply — its own generation by technology plus
 * its imports — mixes proportionally, and its consumption and its exports carry that mix. The result is each zone's
 * consumption mix by technology and by zone of origin, and its green share. Pure: no I/O.
 */
import { AppError } from '../../lib/errors.ts';
import { fieldName, type PathIssue } from '../../lib/yaml-input.ts';
import type { SeriesPoint } from './trace-types.ts';
import { solveMixing } from './trace.ts';
import { GREEN_TECHNOLOGIES } from './types.ts';

/** A zone (province, control area) of a zone model. */
export interface ZoneInfo {
  id: string;
  name?: string;
}

/** A zone in one hour: generation by technology and consumption, MW (hourly averages). */
export interface ZoneHourValues {
  generationMw: Record<string, number>;
  loadMw: number;
}

/** Power sent from one zone to another in one hour, MW (≥ 0; losses between zones are not modelled). */
export interface ZoneExchange {
  from: string;
  to: string;
  mw: number;
}

/** One hour of a zone model. */
export interface ZoneHour {
  /** ISO instant with offset: the start of the hour. */
  at: string;
  zones: Record<string, ZoneHourValues>;
  exchanges: ZoneExchange[];
}

/** A zone model over many hours (typically a year: 8,760). */
export interface ZoneYearInput {
  title?: string;
  note?: string;
  zones: ZoneInfo[];
  hours: ZoneHour[];
}

/** A zone's consumption in one hour and where it comes from. */
export interface ZoneMix {
  zone: string;
  loadMw: number;
  generationMw: number;
  importMw: number;
  exportMw: number;
  /** Shares of the zone's supply (= of its consumption) by technology, summing to 1. */
  byTechnology: Record<string, number>;
  /** Shares by the zone the power was generated in, summing to 1. */
  byOrigin: Record<string, number>;
  greenShare: number | null;
}

export interface ZoneTraceOptions {
  greenTechnologies?: readonly string[];
  /** Exports may exceed generation plus imports by this much before the hour is refused, MW (default 0.01). */
  toleranceMw?: number;
  solver?: 'auto' | 'general';
}

/** Problems that make an hour untraceable, each at its path within the hour (`exchanges[2].to`). */
export function checkZoneHour(
  hour: ZoneHour,
  zoneIds: readonly string[],
  options: ZoneTraceOptions = {},
): PathIssue[] {
  const issues: PathIssue[] = [];
  const add = (path: (string | number)[], reason: string) => issues.push({ path, reason });
  const known = new Set(zoneIds);
  for (const [zone, values] of Object.entries(hour.zones)) {
    if (!known.has(zone))
      add(['zones', zone], `zone "${zone}" is not in the model's zones (${zoneIds.join(', ')})`);
    if (!(Number.isFinite(values.loadMw) && values.loadMw >= 0))
      add(['zones', zone, 'loadMw'], `${values.loadMw} MW: a load is ≥ 0`);
    for (const [tech, mw] of Object.entries(values.generationMw))
      if (!(Number.isFinite(mw) && mw >= 0))
        add(['zones', zone, 'generationMw', tech], `${mw} MW: generation is ≥ 0`);
  }
  hour.exchanges.forEach((x, i) => {
    if (!known.has(x.from)) add(['exchanges', i, 'from'], `no zone "${x.from}"`);
    if (!known.has(x.to)) add(['exchanges', i, 'to'], `no zone "${x.to}"`);
    if (x.from === x.to) add(['exchanges', i, 'to'], `an exchange from "${x.from}" to itself`);
    if (!(Number.isFinite(x.mw) && x.mw >= 0))
      add(['exchanges', i, 'mw'], `${x.mw} MW: an exchange is ≥ 0 (give the other direction as from/to)`);
  });
  if (issues.length > 0) return issues;
  const tolerance = options.toleranceMw ?? 0.01;
  for (const zone of zoneIds) {
    const values = hour.zones[zone];
    const generation = values ? Object.values(values.generationMw).reduce((s, v) => s + v, 0) : 0;
    const imports = hour.exchanges.filter((x) => x.to === zone).reduce((s, x) => s + x.mw, 0);
    const exports = hour.exchanges.filter((x) => x.from === zone).reduce((s, x) => s + x.mw, 0);
    // Consumption and exports share the zone's supply; exports beyond it would have to come from nowhere.
    if (exports > generation + imports + tolerance)
      add(
        ['zones', zone],
        `zone "${zone}" exports ${exports} MW but generates ${generation} and imports ${imports} MW`,
      );
  }
  return issues;
}

/** The colours of a zone model: (origin zone, technology) pairs in order of first appearance. */
function colours(
  hours: readonly ZoneHour[],
  zoneIds: readonly string[],
): { techs: string[]; index: Map<string, number> } {
  const techs: string[] = [];
  const index = new Map<string, number>();
  for (const h of hours)
    for (const z of zoneIds)
      for (const tech of Object.keys(h.zones[z]?.generationMw ?? {}))
        if (!index.has(tech)) index.set(tech, techs.push(tech) - 1);
  return { techs, index };
}

/** A reusable tracer of one model's hours: the mixing network's shape is built once per hour from flat arrays. */
function hourTracer(
  zoneIds: readonly string[],
  techs: readonly string[],
  techIndex: ReadonlyMap<string, number>,
) {
  const z = zoneIds.length;
  const t = techs.length;
  const zoneIndex = new Map(zoneIds.map((id, i) => [id, i]));
  return (hour: ZoneHour, options: ZoneTraceOptions) => {
    const k = z * t;
    const injections = new Float64Array(z * k);
    const supply = new Float64Array(z);
    const generation = new Float64Array(z);
    const imports = new Float64Array(z);
    const exports = new Float64Array(z);
    zoneIds.forEach((id, i) => {
      for (const [tech, mw] of Object.entries(hour.zones[id]?.generationMw ?? {})) {
        // Colour = (origin zone i, technology): the mix keeps both where the power was made and how.
        injections[i * k + i * t + techIndex.get(tech)!]! += mw;
        generation[i]! += mw;
      }
    });
    const m = hour.exchanges.length;
    const edgeFrom = new Int32Array(m);
    const edgeTo = new Int32Array(m);
    const edgeWeight = new Float64Array(m);
    hour.exchanges.forEach((x, e) => {
      edgeFrom[e] = zoneIndex.get(x.from)!;
      edgeTo[e] = zoneIndex.get(x.to)!;
      imports[edgeTo[e]]! += x.mw;
      exports[edgeFrom[e]]! += x.mw;
    });
    for (let i = 0; i < z; i++) supply[i] = generation[i]! + imports[i]!;
    hour.exchanges.forEach((x, e) => {
      const s = supply[edgeFrom[e]!]!;
      edgeWeight[e] = s > 0 ? x.mw / s : 0;
    });
    const { content } = solveMixing(
      { nodeCount: z, colourCount: k, injections, edgeFrom, edgeTo, edgeWeight },
      options.solver,
    );
    return { content, k, generation, imports, exports };
  };
}

/**
 * Traces one hour: every zone's consumption mix by technology and by origin zone, and its green share. Throws
 * BAD_INPUT (each problem at its path) when a zone exports more than it has.
 */
export function traceZoneHour(
  hour: ZoneHour,
  zones: readonly ZoneInfo[],
  options: ZoneTraceOptions = {},
): ZoneMix[] {
  const zoneIds = zones.map((z) => z.id);
  assertHour(hour, zoneIds, options, '');
  const { techs, index } = colours([hour], zoneIds);
  return mixesOf(hourTracer(zoneIds, techs, index)(hour, options), hour, zoneIds, techs, greenSet(options));
}

function greenSet(options: ZoneTraceOptions): Set<string> {
  return new Set(options.greenTechnologies ?? GREEN_TECHNOLOGIES);
}

function assertHour(
  hour: ZoneHour,
  zoneIds: readonly string[],
  options: ZoneTraceOptions,
  prefix: string,
): void {
  const issues = checkZoneHour(hour, zoneIds, options);
  if (issues.length === 0) return;
  throw new AppError('BAD_INPUT', `${prefix}the hour ${hour.at} cannot be traced`, {
    issues: issues.map((i) => ({ field: `${prefix}${fieldName(i.path)}`, reason: i.reason })),
  });
}

function mixesOf(
  traced: ReturnType<ReturnType<typeof hourTracer>>,
  hour: ZoneHour,
  zoneIds: readonly string[],
  techs: readonly string[],
  green: ReadonlySet<string>,
): ZoneMix[] {
  const { content, k, generation, imports, exports } = traced;
  const t = techs.length;
  return zoneIds.map((zone, i) => {
    let total = 0;
    for (let c = 0; c < k; c++) total += content[i * k + c]!;
    const byTechnology: Record<string, number> = {};
    const byOrigin: Record<string, number> = {};
    let greenMw = 0;
    if (total > 0)
      for (let o = 0; o < zoneIds.length; o++)
        for (let c = 0; c < t; c++) {
          const v = content[i * k + o * t + c]!;
          if (v <= 0) continue;
          const tech = techs[c]!;
          byTechnology[tech] = (byTechnology[tech] ?? 0) + v / total;
          byOrigin[zoneIds[o]!] = (byOrigin[zoneIds[o]!] ?? 0) + v / total;
          if (green.has(tech)) greenMw += v;
        }
    return {
      zone,
      loadMw: hour.zones[zone]?.loadMw ?? 0,
      generationMw: generation[i]!,
      importMw: imports[i]!,
      exportMw: exports[i]!,
      byTechnology,
      byOrigin,
      greenShare: total > 0 ? greenMw / total : null,
    };
  });
}

/** Traces every hour of a zone model: per hour, every zone's mix. */
export function traceZoneYear(
  input: ZoneYearInput,
  options: ZoneTraceOptions = {},
): { at: string; zones: ZoneMix[] }[] {
  const zoneIds = input.zones.map((z) => z.id);
  const { techs, index } = colours(input.hours, zoneIds);
  const trace = hourTracer(zoneIds, techs, index);
  const green = greenSet(options);
  return input.hours.map((hour, h) => {
    assertHour(hour, zoneIds, options, `hours[${h}].`);
    return { at: hour.at, zones: mixesOf(trace(hour, options), hour, zoneIds, techs, green) };
  });
}

/**
 * The hourly consumption mix and green share of one zone over a model: the series an hourly matching takes as the
 * grid's green share. Throws NOT_FOUND for a zone the model lacks.
 */
export function zoneSeries(
  input: ZoneYearInput,
  zone: string,
  options: ZoneTraceOptions = {},
): SeriesPoint[] {
  const zoneIds = input.zones.map((z) => z.id);
  const i = zoneIds.indexOf(zone);
  if (i < 0) throw new AppError('NOT_FOUND', `no zone "${zone}": the zones are ${zoneIds.join(', ')}`);
  const { techs, index } = colours(input.hours, zoneIds);
  const trace = hourTracer(zoneIds, techs, index);
  const green = greenSet(options);
  const t = techs.length;
  return input.hours.map((hour, h) => {
    assertHour(hour, zoneIds, options, `hours[${h}].`);
    const { content, k } = trace(hour, options);
    const byTech = new Float64Array(t);
    let total = 0;
    for (let o = 0; o < zoneIds.length; o++)
      for (let c = 0; c < t; c++) byTech[c]! += content[i * k + o * t + c]!;
    for (let c = 0; c < t; c++) total += byTech[c]!;
    const byTechnology: Record<string, number> = {};
    let greenMw = 0;
    for (let c = 0; c < t; c++) {
      if (!(byTech[c]! > 0) || !(total > 0)) continue;
      byTechnology[techs[c]!] = byTech[c]! / total;
      if (green.has(techs[c]!)) greenMw += byTech[c]!;
    }
    const loadMw = hour.zones[zone]?.loadMw ?? 0;
    return {
      at: hour.at,
      mw: loadMw,
      grossMw: loadMw,
      byTechnology,
      greenShare: total > 0 ? greenMw / total : null,
    };
  });
}
