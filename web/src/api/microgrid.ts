/**
 * 源网荷储 (source-grid-load-storage): saved scenarios, their runs and results. Park admins write and run, auditors
 * read; enterprise users get 403 (the server enforces it).
 *
 * The result shapes come from src/modules/microgrid/types.ts, which imports nothing, so the server's and the
 * pages' shapes are one definition.
 */
import type {
  DispatchPlan,
  Infeasibility,
  RollingDispatchPlan,
  SizingResult,
  SolveFailure,
  Technology,
} from '../../../src/modules/microgrid/types.ts';
import type {
  MicrogridRunLive,
  MicrogridRunProgress,
  MicrogridRunStarted,
} from '../../../src/server/api-types.ts';
import { apiGet, parkPath, request } from './client.ts';

export type ScenarioKind = 'sizing' | 'dispatch';
export type RunStatus = 'running' | 'optimal' | 'infeasible' | 'error';

/** A saved scenario (GET /microgrid/scenarios/:id extends it). */
export interface ScenarioSummary {
  id: string;
  kind: ScenarioKind;
  name: string;
  updatedBy: string;
  updatedAtMs: number;
}

/** One row of GET /microgrid/scenarios: the scenario and its newest run. */
export interface ScenarioListItem extends ScenarioSummary {
  lastRun: RunInfo | null;
}

/**
 * A run as listed with its scenario (src/modules/microgrid/scenario.repo.ts `RunRow`); while `running`, its progress
 * or `interrupted` (src/server/microgrid-runs.ts).
 */
export interface RunInfo extends MicrogridRunLive {
  id: number;
  status: RunStatus;
  startedBy: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  summary: Record<string, unknown> | null;
}

/** The parts of a saved spec the pages read (scenario-file.ts `ScenarioFile`). */
export interface ScenarioSpecView {
  id: string;
  kind: ScenarioKind;
  name: string;
  date?: string;
  period?: string;
  load?: { stepMinutes?: 15 | 60 };
  [key: string]: unknown;
}

/** GET /microgrid/scenarios/:id. */
export interface ScenarioDetail extends ScenarioSummary {
  source: string;
  spec: ScenarioSpecView;
  /** Newest first. */
  runs: RunInfo[];
}

type Conflict = Infeasibility['conflicts'][number];
export type {
  Conflict,
  DispatchPlan,
  Infeasibility,
  MicrogridRunProgress as RunProgress,
  MicrogridRunStarted as RunStarted,
  RollingDispatchPlan,
  SizingResult,
  SolveFailure,
  Technology,
};

export type RunOutcome = DispatchPlan | RollingDispatchPlan | SizingResult | Infeasibility | SolveFailure;

export const isSizing = (o: RunOutcome): o is SizingResult => o.status === 'optimal' && 'capacities' in o;
export const isDispatch = (o: RunOutcome): o is DispatchPlan => o.status === 'optimal' && 'loadKw' in o;
export const isRolling = (o: DispatchPlan): o is RollingDispatchPlan => 'rolling' in o;

/** GET /microgrid/runs/:run. */
export interface RunWithResult extends RunInfo {
  scenarioId: string;
  result: RunOutcome | null;
}

export const listScenarios = (park: string, signal?: AbortSignal) =>
  apiGet<{ scenarios: ScenarioListItem[] }>(parkPath(park, '/microgrid/scenarios'), signal);

export const getScenario = (park: string, id: string, signal?: AbortSignal) =>
  apiGet<ScenarioDetail>(parkPath(park, `/microgrid/scenarios/${encodeURIComponent(id)}`), signal);

export const putScenario = (park: string, id: string, yaml: string) =>
  request<ScenarioSpecView>('PUT', parkPath(park, `/microgrid/scenarios/${encodeURIComponent(id)}`), {
    body: yaml,
    contentType: 'application/yaml',
  });

/** Starts a run in the background: answers once it is recorded; poll `getRun` for its progress and result. */
export const startRun = (park: string, id: string) =>
  request<MicrogridRunStarted>(
    'POST',
    parkPath(park, `/microgrid/scenarios/${encodeURIComponent(id)}/runs?async=true`),
  );

export const getRun = (park: string, run: number, signal?: AbortSignal) =>
  apiGet<RunWithResult>(parkPath(park, `/microgrid/runs/${run}`), signal);

/** The run's result as CSV, one row per step (a link: the session cookie goes with it). */
export const runCsvUrl = (park: string, run: number) => parkPath(park, `/microgrid/runs/${run}?format=csv`);
