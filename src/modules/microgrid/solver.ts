/**
 * Solving an LP with HiGHS off the main thread. A HiGHS solve is synchronous and blocks its thread for up to
 * seconds, so `createLpSolver` runs it in a `worker_threads` worker (`solver-worker.ts`) that is started once and
 * reused; log lines and iteration progress are forwarded as they happen; a time limit stops the solve (HiGHS's own
 * `time_limit`, then — should HiGHS not return — the worker is terminated). Expected outcomes (optimal, infeasible,
 * time-out) are a union, never exceptions (ADR 0009).
 */
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { LpText } from './lp-format.ts';
import type { SolveStats } from './types.ts';
export type { SolveStats } from './types.ts';

/** Progress of a running solve: a HiGHS log line, or the iteration count at most every `progressEveryMs`. */
export type SolveProgress =
  | { kind: 'log'; line: string }
  | { kind: 'iterations'; iterations: number; objective: number | undefined; elapsedMs: number };

/** Options of one solve. */
export interface LpSolveOptions {
  /** Wall-clock limit for parsing and solving, ms (default 120 000). */
  timeoutMs?: number;
  onProgress?: (progress: SolveProgress) => void;
  /** Minimum interval between two `iterations` progress events, ms (default 1 000). */
  progressEveryMs?: number;
  /** Stops the solve when aborted (checked at every simplex or interior-point iteration). */
  signal?: AbortSignal;
  /** HiGHS options by their snake_case names (e.g. `{ presolve: 'on', solver: 'simplex' }`). */
  highs?: Readonly<Record<string, string | number | boolean>>;
  /**
   * Hot start: solve first with these columns fixed at a guess (e.g. capacities from representative days), then
   * give them back their bounds and continue from that basis with the primal simplex. The answer is the same LP's
   * optimum; only the path is shorter (ADR 0009).
   */
  warmStart?: WarmStart;
}

/** Columns to fix at a guess for a first solve, with the bounds they get back for the second. */
export interface WarmStart {
  fix: { column: number; value: number; lower: number; upper: number }[];
}

/** The outcome of a solve. `values` are the variables in column order (the builder's indices). */
export type LpOutcome =
  | { status: 'optimal'; objective: number; values: Float64Array; stats: SolveStats }
  | { status: 'infeasible'; proven: boolean; stats: SolveStats }
  | {
      status: 'error';
      reason: 'timeout' | 'cancelled' | 'unbounded' | 'solver' | 'worker' | 'closed';
      message: string;
      stats?: SolveStats;
    };

/** A HiGHS solver on its own thread; solves run one at a time, in call order. */
export interface LpSolver {
  solve(lp: LpText, options?: LpSolveOptions): Promise<LpOutcome>;
  /** Terminates the worker; a solve in flight and later ones answer `closed`. */
  close(): Promise<void>;
}

/** Options of a solver. */
export interface LpSolverOptions {
  /**
   * Start a fresh worker after a solve that left HiGHS's WebAssembly memory above this size, bytes (default 1 GiB):
   * WebAssembly memory never shrinks, so one huge model would otherwise keep its high-water mark for good.
   */
  recycleAboveBytes?: number;
}

/** Messages to the worker. */
export type WorkerRequest =
  | {
      kind: 'solve';
      id: number;
      text: string;
      options: Readonly<Record<string, string | number | boolean>>;
      timeLimitS: number | undefined;
      progressEveryMs: number;
      warmStart: WarmStart | undefined;
    }
  | { kind: 'cancel-buffer'; buffer: SharedArrayBuffer };

/** Messages from the worker. */
export type WorkerReply =
  | { kind: 'ready'; loadMs: number; version: string }
  | { kind: 'fatal'; message: string }
  | { kind: 'log'; id: number; line: string }
  | { kind: 'progress'; id: number; iterations: number; objective: number | undefined; elapsedMs: number }
  | {
      kind: 'done';
      id: number;
      outcome: 'optimal';
      objective: number;
      numCols: number;
      values: Float64Array;
      stats: WorkerStats;
    }
  | {
      kind: 'done';
      id: number;
      outcome:
        'infeasible' | 'infeasible_or_unbounded' | 'unbounded' | 'time_limit' | 'interrupted' | 'other';
      statusCode: number;
      numCols: number;
      stats: WorkerStats;
    }
  | { kind: 'failed'; id: number; message: string };

/** Timings the worker measures. */
export interface WorkerStats {
  parseMs: number;
  solveMs: number;
  warmStartMs: number | undefined;
  iterations: number;
  memoryBytes: number;
}

const WORKER_URL = new URL('./solver-worker.ts', import.meta.url).href;

