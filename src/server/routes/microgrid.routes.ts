/** Source-grid-load-storage scenarios and runs (park-level planning: park admins write and run, auditors read). */
import type { FastifyInstance } from 'fastify';
import type { Readable } from 'node:stream';
import Type from 'typebox';
import { AppError } from '../../lib/errors.ts';
import { recordAudit } from '../../modules/access/index.ts';
import { resultCsv, type DispatchPlan, type SizingResult } from '../../modules/microgrid/index.ts';
import type { MicrogridRunStarted } from '../api-types.ts';
import { describeRun } from '../microgrid-runs.ts';
import { bodyText, ParkParams, type RouteContext } from './context.ts';

const ScenarioParams = Type.Object({
  park: ParkParams.properties.park,
  id: Type.String({ minLength: 1, maxLength: 64 }),
});

export function microgridRoutes(app: FastifyInstance, ctx: RouteContext): void {
  app.get<{ Params: { park: string } }>(
    '/api/parks/:park/microgrid/scenarios',
    {
      schema: {
        tags: ['microgrid'],
        summary: 'Saved sizing and dispatch scenarios, each with its newest run',
        params: ParkParams,
      },
    },
    async (req) => {
      const data = await ctx.gate(req, 'read');
      const live = ctx.microgridRuns.live(); // before the rows are read: see describeRun
      const scenarios = await data.scenarios();
      return {
        scenarios: scenarios.map((s) => ({ ...s, lastRun: s.lastRun ? describeRun(s.lastRun, live) : null })),
      };
    },
  );

  app.get<{ Params: { park: string; id: string } }>(
    '/api/parks/:park/microgrid/scenarios/:id',
    {
      schema: { tags: ['microgrid'], summary: 'A scenario as written, and its runs', params: ScenarioParams },
    },
    async (req) => {
      const data = await ctx.gate(req, 'read');
      const live = ctx.microgridRuns.live(); // before the rows are read: see describeRun
      const s = await data.scenario(req.params.id);
      return { ...s, runs: s.runs.map((r) => describeRun(r, live)) };
    },
  );

  app.put<{ Params: { park: string; id: string }; Body: Readable }>(
    '/api/parks/:park/microgrid/scenarios/:id',
    {
      bodyLimit: 1024 ** 2,
      schema: { tags: ['microgrid'], summary: 'Save a scenario file (YAML or JSON)', params: ScenarioParams },
    },
    async (req) => {
      const data = await ctx.gate(req, 'configure');
      const text = await bodyText(req.body, 1024 ** 2, 'scenario file');
      const spec = await data.saveScenario(text, `${req.params.id}.yaml`);
      if (spec.id !== req.params.id)
        throw new AppError('BAD_INPUT', `the file's id is "${spec.id}", the URL's "${req.params.id}"`);
      await recordAudit(ctx.pool, {
        actor: data.scope.actor,
        action: 'microgrid.save',
        parkId: data.park.id,
        target: spec.id,
      });
      return spec;
    },
  );

  app.post<{ Params: { park: string; id: string }; Querystring: { async?: boolean } }>(
    '/api/parks/:park/microgrid/scenarios/:id/runs',
    {
      schema: {
        tags: ['microgrid'],
        summary:
          'Run a scenario: the plan, or which constraints conflict (async=true: 202 with the run id once it is ' +
          'recorded; the solve goes on, GET …/microgrid/runs/:run shows its progress and then its result)',
        params: ScenarioParams,
        querystring: Type.Object({ async: Type.Optional(Type.Boolean()) }),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'configure');
      const id = req.params.id;
      const audit = (detail: object) =>
        recordAudit(ctx.pool, {
          actor: data.scope.actor,
          action: 'microgrid.run',
          parkId: data.park.id,
          target: id,
          detail,
        });
      if (req.query.async === true) {
        const runId = await ctx.microgridRuns.startInBackground((hooks) => data.runScenario(id, hooks));
        await audit({ run: runId, status: 'running', async: true });
        return reply.status(202).send({ runId, status: 'running' } satisfies MicrogridRunStarted);
      }
      const r = await ctx.microgridRuns.run((hooks) => data.runScenario(id, hooks));
      await audit({ run: r.runId, status: r.outcome.status });
      return r;
    },
  );

  app.get<{ Params: { park: string; run: number }; Querystring: { format?: 'json' | 'csv' } }>(
    '/api/parks/:park/microgrid/runs/:run',
    {
      schema: {
        tags: ['microgrid'],
        summary:
          'A run and its result (format=csv: the plan or the sizing dispatch, one row per step); while running, ' +
          'its solver progress, or interrupted when no server process is solving it any more',
        params: Type.Object({ park: ParkParams.properties.park, run: Type.Integer({ minimum: 1 }) }),
        querystring: Type.Object({ format: Type.Optional(Type.Enum(['json', 'csv'] as const)) }),
      },
    },
    async (req, reply) => {
      const data = await ctx.gate(req, 'read');
      const live = ctx.microgridRuns.live(); // before the row is read: see describeRun
      const run = describeRun(await data.run(req.params.run), live);
      if (req.query.format !== 'csv') return run;
      if (run.status !== 'optimal' || run.result === null || typeof run.result !== 'object')
        throw new AppError('BAD_INPUT', `run ${run.id} has no plan to export (status ${run.status})`);
      const csv = resultCsv(run.result as DispatchPlan | SizingResult, data.park.timezone);
      return reply
        .type('text/csv; charset=utf-8')
        .header('content-disposition', `attachment; filename="${run.scenarioId}-run-${run.id}.csv"`)
        .send(csv);
    },
  );
}
