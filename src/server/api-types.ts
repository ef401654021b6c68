/**
 * The HTTP API's response shapes: one definition shared by the server (routes return these) and the web app (which
 * imports them type-only). Times are epoch milliseconds (`…Ms`); quantities carry their unit beside them.
 */

export type Role = 'park_admin' | 'enterprise_user' | 'auditor';

export interface UserView {
  username: string;
  displayName: string;
  role: Role;
  /** Parks this user may open. */
  parks: string[];
  /** The one organisation an enterprise user is scoped to; null for park admins and auditors. */
  organisation: string | null;
  revoked: boolean;
  createdAtMs: number;
}

export interface LoginResponse {
  token: string;
  expiresAtMs: number;
  user: UserView;
}

export interface ParkSummary {
  id: string;
  name: string;
  province: string;
  timezone: string;
  gridRegion: string;
  location: { latitude: number; longitude: number };
}

export interface OrganisationView {
  id: string;
  name: string;
  kind: string | null;
  industryCode: string | null;
  uscc: string | null;
  meters: number;
}

export interface ParkInfo extends ParkSummary {
  /** Organisations the caller may see (an enterprise user sees only its own). */
  organisations: OrganisationView[];
  /** First and last reading time the caller may see, or null with no data. */
  dataFromMs: number | null;
  dataToMs: number | null;
  /** Park-local date (YYYY-MM-DD) of the last data: the UI's default "today". */
  latestDay: string | null;
  meters: number;
}

export interface PeriodView {
  label: string;
  fromMs: number;
  toMs: number;
}

/** A conversion factor as shown to users: value, unit and where it comes from. */
export interface FactorView {
  value: number;
  unit: string;
  source: string;
  status: 'verified' | 'secondary' | 'unverified';
}

export interface CarrierTotal {
  carrier: string;
  /** Unit of `quantity` and of `byRole` (kWh, m3, GJ, t …). */
  unit: string;
  /** Net consumption: supplies and own generation in, exports and storage charge out. */
  quantity: number;
  byRole: Record<string, number>;
  /** Net consumption in tonnes of standard coal equivalent, or null when the carrier has no coefficient. */
  tce: number | null;
  tceFactor: FactorView | null;
  /** Measured slots ÷ expected slots (0..1). */
  coverage: number;
  estimated: number;
  quarantined: number;
  meters: number;
}

export type AlarmKind = 'silent_meter' | 'quarantined_spike' | 'rejected_records' | 'low_coverage';

/** An alarm; the UI writes the sentence from kind and fields (so it is translated), `message` is English. */
export interface Alarm {
  kind: AlarmKind;
  severity: 'info' | 'warning' | 'error';
  meter: string | null;
  organisation: string | null;
  /** How many (spikes, rejected records), or null. */
  count: number | null;
  /** Silent since (last reading time), or null. */
  sinceMs: number | null;
  /** Coverage for low_coverage, or null. */
  coverage: number | null;
  message: string;
}

export interface MethodNote {
  /** Method identifier and version shown next to every tce figure. */
  id: string;
  note: string;
}

export interface OverviewResponse {
  period: PeriodView;
  /** null: the whole park; otherwise the organisation the figures are limited to. */
  organisation: string | null;
  carriers: CarrierTotal[];
  /** Σ tce over carriers that have a coefficient. */
  totalTce: number;
  completeness: {
    /** Measured ÷ expected slots over all boundary meters. */
    coverage: number;
    meters: number;
    /** Boundary meters in service with no reading in the 24 h before min(period end, now). */
    silentMeters: number;
  };
  alarms: Alarm[];
  method: MethodNote;
}

export interface TrendPoint {
  startMs: number;
  quantity: number | null;
  tce: number | null;
  coverage: number;
}

export interface TrendResponse {
  period: PeriodView;
  resolution: '15m' | 'hour' | 'day' | 'month';
  organisation: string | null;
  series: { carrier: string; unit: string; points: TrendPoint[] }[];
  method: MethodNote;
}

export type FlowNodeKind = 'supply' | 'carrier' | 'organisation' | 'export' | 'storage' | 'unmetered';

export interface FlowNode {
  id: string;
  /** Display name (organisation name, or a stable key the UI translates: `supply:grid`, `carrier:electricity`). */
  name: string;
  kind: FlowNodeKind;
}

export interface FlowLink {
  source: string;
  target: string;
  /** Width of the link: tonnes of standard coal equivalent (the one unit every carrier shares). */
  tce: number;
  /** The physical quantity behind it. */
  quantity: number;
  unit: string;
  carrier: string;
}

export interface FlowResponse {
  period: PeriodView;
  organisation: string | null;
  nodes: FlowNode[];
  links: FlowLink[];
  method: MethodNote;
}

