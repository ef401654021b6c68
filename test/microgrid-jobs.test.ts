/**
 * Microgrid runs in the background (`POST …/runs?async=true`) through `app.inject`: 202 at once with the run id,
 * the run polled to its end, and the stored result equal to what the synchronous mode answers for the same scenario
 * (and to figures worked out by hand); a failure after the run is recorded ends as an `error` run; a row left
 * `running` by another process is reported as interrupted; only park admins start runs, auditors read them.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUser, login } from '../src/modules/access/index.ts';
import { applyParkDefinition } from '../src/modules/registry/index.ts';
import { ingestBatch, loadParkMeters } from '../src/modules/telemetry/index.ts';
import type { MicrogridRunLive, MicrogridRunProgress } from '../src/server/api-types.ts';
import { buildApp, type LingtanApp } from '../src/server/app.ts';
import { createTestDatabase, type TestDatabase } from './helpers/db.ts';
import { NOW, smallPark } from './helpers/small-park.ts';

type Caller = 'admin' | 'auditor' | 'enterprise';

let db: TestDatabase;
let app: LingtanApp;
const tokens: Partial<Record<Caller, string>> = {};
const P = '/api/parks/p1';

/** The no-build case of test/access.test.ts: PV that never pays back, no target; the optimum buys everything. */
const NO_BUILD = `id: no-build
kind: sizing
name: no build
period: '2025-01-02'
load: { source: metered, stepMinutes: 60 }
pv: { tiltDeg: 25, azimuthDeg: 180, cost: { capexPerUnit: 100000, lifetimeYears: 25, omShare: 0.01 } }
tariff: yunnan-2025-demo
discountRate: 0.06
target: { kind: none }
`;

/** A day with no readings at all: the metered load cannot be filled, so the run fails once it is recorded. */
const NO_DATA = NO_BUILD.replace('id: no-build', 'id: no-data').replace("'2025-01-02'", "'2024-06-01'");

interface RunView extends MicrogridRunLive {
  id: number;
  scenarioId: string;
  status: 'running' | 'optimal' | 'infeasible' | 'error';
  summary: Record<string, unknown> | null;
  result: Record<string, unknown> | null;
}

async function call(
  caller: Caller,
  method: 'GET' | 'POST' | 'PUT',
  url: string,
  yaml?: string,
): Promise<Awaited<ReturnType<LingtanApp['inject']>>> {
  return app.inject({
    method,
    url,
    headers: {
      authorization: `Bearer ${tokens[caller]}`,
      ...(yaml === undefined ? {} : { 'content-type': 'application/yaml' }),
    },
    ...(yaml === undefined ? {} : { payload: yaml }),
  });
}

