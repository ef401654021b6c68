/** SQL for saved scenarios and their runs. */
import type pg from 'pg';
import type { ScenarioFile } from './scenario-file.ts';

export interface ScenarioRow {
  parkId: string;
  id: string;
  kind: 'sizing' | 'dispatch';
  name: string;
  source: string;
  spec: ScenarioFile;
  updatedBy: string;
  updatedAtMs: number;
}

const SELECT = `SELECT park_id AS "parkId", id, kind, name, source, spec, updated_by AS "updatedBy",
                       updated_at AS "updatedAtMs" FROM microgrid_scenario`;

export async function upsertScenario(
  pool: pg.Pool,
  parkId: string,
  spec: ScenarioFile,
  source: string,
  actor: string,
): Promise<void> {
  await pool.query(
    `INSERT INTO microgrid_scenario (park_id, id, kind, name, source, spec, updated_by)
     VALUES ($1, $2, $3, $4, $5, $6, $7)
     ON CONFLICT (park_id, id) DO UPDATE SET kind = EXCLUDED.kind, name = EXCLUDED.name, source = EXCLUDED.source,
       spec = EXCLUDED.spec, updated_by = EXCLUDED.updated_by, updated_at = now()`,
    [parkId, spec.id, spec.kind, spec.name, source, JSON.stringify(spec), actor],
  );
}

export async function findScenario(
  pool: pg.Pool,
  parkId: string,
  id: string,
): Promise<ScenarioRow | undefined> {
  const { rows } = await pool.query<ScenarioRow>(`${SELECT} WHERE park_id = $1 AND id = $2`, [parkId, id]);
  return rows[0];
}

export async function listScenarios(pool: pg.Pool, parkId: string): Promise<ScenarioRow[]> {
  const { rows } = await pool.query<ScenarioRow>(`${SELECT} WHERE park_id = $1 ORDER BY id`, [parkId]);
  return rows;
}

export interface RunRow {
  id: number;
  scenarioId: string;
  status: 'running' | 'optimal' | 'infeasible' | 'error';
  startedBy: string;
  startedAtMs: number;
  finishedAtMs: number | null;
  summary: Record<string, unknown> | null;
}

export async function insertRun(
  pool: pg.Pool,
  parkId: string,
  scenarioId: string,
  spec: ScenarioFile,
  actor: string,
): Promise<number> {
  const { rows } = await pool.query<{ id: number }>(
    `INSERT INTO microgrid_run (park_id, scenario_id, spec, status, started_by)
     VALUES ($1, $2, $3, 'running', $4) RETURNING id`,
    [parkId, scenarioId, JSON.stringify(spec), actor],
  );
  return rows[0]!.id;
}

export async function finishRun(
  pool: pg.Pool,
  id: number,
  status: RunRow['status'],
  summary: object,
  result: object | null,
): Promise<void> {
  await pool.query(
    `UPDATE microgrid_run SET status = $2, summary = $3, result = $4, finished_at = now() WHERE id = $1`,
    [id, status, JSON.stringify(summary), result === null ? null : JSON.stringify(result)],
  );
}

export async function listRuns(pool: pg.Pool, parkId: string, scenarioId: string): Promise<RunRow[]> {
  const { rows } = await pool.query<RunRow>(
    `SELECT id, scenario_id AS "scenarioId", status, started_by AS "startedBy", started_at AS "startedAtMs",
            finished_at AS "finishedAtMs", summary
     FROM microgrid_run WHERE park_id = $1 AND scenario_id = $2 ORDER BY id DESC LIMIT 50`,
    [parkId, scenarioId],
  );
  return rows;
}

/** The newest run of each scenario of the park: scenario id → run. */
export async function lastRuns(pool: pg.Pool, parkId: string): Promise<Map<string, RunRow>> {
  const { rows } = await pool.query<RunRow>(
    `SELECT DISTINCT ON (scenario_id) id, scenario_id AS "scenarioId", status, started_by AS "startedBy",
            started_at AS "startedAtMs", finished_at AS "finishedAtMs", summary
     FROM microgrid_run WHERE park_id = $1 ORDER BY scenario_id, id DESC`,
    [parkId],
  );
  return new Map(rows.map((r) => [r.scenarioId, r]));
}

export async function findRunResult(
  pool: pg.Pool,
  parkId: string,
  runId: number,
): Promise<(RunRow & { result: unknown }) | undefined> {
  const { rows } = await pool.query<RunRow & { result: unknown }>(
    `SELECT id, scenario_id AS "scenarioId", status, started_by AS "startedBy", started_at AS "startedAtMs",
            finished_at AS "finishedAtMs", summary, result
     FROM microgrid_run WHERE park_id = $1 AND id = $2`,
    [parkId, runId],
  );
  return rows[0];
}
