/**
 * Shapes of a trace (`trace.ts`): import-free, so that the web app may import them type-only (through `types.ts`).
 */

/** A generator's part in a load: its share of the load and the MW of its output that serve it, losses included. */
export interface GeneratorShare {
  generator: string;
  technology: string;
  share: number;
  mw: number;
}

/** Where a load's electricity comes from. */
export interface LoadTrace {
  load: string;
  bus: string;
  zone: string | null;
  /** The load as metered, MW. */
  mw: number;
  /** The load plus the line losses charged to it (gross method), MW. */
  grossMw: number;
  /** Shares by generator (largest first), summing to 1; empty without `byGenerator`. */
  byGenerator: GeneratorShare[];
  /** Shares by technology, summing to 1. */
  byTechnology: Record<string, number>;
  /** Share of green technologies, or null when nothing reaches the bus. */
  greenShare: number | null;
}

/** The mix a line carries: its sending bus's mix. */
export interface LineTrace {
  line: string;
  /** The bus the power leaves (the sending end), and the bus it reaches. */
  sendingBus: string;
  receivingBus: string;
  sendingMw: number;
  receivingMw: number;
  byTechnology: Record<string, number>;
  greenShare: number | null;
}

/** The consumption mix of a zone: its loads' mixes weighted by their gross MW. */
export interface ZoneConsumption {
  zone: string;
  mw: number;
  grossMw: number;
  byTechnology: Record<string, number>;
  greenShare: number | null;
}

/** The trace of one snapshot. */
export interface SnapshotTrace {
  method: { readonly id: 'proportional-sharing-gross-upstream'; readonly version: 1 };
  at: string | null;
  /** 'topological' when the flows form no directed cycle (one pass), 'general' otherwise (cycles solved exactly). */
  solver: 'topological' | 'general';
  greenTechnologies: string[];
  generationMw: number;
  loadMw: number;
  lossesMw: number;
  loads: LoadTrace[];
  lines: LineTrace[];
  zones: ZoneConsumption[];
}

/** A load, a zone or the whole system in one snapshot of a series: its MW and its mix. */
export interface SeriesPoint {
  at: string;
  mw: number;
  grossMw: number;
  byTechnology: Record<string, number>;
  greenShare: number | null;
}

/** Totals of a series: hours, consumption-weighted green share, and the green share by month of the timestamps. */
export interface SeriesSummary {
  points: number;
  energyMwh: number;
  greenShare: number | null;
  minGreenShare: number | null;
  maxGreenShare: number | null;
  /** YYYY-MM (of each timestamp's own offset) → consumption-weighted green share. */
  byMonth: Record<string, number | null>;
}

/** What `POST /green/trace` answers: a snapshot's trace, or a series' (or zone model's) hourly points and summary. */
export type TraceAnswer =
  | { kind: 'snapshot'; trace: SnapshotTrace }
  | { kind: 'series' | 'zones'; points: SeriesPoint[]; summary: SeriesSummary };