/**
 * How the worker is started. Its entry is TypeScript, and a worker thread does not inherit the tsx loader of its
 * parent (neither `node --import tsx`, tsx's `register()` in bin/lingtan.js, nor vitest's transform): on Node 20 the
 * combination that works everywhere is tsx's loader in the worker's `execArgv` plus tsx's `register()` in a small
 * bootstrap module, which then imports the entry.
 */
function workerLaunch(): { url: URL; execArgv: string[] } {
  const require = createRequire(import.meta.url);
  const tsxLoader = pathToFileURL(require.resolve('tsx')).href;
  // The ESM build of `tsx/esm/api` through the package's exports where `import.meta.resolve` exists (Node, tsx);
  // vitest's module runner lacks it, and there the file is found beside tsx's package.json.
  const resolveImport = (import.meta as { resolve?: (specifier: string) => string }).resolve;
  const tsxApi =
    typeof resolveImport === 'function'
      ? resolveImport('tsx/esm/api')
      : new URL('./dist/esm/api/index.mjs', pathToFileURL(require.resolve('tsx/package.json'))).href;
  const code = [
    `const { register } = await import(${JSON.stringify(tsxApi)});`,
    'register();',
    `await import(${JSON.stringify(WORKER_URL)});`,
  ].join('\n');
  return {
    url: new URL(`data:text/javascript,${encodeURIComponent(code)}`),
    execArgv: ['--import', tsxLoader],
  };
}

interface Running {
  worker: Worker;
  ready: Promise<{ ok: true } | { ok: false; message: string }>;
  cancel: Int32Array;
}

/**
 * Creates a solver. The worker starts at the first solve and is kept for the next; it does not keep the process
 * alive while idle. Call `close()` when done.
 *
 * @example
 * const solver = createLpSolver();
 * try {
 *   const outcome = await solver.solve(lp.toText(), { timeoutMs: 30_000, onProgress: (p) => log(p) });
 *   if (outcome.status === 'optimal') use(outcome.values);
 * } finally {
 *   await solver.close();
 * }
 */