/** Polls the run every 100 ms until it is no longer running (or is reported interrupted); the views seen. */
async function pollToEnd(runId: number, timeoutMs = 60_000): Promise<RunView[]> {
  const seen: RunView[] = [];
  const until = Date.now() + timeoutMs;
  for (;;) {
    const res = await call('auditor', 'GET', `${P}/microgrid/runs/${runId}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<RunView>();
    seen.push(view);
    if (view.status !== 'running' || view.interrupted) return seen;
    if (Date.now() > until) throw new Error(`run ${runId} still running after ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** A result without the timings of its solve (which differ from one solve to the next). */
function withoutTimings(result: Record<string, unknown>): Record<string, unknown> {
  const { solve, ...rest } = result as { solve: Record<string, unknown> };
  const { buildMs: _b, guessMs: _g, stats: _s, ...kept } = solve;
  return { ...rest, solve: kept };
}

beforeAll(async () => {
  db = await createTestDatabase();
  await applyParkDefinition(db.pool, smallPark());
  // 2025-01-02 (+08:00) in full: E-MAIN +1 raw a slot (×100 = 100 kWh per 15 min = 400 kW), PV-1 at 50 kW (the
  // park's net load counts it): 450 kW all day, as in test/access.test.ts.
  const day = Array.from({ length: 97 }, (_, i) =>
    new Date(Date.parse('2025-01-01T16:00:00Z') + i * 900_000).toISOString(),
  );
  await ingestBatch(
    db.pool,
    await loadParkMeters(db.pool, 'p1'),
    [
      ...day.map((at, i) => ({ meter: 'E-MAIN', at, value: 20 + i })),
      ...day.map((at) => ({ meter: 'PV-1', at, value: 50 })),
    ],
    { source: 'test', nowMs: NOW },
  );
  const make = async (username: string, role: 'park_admin' | 'auditor' | 'enterprise_user', org?: string) => {
    const password = `${username}-password-1`;
    await createUser(db.pool, { username, role, password, parkId: 'p1', organisation: org }, 'test');
    return (await login(db.pool, username, password)).token;
  };
  tokens.admin = await make('admin', 'park_admin');
  tokens.auditor = await make('auditor', 'auditor');
  tokens.enterprise = await make('ua', 'enterprise_user', 'org-a');
  app = await buildApp({ pool: db.pool, now: () => NOW });
  for (const [id, yaml] of [
    ['no-build', NO_BUILD],
    ['no-data', NO_DATA],
  ] as const) {
    const put = await call('admin', 'PUT', `${P}/microgrid/scenarios/${id}`, yaml);
    if (put.statusCode !== 200) throw new Error(put.body);
  }
});

afterAll(async () => {
  await app?.microgridRuns.drain();
  await app?.close();
  await db?.close();
});

describe('a sizing run in the background', () => {
  it('answers 202 at once, runs to the end, and stores what the synchronous mode answers', async () => {
    const res = await call('admin', 'POST', `${P}/microgrid/scenarios/no-build/runs?async=true`);
    expect(res.statusCode, res.body).toBe(202);
    const started = res.json<{ runId: number; status: string }>();
    expect(started).toEqual({ runId: expect.any(Number) as number, status: 'running' });

    const views = await pollToEnd(started.runId);
    // Solved quickly the first poll may already see the end; while it runs, it shows progress, never interrupted.
    for (const v of views.slice(0, -1)) {
      expect(v.interrupted).toBeUndefined();
      expect(v.progress).toMatchObject({ phase: expect.stringMatching(/^(preparing|solving)$/) as string });
      expect(v.progress!.elapsedMs).toBeGreaterThanOrEqual(0);
    }
    const done = views.at(-1)!;
    expect(done.status).toBe('optimal');
    expect(done.progress).toBeUndefined();
    expect(done.interrupted).toBeUndefined();

    // By hand: 450 kW for 24 h = 10,800 kWh, all bought, nothing built. Demo tariff that day: valley 0–8 h at 0.24,
    // peak 9–12 h and 18–23 h at 0.72, flat otherwise at 0.48 CNY/kWh, 8 h each: 450 × 8 × (0.24 + 0.72 + 0.48)
    // = 5,184 CNY; CO₂ 10.8 MWh × 0.5306 t/MWh (the default grid factor) = 5.73048 t.
    const result = done.result as {
      capacities: { pv: { added: number } };
      energy: { gridImportKwh: number; loadKwh: number };
      cost: { energyCny: number };
      co2Tco2: number;
      greenShare: number;
    };
    expect(result.capacities.pv.added).toBeCloseTo(0, 6);
    expect(result.energy.loadKwh).toBeCloseTo(10_800, 6);
    expect(result.energy.gridImportKwh).toBeCloseTo(10_800, 6);
    expect(result.cost.energyCny).toBeCloseTo(5_184, 6);
    expect(result.co2Tco2).toBeCloseTo(5.73048, 6);
    expect(result.greenShare).toBeCloseTo(0, 6);

    const sync = await call('admin', 'POST', `${P}/microgrid/scenarios/no-build/runs`);
    expect(sync.statusCode, sync.body).toBe(200);
    const { runId, outcome } = sync.json<{ runId: number; outcome: Record<string, unknown> }>();
    expect(runId).toBeGreaterThan(started.runId);
    expect(withoutTimings(done.result!)).toEqual(withoutTimings(outcome));

    // The scenario's run list shows both, finished.
    const scenario = await call('auditor', 'GET', `${P}/microgrid/scenarios/no-build`);
    const runs = scenario.json<{ runs: RunView[] }>().runs;
    expect(runs.map((r) => [r.id, r.status])).toEqual([
      [runId, 'optimal'],
      [started.runId, 'optimal'],
    ]);
    expect(runs.every((r) => r.interrupted === undefined && r.progress === undefined)).toBe(true);
    // The list gives each scenario its newest run: the synchronous one, started last.
    const list = await call('auditor', 'GET', `${P}/microgrid/scenarios`);
    const item = list.json<{ scenarios: { id: string; lastRun: RunView | null }[] }>().scenarios;
    expect(item.find((s) => s.id === 'no-build')!.lastRun).toMatchObject({ id: runId, status: 'optimal' });
  });

  it('records a failure after the run exists as an error run (the POST already answered 202)', async () => {
    const res = await call('admin', 'POST', `${P}/microgrid/scenarios/no-data/runs?async=true`);
    expect(res.statusCode, res.body).toBe(202);
    const { runId } = res.json<{ runId: number }>();
    const done = (await pollToEnd(runId)).at(-1)!;
    expect(done.status).toBe('error');
    expect(done.result).toBeNull();
    expect(String(done.summary?.message)).toMatch(/metered load of p1 for .*no usable data/);
    // The synchronous mode answers the same failure as a 400 and records it the same way.
    const sync = await call('admin', 'POST', `${P}/microgrid/scenarios/no-data/runs`);
    expect(sync.statusCode).toBe(400);
  });

  it('refuses a scenario that does not exist before any run is recorded', async () => {
    const before = await db.pool.query('SELECT count(*)::int AS n FROM microgrid_run');
    const res = await call('admin', 'POST', `${P}/microgrid/scenarios/nope/runs?async=true`);
    expect(res.statusCode).toBe(404);
    const after = await db.pool.query('SELECT count(*)::int AS n FROM microgrid_run');
    expect(after.rows[0]).toEqual(before.rows[0]);
  });

  it('lets only park admins start runs; auditors read them; enterprise users neither', async () => {
    for (const caller of ['auditor', 'enterprise'] as const) {
      const res = await call(caller, 'POST', `${P}/microgrid/scenarios/no-build/runs?async=true`);
      expect(res.statusCode, caller).toBe(403);
    }
    const { rows } = await db.pool.query<{ id: number }>('SELECT max(id)::int AS id FROM microgrid_run');
    expect((await call('auditor', 'GET', `${P}/microgrid/runs/${rows[0]!.id}`)).statusCode).toBe(200);
    expect((await call('enterprise', 'GET', `${P}/microgrid/runs/${rows[0]!.id}`)).statusCode).toBe(403);
  });
});

describe('a run left running by another process', () => {
  it('is reported as interrupted, never as running', async () => {
    // What a server that stopped mid-solve leaves behind: the row, still running, that no process here solves.
    const { rows } = await db.pool.query<{ id: number }>(
      `INSERT INTO microgrid_run (park_id, scenario_id, spec, status, started_by)
       SELECT park_id, id, spec, 'running', 'admin' FROM microgrid_scenario WHERE park_id = 'p1' AND id = 'no-build'
       RETURNING id::int`,
    );
    const id = rows[0]!.id;
    const res = await call('auditor', 'GET', `${P}/microgrid/runs/${id}`);
    expect(res.statusCode, res.body).toBe(200);
    const view = res.json<RunView>();
    expect(view).toMatchObject({ id, status: 'running', interrupted: true, result: null });
    expect(view.message).toMatch(/no server process is solving this run/);
    expect(view.progress).toBeUndefined();
    const scenario = await call('admin', 'GET', `${P}/microgrid/scenarios/no-build`);
    const listed = scenario.json<{ runs: RunView[] }>().runs.find((r) => r.id === id);
    expect(listed).toMatchObject({ status: 'running', interrupted: true });
    const list = await call('admin', 'GET', `${P}/microgrid/scenarios`);
    const last = list.json<{ scenarios: { id: string; lastRun: RunView | null }[] }>().scenarios;
    expect(last.find((s) => s.id === 'no-build')!.lastRun).toMatchObject({ id, interrupted: true });
    const csv = await call('auditor', 'GET', `${P}/microgrid/runs/${id}?format=csv`);
    expect(csv.statusCode).toBe(400);
  });
});

describe('progress of a run this process solves', () => {
  it('is the latest the solver reported, while the row is running', async () => {
    // The registry is driven directly (a real solve of the test park ends before a poll could see it): a run that
    // reports its id, then the solver's progress, and waits.
    let finish!: () => void;
    const runId = await app.microgridRuns.startInBackground(async (hooks) => {
      const { rows } = await db.pool.query<{ id: number }>(
        `INSERT INTO microgrid_run (park_id, scenario_id, spec, status, started_by)
         SELECT park_id, id, spec, 'running', 'admin' FROM microgrid_scenario
         WHERE park_id = 'p1' AND id = 'no-build' RETURNING id::int`,
      );
      hooks.onRunStarted(rows[0]!.id);
      hooks.onProgress({ kind: 'iterations', iterations: 120, objective: 5, elapsedMs: 900 });
      hooks.onProgress({ kind: 'iterations', iterations: 2_400, objective: undefined, elapsedMs: 1_900.4 });
      hooks.onProgress({ kind: 'log', line: 'Iteration 2400' });
      await new Promise<void>((resolve) => (finish = resolve));
      await db.pool.query(`UPDATE microgrid_run SET status = 'error', summary = '{}' WHERE id = $1`, [
        rows[0]!.id,
      ]);
    });
    const view = (await call('auditor', 'GET', `${P}/microgrid/runs/${runId}`)).json<RunView>();
    expect(view.interrupted).toBeUndefined();
    expect(view.progress).toEqual({
      phase: 'solving',
      elapsedMs: expect.any(Number) as number,
      iterations: 2_400,
      objective: null,
      solveElapsedMs: 1_900,
      lastLog: 'Iteration 2400',
    } satisfies MicrogridRunProgress);
    finish();
    await app.microgridRuns.drain();
    const after = (await call('auditor', 'GET', `${P}/microgrid/runs/${runId}`)).json<RunView>();
    expect(after.status).toBe('error');
    expect(after.progress).toBeUndefined();
  });
});
