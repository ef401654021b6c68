/**
 * The solver thread: loads HiGHS (WebAssembly) once, then solves one LP text per request and posts back the
 * column values, forwarding HiGHS's log lines and iteration progress while it runs. Started by `solver.ts`; every
 * model it creates is disposed after its solve (the persistent `highs` API frees its native memory only then).
 */
import { parentPort } from 'node:worker_threads';
import highsExport from 'highs';
import type { WorkerReply, WorkerRequest } from './solver.ts';

// `highs` ships ESM (`export default`) but types written for CommonJS: TypeScript sees the loader at `.default`,
// Node's ESM import gives it directly. Accept both.
type Loader = typeof highsExport.default;
const loadHighs: Loader =
  (highsExport as unknown as { default?: Loader }).default ?? (highsExport as unknown as Loader);

const port = parentPort;
if (!port) throw new Error('solver-worker.ts must run in a worker thread');

const started = performance.now();
const highsReady = loadHighs();

// The cancel flag lives in shared memory: the parent cannot post a message to this thread while a solve blocks it,
// but the solve's interrupt callback reads the flag at every simplex/IPM iteration.
let cancelFlag: Int32Array | undefined;

function post(message: WorkerReply, transfer: ArrayBuffer[] = []): void {
  port!.postMessage(message, transfer);
}

highsReady.then(
  (highs) => post({ kind: 'ready', loadMs: performance.now() - started, version: highs.version.string }),
  (error: unknown) => post({ kind: 'fatal', message: `HiGHS could not be loaded: ${String(error)}` }),
);

port.on('message', (request: WorkerRequest) => {
  if (request.kind === 'cancel-buffer') {
    cancelFlag = new Int32Array(request.buffer);
    return;
  }
  void solve(request);
});

async function solve(request: Extract<WorkerRequest, { kind: 'solve' }>): Promise<void> {
  const highs = await highsReady;
  const { id, text, options, timeLimitS, progressEveryMs, warmStart } = request;
  const t0 = performance.now();
  const model = highs.createModel();
  let lastProgress = t0;
  try {
    model.options.set({ output_flag: true, log_to_console: false, ...options });
    if (timeLimitS !== undefined) model.options.set('time_limit', timeLimitS);
    model.readModel({ format: 'lp', data: text });
    const t1 = performance.now();
    const { callbackType, modelStatus: S } = highs.constants;
    const interrupt = (event: {
      data: {
        simplex_iteration_count?: number;
        ipm_iteration_count?: number;
        objective_function_value?: number;
      };
      interrupt(): void;
    }): undefined => {
      if (cancelFlag && Atomics.load(cancelFlag, 0) === id) event.interrupt();
      const now = performance.now();
      if (now - lastProgress >= progressEveryMs) {
        lastProgress = now;
        post({
          kind: 'progress',
          id,
          iterations: event.data.simplex_iteration_count ?? event.data.ipm_iteration_count ?? 0,
          objective: event.data.objective_function_value,
          elapsedMs: now - t0,
        });
      }
      return undefined;
    };
    const callbacks = {
      [callbackType.logging]: (event: { message: string }): undefined => {
        const line = event.message.trimEnd();
        if (line) post({ kind: 'log', id, line });
        return undefined;
      },
      [callbackType.simplexInterrupt]: interrupt,
      [callbackType.ipmInterrupt]: interrupt,
    };
    const iterationCount = () =>
      Number(model.info.get('simplex_iteration_count')) + Number(model.info.get('ipm_iteration_count'));
    let iterations = 0;
    let warmStartMs: number | undefined;
    if (warmStart && warmStart.fix.length > 0) {
      // First solve with the guessed columns fixed, then free them and go on from that basis: relaxing bounds keeps
      // the basis primal feasible, so the primal simplex continues where the first solve stopped.
      for (const f of warmStart.fix) model.changeColBounds(f.column, f.value, f.value);
      model.run(callbacks);
      iterations += iterationCount();
      warmStartMs = performance.now() - t1;
      const fixedOptimal = model.getModelStatus() === S.optimal;
      for (const f of warmStart.fix) model.changeColBounds(f.column, f.lower, f.upper);
      if (fixedOptimal) model.options.set('simplex_strategy', 4);
      else model.clearSolver();
    }
    model.run(callbacks);
    iterations += iterationCount();
    const t2 = performance.now();
    const status = model.getModelStatus();
    const dims = model.getDimensions();
    const stats = {
      parseMs: t1 - t0,
      solveMs: t2 - t1,
      warmStartMs,
      iterations,
      memoryBytes: highs.memoryBytes,
    };
    if (status === S.optimal) {
      const values = model.getSolution().colValue;
      post(
        {
          kind: 'done',
          id,
          outcome: 'optimal',
          objective: model.getObjectiveValue(),
          numCols: dims.numCols,
          values,
          stats,
        },
        [values.buffer as ArrayBuffer],
      );
      return;
    }
    const outcome =
      status === S.infeasible
        ? 'infeasible'
        : status === S.unboundedOrInfeasible
          ? 'infeasible_or_unbounded'
          : status === S.unbounded
            ? 'unbounded'
            : status === S.timeLimit
              ? 'time_limit'
              : status === S.interrupted
                ? 'interrupted'
                : 'other';
    post({ kind: 'done', id, outcome, statusCode: status, numCols: dims.numCols, stats });
  } catch (error) {
    post({ kind: 'failed', id, message: error instanceof Error ? error.message : String(error) });
  } finally {
    model.dispose();
  }
}