export function createLpSolver(options: LpSolverOptions = {}): LpSolver {
  const recycleAboveBytes = options.recycleAboveBytes ?? 2 ** 30;
  let running: Running | undefined;
  let closed = false;
  let nextId = 1;
  let queue: Promise<unknown> = Promise.resolve();

  function start(): Running {
    const launch = workerLaunch();
    const worker = new Worker(launch.url, { execArgv: launch.execArgv, stdout: false, stderr: false });
    worker.unref();
    // A worker that dies between solves is forgotten; the next solve starts another.
    const forget = () => {
      if (running?.worker === worker) running = undefined;
    };
    worker.on('error', forget);
    worker.on('exit', forget);
    const cancelBuffer = new SharedArrayBuffer(4);
    const ready = new Promise<{ ok: true } | { ok: false; message: string }>((resolve) => {
      const onMessage = (message: WorkerReply) => {
        if (message.kind === 'ready') {
          worker.off('message', onMessage);
          resolve({ ok: true });
        } else if (message.kind === 'fatal') {
          worker.off('message', onMessage);
          resolve({ ok: false, message: message.message });
        }
      };
      worker.on('message', onMessage);
      worker.once('error', (error) =>
        resolve({ ok: false, message: `solver worker failed: ${error.message}` }),
      );
      worker.once('exit', (code) =>
        resolve({ ok: false, message: `solver worker exited with code ${code}` }),
      );
    });
    worker.postMessage({ kind: 'cancel-buffer', buffer: cancelBuffer } satisfies WorkerRequest);
    return { worker, ready, cancel: new Int32Array(cancelBuffer) };
  }

  async function discard(): Promise<void> {
    const r = running;
    running = undefined;
    if (r) await r.worker.terminate();
  }

  async function run(lp: LpText, opts: LpSolveOptions): Promise<LpOutcome> {
    const t0 = performance.now();
    if (closed) return { status: 'error', reason: 'closed', message: 'the solver was closed' };
    if (opts.signal?.aborted)
      return { status: 'error', reason: 'cancelled', message: 'the solve was cancelled' };
    running ??= start();
    const current = running;
    const ready = await current.ready;
    if (closed) return { status: 'error', reason: 'closed', message: 'the solver was closed' };
    if (!ready.ok) {
      await discard();
      return { status: 'error', reason: 'worker', message: ready.message };
    }
    const startMs = performance.now() - t0;
    const id = nextId++;
    const timeoutMs = opts.timeoutMs ?? 120_000;
    const { worker } = current;
    worker.ref();
    return await new Promise<LpOutcome>((resolve) => {
      let settled = false;
      const finish = (outcome: LpOutcome, terminate = false) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        worker.off('message', onMessage);
        worker.off('error', onError);
        worker.off('exit', onExit);
        opts.signal?.removeEventListener('abort', onAbort);
        if (terminate) {
          if (running === current) running = undefined;
          void worker.terminate();
        } else {
          worker.unref();
        }
        resolve(outcome);
      };
      const stats = (s: WorkerStats): SolveStats => ({
        startMs,
        parseMs: s.parseMs,
        solveMs: s.solveMs,
        ...(s.warmStartMs === undefined ? {} : { warmStartMs: s.warmStartMs }),
        totalMs: performance.now() - t0,
        iterations: s.iterations,
      });
      const onMessage = (message: WorkerReply) => {
        if (!('id' in message) || message.id !== id) return;
        switch (message.kind) {
          case 'log':
            opts.onProgress?.({ kind: 'log', line: message.line });
            return;
          case 'progress':
            opts.onProgress?.({
              kind: 'iterations',
              iterations: message.iterations,
              objective: message.objective,
              elapsedMs: message.elapsedMs,
            });
            return;
          case 'failed':
            finish({ status: 'error', reason: 'solver', message: `HiGHS failed: ${message.message}` });
            return;
          case 'done': {
            const recycle = message.stats.memoryBytes > recycleAboveBytes;
            if (message.numCols !== lp.numVars) {
              finish(
                {
                  status: 'error',
                  reason: 'solver',
                  message: `HiGHS read ${message.numCols} columns, the model has ${lp.numVars}`,
                  stats: stats(message.stats),
                },
                recycle,
              );
              return;
            }
            finish(outcomeOf(message, stats(message.stats), timeoutMs), recycle);
            return;
          }
        }
      };
      const onError = (error: Error) =>
        finish(
          { status: 'error', reason: 'worker', message: `solver worker failed: ${error.message}` },
          true,
        );
      const onExit = (code: number) =>
        finish(
          closed
            ? { status: 'error', reason: 'closed', message: 'the solver was closed during the solve' }
            : { status: 'error', reason: 'worker', message: `solver worker exited with code ${code}` },
          true,
        );
      const onAbort = () => Atomics.store(current.cancel, 0, id);
      worker.on('message', onMessage);
      worker.once('error', onError);
      worker.once('exit', onExit);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      // HiGHS stops itself at its time limit; the timer is the backstop for a solve that does not return (parsing a
      // huge text is not interruptible), and it ends the worker.
      const timer = setTimeout(
        () =>
          finish(
            {
              status: 'error',
              reason: 'timeout',
              message: `no answer within ${Math.round(timeoutMs / 1000)} s; the solve was stopped`,
            },
            true,
          ),
        timeoutMs + Math.max(1000, timeoutMs * 0.1),
      );
      const elapsedS = (performance.now() - t0) / 1000;
      worker.postMessage({
        kind: 'solve',
        id,
        text: lp.text,
        options: opts.highs ?? {},
        timeLimitS: Math.max(0.001, timeoutMs / 1000 - elapsedS),
        progressEveryMs: opts.progressEveryMs ?? 1000,
        warmStart: opts.warmStart,
      } satisfies WorkerRequest);
    });
  }

  return {
    solve(lp, opts = {}) {
      const result = queue.then(() => run(lp, opts));
      queue = result.catch(() => undefined);
      return result;
    },
    async close() {
      // A solve in flight is stopped (it answers `closed`); queued ones answer `closed` too.
      closed = true;
      await discard();
      await queue;
    },
  };
}

function outcomeOf(
  message: Extract<WorkerReply, { kind: 'done' }>,
  stats: SolveStats,
  timeoutMs: number,
): LpOutcome {
  if (message.outcome === 'optimal') {
    return { status: 'optimal', objective: message.objective, values: message.values, stats };
  }
  switch (message.outcome) {
    case 'infeasible':
      return { status: 'infeasible', proven: true, stats };
    case 'infeasible_or_unbounded':
      return { status: 'infeasible', proven: false, stats };
    case 'unbounded':
      return {
        status: 'error',
        reason: 'unbounded',
        message: 'the LP is unbounded (a cost is missing)',
        stats,
      };
    case 'time_limit':
      return {
        status: 'error',
        reason: 'timeout',
        message: `HiGHS reached the time limit of ${Math.round(timeoutMs / 1000)} s without an optimal solution`,
        stats,
      };
    case 'interrupted':
      return { status: 'error', reason: 'cancelled', message: 'the solve was cancelled', stats };
    case 'other':
      return {
        status: 'error',
        reason: 'solver',
        message: `HiGHS ended with model status ${message.statusCode}`,
        stats,
      };
  }
}