export interface RankingRow {
  organisation: string;
  name: string;
  tce: number;
  electricityKwh: number;
  coverage: number;
  /** Same length period just before (环比) and the same period a year earlier (同比), in tce; null if no data. */
  previousTce: number | null;
  lastYearTce: number | null;
  /** (tce − previous) ÷ previous, or null. */
  periodChange: number | null;
  yearChange: number | null;
  /** Energy intensity needs output data (the accounting issue); null with the reason until then. */
  intensity: number | null;
  intensityUnit: string | null;
  intensityNote: string | null;
}

export interface RankingResponse {
  period: PeriodView;
  previousPeriod: PeriodView;
  lastYearPeriod: PeriodView;
  rows: RankingRow[];
  method: MethodNote;
}

export interface MeterView {
  id: string;
  name: string | null;
  organisation: string;
  site: string | null;
  carrier: string;
  role: string;
  technology: string | null;
  readingKind: string;
  unit: string;
  quantityUnit: string;
  intervalMinutes: number;
  /** CT × PT ratio applied to raw values. */
  multiplier: number;
  rolloverAt: number | null;
  parent: string | null;
  capacity: number | null;
  archived: boolean;
  rejectedRecords: number;
  lastReadingAtMs: number | null;
}

export interface OrganisationDetail {
  organisation: OrganisationView;
  overview: OverviewResponse;
  comparison: RankingRow;
  meters: MeterView[];
}

export interface IngestResultView {
  batchId: number;
  received: number;
  inserted: number;
  unchanged: number;
  revised: number;
  rejected: number;
  rejections: { meterCode: string | null; line: number | null; field: string; reason: string; raw: string }[];
}

export interface ImportJob {
  id: string;
  fileName: string;
  status: 'running' | 'done' | 'failed';
  bytesTotal: number;
  bytesDone: number;
  rowsDone: number;
  startedAtMs: number;
  finishedAtMs: number | null;
  result: { received: number; inserted: number; unchanged: number; revised: number; rejected: number } | null;
  error: string | null;
}

/** POST …/microgrid/scenarios/:id/runs?async=true (202): the run is recorded and being solved in the background. */
export interface MicrogridRunStarted {
  runId: number;
  status: 'running';
}

/** The latest progress of a microgrid run that this server process is solving. */
export interface MicrogridRunProgress {
  /** `preparing`: reading the load, PV and prices, building the LP; `solving`: HiGHS has reported. */
  phase: 'preparing' | 'solving';
  /** Since this process started the run, ms. */
  elapsedMs: number;
  /** Simplex/IPM iterations of the current solve at its latest report (HiGHS reports at most once a second). */
  iterations: number | null;
  /** The objective at that report, when HiGHS gives one. */
  objective: number | null;
  /** How long the current solve had run at that report, ms. */
  solveElapsedMs: number | null;
  /** The latest line of HiGHS's log. */
  lastLog: string | null;
}

/**
 * What GET …/microgrid/runs/:run (and a scenario's run list) add to a run still `running` in the database: its
 * progress while this process solves it, or `interrupted` when no process here does (src/server/microgrid-runs.ts).
 */
export interface MicrogridRunLive {
  progress?: MicrogridRunProgress;
  interrupted?: true;
  /** Why the run is reported interrupted. */
  message?: string;
}

/** Counts of one kind of thing after applying a park definition. */
export interface ApplyCounts {
  created: number;
  updated: number;
  unchanged: number;
  archived: number;
}

/** The answer to applying a park definition file. */
export interface ApplySummaryView {
  parkId: string;
  park: 'created' | 'updated' | 'unchanged';
  organisations: ApplyCounts;
  sites: ApplyCounts;
  meters: ApplyCounts;
  /** Meters whose history was derived again because their settings changed. */
  metersToRederive: string[];
  /** Meters without a capacity: no spike detection for them. */
  metersWithoutCapacity: string[];
}

export interface GatewayView {
  id: string;
  name: string;
  /** Meters the gateway may write; null: every meter of the park. */
  meters: string[] | null;
  revoked: boolean;
  createdAtMs: number;
  createdBy: string;
  lastSeenAtMs: number | null;
}

export interface GatewayCreated extends GatewayView {
  /** Shown once: only its hash is stored. */
  token: string;
}

export interface AuditEvent {
  id: number;
  atMs: number;
  actor: string;
  action: string;
  target: string | null;
  detail: Record<string, unknown>;
}

export interface ApiError {
  error:
    'BAD_INPUT' | 'UNAUTHENTICATED' | 'FORBIDDEN' | 'NOT_FOUND' | 'CONFLICT' | 'UNAVAILABLE' | 'INTERNAL';
  message: string;
  issues?: { file?: string; line?: number; field?: string; reason: string }[];
}
