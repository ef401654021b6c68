/**
 * Microgrid runs this server process is solving: the latest solver progress of each (shown by GET
 * …/microgrid/runs/:run), runs answered at once and solved in the background (`?async=true`), and their end at
 * shutdown. The runs themselves live in the database (microgrid_run); this registry only knows what this process is
 * doing. A row still `running` that it does not know is reported as interrupted: the process that solved it stopped
 * mid-solve (a restart), or — the one other case — the run is being solved elsewhere (the CLI), whose result replaces
 * the report when it ends. Nothing is written back: the row stays as the solving process left it.
 */
import { AppError } from '../lib/errors.ts';
import type { SolveProgress } from '../modules/microgrid/index.ts';
import type { MicrogridRunLive, MicrogridRunProgress } from './api-types.ts';

/** What a run receives from the registry: where to report its id and progress, and the signal that cancels it. */
export interface RunHooks {
  onRunStarted: (runId: number) => void;
  onProgress: (progress: SolveProgress) => void;
  signal: AbortSignal;
}

/** Starts a run (e.g. `runSizing` with the hooks as options); must call `onRunStarted` once its row exists. */
export type LaunchRun<T> = (hooks: RunHooks) => Promise<T>;

export interface MicrogridRunsOptions {
  /** Where a background run's failure goes (`warn` for an AppError — bad input —, `error` otherwise). */
  log?: (level: 'warn' | 'error', message: string, error: unknown) => void;
  /** At shutdown, how long running solves may go on before they are cancelled, ms (default 10 000). */
  closeGraceMs?: number;
  /** Then how long the cancelled runs have to record their end, ms (default 5 000). */
  cancelWaitMs?: number;
}

/** The message of a run reported as interrupted. */
export const INTERRUPTED_MESSAGE =
  'no server process is solving this run: the server stopped during the solve (or the run was started elsewhere, ' +
  'e.g. from the command line, and its result appears when it ends); run the scenario again';

interface Entry {
  runId: number;
  startedAt: number;
  phase: MicrogridRunProgress['phase'];
  iterations: number | null;
  objective: number | null;
  solveElapsedMs: number | null;
  lastLog: string | null;
}

interface Running {
  controller: AbortController;
  /** Settles (never rejects) when the run has ended and its end is recorded. */
  settled: Promise<void>;
}

/** The progress of every run this process is solving, at one moment (take it before reading the rows). */
export type LiveRuns = ReadonlyMap<number, MicrogridRunProgress>;

export class MicrogridRuns {
  private readonly entries = new Map<number, Entry>();
  private readonly running = new Set<Running>();
  private closing = false;
  private readonly log: NonNullable<MicrogridRunsOptions['log']>;
  private readonly closeGraceMs: number;
  private readonly cancelWaitMs: number;

  constructor(options: MicrogridRunsOptions = {}) {
    this.log = options.log ?? ((_level, message, error) => console.error(message, error));
    this.closeGraceMs = options.closeGraceMs ?? 10_000;
    this.cancelWaitMs = options.cancelWaitMs ?? 5_000;
  }

  /** Runs to the end (the synchronous API), with its progress visible meanwhile; rejects as the run does. */
  run<T>(launch: LaunchRun<T>): Promise<T> {
    const { started, done } = this.begin(launch);
    started.catch(() => undefined); // `done` carries the same failure
    return done;
  }

  /**
   * Starts a run and answers once its row exists, with its id; the solve goes on in the background. A failure
   * before the row exists (no such scenario, the wrong kind) rejects; one after it is recorded on the run by the
   * service and logged here.
   */
  startInBackground<T>(launch: LaunchRun<T>): Promise<number> {
    const { started, done } = this.begin(launch, (runId, error) => {
      const expected = error instanceof AppError;
      this.log(expected ? 'warn' : 'error', `microgrid run ${runId} failed in the background`, error);
    });
    done.catch(() => undefined); // before the row exists the caller gets the failure from `started`; after, logged
    return started;
  }

