import { describe, expect, it } from 'vitest';
import { AppError } from '../lib/errors.ts';
import { describeRun, INTERRUPTED_MESSAGE, MicrogridRuns, type RunHooks } from './microgrid-runs.ts';

/** A run under the test's control: it records itself as `runId`, then waits for `end` (or for its signal). */
function controlled(runId: number) {
  let end!: (outcome: 'ok' | Error) => void;
  let hooks!: RunHooks;
  const launch = async (h: RunHooks) => {
    hooks = h;
    h.onRunStarted(runId);
    const outcome = await new Promise<'ok' | Error>((resolve) => {
      end = resolve;
      h.signal.addEventListener('abort', () => resolve('ok'), { once: true });
    });
    if (outcome instanceof Error) throw outcome;
    return { runId, cancelled: h.signal.aborted };
  };
  return { launch, end: (o: 'ok' | Error) => end(o), hooks: () => hooks };
}

function logger() {
  const lines: [string, string][] = [];
  return { lines, log: (level: 'warn' | 'error', message: string) => void lines.push([level, message]) };
}

describe('MicrogridRuns', () => {
  it('answers a background run with its id, shows its latest progress, and forgets it at its end', async () => {
    const runs = new MicrogridRuns();
    const c = controlled(7);
    expect(await runs.startInBackground(c.launch)).toBe(7);
    expect(runs.live().get(7)).toMatchObject({ phase: 'preparing', iterations: null });
    c.hooks().onProgress({ kind: 'iterations', iterations: 10, objective: 3.5, elapsedMs: 1000 });
    expect(runs.live().get(7)).toMatchObject({ phase: 'solving', iterations: 10, objective: 3.5 });
    expect(describeRun({ id: 7, status: 'running' }, runs.live()).progress?.iterations).toBe(10);
    c.end('ok');
    await runs.drain();
    expect(runs.live().size).toBe(0);
  });

  it('reports a running row it does not know as interrupted, and a finished row as it is', () => {
    const live = new MicrogridRuns().live();
    expect(describeRun({ id: 1, status: 'running' }, live)).toEqual({
      id: 1,
      status: 'running',
      interrupted: true,
      message: INTERRUPTED_MESSAGE,
    });
    expect(describeRun({ id: 1, status: 'optimal' }, live)).toEqual({ id: 1, status: 'optimal' });
  });

  it('rejects a failure before the run is recorded; logs one after it, without an unhandled rejection', async () => {
    const { lines, log } = logger();
    const runs = new MicrogridRuns({ log });
    const missing = new AppError('NOT_FOUND', 'no scenario "x"');
    await expect(runs.startInBackground(() => Promise.reject(missing))).rejects.toBe(missing);
    const bad = controlled(8);
    await runs.startInBackground(bad.launch);
    bad.end(new AppError('BAD_INPUT', 'no usable data'));
    const broken = controlled(9);
    await runs.startInBackground(broken.launch);
    broken.end(new Error('connection lost'));
    await runs.drain();
    expect(lines).toEqual([
      ['warn', 'microgrid run 8 failed in the background'],
      ['error', 'microgrid run 9 failed in the background'],
    ]);
  });

  it('runs the synchronous mode to its end, with the same failures as the run', async () => {
    const runs = new MicrogridRuns();
    const c = controlled(3);
    const answer = runs.run(c.launch);
    await Promise.resolve();
    c.end('ok');
    expect(await answer).toEqual({ runId: 3, cancelled: false });
    const failing = controlled(4);
    const failed = runs.run(failing.launch);
    await Promise.resolve();
    failing.end(new Error('boom'));
    await expect(failed).rejects.toThrow('boom');
  });

  it('at close lets runs finish within the grace, then cancels them, and refuses new ones', async () => {
    const runs = new MicrogridRuns({ closeGraceMs: 30, cancelWaitMs: 1000 });
    const quick = controlled(1);
    const slow = controlled(2);
    const quickDone = runs.run(quick.launch);
    const slowDone = runs.run(slow.launch);
    await Promise.resolve();
    setTimeout(() => quick.end('ok'), 5);
    await runs.close();
    expect(await quickDone).toEqual({ runId: 1, cancelled: false });
    expect(await slowDone).toEqual({ runId: 2, cancelled: true });
    await expect(runs.startInBackground(controlled(3).launch)).rejects.toMatchObject({ code: 'UNAVAILABLE' });
  });
});