  /** The progress of the runs solving now; pass it to `describe` for rows read after it was taken. */
  live(): LiveRuns {
    const now = performance.now();
    return new Map(
      [...this.entries.values()].map((e) => [
        e.runId,
        {
          phase: e.phase,
          elapsedMs: Math.round(now - e.startedAt),
          iterations: e.iterations,
          objective: e.objective,
          solveElapsedMs: e.solveElapsedMs,
          lastLog: e.lastLog,
        },
      ]),
    );
  }

  /**
   * Cancels nothing at first: running solves get `closeGraceMs` to finish; then they are cancelled (HiGHS stops at
   * its next iteration and the run is recorded as an error, reason `cancelled`) and get `cancelWaitMs` to record
   * that. A run that has not ended by then stays `running` in the database, and the next process reports it as
   * interrupted. New runs are refused from the start.
   */
  async close(): Promise<void> {
    this.closing = true;
    if (await this.settledWithin(this.closeGraceMs)) return;
    for (const r of this.running) r.controller.abort();
    await this.settledWithin(this.cancelWaitMs);
  }

  /** Waits for every running solve (tests). */
  async drain(): Promise<void> {
    await Promise.all([...this.running].map((r) => r.settled));
  }

  private begin<T>(
    launch: LaunchRun<T>,
    onFailureAfterStart?: (runId: number, error: unknown) => void,
  ): { started: Promise<number>; done: Promise<T> } {
    if (this.closing) {
      const refused = Promise.reject(new AppError('UNAVAILABLE', 'the server is shutting down'));
      return { started: refused, done: refused };
    }
    const controller = new AbortController();
    let entry: Entry | undefined;
    let resolveStarted!: (runId: number) => void;
    let rejectStarted!: (error: unknown) => void;
    const started = new Promise<number>((resolve, reject) => {
      resolveStarted = resolve;
      rejectStarted = reject;
    });
    const hooks: RunHooks = {
      signal: controller.signal,
      onRunStarted: (runId) => {
        entry = {
          runId,
          startedAt: performance.now(),
          phase: 'preparing',
          iterations: null,
          objective: null,
          solveElapsedMs: null,
          lastLog: null,
        };
        this.entries.set(runId, entry);
        resolveStarted(runId);
      },
      onProgress: (p) => {
        if (!entry) return;
        entry.phase = 'solving';
        if (p.kind === 'log') entry.lastLog = p.line;
        else {
          entry.iterations = p.iterations;
          entry.objective = p.objective ?? null;
          entry.solveElapsedMs = Math.round(p.elapsedMs);
        }
      },
    };
    // The entry goes only once the run's end is recorded (the service awaits that before it returns), so a row read
    // as `running` while its entry exists is never mistaken for an interrupted one.
    const done = Promise.resolve()
      .then(() => launch(hooks))
      .then(
        (value) => {
          if (entry) this.entries.delete(entry.runId);
          else rejectStarted(new AppError('INTERNAL', 'the run ended before it was recorded'));
          return value;
        },
        (error: unknown) => {
          if (entry) {
            this.entries.delete(entry.runId);
            onFailureAfterStart?.(entry.runId, error);
          } else rejectStarted(error);
          throw error;
        },
      );
    const r: Running = {
      controller,
      settled: done.then(
        () => undefined,
        () => undefined,
      ),
    };
    this.running.add(r);
    void r.settled.then(() => this.running.delete(r));
    return { started, done };
  }

  private async settledWithin(ms: number): Promise<boolean> {
    if (this.running.size === 0) return true;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<false>((resolve) => {
      timer = setTimeout(() => resolve(false), ms);
    });
    try {
      return await Promise.race([this.drain().then(() => true), timeout]);
    } finally {
      clearTimeout(timer);
    }
  }
}

/**
 * A run row as the API answers it: with its progress while this process solves it, `interrupted` when it is
 * `running` and no process here solves it; otherwise as read. Take `live` before reading the row: a run that ends in
 * between is still in it (its entry goes only after its end is recorded), so it is never reported interrupted.
 */
export function describeRun<R extends { id: number; status: string }>(
  row: R,
  live: LiveRuns,
): R & MicrogridRunLive {
  if (row.status !== 'running') return row;
  const progress = live.get(row.id);
  if (progress) return { ...row, progress };
  return { ...row, interrupted: true, message: INTERRUPTED_MESSAGE };
}
